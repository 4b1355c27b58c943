{{ config(meta={'juesuan_scope': 'document'}) }}
-- direction.word_vs_sign: 增加/减少 agrees with the change (last year's document, or — without it — the only
-- direction in which the stated change and % agree); direction.budget_comparison: 决算数大于/小于/等于预算数;
-- direction.reason_present: 决算 ≠ 预算 needs 主要原因.
with yoy as (
    select * from {{ ref('int_check_yoy_basis') }}
),

facts as (
    select * from {{ ref('int_check_facts') }}
),

texts as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

judged as (
    select document_id, fact_index, metric, word, sign, change_text, page, locator, evidence,
        count(*) filter (where prior_value is not null) as n_prior,
        bool_or(prior_value is not null and sign * (cur_hi - prior_lo) >= 0 and sign * (cur_lo - prior_hi) >= 0)
            as prior_agrees_strict,
        bool_or(prior_value is not null and (
            (sign = 1 and cur_hi - prior_lo >= 0) or (sign = -1 and cur_lo - prior_hi <= 0))) as prior_allows,
        bool_or(pct_value is not null and cur_value is not null and sign is not null
                and {{ chk_pct_meets('change_lo', 'change_hi', 'stated_lo', 'stated_hi', 'pct_lo', 'pct_hi') }})
            as meets_stated,
        bool_or(pct_value is not null and cur_value is not null and sign is not null
                and {{ chk_pct_meets('change_lo', 'change_hi', 'flipped_lo', 'flipped_hi', 'pct_lo', 'pct_hi') }})
            as meets_flipped,
        arg_min(prior_value, abs(prior_value - cur_value)) as prior_shown,
        any_value(cur_value) as cur_shown
    from yoy
    where sign is not null
    group by all
),

word_final as (
    select
        'direction.word_vs_sign' as check_id,
        document_id,
        case
            when n_prior > 0 then case when prior_allows then 'pass' else 'fail' end
            when meets_flipped and not meets_stated then 'fail'
            when meets_stated then 'pass'
            else 'not_evaluable'
        end as status,
        {{ chk_dec('prior_shown') }} as expected,
        {{ chk_dec('cur_shown') }} as actual,
        {{ chk_dec('cur_shown') }} - {{ chk_dec('prior_shown') }} as difference,
        case when n_prior = 0 and not coalesce(meets_flipped, false) and not coalesce(meets_stated, false)
            then '无法核对：缺少上年决算数——' || {{ chk_page_text('page') }} || '说明用「' || word || '」描述同比变动 '
                || change_text || ' 万元，本年数、变动额与增减幅度在两个方向下都不能相互印证，也未载入上年决算。'
        else {{ chk_page_text('page') }} || '说明用「' || word || '」描述同比变动 ' || change_text || ' 万元，但'
            || case when n_prior > 0
                then '本年数 ' || {{ chk_fmt('cur_shown') }} || ' 与上年决算数 ' || {{ chk_fmt('prior_shown') }}
                    || ' 相比方向相反'
                else '变动额、增减幅度与本年数只在相反方向下才一致' end
            || '；请改正增减用词。' end as message,
        evidence, page, locator
    from judged
),

completion_pairs as (
    -- 决算数大于/小于/等于预算数: the direction word carried on the completion fact, against every budget of
    -- the sentence (年初预算 0, 全年预算 321.02 …) — the first actual figure of the paragraph
    select c.document_id, c.fact_index, c.direction, c.has_reason, c.page, c.locator, c.evidence, c.metric,
        c.value as pct_value, c.lo as pct_lo, c.hi as pct_hi,
        a.value as a_value, a.lo as a_lo, a.hi as a_hi, b.value as b_value, b.lo as b_lo, b.hi as b_hi,
        b.fact_index as b_index,
        max(b.value) over (partition by c.document_id, c.fact_index) as max_budget
    from facts as c
    inner join facts as a
        on a.document_id = c.document_id and a.para_locator = c.para_locator and a.metric = c.metric
        and a.basis = 'actual' and a.fact_kind = c.fact_kind
    inner join facts as b
        on b.document_id = c.document_id and b.para_locator = c.para_locator and b.metric = c.metric
        and b.basis = 'budget' and b.fact_kind = c.fact_kind
    where c.source_kind = 'narrative' and c.basis = 'completion_pct' and c.fact_kind = 'metric'
    qualify dense_rank() over (partition by c.document_id, c.fact_index order by a.fact_index) = 1
),

