-- A table: several budget checks and marts read it; as a view each would recompute it.
{{ config(materialized='table') }}
-- Current budget (预算) documents with their level — 部门预算 (a department's consolidated budget) or 单位预算
-- (one budget unit's) — and, for a 单位预算, the unit (预算单位) it describes.
-- The level is the one identification found (doc_level, from the title or the file name); when it found none,
-- it is read from the document's own words here, the most explicit first: the cover title (…年区级单位预算),
-- the cover's label line (预算主管部门：… / 预算单位：…), the file name (…单位25年预算.pdf), the table titles
-- (部门财务收支预算总表 / 预算单位财务收支预算总表). A budget that says neither is a 部门预算 (level_source 'default').
-- The department of a 单位预算 is the document's identified department (its 主管部门 when the cover names one).
with documents as (
    select * from {{ ref('int_documents_identified') }}
    where doc_type = 'budget' and is_in_marts
),

blocks as (
    select * from {{ ref('stg_raw__text_blocks') }}
    where kind in ('paragraph', 'heading')
),

tables as (
    select * from {{ ref('stg_raw__recognised_tables') }}
),

ordered as (
    select
        blocks.document_id,
        blocks.block_index,
        regexp_replace(blocks.text, '\s', '', 'g') as text_compact,
        row_number() over (partition by blocks.document_id order by blocks.block_index) as block_order,
        count(*) filter (where regexp_matches(regexp_replace(blocks.text, '\s', '', 'g'), '^目录')) over (
            partition by blocks.document_id order by blocks.block_index
            rows between unbounded preceding and current row
        ) as toc_seen
    from blocks
    inner join documents on blocks.document_id = documents.document_id
),

cover as (
    -- the cover: the first short blocks before the table of contents
    select document_id, string_agg(text_compact, '|' order by block_index) as cover_text
    from ordered
    where toc_seen = 0 and block_order <= 8 and length(text_compact) <= 60
    group by document_id
),

table_titles as (
    -- 部门预算经济分类 is the name of a classification, in the titles of both levels
    select
        document_id,
        string_agg(regexp_replace(regexp_replace(table_title, '\s', '', 'g'), '部门预算经济分类', '', 'g'), '|')
            as titles
    from tables
    group by document_id
),

signals as (
    select
        documents.*,
        cover.cover_text,
        regexp_extract(documents.source_file, '[^/\\]+$') as file_name,
        case
            when regexp_matches(cover.cover_text, '单位预算') then 'unit'
            when regexp_matches(cover.cover_text, '部门预算') then 'department'
        end as level_cover,
        case
            when regexp_matches(cover.cover_text, '(^|\|)预算单位[:：]') then 'unit'
            when regexp_matches(cover.cover_text, '(^|\|)(预算)?主管部门[:：]') then 'department'
        end as level_label,
        case
            when regexp_matches(table_titles.titles, '预算单位|(^|\|)([0-9]{4}年度?)?单位') then 'unit'
            when regexp_matches(table_titles.titles, '(^|\|)([0-9]{4}年度?)?部门') then 'department'
        end as level_titles,
        nullif(trim(regexp_extract(cover.cover_text, '预算单位[:：]([^|]+)', 1)), '') as unit_label
    from documents
    left join cover on documents.document_id = cover.document_id
    left join table_titles on documents.document_id = table_titles.document_id
),

with_file as (
    select
        *,
        case
            when regexp_matches(file_name, '单位[0-9]*年?度?(区级|县级|市级)?预算') then 'unit'
            when regexp_matches(file_name, '部门[0-9]*年?度?(区级|县级|市级)?预算') then 'department'
        end as level_file
    from signals
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
        case
            when doc_level in ('department', 'unit') then doc_level
            else coalesce(level_cover, level_label, level_file, level_titles, 'department')
        end as budget_level,
        case
            when doc_level in ('department', 'unit') then 'identified'
            when level_cover is not null then 'cover_title'
            when level_label is not null then 'cover_label'
            when level_file is not null then 'file_name'
            when level_titles is not null then 'table_titles'
            else 'default'
        end as level_source,
        case
            when (case when doc_level in ('department', 'unit') then doc_level
                       else coalesce(level_cover, level_label, level_file, level_titles) end) = 'unit'
                then coalesce(unit_label, department_name_reported)
        end as unit_name
    from with_file
)

select * from final
