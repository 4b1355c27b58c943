{{ config(meta={'juesuan_scope': 'document'}) }}
-- A budget's narrative against its own tables, and against last year's budget:
--   budget.narrative_vs_table   an amount the narrative states (metric, or a function line by code) equals what
--                               the tables state for it (the table facts, the 合计 of the 一般公共预算 table …);
--                               passes when any table figure agrees; a quote, so two figures with the same
--                               decimals meet only when equal (chk_meets_quote) — rounded or cut (a 元 figure
--                               quoted in 万元 with its last digits dropped: 2,049,197 元 as 204.91 万元);
--   budget.yoy_previous_budget  a change stated against last year's budget (比2025年预算增加X万元 / 增长Y%)
--                               implies last year's figure; it must equal the same department's (same level, same
--                               unit) previous-year 预算; not_evaluable when that budget is not loaded. A change
--                               whose clause names last year's 执行数 / 决算 compares with something else: skipped.
--   budget.line_change          a 项 sentence's own arithmetic: 2025年当年预算执行数为B万元，2026年预算安排C万元，比2025年
--                               预算执行数增加R% (or 与…持平, R = 0) — R is the change from B (the 执行数, or last year's
--                               预算 when the change is against the budget) to C (this year's budget as the sentence
--                               states it, else the item's head figure); rounding-aware, a rate may be truncated.
--   budget.change_balance       a budget balances (财政拨款收入 = 财政拨款支出, this year and last): the narrative's
--                               change of 财政拨款收入 against last year's budget equals the change of 财政拨款支出,
--                               and that one the changes of its funds (一般公共预算 + 政府性基金 + 国有资本经营; a
--                               fund budgeted 0 with no change stated counts 0) — the document's own figures; and
--                               this year's 财政拨款支出预算 = Σ its funds' budgets (each stated). The k-th statements
--                               are paired (a 编制说明 printed twice is judged twice).
--   budget.basic_split          a 基本支出 the narrative states, followed in its section by its 人员经费 and 公用经费
--                               (其中：（一）人员经费 Y 万元 … （二）公用经费 Z 万元, one paragraph each or one sentence):
--                               基本支出 = 人员经费 + 公用经费, every figure an interval.
--   budget.change_parts         a change the narrative states ending in 其中： (与上年相比增加X万元。其中：), followed by its
--                               numbered parts, one paragraph each (1.教育支出比上年增加A万元；2.…减少B万元): X = the parts'
--                               signed sum, every figure an interval; not judged when a numbered part states no change.
--   budget.yoy_previous_budget  leaves a rate to percent.growth where the sentence's own figures contradict it.
-- All amounts compared in 元 (exact for tables printed in 元 or 万元).
with facts as (
    select * from {{ ref('int_budget_facts') }}
),

lines as (
    select * from {{ ref('int_budget_lines') }}
),

plan_items as (
    select * from {{ ref('int_budget_plan_items') }}
),

documents as (
    select * from {{ ref('int_budget_documents') }}
),

growth_failed as (
    -- sentences whose rate the sentence's own figures already contradict (percent.growth: 本年数 and 变动额 stated
    -- beside the rate): that defect is the sentence's, found without last year's budget — one finding for it
    -- (read from the text blocks: the sentence starts in its block, the rate within the next four)
    select distinct document_id, cast(regexp_extract(locator, 'block:([0-9]+)', 1) as integer) as block_index,
        evidence
    from {{ ref('int_check_sentences') }}
    where check_id = 'percent.growth' and status = 'fail'
),

narrative as (
    select * from facts
    where source_kind = 'narrative' and is_amount and basis = 'budget'
),

unreliable_tables as (
    select distinct document_id, table_key from {{ ref('int_budget_cells') }} where not table_reliable
),

stated_in_tables as (
    -- what the tables state per metric: table facts (of tables read unambiguously; a 财政拨款 table's 合计 is not
    -- an all-funds total), and the metrics read from table cells (plan items)
    select f.document_id, f.metric, f.yuan_lo, f.yuan_hi, f.value, f.raw_text, f.table_key
    from facts as f
    anti join unreliable_tables as u using (document_id, table_key)
    where f.source_kind = 'table' and f.is_amount and f.basis = 'budget'
      and not (f.table_key = 'budget_fiscal_summary' and f.metric in (
          'income_total', 'income_current_year', 'expenditure_current_year', 'expenditure_grand_total'))
    union all
    select document_id, item_code, yuan_lo, yuan_hi, amount_wan, raw_text, table_key
    from plan_items
    where item_kind = 'metric' and table_key is not null and locator like 'table:%'
),

