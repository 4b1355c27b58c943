{{ config(meta={'juesuan_scope': 'document'}) }}
-- Conflicting filings: two different current documents of one department, year and kind that state the same
-- figure differently — two versions of one disclosure, not a split filing (a 情况说明 file and a 报表 file state
-- different figures, or the same ones alike). Self-verifying, not a guess from file names: a pair conflicts when
-- a figure both state (same metric and basis, from the same kind of source: table with table, narrative with
-- narrative) has rounding intervals that cannot meet. One row per document in conflict.
-- The kind is the document type and its scope: a 部门预算/部门决算 (the department with its units) and a
-- 单位预算/单位决算 (one unit) of the same department and year are two disclosures, not two versions; the scope
-- is the document's level as identified at ingest (dim_document.doc_level), and for a 单位… its unit (unit_name).
-- Rule (docs/operations.md): the county marts use neither document of a conflicting department-year until one
-- is withdrawn; `document.conflict` reports it as an error on both.
with facts as (
    select * from {{ ref('int_metric_facts_identified') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

scopes as (
    -- the 单位预算/单位决算 of different units of one department are different disclosures: the unit (as
    -- identification names it, ingest.identify) is the scope; a unit-level file whose unit was not named is its
    -- own scope (its logical key)
    select
        document_id,
        case when doc_level = 'unit' then 'unit|' || coalesce(unit_name, logical_key) else doc_level end as scope
    from documents
),

stated as (
    select
        facts.document_id, facts.department_name, facts.fiscal_year, facts.doc_type, scopes.scope, facts.metric,
        facts.basis, facts.source_kind, facts.metric_label,
        {{ chk_dec('facts.value') }} as value,
        {{ chk_lo('facts.value', 'facts.decimals') }} as lo,
        {{ chk_hi('facts.value', 'facts.decimals') }} as hi
    from facts
    inner join scopes on facts.document_id = scopes.document_id
    where is_in_marts and department_name is not null and fiscal_year is not null and doc_type is not null
        and value is not null
    qualify row_number() over (
        partition by facts.document_id, facts.metric, facts.basis, facts.source_kind order by facts.fact_index
    ) = 1
),

compared as (
    select
        a.department_name,
        a.fiscal_year,
        a.doc_type,
        a.document_id as document_a,
        b.document_id as document_b,
        count(*) as figures_in_common,
        count(*) filter (where not {{ chk_meets('a.lo', 'a.hi', 'b.lo', 'b.hi') }}) as figures_differing,
        min(coalesce(a.metric_label, a.metric) || ' ' || {{ chk_fmt('a.value') }} || ' ≠ ' || {{ chk_fmt('b.value') }})
            filter (where not {{ chk_meets('a.lo', 'a.hi', 'b.lo', 'b.hi') }}) as example
    from stated as a
    inner join stated as b
        on a.department_name = b.department_name
        and a.fiscal_year = b.fiscal_year
        and a.doc_type = b.doc_type
        and a.scope = b.scope
        and a.metric = b.metric
        and a.basis = b.basis
        and a.source_kind = b.source_kind
        and a.document_id < b.document_id
    group by all
),

pairs as (
    select * from compared where figures_differing > 0
),

sides as (
    select department_name, fiscal_year, doc_type, document_a as document_id, document_b as other_document_id,
        figures_in_common, figures_differing, example
    from pairs
    union all
    select department_name, fiscal_year, doc_type, document_b, document_a, figures_in_common, figures_differing,
        example
    from pairs
),

final as (
    select
        sides.document_id,
        any_value(sides.department_name) as department_name,
        any_value(sides.fiscal_year) as fiscal_year,
        any_value(sides.doc_type) as doc_type,
        string_agg(sides.other_document_id, ',' order by sides.other_document_id) as conflicting_document_ids,
        string_agg(regexp_extract(others.source_file, '[^/\\]+$'), '、' order by sides.other_document_id)
            as conflicting_files,
        sum(sides.figures_in_common) as figures_in_common,
        sum(sides.figures_differing) as figures_differing,
        min(sides.example) as example
    from sides
    inner join documents as others on sides.other_document_id = others.document_id
    group by sides.document_id
)

select * from final
