{{ config(meta={'juesuan_scope': 'document'}) }}
{%- set t = chk_standard_set('final') %}
-- Stated percentages vs computed ratios (rounding-aware, exact DECIMAL):
-- percent.share (占X%), percent.completion (完成预算X%), percent.growth (增长/下降X%).
with facts as (
    select * from {{ ref('int_check_facts') }}
),

figures as (
    select * from {{ ref('int_check_table_figures') }}
),

metric_labels as (
    select key as metric, label_zh from {{ ref('metric_catalog') }}
),

yoy as (
    select * from {{ ref('int_check_yoy_basis') }}
),

share_denominators as (
    select * from (values
        ('expenditure_basic', 'expenditure_current_year'), ('expenditure_project', 'expenditure_current_year'),
        ('expenditure_operating', 'expenditure_current_year'),
        ('general_budget_expenditure', 'expenditure_current_year'),
        ('income_general_budget_appropriation', 'income_current_year'),
        ('income_govfund_appropriation', 'income_current_year'),
        ('income_soe_capital_appropriation', 'income_current_year'),
        ('income_fiscal_appropriation', 'income_current_year'), ('income_business', 'income_current_year'),
        ('income_operating', 'income_current_year'), ('income_other', 'income_current_year'),
        ('income_superior_subsidy', 'income_current_year'), ('income_from_affiliates', 'income_current_year'),
        ('sangong_overseas', 'sangong_total'), ('sangong_vehicle', 'sangong_total'),
        ('sangong_reception', 'sangong_total'),
        ('procurement_sme', 'procurement_total'), ('procurement_small_micro', 'procurement_total'),
        ('function_line', 'general_budget_expenditure')
    ) as t(metric, denominator)
),

completion_budgets as (
    -- a metric whose budget the catalogue keeps as a metric of its own (项目全年预算数 X，执行数为 Y，完成预算的 Z%)
    select * from (values ('project_actual', 'project_budget')) as t(metric, budget_metric)
),

pct_claims as (
    -- a displayed % may be rounded or truncated: it stands for [p − ½u, p + u] (u = one unit in the last place)
    select * replace (hi + (hi - value) as hi)
    from facts where source_kind = 'narrative' and basis in ('share_pct', 'completion_pct')
),

numerators as (
    -- same paragraph, same metric (and same line name), basis actual; or the table figure of the metric
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join facts as f
        on f.document_id = p.document_id and f.para_locator = p.para_locator and f.metric = p.metric
        and f.basis = 'actual' and coalesce(f.name_reported, '') = coalesce(p.name_reported, '')
        and f.fact_index < p.fact_index
    union all
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join figures as f on f.filing_key = p.filing_key and f.metric = p.metric and f.basis = 'actual'
    where p.fact_kind = 'metric'
    union all
    -- a 项 line of the narrative: the T5 row of that 项 (and 款) name
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join figures as f
        on f.filing_key = p.filing_key and f.metric = 'function_line:' || {{ t[5] }}
        and length(f.code) = 7 and f.name = regexp_extract(p.name_reported, '（款）(.*?)（项）', 1)
        and exists (
            select 1 from figures as k
            where k.filing_key = f.filing_key and k.metric = f.metric and k.code = left(f.code, 5)
              and k.name = regexp_extract(p.name_reported, '（类）(.*?)（款）', 1))
    where p.fact_kind = 'line'
    union all
    -- a sentence wrapped over several text lines (page texts): the nearest figures before it in its section
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join facts as f
        on f.document_id = p.document_id and f.section = p.section and f.metric = p.metric
        and f.basis = 'actual' and coalesce(f.name_reported, '') = coalesce(p.name_reported, '')
        and f.fact_kind = p.fact_kind and f.fact_index between p.fact_index - 6 and p.fact_index - 1
    where p.basis = 'completion_pct'
    union all
    -- a share wrapped onto the next text line (教育支出（类）26.02 万元，| 占 3.13%): the figure just before it
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join facts as f
        on f.document_id = p.document_id and f.section = p.section and f.metric = p.metric
        and f.basis = 'actual' and coalesce(f.name_reported, '') = coalesce(p.name_reported, '')
        and f.fact_kind = p.fact_kind and f.fact_index = p.fact_index - 1 and f.para_locator <> p.para_locator
    where p.basis = 'share_pct'
),