metric_compared as (
    select
        n.document_id, n.metric, n.metric_label, n.value, n.raw_text, n.page, n.locator, n.evidence,
        bool_or({{ chk_meets_quote('n.yuan_lo', 'n.yuan_hi', 't.yuan_lo', 't.yuan_hi') }}
                or {{ chk_meets_quote('n.yuan_lo + (n.yuan_hi - n.yuan_lo) * 0.5', 'n.yuan_hi + (n.yuan_hi - n.yuan_lo) * 0.5',
                                      't.yuan_lo', 't.yuan_hi') }}) as agrees,
        min(t.value) as table_value,
        string_agg(distinct {{ budget_table_zh('t.table_key') }} || t.raw_text, '、'
                   order by {{ budget_table_zh('t.table_key') }} || t.raw_text) as table_text
    from narrative as n
    inner join stated_in_tables as t on t.document_id = n.document_id and t.metric = n.metric
    group by all
),

narrative_lines as (
    select * from lines
    where source_kind = 'narrative' and classification = 'function' and code is not null
      and measure in ('total', 'budget')
),

function_table_lines as (
    -- every table line of the code, whatever its fund (a narrative line may state all funds or 财政拨款 only)
    select * from lines
    where source_kind = 'table' and classification = 'function' and code is not null and table_reliable
      and measure in ('total', 'general_budget', 'govfund')
),

line_compared as (
    select
        n.document_id, n.code, n.name_reported, n.value_wan, n.raw_text, n.page, n.locator, n.evidence,
        bool_or({{ chk_meets_quote('n.yuan_lo', 'n.yuan_hi', 't.yuan_lo', 't.yuan_hi') }}
                or {{ chk_meets_quote('n.yuan_lo + (n.yuan_hi - n.yuan_lo) * 0.5', 'n.yuan_hi + (n.yuan_hi - n.yuan_lo) * 0.5',
                                      't.yuan_lo', 't.yuan_hi') }}) as agrees,
        min(t.value_wan) as table_value,
        string_agg(distinct {{ budget_table_zh('t.table_key') }} || t.raw_text || t.unit_reported, '、'
                   order by {{ budget_table_zh('t.table_key') }} || t.raw_text || t.unit_reported) as table_text
    from narrative_lines as n
    inner join function_table_lines as t on t.document_id = n.document_id and t.code = n.code
        -- like with like: a line of the all-funds list (支出预算总计…包括：) only against the all-funds tables
        and (n.fund_scope <> 'all_funds' or t.fund_scope = 'all_funds')
    group by all
),

narrative_final as (
    select
        'budget.narrative_vs_table' as check_id,
        document_id,
        case when agrees then 'pass' else 'fail' end as status,
        table_value as expected, value as actual, value - table_value as difference,
        {{ chk_page_text('page') }} || '预算说明中' || coalesce(metric_label, metric) || '为' || raw_text
            || '万元，预算表为' || table_text || '；请核对。' as message,
        evidence, page, locator
    from metric_compared
    union all
    select
        'budget.narrative_vs_table',
        document_id,
        case when agrees then 'pass' else 'fail' end,
        table_value, value_wan, value_wan - table_value,
        {{ chk_page_text('page') }} || '预算说明中「' || name_reported || '」为' || raw_text || '万元，预算表为'
            || table_text || '；请核对。',
        evidence, page, locator
    from line_compared
),

-- last year's budget: the same department and level (and the same unit for a 单位预算)
changes as (
    -- a change whose clause names last year's 执行数 or 决算 compares with something else than its budget
    select * from facts
    where source_kind = 'narrative' and basis in ('yoy_change', 'yoy_pct')
      and (compared_year is null or compared_year = fiscal_year - 1)
      and metric is not null
      and not regexp_matches(coalesce(clause, ''), '执行|决算|实际')
),

current_figures as (
    -- the figure the change is about: same paragraph first, else the table
    select
        c.document_id, c.fact_index, f.yuan_lo, f.yuan_hi, f.value, f.raw_text
    from changes as c
    inner join facts as f
        on f.document_id = c.document_id and f.metric = c.metric and f.basis = 'budget' and f.is_amount
    qualify row_number() over (
        partition by c.document_id, c.fact_index
        order by
            case when f.source_kind = 'narrative'
                      and regexp_extract(f.locator, 'para:([0-9]+)', 1) = regexp_extract(c.locator, 'para:([0-9]+)', 1)
                 then 0 when f.source_kind = 'table' then 1 else 2 end,
            f.fact_index
    ) = 1
),

