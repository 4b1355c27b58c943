{{ config(meta={'juesuan_scope': 'document'}) }}
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
    {{ metric_fact_casts() }}
from facts
