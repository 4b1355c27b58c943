{{ config(meta={'juesuan_scope': 'document'}) }}
-- Scalar facts of 决算 documents (metric facts and narrative line items) with rounding interval, section and
-- paragraph.
with metric_facts as (
    select * from {{ ref('stg_raw__metric_facts') }}
),

line_items as (
    select * from {{ ref('stg_raw__line_items') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

unioned as (
    select
        document_id, 'metric' as fact_kind, fact_index as fact_index, metric, cast(null as varchar) as name_reported,
        basis, value, decimals, raw_text, unit, source_kind, page, locator, evidence,
        direction, has_reason, compared_year
    from metric_facts
    union all
    select
        document_id, 'line' as fact_kind, line_index, 'function_line', name_reported,
        case measure when 'total' then 'actual' else measure end, value, decimals, raw_text,
        case when measure like '%pct' then '%' else '万元' end,
        source_kind, page, locator, evidence,
        null, null, null
    from line_items
    where source_kind = 'narrative' and classification = 'function'
),

renamed as (
    select
        unioned.*,
        documents.filing_key,
        documents.department_name,
        documents.fiscal_year,
        {{ chk_lo('unioned.value', 'unioned.decimals') }} as lo,
        {{ chk_hi('unioned.value', 'unioned.decimals') }} as hi,
        regexp_extract(unioned.locator, 'section:([^/]+)', 1) as section,
        regexp_extract(unioned.locator, 'para:([0-9]+)', 1) as para,
        -- a locator without chars: is its paragraph's locator (never '' — that would join unrelated facts)
        coalesce(nullif(regexp_extract(unioned.locator, '^(.*)/chars:', 1), ''), unioned.locator) as para_locator
    from unioned
    inner join documents on unioned.document_id = documents.document_id
    -- the 决算 rules read 决算 facts only: a 预算's figures are checked by the budget.* rules (int_check_budget_*)
    where documents.doc_type = 'final_account'
)

select * from renamed