previous_documents as (
    select
        c.document_id, c.fact_index, p.document_id as previous_document_id
    from changes as c
    inner join documents as d on d.document_id = c.document_id
    inner join documents as p
        on p.department_name = d.department_name and p.fiscal_year = d.fiscal_year - 1
        and p.budget_level = d.budget_level
        and coalesce(p.unit_name, '') = coalesce(d.unit_name, '')
    qualify row_number() over (partition by c.document_id, c.fact_index order by p.document_id) = 1
),

previous_figures as (
    select
        pd.document_id, pd.fact_index, pd.previous_document_id,
        f.yuan_lo, f.yuan_hi, f.value, f.raw_text, f.page as previous_page
    from previous_documents as pd
    inner join changes as c on c.document_id = pd.document_id and c.fact_index = pd.fact_index
    inner join facts as f
        on f.document_id = pd.previous_document_id and f.metric = c.metric and f.basis = 'budget' and f.is_amount
    qualify row_number() over (
        partition by pd.document_id, pd.fact_index
        order by case f.source_kind when 'table' then 0 else 1 end, f.fact_index
    ) = 1
),

yoy_joined as (
    select
        c.*,
        cur.yuan_lo as cur_lo, cur.yuan_hi as cur_hi, cur.value as cur_value, cur.raw_text as cur_text,
        pd.previous_document_id,
        prev.yuan_lo as prev_lo, prev.yuan_hi as prev_hi, prev.value as prev_value, prev.raw_text as prev_text,
        {{ chk_lo('abs(c.value_reported)', 'c.decimals_reported') }} as p_lo,
        -- a displayed rate may be rounded or truncated: [p − ½u, p + u]
        {{ chk_hi('abs(c.value_reported)', 'c.decimals_reported') }} + {{ chk_half('c.decimals_reported') }} as p_hi
    from changes as c
    inner join current_figures as cur on cur.document_id = c.document_id and cur.fact_index = c.fact_index
    left join previous_documents as pd on pd.document_id = c.document_id and pd.fact_index = c.fact_index
    left join previous_figures as prev on prev.document_id = c.document_id and prev.fact_index = c.fact_index
),

yoy_evaluated as (
    select
        *,
        case
            when previous_document_id is null then 'not_evaluable'
            when prev_lo is null then null
            when basis = 'yoy_change' and {{ chk_meets('cur_lo - yuan_hi', 'cur_hi - yuan_lo', 'prev_lo', 'prev_hi') }}
                then 'pass'
            -- a rate: |cur − prev| / prev = p%, in the direction the change states
            when basis = 'yoy_pct' and value_reported >= 0
                 and {{ chk_pct_meets('cur_lo - prev_hi', 'cur_hi - prev_lo', 'prev_lo', 'prev_hi', 'p_lo', 'p_hi') }}
                then 'pass'
            when basis = 'yoy_pct' and value_reported < 0
                 and {{ chk_pct_meets('prev_lo - cur_hi', 'prev_hi - cur_lo', 'prev_lo', 'prev_hi', 'p_lo', 'p_hi') }}
                then 'pass'
            when basis = 'yoy_pct' and value_reported = 0 and {{ chk_meets('cur_lo', 'cur_hi', 'prev_lo', 'prev_hi') }}
                then 'pass'
            else 'fail'
        end as status
    from yoy_joined
),

