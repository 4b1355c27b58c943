-- Every scalar fact of every revision of every document, with the revision it belongs to: what a
-- department published before it replaced or withdrew a file stays queryable.
with facts as (
    select * from {{ ref('int_metric_facts_identified') }}
)

select
    cast(document_id as varchar) as document_id,
    cast(logical_key as varchar) as logical_key,
    cast(revision as integer) as revision,
    cast(is_current as boolean) as is_current,
    cast(revision_status as varchar) as revision_status,
    cast(department_name as varchar) as department_name,
    cast(fiscal_year as integer) as fiscal_year,
    cast(metric as varchar) as metric,
    cast(basis as varchar) as basis,
    cast(value as decimal(18, 2)) as value,
    cast(decimals as integer) as decimals,
    cast(raw_text as varchar) as raw_text,
    cast(unit as varchar) as unit,
    cast(source_kind as varchar) as source_kind,
    cast(page as integer) as page,
    cast(locator as varchar) as locator,
    cast(evidence as varchar) as evidence
from facts
