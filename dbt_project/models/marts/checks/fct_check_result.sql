-- One row per finding: every failed or not evaluable check (passes are counted in check_summary), exact
-- duplicates folded (occurrences), with its stable id, when it was first and last seen, and its review state:
-- the reviewers' decisions come from the review store (raw.review_decisions, copied in by the run) and hold
-- while the evidence they were made on is unchanged; otherwise the finding is reopened.
with findings as (
    select * from {{ ref('int_findings_identified') }}
),

decisions as (
    select * from {{ ref('int_review_decisions_latest') }}
),

sightings as (
    select * from {{ ref('stg_bureau__finding_sightings') }}
),

inputs as (
    select * from {{ ref('stg_bureau__inputs') }}
),

latest_run as (
    -- the latest run that ingested a document (the same for every finding)
    select any_value(run_id) as run_id from {{ ref('int_check_documents') }}
),

reviewed as (
    select
        findings.*,
        decisions.state_after,
        decisions.decision_action,
        decisions.decision_evidence_hash,
        decisions.decision_reason,
        decisions.decided_by,
        decisions.decided_at,
        decisions.response,
        coalesce(decisions.event_count, 0) as decision_count,
        case
            when decisions.finding_id is null then 'open'
            when decisions.state_after in ('accepted', 'rejected')
                and decisions.decision_evidence_hash is not distinct from findings.evidence_hash
                then decisions.state_after
            when decisions.state_after in ('accepted', 'rejected', 'reopened') then 'reopened'
            else 'open'
        end as lifecycle,
        sightings.first_seen_run_id as seen_first_run_id,
        (select run_id from latest_run) as run_id,
        coalesce((select any_value(run_id) from inputs), (select run_id from latest_run)) as this_run_id
    from findings
    left join decisions on findings.finding_id = decisions.finding_id
    left join sightings on findings.finding_id = sightings.finding_id
),

final as (
    select
        run_id,
        finding_id,
        check_id,
        title_zh,
        family,
        severity,
        case when lifecycle in ('accepted', 'rejected') then lifecycle else raw_status end as status,
        lifecycle,
        case
            when lifecycle <> 'reopened' then null
            when decision_action = 'reopen' then 'reviewer'
            else 'evidence_changed'
        end as reopen_cause,
        department_name,
        fiscal_year,
        doc_type,
        document_id,
        message,
        expected,
        actual,
        difference,
        evidence,
        page,
        locator,
        locators,
        occurrences,
        evidence_hash,
        coalesce(seen_first_run_id, this_run_id) as first_seen_run_id,
        this_run_id as last_seen_run_id,
        case when lifecycle in ('accepted', 'rejected', 'reopened') then decision_reason end as disposition_reason,
        case when lifecycle in ('accepted', 'rejected', 'reopened') then decided_by end as disposition_by,
        case when lifecycle in ('accepted', 'rejected', 'reopened') then decided_at end as disposition_at,
        decision_evidence_hash,
        response,
        decision_count
    from reviewed
)

select
    cast(run_id as varchar) as run_id,
    cast(finding_id as varchar) as finding_id,
    cast(check_id as varchar) as check_id,
    cast(title_zh as varchar) as title_zh,
    cast(family as varchar) as family,
    cast(severity as varchar) as severity,
    cast(status as varchar) as status,
    cast(lifecycle as varchar) as lifecycle,
    cast(reopen_cause as varchar) as reopen_cause,
    cast(department_name as varchar) as department_name,
    cast(fiscal_year as integer) as fiscal_year,
    cast(doc_type as varchar) as doc_type,
    cast(document_id as varchar) as document_id,
    cast(message as varchar) as message,
    cast(expected as decimal(38, 6)) as expected,
    cast(actual as decimal(38, 6)) as actual,
    cast(difference as decimal(38, 6)) as difference,
    cast(evidence as varchar) as evidence,
    cast(page as integer) as page,
    cast(locator as varchar) as locator,
    cast(locators as varchar) as locators,
    cast(occurrences as integer) as occurrences,
    cast(evidence_hash as varchar) as evidence_hash,
    cast(first_seen_run_id as varchar) as first_seen_run_id,
    cast(last_seen_run_id as varchar) as last_seen_run_id,
    cast(disposition_reason as varchar) as disposition_reason,
    cast(disposition_by as varchar) as disposition_by,
    cast(disposition_at as timestamptz) as disposition_at,
    cast(decision_evidence_hash as varchar) as decision_evidence_hash,
    cast(response as varchar) as response,
    cast(decision_count as integer) as decision_count
from final