yoy_final as (
    select
        'budget.yoy_previous_budget' as check_id,
        document_id,
        status,
        case when basis = 'yoy_change' then prev_value end as expected,
        case when basis = 'yoy_change' then cur_value - value end as actual,
        case when basis = 'yoy_change' then cur_value - value - prev_value end as difference,
        case
            when status = 'not_evaluable'
                then '无法核对：未载入本部门上年度预算（' || coalesce(metric_label, metric) || '与上年预算比较'
                    || case when basis = 'yoy_pct' then '变动' || raw_text || '%' else '增减' || raw_text || '万元' end
                    || '）。'
            when basis = 'yoy_change'
                then {{ chk_page_text('page') }} || coalesce(metric_label, metric) || '预算' || cur_text
                    || '万元、与上年预算相比增减' || raw_text || '万元，即上年预算应为'
                    || {{ budget_fmt_wan('cur_lo + (cur_hi - cur_lo) * 0.5 - value * 10000') }}
                    || '万元；上年度预算为' || {{ budget_fmt_wan('prev_lo + (prev_hi - prev_lo) * 0.5') }}
                    || '万元；请核对。'
            else {{ chk_page_text('page') }} || coalesce(metric_label, metric) || '预算' || cur_text
                || '万元、与上年预算相比' || coalesce(direction, case when value_reported < 0 then '减少' else '增加' end)
                || raw_text || '%；上年度预算为'
                || {{ budget_fmt_wan('prev_lo + (prev_hi - prev_lo) * 0.5') }} || '万元，实际'
                || case when cur_lo + cur_hi >= prev_lo + prev_hi then '增加' else '减少' end
                || coalesce(cast({{ chk_pct_display('abs(cur_lo + cur_hi - prev_lo - prev_hi) * 0.5', '(prev_lo + prev_hi) * 0.5') }}
                    as varchar), '—') || '%；请核对。'
        end as message,
        evidence, page, locator
    from yoy_evaluated as y
    where status is not null
      and not (basis = 'yoy_pct' and status = 'fail' and exists (
          select 1 from growth_failed as g
          where g.document_id = y.document_id
            and try_cast(regexp_extract(y.locator, 'para:([0-9]+)', 1) as integer)
                between g.block_index and g.block_index + 4
            and contains(replace(g.evidence, ' ', ''), y.raw_text || '%')))
),

-- a 项 sentence's change against the figures it states itself
item_changes as (
    select * from lines
    where source_kind = 'narrative' and classification = 'function' and measure in ('yoy_pct', 'yoy_change')
),

item_figures as (
    select * from lines
    where source_kind = 'narrative' and classification = 'function'
      and measure in ('budget', 'prior_year', 'prior_year_budget')
),

item_joined as (
    -- per change: the base it is against (last year's 执行数, or last year's budget) and this year's budget figures
    -- of the same item stated before it since the item's previous change (the head figure and 预算安排 C)
    select
        c.*,
        base.yuan_lo as base_lo, base.yuan_hi as base_hi, base.raw_text as base_text, base.value_wan as base_value,
        base.measure as base_measure,
        {{ chk_lo('abs(c.value_reported)', 'c.decimals_reported') }} as p_lo,
        {{ chk_hi('abs(c.value_reported)', 'c.decimals_reported') }} + {{ chk_half('c.decimals_reported') }} as p_hi,
        {{ chk_lo('c.value_reported', 'c.decimals_reported') }} * 10000 as d_lo,
        {{ chk_hi('c.value_reported', 'c.decimals_reported') }} * 10000 as d_hi,
        coalesce((
            select max(p.line_order) from item_changes as p
            where p.document_id = c.document_id and p.name_reported = c.name_reported and p.line_order < c.line_order
        ), -1) as item_start
    from item_changes as c
    left join lateral (
        select f.yuan_lo, f.yuan_hi, f.raw_text, f.value_wan, f.measure from item_figures as f
        where f.document_id = c.document_id and f.name_reported = c.name_reported
          and f.measure = case when c.locator like '%/vs:execution%' then 'prior_year' else 'prior_year_budget' end
          and f.line_order < c.line_order
        order by (f.evidence = c.evidence) desc, f.line_order desc
        limit 1
    ) as base on true
),

item_current as (
    -- each budget figure of the item the change may be about
    select
        j.document_id, j.line_order, j.measure, j.value_reported, j.base_lo, j.base_hi, j.p_lo, j.p_hi, j.d_lo,
        j.d_hi, f.yuan_lo as cur_lo, f.yuan_hi as cur_hi, f.raw_text as cur_text, f.line_order as cur_order,
        f.evidence = j.evidence as same_sentence
    from item_joined as j
    inner join item_figures as f
        on f.document_id = j.document_id and f.name_reported = j.name_reported and f.measure = 'budget'
        and f.line_order < j.line_order and f.line_order > j.item_start
    where j.base_lo is not null and j.base_value <> 0
),

item_scored as (
    select
        *,
        case
            when measure = 'yoy_change' then {{ chk_meets('cur_lo - base_hi', 'cur_hi - base_lo', 'd_lo', 'd_hi') }}
            when value_reported = 0 then {{ chk_meets('cur_lo', 'cur_hi', 'base_lo', 'base_hi') }}
            when value_reported > 0
                then {{ chk_pct_meets('cur_lo - base_hi', 'cur_hi - base_lo', 'base_lo', 'base_hi', 'p_lo', 'p_hi') }}
            else {{ chk_pct_meets('base_lo - cur_hi', 'base_hi - cur_lo', 'base_lo', 'base_hi', 'p_lo', 'p_hi') }}
        end as holds
    from item_current
),

