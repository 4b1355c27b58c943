-- A table: fct_check_result, recomputed county-wide on every run, reads it instead of recomputing every finding.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
-- Every finding (a failed or not evaluable rule evaluation) with its stable id and evidence hash, exact
-- duplicates folded into one row with a count.
--
-- finding_id: the rule, the document lineage (registry department + fiscal year + kind of document: a new
-- revision of the file keeps it, its sha does not enter), the locator and an ordinal among findings of the same
-- rule at the same place. Neither the message wording nor the figures enter: a code upgrade that rewords a
-- message keeps the id, and a decision stays attached when the evidence changes — which the evidence hash tells.
-- evidence_hash: the quoted text (whitespace removed) with the expected and shown values; a decision is pinned
-- to it. The run (the latest that ingested a document: one value for the county) is fct_check_result's: carried
-- here it would change every row whenever any document is new.
with results as (
    select * from {{ ref('int_check_results') }}
),

registry as (
    select * from {{ ref('check_registry') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

identified as (
    select * from {{ ref('int_documents_identified') }}
),

findings as (
    select
        results.check_id,
        registry.title_zh,
        registry.family,
        registry.severity,
        results.status as raw_status,
        identified.department_name,
        documents.fiscal_year,
        coalesce(identified.doc_type, documents.doc_type) as doc_type,
        identified.logical_key,
        results.document_id,
        results.message,
        results.expected,
        results.actual,
        results.difference,
        results.evidence,
        results.page,
        results.locator,
        left(md5(concat_ws('|',
            regexp_replace(coalesce(results.evidence, ''), '\s+', '', 'g'),
            coalesce(cast(results.expected as varchar), ''),
            coalesce(cast(results.actual as varchar), '')
        )), 16) as evidence_hash
    from results
    inner join registry on results.check_id = registry.check_id
    inner join documents on results.document_id = documents.document_id
    left join identified on results.document_id = identified.document_id
    where results.status <> 'pass'
),

folded as (
    select
        check_id,
        any_value(title_zh) as title_zh,
        any_value(family) as family,
        any_value(severity) as severity,
        raw_status,
        department_name,
        fiscal_year,
        doc_type,
        any_value(logical_key) as logical_key,
        document_id,
        message,
        expected,
        actual,
        difference,
        evidence,
        evidence_hash,
        min(page) as page,
        min(coalesce(locator, '')) as locator,
        string_agg(coalesce(locator, ''), ' ; ' order by coalesce(locator, '')) as locators,
        count(*) as occurrences
    from findings
    group by check_id, raw_status, department_name, fiscal_year, doc_type, document_id, message, expected, actual,
        difference, evidence, evidence_hash
),

final as (
    select
        'F' || left(md5(concat_ws('|',
            check_id, department_name, coalesce(cast(fiscal_year as varchar), '?'), coalesce(doc_type, '?'), locator,
            cast(row_number() over (
                partition by check_id, department_name, fiscal_year, doc_type, locator
                order by logical_key, message, evidence_hash
            ) as varchar)
        )), 11) as finding_id,
        *
    from folded
)

select * from final