denominators as (
    -- share: the denominator metric anywhere in the filing's narrative or tables;
    -- completion: the budget figure of the same paragraph and metric
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join share_denominators as sd on sd.metric = p.metric
    inner join facts as f
        on f.filing_key = p.filing_key and f.metric = sd.denominator and f.basis = 'actual'
        and f.fact_kind = 'metric'
    where p.basis = 'share_pct'
    union all
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join share_denominators as sd on sd.metric = p.metric
    inner join figures as f on f.filing_key = p.filing_key and f.metric = sd.denominator and f.basis = 'actual'
    where p.basis = 'share_pct'
    union all
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join facts as f
        on f.document_id = p.document_id and f.para_locator = p.para_locator and f.metric = p.metric
        and f.basis = 'budget' and coalesce(f.name_reported, '') = coalesce(p.name_reported, '')
    where p.basis = 'completion_pct'
    union all
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join facts as f
        on f.document_id = p.document_id and f.section = p.section and f.metric = p.metric
        and f.basis = 'budget' and coalesce(f.name_reported, '') = coalesce(p.name_reported, '')
        and f.fact_kind = p.fact_kind and f.fact_index between p.fact_index - 6 and p.fact_index - 1
    where p.basis = 'completion_pct'
    union all
    -- the budget of the same paragraph under its own metric (项目全年预算数 for 执行数), stated before the rate
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join completion_budgets as cb on cb.metric = p.metric
    inner join facts as f
        on f.document_id = p.document_id and f.para_locator = p.para_locator and f.metric = cb.budget_metric
        and f.basis = 'budget' and f.fact_index < p.fact_index
    where p.basis = 'completion_pct'
    union all
    -- the budget column of a table stating the metric (三公 table: 预算数)
    select p.document_id, p.fact_kind, p.fact_index, f.value, f.lo, f.hi
    from pct_claims as p
    inner join figures as f on f.filing_key = p.filing_key and f.metric = p.metric and f.basis = 'budget'
    where p.basis = 'completion_pct' and p.fact_kind = 'metric'
),

combos as (
    select p.document_id, p.fact_kind, p.fact_index, p.basis, p.metric, p.name_reported, p.value, p.raw_text,
        p.page, p.locator, p.evidence,
        n.value as n_value, d.value as d_value,
        {{ chk_pct_meets('n.lo', 'n.hi', 'd.lo', 'd.hi', 'p.lo', 'p.hi') }} as meets
    from pct_claims as p
    left join (select distinct * from numerators) as n
        on n.document_id = p.document_id and n.fact_kind = p.fact_kind and n.fact_index = p.fact_index
    left join (select distinct * from denominators) as d
        on d.document_id = p.document_id and d.fact_kind = p.fact_kind and d.fact_index = p.fact_index
),

share_completion as (
    select document_id, fact_kind, fact_index, basis, metric, name_reported, value, raw_text, page, locator,
        evidence,
        count(*) filter (where n_value is not null and d_value > 0) as n_pairs,
        bool_or(meets) as any_meets,
        arg_min(n_value, coalesce(abs({{ chk_pct_display('n_value', 'd_value') }} - value), 999999)) as n_shown,
        arg_min(d_value, coalesce(abs({{ chk_pct_display('n_value', 'd_value') }} - value), 999999)) as d_shown
    from combos
    group by all
),

share_completion_final as (
    select
        case basis when 'share_pct' then 'percent.share' else 'percent.completion' end as check_id,
        document_id,
        case when n_pairs = 0 then 'not_evaluable' when any_meets then 'pass' else 'fail' end as status,
        {{ chk_pct_display('n_shown', 'd_shown') }} as expected,
        {{ chk_dec('value') }} as actual,
        {{ chk_dec('value') }} - {{ chk_pct_display('n_shown', 'd_shown') }} as difference,
        case when n_pairs = 0
            then '无法核对：缺少' || case basis when 'share_pct' then '占比' else '预算完成率' end || '的计算依据——'
                || {{ chk_page_text('page') }} || '「' || coalesce(name_reported, label_zh, '该项') || '」'
                || case basis when 'share_pct' then '占比' else '完成预算' end || raw_text
                || '%，本文件未列出' || case basis when 'share_pct' then '其分子或分母金额' else '对应的预算数或决算数' end
                || '。'
            else {{ chk_page_text('page') }} || '「' || coalesce(name_reported, label_zh, '该项') || '」'
                || case basis when 'share_pct' then '占比' else '预算完成率' end || '填报 ' || raw_text
                || '%，按 ' || {{ chk_fmt('n_shown') }} || ' ÷ ' || {{ chk_fmt('d_shown') }} || ' 计算应为 '
                || cast({{ chk_pct_display('n_shown', 'd_shown') }} as varchar)
                || '%，超出舍入误差；请改正百分比。'
        end as message,
        evidence, page, locator
    from share_completion
    left join metric_labels using (metric)
),