item_evaluated as (
    -- the change holds when it follows from the base and any of the item's budget figures (a figure of the
    -- sentence that disagrees with the item's head is a narrative_vs_table finding, not a second one here);
    -- the message quotes the sentence's own budget figure
    select
        j.*,
        s.cur_lo, s.cur_hi, s.cur_text,
        case when bool_or(s.holds) over (partition by j.document_id, j.line_order) then 'pass' else 'fail' end
            as status
    from item_joined as j
    inner join item_scored as s on s.document_id = j.document_id and s.line_order = j.line_order
    qualify row_number() over (
        partition by j.document_id, j.line_order order by s.same_sentence desc, s.cur_order desc
    ) = 1
),

item_final as (
    select
        'budget.line_change' as check_id,
        document_id,
        status,
        cast(null as decimal(38, 6)) as expected,
        value_reported as actual,
        cast(null as decimal(38, 6)) as difference,
        {{ chk_page_text('page') }} || '预算说明中「' || name_reported || '」本年预算' || cur_text || '万元、'
            || case base_measure when 'prior_year' then '上年预算执行数' else '上年预算' end || base_text || '万元，'
            || case
                when measure = 'yoy_change' then '说明写增减' || raw_text || '万元'
                when raw_text = '持平' then '说明写「持平」'
                else '说明写' || case when value_reported < 0 then '减少' else '增加' end || raw_text || '%'
            end
            || '，按所列金额实际'
            || case when cur_lo + cur_hi >= base_lo + base_hi then '增加' else '减少' end
            || case
                when measure = 'yoy_change'
                    then {{ budget_fmt_wan('abs(cur_lo + cur_hi - base_lo - base_hi) * 0.5') }} || '万元'
                else coalesce(cast({{ chk_pct_display('abs(cur_lo + cur_hi - base_lo - base_hi) * 0.5',
                                                     '(base_lo + base_hi) * 0.5') }} as varchar), '—') || '%'
            end || '；请核对。' as message,
        evidence, page, locator
    from item_evaluated
),

balance_facts as (
    -- the k-th statement of each figure: a summary printed twice (the same 编制说明 on two pages) is judged twice,
    -- each statement with its own neighbours
    select *, row_number() over (partition by document_id, metric, basis order by fact_index) as occurrence
    from facts
    where source_kind = 'narrative' and coalesce(clause, '') not like '%执行%' and basis in ('yoy_change', 'budget')
      and metric in ('income_fiscal_appropriation', 'fiscal_expenditure_total', 'general_budget_expenditure',
                     'govfund_expenditure', 'soe_capital_expenditure')
),

balance_changes as (
    -- the k-th statement of each change against last year's budget, and the fund's budget this year
    select document_id, occurrence,
        {%- for alias, metric, basis in [
            ('income_change', 'income_fiscal_appropriation', 'yoy_change'),
            ('spending_change', 'fiscal_expenditure_total', 'yoy_change'),
            ('general_change', 'general_budget_expenditure', 'yoy_change'),
            ('govfund_change', 'govfund_expenditure', 'yoy_change'),
            ('soe_change', 'soe_capital_expenditure', 'yoy_change'),
            ('income_now', 'income_fiscal_appropriation', 'budget'),
            ('spending_now', 'fiscal_expenditure_total', 'budget'),
            ('general_now', 'general_budget_expenditure', 'budget'),
            ('govfund_stated', 'govfund_expenditure', 'budget'),
            ('soe_stated', 'soe_capital_expenditure', 'budget')] %}
        arg_min(value, fact_index) filter (where metric = '{{ metric }}' and basis = '{{ basis }}') as {{ alias }},
        {%- endfor %}
        min(decimals) filter (where basis = 'budget' and metric in ('fiscal_expenditure_total',
            'general_budget_expenditure', 'govfund_expenditure', 'soe_capital_expenditure')) as amount_decimals,
        {%- for what in ['page', 'locator', 'evidence'] %}
        arg_min({{ what }}, fact_index) filter (where metric = 'fiscal_expenditure_total' and basis = 'budget')
            as amount_{{ what }},
        {%- endfor %}
        -- a fund budgeted anywhere in the document is no fund of 0
        coalesce(max(max(abs(value)) filter (where metric = 'govfund_expenditure' and basis = 'budget'))
                 over (partition by document_id), 0) as govfund_now,
        coalesce(max(max(abs(value)) filter (where metric = 'soe_capital_expenditure' and basis = 'budget'))
                 over (partition by document_id), 0) as soe_now,
        max(decimals) filter (where basis = 'yoy_change' and metric in ('income_fiscal_appropriation',
            'fiscal_expenditure_total', 'general_budget_expenditure', 'govfund_expenditure',
            'soe_capital_expenditure')) as decimals,
        arg_min(page, fact_index) filter (where metric = 'fiscal_expenditure_total' and basis = 'yoy_change') as page,
        arg_min(locator, fact_index) filter (where metric = 'fiscal_expenditure_total' and basis = 'yoy_change')
            as locator,
        arg_min(evidence, fact_index) filter (where metric = 'fiscal_expenditure_total' and basis = 'yoy_change')
            as evidence,
        count(distinct compared_year) filter (where basis = 'yoy_change' and metric in (
            'income_fiscal_appropriation', 'fiscal_expenditure_total', 'general_budget_expenditure')) as n_years
    from balance_facts
    group by document_id, occurrence
),

