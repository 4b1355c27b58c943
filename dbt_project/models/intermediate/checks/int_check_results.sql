-- Every evaluation of every rule (pass, fail, not_evaluable), one family model each.
-- A table, not a view: its tests and the two check marts would otherwise each recompute every check.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
{%- set families = [
    'int_check_budget_identity', 'int_check_budget_narrative', 'int_check_budget_text', 'int_check_budget_completeness', 'int_check_budget_link',
    'int_check_identity', 'int_check_crosstable', 'int_check_narrative', 'int_check_percent',
    'int_check_direction', 'int_check_yoy', 'int_check_carryover', 'int_check_classification',
    'int_check_text', 'int_check_completeness', 'int_check_sangong', 'int_check_validity', 'int_check_peer',
    'int_check_extraction', 'int_check_sentences', 'int_check_conflicts'
] %}
with unioned as (
    {%- for m in families %}
    select
        check_id, document_id, status,
        cast(expected as decimal(38, 6)) as expected,
        cast(actual as decimal(38, 6)) as actual,
        cast(difference as decimal(38, 6)) as difference,
        message, evidence, cast(page as integer) as page, locator
    from {{ ref(m) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

-- a share the metric facts could not place (int_check_percent: 「无法核对：缺少占比的计算依据」) that the sentence rule
-- judged on its own sentence (X 万元，其中：a 万元，占 p%: int_check_sentences) was read after all: the judgement stands
, shares_read as (
    select document_id, try_cast(regexp_extract(locator, '^block:([0-9]+)', 1) as integer) as block_index, actual
    from unioned
    where check_id = 'percent.share' and status in ('pass', 'fail') and regexp_matches(locator, '^block:[0-9]+')
)

, kept as (
    select u.* from unioned as u
    anti join shares_read as s
        on u.check_id = 'percent.share' and u.status = 'not_evaluable'
        and s.document_id = u.document_id
        and s.block_index = try_cast(regexp_extract(u.locator, 'para:([0-9]+)', 1) as integer)
        and s.actual = u.actual
)

-- one defect, one finding: a rule that reaches the same figure twice (a sentence read as two facts) gives two
-- identical rows; keep one (passes and not_evaluable rows too, so check_summary counts each evaluation once)
select * from kept
-- (ordered on every column: the same row is kept every build, so its evidence hash, and so its decisions, hold)
qualify row_number() over (
    partition by check_id, document_id, status, message, page
    order by locator nulls last, evidence nulls last, expected nulls last, actual nulls last, difference nulls last
) = 1