completion as (
    -- one row per completion fact; the word is wrong only when it contradicts every budget of the sentence.
    -- The budget shown: the one the completion % was computed from, else the last one stated.
    select document_id, fact_index, direction, has_reason, page, locator, evidence, metric,
        a_value, a_lo, a_hi,
        arg_max(b_value, (case when {{ chk_pct_meets('a_lo', 'a_hi', 'b_lo', 'b_hi', 'pct_lo', 'pct_hi') }}
                               then 1 else 0 end, b_index)) as b_value,
        arg_max(b_lo, (case when {{ chk_pct_meets('a_lo', 'a_hi', 'b_lo', 'b_hi', 'pct_lo', 'pct_hi') }}
                            then 1 else 0 end, b_index)) as b_lo,
        arg_max(b_hi, (case when {{ chk_pct_meets('a_lo', 'a_hi', 'b_lo', 'b_hi', 'pct_lo', 'pct_hi') }}
                            then 1 else 0 end, b_index)) as b_hi,
        -- a budget of 0 beside a stated one (年初预算 0 万元，全年预算 321.02 万元) is not what the word compares with
        bool_or(case when b_value = 0 and max_budget > 0 then null else case direction
            when '大于' then a_hi >= b_lo
            when '小于' then a_lo <= b_hi
            when '等于' then {{ chk_meets('a_lo', 'a_hi', 'b_lo', 'b_hi') }}
        end end) as any_budget_agrees
    from completion_pairs
    group by all
),

budget_final as (
    select
        'direction.budget_comparison' as check_id, document_id,
        case when any_budget_agrees then 'pass' else 'fail' end as status,
        {{ chk_dec('b_value') }} as expected, {{ chk_dec('a_value') }} as actual,
        {{ chk_dec('a_value') }} - {{ chk_dec('b_value') }} as difference,
        {{ chk_page_text('page') }} || '说明称决算数' || direction || '预算数，但决算数 ' || {{ chk_fmt('a_value') }}
            || ' 万元、预算数 ' || {{ chk_fmt('b_value') }} || ' 万元；请改正比较用词。' as message,
        evidence, page, locator
    from completion
    where direction in ('大于', '小于', '等于')
    union all
    select
        'direction.reason_present', document_id,
        case when direction in ('大于', '小于') and not coalesce(has_reason, false)
             then 'fail' else 'pass' end,
        {{ chk_dec('b_value') }}, {{ chk_dec('a_value') }}, {{ chk_dec('a_value') }} - {{ chk_dec('b_value') }},
        {{ chk_page_text('page') }} || '决算数 ' || {{ chk_fmt('a_value') }} || ' 万元与预算数 '
            || {{ chk_fmt('b_value') }} || ' 万元不一致，但未说明原因；请补充“主要原因是……”。',
        evidence, page, locator
    from completion
),

both_words as (
    -- 决算数大小于预算数: both words kept
    select
        'direction.budget_comparison' as check_id, t.document_id, 'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('t.page') }} || '比较用词同时保留了两个方向（「'
            || regexp_extract(t.text, '(大小于|小大于|大于小于|小于大于|大于/小于|小于/大于|大于（小于）)', 1)
            || '」）；请只保留与数据一致的一个。' as message,
        t.text as evidence, t.page, 'block:' || cast(t.block_index as varchar) as locator
    from texts as t
    inner join documents using (document_id)
    where t.kind <> 'table'
      and regexp_matches(t.text, '(大小于|小大于|大于小于|小于大于|大于/小于|小于/大于|大于（小于）)')
)

select * from word_final
union all select * from budget_final
union all select * from both_words