balance_pairs as (
    -- half a unit of the printed decimals per figure compared
    select b.*, cast(0.5 as decimal(38, 6)) / power(10, coalesce(decimals, 2)) as half
    from balance_changes as b
    where n_years <= 1 and spending_change is not null
),

balance_final as (
    select
        'budget.change_balance' as check_id, document_id,
        case when abs(income_change - spending_change) <= 2 * half then 'pass' else 'fail' end as status,
        income_change as expected, spending_change as actual, spending_change - income_change as difference,
        {{ chk_page_text('page') }} || '说明称财政拨款收入比上年预算' || case when income_change < 0 then '减少' else '增加' end
            || {{ chk_fmt('abs(income_change)') }} || '万元，财政拨款支出比上年预算'
            || case when spending_change < 0 then '减少' else '增加' end || {{ chk_fmt('abs(spending_change)') }}
            || '万元；预算收支平衡，两者应相同，请核对增减额或增减用词。' as message,
        evidence, page, locator
    from balance_pairs
    where income_change is not null and abs(income_now - spending_now) <= 2 * half
    union all
    select
        'budget.change_balance', document_id,
        case when abs(general_change + coalesce(govfund_change, 0) + coalesce(soe_change, 0) - spending_change)
                  <= 4 * half then 'pass' else 'fail' end,
        general_change + coalesce(govfund_change, 0) + coalesce(soe_change, 0), spending_change,
        spending_change - (general_change + coalesce(govfund_change, 0) + coalesce(soe_change, 0)),
        {{ chk_page_text('page') }} || '说明称财政拨款支出比上年预算' || case when spending_change < 0 then '减少' else '增加' end
            || {{ chk_fmt('abs(spending_change)') }} || '万元，而其中一般公共预算拨款支出'
            || case when general_change < 0 then '减少' else '增加' end || {{ chk_fmt('abs(general_change)') }} || '万元'
            || coalesce('、政府性基金拨款支出' || case when govfund_change < 0 then '减少' else '增加' end
                        || {{ chk_fmt('abs(govfund_change)') }} || '万元', '')
            || coalesce('、国有资本经营预算拨款支出' || case when soe_change < 0 then '减少' else '增加' end
                        || {{ chk_fmt('abs(soe_change)') }} || '万元', '')
            || '，合计不等；请核对增减额或增减用词。',
        evidence, page, locator
    from balance_pairs
    where general_change is not null and (govfund_change is not null or govfund_now = 0)
      and (soe_change is not null or soe_now = 0)
),

