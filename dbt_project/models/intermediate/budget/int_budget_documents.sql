-- A table: several budget checks and marts read it; as a view each would recompute it.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
-- Current budget (预算) documents with their level — 部门预算 (a department's consolidated budget) or 单位预算
-- (one budget unit's) — and, for a 单位预算, the unit (预算单位) it describes. Both are read once, at ingest
-- (ingest.identify: the cover title …年区级单位预算, else the file name …单位25年预算, else the cover's label line
-- 预算单位：… / 预算主管部门：…, else the table titles 预算单位财务收支预算总表; the unit as the cover prints it).
-- A budget that says neither is a 部门预算 (level_source 'default'). The department of a 单位预算 is the
-- document's identified department (its 主管部门 when the cover names one).
with documents as (
    select * from {{ ref('int_documents_identified') }}
    where doc_type = 'budget' and is_in_marts
),

final as (
    select
        document_id,
        logical_key,
        department_name,
        department_name_reported,
        peer_group,
        in_registry,
        fiscal_year,
        source_file,
        file_format,
        page_count,
        case when doc_level in ('department', 'unit') then doc_level else 'department' end as budget_level,
        case when doc_level in ('department', 'unit') then 'identified' else 'default' end as level_source,
        case when doc_level = 'unit' then coalesce(unit_name, department_name_reported) end as unit_name
    from documents
)

select * from final
