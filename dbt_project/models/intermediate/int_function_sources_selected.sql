{{ config(meta={'juesuan_scope': 'document'}) }}
{%- set t = chk_standard_set('final') %}
-- Which document and which source gives each department-year's functional breakdown for the county views.
-- Source of truth, in order: T3 支出决算表, then T5 一般公共预算财政拨款支出决算表 (Tn: the table numbered n in
-- the 决算's standard set, seed standard_table), then the narrative's function lines. Exactly one (document, source) per department-year, so a
-- disclosure split over two files (情况说明.pdf + 报表.xlsx) or a table printed twice is never counted twice.
-- A department-year with two conflicting versions (int_document_conflicts) has no source: neither is used.
with lines as (
    select * from {{ ref('int_classification_lines_resolved') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

conflicts as (
    select * from {{ ref('int_document_conflicts') }}
),

candidates as (
    select
        documents.department_name,
        documents.fiscal_year,
        lines.document_id,
        case
            when lines.source_kind = 'narrative' then 'narrative'
            else lines.table_key
        end as county_source,
        count(*) as n_lines
    from lines
    inner join documents on lines.document_id = documents.document_id
    where documents.is_in_marts
        and documents.doc_type = 'final_account'
        and lines.classification = 'function'
        and lines.measure = 'total'
        and (lines.source_kind = 'narrative' or lines.table_key in ({{ t[3] }}, {{ t[5] }}))
        and not exists (
            select 1 from conflicts
            where conflicts.department_name = documents.department_name
                and conflicts.fiscal_year = documents.fiscal_year
                and conflicts.doc_type = documents.doc_type
        )
    group by all
),

final as (
    select
        department_name,
        fiscal_year,
        document_id,
        county_source,
        n_lines
    from candidates
    qualify row_number() over (
        partition by department_name, fiscal_year
        order by
            case county_source when {{ t[3] }} then 1 when {{ t[5] }} then 2 else 3 end,
            n_lines desc,
            document_id
    ) = 1
)

select * from final