amount_balance_final as (
    -- this year's 财政拨款支出预算 = Σ its funds' (一般公共预算 + 政府性基金 + 国有资本经营), each fund stated
    select
        'budget.change_balance' as check_id, document_id,
        case when abs(general_now + govfund_stated + soe_stated - spending_now) <= 4 * half then 'pass' else 'fail' end
            as status,
        general_now + govfund_stated + soe_stated as expected, spending_now as actual,
        spending_now - (general_now + govfund_stated + soe_stated) as difference,
        {{ chk_page_text('amount_page') }} || '说明称财政拨款支出预算' || {{ chk_fmt('spending_now') }}
            || '万元，而其中一般公共预算拨款支出' || {{ chk_fmt('general_now') }} || '万元、政府性基金拨款支出'
            || {{ chk_fmt('govfund_stated') }} || '万元、国有资本经营预算拨款支出' || {{ chk_fmt('soe_stated') }}
            || '万元，合计' || {{ chk_fmt('general_now + govfund_stated + soe_stated') }}
            || '万元，两者不等；请核对各项金额。' as message,
        amount_evidence as evidence, amount_page as page, amount_locator as locator
    from (
        select *, cast(0.5 as decimal(38, 6)) / power(10, coalesce(amount_decimals, 2)) as half
        from balance_changes
    )
    where spending_now is not null and general_now is not null and govfund_stated is not null
      and soe_stated is not null
),

basic_statements as (
    -- the narrative's 基本支出 statements and their 人员经费 / 公用经费 parts, in reading order within a section
    select *, regexp_extract(locator, '^section:([^/]*)/', 1) as section_key
    from facts
    where source_kind = 'narrative' and basis = 'budget' and is_amount
      and metric in ('expenditure_basic', 'fiscal_basic_expenditure', 'general_budget_basic_expenditure',
                     'basic_personnel', 'basic_public')
      and regexp_matches(locator, '^section:[^/]+/')
),

basic_heads as (
    select b.*,
        coalesce((select min(n.fact_index) from basic_statements as n
                  where n.document_id = b.document_id and n.section_key = b.section_key
                    and n.fact_index > b.fact_index
                    and n.metric not in ('basic_personnel', 'basic_public')), 2147483647) as next_head
    from basic_statements as b
    where b.metric not in ('basic_personnel', 'basic_public')
),

basic_parts as (
    -- the first 人员经费 and the first 公用经费 after each head, before the section's next 基本支出
    select h.document_id, h.fact_index as head_index, p.metric, p.raw_text, p.value, p.yuan_lo, p.yuan_hi, p.evidence
    from basic_heads as h
    inner join basic_statements as p
        on p.document_id = h.document_id and p.section_key = h.section_key
        and p.metric in ('basic_personnel', 'basic_public')
        and p.fact_index > h.fact_index and p.fact_index < h.next_head
    qualify row_number() over (partition by h.document_id, h.fact_index, p.metric order by p.fact_index) = 1
),

basic_split_final as (
    select
        'budget.basic_split' as check_id,
        h.document_id,
        case when {{ chk_meets('h.yuan_lo', 'h.yuan_hi', 'r.yuan_lo + u.yuan_lo', 'r.yuan_hi + u.yuan_hi') }}
             then 'pass' else 'fail' end as status,
        r.value + u.value as expected, h.value as actual, h.value - (r.value + u.value) as difference,
        {{ chk_page_text('h.page') }} || '预算说明中基本支出为' || h.raw_text || '万元，其中人员经费' || r.raw_text
            || '万元、公用经费' || u.raw_text || '万元，合计' || {{ chk_fmt('r.value + u.value') }}
            || case when {{ chk_meets('h.yuan_lo', 'h.yuan_hi', 'r.yuan_lo + u.yuan_lo', 'r.yuan_hi + u.yuan_hi') }}
                    then '万元，与基本支出相符。' else '万元，与基本支出不等；请核对各项金额。' end as message,
        h.evidence || case when r.evidence <> h.evidence then ' ' || r.evidence else '' end
            || case when u.evidence not in (h.evidence, r.evidence) then ' ' || u.evidence else '' end as evidence,
        h.page, h.locator
    from basic_heads as h
    inner join basic_parts as r on r.document_id = h.document_id and r.head_index = h.fact_index
        and r.metric = 'basic_personnel'
    inner join basic_parts as u on u.document_id = h.document_id and u.head_index = h.fact_index
        and u.metric = 'basic_public'
),

change_blocks as (
    select document_id, block_index, page, text, regexp_replace(text, '\s', '', 'g') as compact
    from {{ ref('stg_raw__text_blocks') }}
    where kind <> 'table'
),

change_heads as (
    -- 与上年全年预算数相比增加2,898.54万元。其中：
    select document_id, block_index, page, text,
        regexp_extract(compact, '(增加|减少)([0-9][0-9,]*(\.[0-9]+)?)万元[。，；]?其中[：:]$', 1) as direction,
        regexp_extract(compact, '(增加|减少)([0-9][0-9,]*(\.[0-9]+)?)万元[。，；]?其中[：:]$', 2) as raw_text
    from change_blocks
    where regexp_matches(compact, '(增加|减少)[0-9][0-9,]*(\.[0-9]+)?万元[。，；]?其中[：:]$')
),

