{{ config(meta={'juesuan_scope': 'document'}) }}
-- “三公”经费 by item (total, 因公出国（境）, 公务用车购置及运行 and its two parts, 公务接待) and basis
-- (budget / actual / yoy …), from T7 and from the narrative, for current documents. `is_preferred` marks the
-- one figure per department-year, item and basis to use: the table first, the narrative second.
with facts as (
    select * from {{ ref('int_metric_facts_identified') }}
),

preferred as (
    select * from {{ ref('int_metric_facts_preferred') }}
),

final as (
    select
        facts.document_id,
        facts.department_name,
        facts.fiscal_year,
        facts.metric as item,
        facts.metric_label as item_name,
        facts.basis,
        facts.value,
        facts.unit,
        facts.decimals,
        facts.raw_text,
        facts.source_kind,
        case when facts.source_kind = 'table' then regexp_extract(facts.locator, '^table:([^/]+)', 1) end
            as table_key,
        facts.page,
        facts.locator,
        facts.evidence,
        preferred.document_id is not null as is_preferred
    from facts
    left join preferred
        on facts.document_id = preferred.document_id and facts.fact_index = preferred.fact_index
    where facts.is_in_marts and facts.metric_category = 'sangong'
)

select
    {{ document_casts() }},
    cast(item as varchar) as item,
    cast(item_name as varchar) as item_name,
    cast(basis as varchar) as basis,
    cast(value as decimal(18, 2)) as value,
    cast(unit as varchar) as unit,
    cast(decimals as integer) as decimals,
    {{ provenance_casts() }},
    cast(is_preferred as boolean) as is_preferred
from final