growth as (
    -- with last year's document: |cur − prior| / prior; without: change / (cur − sign·change)
    select document_id, fact_index, metric, pct_value, pct_text, pct_locator, change_text, word, sign, page, evidence,
        count(*) filter (where prior_value is not null) as n_prior,
        bool_or(prior_value is not null
                and {{ chk_pct_meets('diff_lo', 'diff_hi', 'prior_lo', 'prior_hi', 'pct_lo', 'pct_hi') }}) as meets_prior,
        bool_or(cur_value is not null and sign is not null
                and {{ chk_pct_meets('change_lo', 'change_hi', 'stated_lo', 'stated_hi', 'pct_lo', 'pct_hi') }})
            as meets_stated,
        bool_or(cur_value is not null and sign is not null
                and {{ chk_pct_meets('change_lo', 'change_hi', 'flipped_lo', 'flipped_hi', 'pct_lo', 'pct_hi') }})
            as meets_flipped,
        count(*) filter (where cur_value is not null) as n_cur,
        bool_or(stated_hi > 0 and stated_lo > 0) as base_positive,
        -- the implied last-year figure may be zero (the interval holds 0), not below it
        bool_or(stated_lo <= 0 and stated_hi >= 0) as base_zero,
        any_value(cur_value) as cur_shown,
        any_value(change_value) as change_shown,
        arg_min(prior_value, abs(prior_value - cur_value)) as prior_shown
    from yoy
    where pct_value is not null
    group by all
),

growth_final as (
    select
        'percent.growth' as check_id,
        document_id,
        case
            when n_prior > 0 then case when meets_prior then 'pass' else 'fail' end
            when n_cur = 0 or sign is null then 'not_evaluable'
            -- last year's figure implied to be zero (变动额 = 本年数, a new item): only 增长100% is customary;
            -- an implied negative last year is impossible
            when not coalesce(base_positive, false)
                then case when sign = 1 and pct_value = 100 and coalesce(base_zero, false) then 'pass' else 'fail' end
            -- consistent only with the opposite direction word: a direction finding, not a % one
            when meets_stated or meets_flipped then 'pass'
            else 'fail'
        end as status,
        case when n_prior > 0 then {{ chk_pct_display('abs(cur_shown - prior_shown)', 'prior_shown') }}
             else {{ chk_pct_display('change_shown', 'cur_shown - sign * change_shown') }} end as expected,
        {{ chk_dec('pct_value') }} as actual,
        {{ chk_dec('pct_value') }} - case when n_prior > 0
            then {{ chk_pct_display('abs(cur_shown - prior_shown)', 'prior_shown') }}
            else {{ chk_pct_display('change_shown', 'cur_shown - sign * change_shown') }} end as difference,
        case
            when n_prior = 0 and (n_cur = 0 or sign is null)
                then '无法核对：缺少本年数——' || {{ chk_page_text('page') }} || '同比' || coalesce(word, '变动')
                    || '幅度 ' || pct_text || '% 所在句子未列出本年数，也未载入上年决算。'
            when n_prior = 0 and not coalesce(base_positive, false)
                then {{ chk_page_text('page') }} || '同比' || word || '幅度填报 ' || pct_text || '%，但变动额 '
                    || change_text || ' 万元' || case when sign = 1 then '不小于' else '大于' end || '本年数 '
                    || {{ chk_fmt('cur_shown') }} || ' 万元，上年数为零或为负，增减幅度无从计算'
                    || case when sign = 1 then '（上年为零时通常写“增长100%”）' else '' end || '；请改正百分比。'
            else {{ chk_page_text('page') }} || '同比' || word || '幅度填报 ' || pct_text || '%，按'
            || case when n_prior > 0
                then '本年数 ' || {{ chk_fmt('cur_shown') }} || ' 与上年决算数 ' || {{ chk_fmt('prior_shown') }}
                else '变动额 ' || change_text || ' 万元与本年数 ' || coalesce({{ chk_fmt('cur_shown') }}, '?') end
            || ' 计算应为 ' || coalesce(cast(case when n_prior > 0
                then {{ chk_pct_display('abs(cur_shown - prior_shown)', 'prior_shown') }}
                else {{ chk_pct_display('change_shown', 'cur_shown - sign * change_shown') }} end as varchar) || '%', '?')
            || '，超出舍入误差；请改正百分比。' end as message,
        evidence, page, pct_locator as locator
    from growth
)

select * from share_completion_final
union all
select * from growth_final