change_numbered as (
    -- the numbered paragraphs after a head, up to the first paragraph that is not numbered
    select h.document_id, h.block_index as head_index, b.block_index, b.text, b.compact,
        regexp_extract(b.compact, '(比|较|与)(上年|去年)[^，；。]{0,12}?(增加|减少)([0-9][0-9,]*(\.[0-9]+)?)万元', 3)
            as direction,
        regexp_extract(b.compact, '(比|较|与)(上年|去年)[^，；。]{0,12}?(增加|减少)([0-9][0-9,]*(\.[0-9]+)?)万元', 4)
            as raw_text
    from change_heads as h
    inner join change_blocks as b
        on b.document_id = h.document_id and b.block_index > h.block_index
        and b.block_index < coalesce((
            select min(n.block_index) from change_blocks as n
            where n.document_id = h.document_id and n.block_index > h.block_index
              and not regexp_matches(n.compact, '^[0-9]+[.．、]')), 2147483647)
),

change_sums as (
    select document_id, head_index,
        count(*) as n_parts,
        count(*) filter (where raw_text = '') as n_unstated,
        {%- for what, sign in [('lo', '-'), ('hi', '+')] %}
        sum(case when direction = '减少' then -1 else 1 end * try_cast(nullif(replace(raw_text, ',', ''), '') as decimal(38, 6))
            {{ '+' if what == 'hi' else '-' }} {{ chk_half("length(regexp_extract(raw_text, '\\.([0-9]+)$', 1))") }})
            filter (where raw_text <> '') as parts_{{ what }},
        {%- endfor %}
        sum(case when direction = '减少' then -1 else 1 end * try_cast(nullif(replace(raw_text, ',', ''), '') as decimal(38, 6)))
            filter (where raw_text <> '') as parts_value,
        string_agg(text, ' ' order by block_index) as parts_evidence,
        string_agg(regexp_extract(compact, '^[0-9]+[.．、]([^，；。]*?(增加|减少)[0-9][0-9,]*(\.[0-9]+)?万元)', 1), '；'
                   order by block_index) as parts_text
    from change_numbered
    group by all
),

change_parts_final as (
    select
        'budget.change_parts' as check_id,
        h.document_id,
        case when {{ chk_meets('v.value - ' ~ chk_half('v.decimals'), 'v.value + ' ~ chk_half('v.decimals'),
                               's.parts_lo', 's.parts_hi') }}
             then 'pass' else 'fail' end as status,
        s.parts_value as expected, v.value as actual, v.value - s.parts_value as difference,
        {{ chk_page_text('h.page') }} || '预算说明称比上年' || h.direction || h.raw_text || '万元，其中各项（'
            || s.parts_text || '）增减相抵为' || case when s.parts_value < 0 then '减少' else '增加' end
            || {{ chk_fmt('abs(s.parts_value)') }} || '万元'
            || case when {{ chk_meets('v.value - ' ~ chk_half('v.decimals'), 'v.value + ' ~ chk_half('v.decimals'),
                                     's.parts_lo', 's.parts_hi') }}
                    then '，与总增减额相符。' else '，与总增减额不等；请核对各项增减额或增减用词。' end as message,
        h.text || ' ' || s.parts_evidence as evidence,
        h.page, 'block:' || cast(h.block_index as varchar) as locator
    from change_heads as h
    inner join change_sums as s on s.document_id = h.document_id and s.head_index = h.block_index
    cross join lateral (
        select case when h.direction = '减少' then -1 else 1 end * cast(replace(h.raw_text, ',', '') as decimal(38, 6))
                as value,
            length(regexp_extract(h.raw_text, '\.([0-9]+)$', 1)) as decimals
    ) as v
    where s.n_parts >= 2 and s.n_unstated = 0
),

results as (
    select * from narrative_final
    union all select * from change_parts_final
    union all select * from basic_split_final
    union all select * from amount_balance_final
    union all select * from yoy_final
    union all select * from item_final
    union all select * from balance_final
)

-- a pass keeps its message (check_summary counts it) but not its evidence: nobody reads it, and it would weigh
-- on int_check_results, which sorts every evaluation
select
    check_id, document_id, status, expected, actual, difference, message,
    case when status = 'pass' then '' else evidence end as evidence,
    page, locator
from results
