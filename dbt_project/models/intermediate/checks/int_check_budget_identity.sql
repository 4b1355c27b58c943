{{ config(meta={'juesuan_scope': 'document'}) }}
-- Budget (预算) tables' own identities, in each table's unit, every figure an interval (a blank cell is an exact 0):
--   budget.rollup        合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 per column (function and economic tables);
--   budget.row_total     合计 column = Σ its component columns in every row;
--   budget.summary_total 财务收支 / 财政拨款收支预算总表: per column, the numbered rows sum to 本年…合计 (or to the
--                        总计 when there is none), 总计 = 本年合计 + the rows between, 收入总计 = 支出总计;
--   budget.cross_table   each class of the summary tables = the 类 row of the function table of its fund scope;
--                        一般公共预算支出 合计 of 基本支出 = 基本支出经济分类预算表 合计;
--   budget.sangong_total 三公 合计 = 因公出国（境）+ 公务用车 + 公务接待 (+ 会议费 + 培训费 where the 合计 holds them,
--                        with a 三公 小计), 公务用车 = 购置费 + 运行费.
--   budget.procurement_total 政府采购支出预算表: 合计 = Σ its numbered 品目大类 heads (货物, 工程, 服务).
--   budget.code_format   a code of a classification table that is not 3, 5 or 7 digits (301 2 for 30102); the row
--                        naming the unit itself with its 单位编码 is no subject.
-- A table not read unambiguously (int_budget_cells.table_reliable) is left out. A child row with a malformed
-- code still counts in its parent's sum (the code is reported by budget.code_format).
with cells as (
    select * from {{ ref('int_budget_cells') }}
    where table_reliable
),

lines as (
    select * from {{ ref('int_budget_lines') }}
    where table_reliable
),

line_tables_read as (
    select * from cells
    -- every budget table of classification lines (function or economic), the 机关运行经费 table included
    where table_key in {{ chk_table_keys(kind='budget', layout='lines') }}
        or table_key in {{ chk_table_keys(kind='budget', layout='economic') }}
),

line_blank_totals as (
    -- a 合计/总计 row read with figures in some columns but blank in a column whose coded rows carry figures
    -- (合计 | （空白） | 199,019.33 | 31,857.05): the blank total is an exact 0, like any blank cell, and stands
    -- against its classes and against its row's other columns
    select t.* replace (
        m.measure as measure, m.measure_label as measure_label,
        cast(0 as decimal(38, 6)) as yuan_value, cast(0 as decimal(38, 6)) as yuan_lo,
        cast(0 as decimal(38, 6)) as yuan_hi, cast(0 as decimal(38, 6)) as value_wan,
        '0' as raw_text, t.row_label || '（空白）' as row_label,
        t.locator || '/blank:' || m.measure as locator)
    from (
        select document_id, table_key, measure, min(measure_label) as measure_label
        from line_tables_read
        where code is not null
        group by all
        having sum(abs(yuan_value)) > 0
    ) as m
    inner join line_tables_read as t
        on t.document_id = m.document_id and t.table_key = m.table_key and t.measure <> m.measure
        and t.code is null and t.row_name in ('合计', '总计')
    where not exists (
        select 1 from line_tables_read as o
        where o.document_id = t.document_id and o.table_key = t.table_key and o.row_key = t.row_key
          and o.measure = m.measure)
    qualify row_number() over (partition by t.document_id, t.table_key, t.row_key, m.measure
                               order by t.col_index) = 1
),

line_tables as (
    select * from line_tables_read
    union all by name
    select * from line_blank_totals
),

all_coded as (
    select * from line_tables
    where code is not null and regexp_matches(code, '^[0-9]{3,7}$')
    qualify row_number() over (partition by document_id, table_key, code, measure order by row_order) = 1
),

coded as (
    select * from all_coded where code_level is not null
),

child_rows as (
    -- the rows one level below a parent: 2 more digits, or 1 more (a 款 printed 301 2 for 30102)
    select p.document_id, p.table_key, p.code as parent_code, c.* exclude (document_id, table_key)
    from coded as p
    inner join all_coded as c
        on c.document_id = p.document_id and c.table_key = p.table_key and c.measure = p.measure
        and length(c.code) in (length(p.code) + 1, length(p.code) + 2) and starts_with(c.code, p.code)
    where p.code_level in ('类', '款')
),

parents_with_children as (
    select distinct document_id, table_key, parent_code as code from child_rows
),

children as (
    select
        document_id, table_key, parent_code, measure,
        sum(yuan_lo) as lo, sum(yuan_hi) as hi, sum(yuan_value) as value,
        min(page) as parts_first_page, max(page) as parts_last_page
    from child_rows
    group by all
),

rollup_code as (
    select
        p.document_id, p.table_key, p.code, p.row_label, p.measure_label, p.unit_reported, p.raw_text,
        p.yuan_value as shown, coalesce(ch.value, 0) as parts,
        p.yuan_lo as lo, p.yuan_hi as hi, coalesce(ch.lo, 0) as parts_lo, coalesce(ch.hi, 0) as parts_hi,
        case p.code_level when '类' then '所属各款' else '所属各项' end as parts_name,
        p.page, p.locator, p.evidence,
        {{ chk_parts_pages_note('ch.parts_first_page', 'ch.parts_last_page', 'p.page') }} as parts_note
    from coded as p
    inner join parents_with_children using (document_id, table_key, code)
    left join children as ch
        on ch.document_id = p.document_id and ch.table_key = p.table_key
        and ch.parent_code = p.code and ch.measure = p.measure
),

total_rows as (
    -- every 合计/总计 row: a total printed again under the last rows of a table continued over pages is the same
    -- sum of the same 类
    select * from line_tables
    where code is null and row_name in ('合计', '总计')
),

class_sums as (
    select document_id, table_key, measure,
        sum(yuan_lo) as lo, sum(yuan_hi) as hi, sum(yuan_value) as value
    from coded
    where code_level = '类'
    group by all
),

rollup_total as (
    select
        t.document_id, t.table_key, t.code, t.row_label, t.measure_label, t.unit_reported, t.raw_text,
        t.yuan_value as shown, coalesce(s.value, 0) as parts,
        t.yuan_lo as lo, t.yuan_hi as hi, coalesce(s.lo, 0) as parts_lo, coalesce(s.hi, 0) as parts_hi,
        '各类' as parts_name,
        t.page, t.locator, t.evidence, cast(null as varchar) as parts_note
    from total_rows as t
    inner join (select distinct document_id, table_key from class_sums) as has_classes
        using (document_id, table_key)
    left join class_sums as s using (document_id, table_key, measure)
),

rollups as (
    select * from rollup_code
    union all
    select * from rollup_total
),

rollup_final as (
    select
        'budget.rollup' as check_id,
        document_id,
        {{ budget_identity_outcome('shown', 'lo', 'hi', 'parts', 'parts_lo', 'parts_hi') }},
        {{ chk_page_text('page') }} || {{ budget_table_zh('table_key') }} || '「' || coalesce(code || ' ', '')
            || row_label || '」' || measure_label || '为' || raw_text || unit_reported || '，' || parts_name || '之和为'
            || {{ budget_fmt_amount('parts', 'unit_reported') }} || unit_reported || coalesce(parts_note, '')
            || '；请核对合计与明细。' as message,
        evidence, page, locator
    from rollups
),

component_measures as (
    select * from (values
        ('budget_income', 'total', 'fiscal_appropriation'), ('budget_income', 'total', 'business'),
        ('budget_income', 'total', 'operating'), ('budget_income', 'total', 'other'),
        ('budget_income', 'total', 'superior_subsidy'), ('budget_income', 'total', 'affiliates'),
        ('budget_income', 'total', 'carryover'), ('budget_income', 'total', 'nonfiscal_balance'),
        ('budget_expenditure', 'total', 'basic'), ('budget_expenditure', 'total', 'project'),
        ('budget_expenditure', 'total', 'reserve'),
        ('budget_general_expenditure', 'total', 'basic'), ('budget_general_expenditure', 'total', 'project'),
        ('budget_govfund', 'total', 'basic'), ('budget_govfund', 'total', 'project'),
        ('budget_soe_capital', 'total', 'basic'), ('budget_soe_capital', 'total', 'project'),
        ('budget_fiscal_expenditure', 'total', 'basic'), ('budget_fiscal_expenditure', 'total', 'project'),
        ('budget_general_basic', 'total', 'personnel'), ('budget_general_basic', 'total', 'public'),
        ('budget_fiscal_basic', 'total', 'personnel'), ('budget_fiscal_basic', 'total', 'public'),
        ('budget_income_expenditure_summary', 'expenditure_total', 'expenditure_personnel'),
        ('budget_income_expenditure_summary', 'expenditure_total', 'expenditure_public'),
        ('budget_income_expenditure_summary', 'expenditure_total', 'expenditure_project'),
        ('budget_fiscal_summary', 'expenditure_total', 'expenditure_general_budget'),
        ('budget_fiscal_summary', 'expenditure_total', 'expenditure_govfund'),
        ('budget_fiscal_summary', 'expenditure_total', 'expenditure_soe_capital')
    ) as t(table_key, total_measure, measure)
),

reliable_rows as (
    -- rows where no measure appears twice (a column read twice under one name is a misreading)
    select document_id, table_key, row_key
    from cells
    group by all
    having count(*) = count(distinct measure)
),

row_parts as (
    select c.document_id, c.table_key, c.row_key, m.total_measure,
        sum(c.yuan_lo) as lo, sum(c.yuan_hi) as hi, sum(c.yuan_value) as value,
        string_agg(c.measure_label || ' ' || c.raw_text, ' + ' order by c.col_index) as parts_text
    from cells as c
    inner join component_measures as m using (table_key, measure)
    inner join reliable_rows using (document_id, table_key, row_key)
    group by all
),

row_total_final as (
    select
        'budget.row_total' as check_id,
        t.document_id,
        {{ budget_identity_outcome('t.yuan_value', 't.yuan_lo', 't.yuan_hi', 'p.value', 'p.lo', 'p.hi') }},
        {{ chk_page_text('t.page') }} || {{ budget_table_zh('t.table_key') }} || '「' || coalesce(t.code || ' ', '')
            || t.row_label || '」' || t.measure_label || '为' || t.raw_text || t.unit_reported || '，而'
            || p.parts_text || ' = ' || {{ budget_fmt_amount('p.value', 't.unit_reported') }} || t.unit_reported
            || '；合计与分项之和不相等，请核对。' as message,
        t.evidence, t.page, t.locator
    from (select * from cells union all by name select * from line_blank_totals) as t
    inner join row_parts as p
        on p.document_id = t.document_id and p.table_key = t.table_key and p.row_key = t.row_key
        and p.total_measure = t.measure
),

-- 财务收支预算总表 / 财政拨款收支预算总表: one column at a time, in row order
summary_cells as (
    select
        *,
        case
            when regexp_matches(row_name, '^(本年|当年)(收入|支出)(合计|小计)$') then 'subtotal'
            when regexp_matches(row_name, '^(收入|支出)?(总计|合计)$') then 'total'
            when regexp_matches(trim(row_label), '^[一二三四五六七八九十]+[、.．]') then 'numbered'
            when regexp_matches(trim(row_label), '^([0-9]+[、.．]|其中)') then 'part'
            when row_name = '' then 'unlabelled'
            else 'other'
        end as row_role,
        case when measure like 'income%' then 'income' else 'expenditure' end as side
    from cells
    where table_key in {{ chk_table_keys(kind='budget', layout='summary') }}
),

summary_groups as (
    -- a column with an unlabelled figure is not read reliably (the labels stand in another column)
    select document_id, table_key, measure, col_index
    from summary_cells
    group by all
    having count(*) filter (where row_role = 'unlabelled') = 0
),

summary_own_bounds as (
    select
        c.document_id, c.table_key, c.measure, c.col_index, c.side,
        min(c.row_order) filter (where c.row_role = 'subtotal') as subtotal_order,
        min(c.row_order) filter (where c.row_role = 'total') as total_order,
        count(*) filter (where c.row_role in ('numbered', 'part', 'other')) as n_items
    from summary_cells as c
    inner join summary_groups using (document_id, table_key, measure, col_index)
    group by all
),

summary_side_totals as (
    -- per side, the first column printing its own 本年合计 (else 总计): the total of a column that has none of its
    -- own (江苏's 功能分类 column beside the 支出用途 column, both under one 当年支出小计)
    select document_id, table_key, side,
        arg_min(col_index, col_index) as target_col,
        arg_min(coalesce(subtotal_order, total_order), col_index) as target_order
    from summary_own_bounds
    where coalesce(subtotal_order, total_order) is not null
    group by all
),

summary_table_totals as (
    -- the row where the table prints its first 本年合计 (else 总计), on any side: where a side's own total cell is
    -- blank, the blank is an exact 0 at that row
    select document_id, table_key,
        arg_min(row_order, row_order) filter (where row_role = 'subtotal') as subtotal_order,
        arg_min(row_order, row_order) filter (where row_role = 'total') as total_order
    from summary_cells
    group by all
),

summary_bounds as (
    select
        b.document_id, b.table_key, b.measure, b.col_index, b.side,
        b.subtotal_order, b.total_order,
        coalesce(b.subtotal_order, b.total_order) is null as borrowed,
        case when coalesce(b.subtotal_order, b.total_order) is null then st.target_col else b.col_index end
            as target_col,
        case when coalesce(b.subtotal_order, b.total_order) is null
             then coalesce(st.target_order, tt.subtotal_order, tt.total_order) end as borrowed_order,
        b.n_items,
        -- the table's other columns have their numbered rows read
        exists (select 1 from summary_cells as o
                where o.document_id = b.document_id and o.table_key = b.table_key and o.col_index <> b.col_index
                  and o.row_role = 'numbered' and o.yuan_value <> 0) as others_read
    from summary_own_bounds as b
    left join summary_side_totals as st
        on st.document_id = b.document_id and st.table_key = b.table_key and st.side = b.side
        and st.target_col <> b.col_index
    left join summary_table_totals as tt on tt.document_id = b.document_id and tt.table_key = b.table_key
),

summary_sums as (
    select
        b.document_id, b.table_key, b.measure, b.col_index, b.subtotal_order, b.total_order, b.borrowed,
        b.target_col, b.borrowed_order, b.n_items, b.others_read,
        {%- for what in ['lo', 'hi', 'value'] %}
        coalesce(sum(c.yuan_{{ what }}) filter (where c.row_role = 'numbered'
            and c.row_order < coalesce(b.subtotal_order, b.total_order, b.borrowed_order)),
            -- a column whose only figures are its totals: its numbered rows are blank, an exact 0
            case when b.n_items = 0 and b.others_read then 0 end) as numbered_{{ what }},
        sum(c.yuan_{{ what }}) filter (where c.row_role = 'other'
            and c.row_order > b.subtotal_order and c.row_order < b.total_order) as between_{{ what }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from summary_bounds as b
    inner join summary_cells as c using (document_id, table_key, measure, col_index)
    group by b.document_id, b.table_key, b.measure, b.col_index, b.subtotal_order, b.total_order, b.borrowed,
        b.target_col, b.borrowed_order, b.n_items, b.others_read
),

summary_blank_cells as (
    -- the cell a borrowed target stands at when its side prints no total in any column: blank, an exact 0
    select s.document_id, s.table_key, s.measure, s.col_index, s.borrowed_order as row_order,
        'total' as row_role,
        o.row_label || '（空白）' as row_label, m.measure_label, '0' as raw_text, o.unit_reported,
        cast(0 as decimal(38, 6)) as yuan_value, cast(0 as decimal(38, 6)) as yuan_lo,
        cast(0 as decimal(38, 6)) as yuan_hi, o.page, o.locator || '/blank:' || s.measure as locator, o.evidence
    from summary_sums as s
    inner join summary_cells as o
        on o.document_id = s.document_id and o.table_key = s.table_key and o.row_order = s.borrowed_order
    inner join (
        select document_id, table_key, measure, col_index, min(measure_label) as measure_label
        from summary_cells group by all
    ) as m on m.document_id = s.document_id and m.table_key = s.table_key and m.measure = s.measure
        and m.col_index = s.col_index
    where s.borrowed and s.target_col is null
    qualify row_number() over (partition by s.document_id, s.table_key, s.measure, s.col_index
                               order by o.col_index) = 1
),

summary_targets as (
    -- the row the numbered rows add up to (本年合计, else 总计), and the 总计 over a 本年合计; a column with no total
    -- of its own adds up to its side's first total (another column's, or blank)
    select
        s.*, c.row_role as target_role, c.row_label, c.measure_label, c.raw_text, c.unit_reported,
        c.yuan_value as shown, c.yuan_lo as lo, c.yuan_hi as hi, c.page, c.locator, c.evidence,
        case
            when s.borrowed or c.row_role = 'subtotal' or s.subtotal_order is null then s.numbered_value
            else sub.yuan_value + coalesce(s.between_value, 0)
        end as parts,
        case
            when s.borrowed or c.row_role = 'subtotal' or s.subtotal_order is null then s.numbered_lo
            else sub.yuan_lo + coalesce(s.between_lo, 0)
        end as parts_lo,
        case
            when s.borrowed or c.row_role = 'subtotal' or s.subtotal_order is null then s.numbered_hi
            else sub.yuan_hi + coalesce(s.between_hi, 0)
        end as parts_hi,
        case
            when s.borrowed and c.col_index <> s.col_index then m.measure_label || '各项之和'
            when s.borrowed or c.row_role = 'subtotal' or s.subtotal_order is null then '各项之和'
            else '本年合计与其后各项之和'
        end as parts_name
    from summary_sums as s
    inner join (
        select document_id, table_key, measure, col_index, row_order, row_role, row_label, measure_label, raw_text,
            unit_reported, yuan_value, yuan_lo, yuan_hi, page, locator, evidence
        from summary_cells
        union all
        select document_id, table_key, measure, col_index, row_order, row_role, row_label, measure_label, raw_text,
            unit_reported, yuan_value, yuan_lo, yuan_hi, page, locator, evidence
        from summary_blank_cells
    ) as c
        on c.document_id = s.document_id and c.table_key = s.table_key
        and (
            (not s.borrowed and c.measure = s.measure and c.col_index = s.col_index
             and c.row_order in (s.subtotal_order, s.total_order))
            -- another column's total: the cell of that column at the side's total row
            or (s.borrowed and s.target_col is not null and c.col_index = s.target_col
                and c.row_order = s.borrowed_order)
            or (s.borrowed and s.target_col is null and c.measure = s.measure and c.col_index = s.col_index
                and c.row_order = s.borrowed_order))
    inner join (
        select document_id, table_key, measure, col_index, min(measure_label) as measure_label
        from summary_cells group by all
    ) as m on m.document_id = s.document_id and m.table_key = s.table_key and m.measure = s.measure
        and m.col_index = s.col_index
    left join summary_cells as sub
        on sub.document_id = s.document_id and sub.table_key = s.table_key and sub.measure = s.measure
        and sub.col_index = s.col_index and sub.row_order = s.subtotal_order
    where s.numbered_value is not null
),

summary_balance as (
    -- 收入总计 = 支出总计 (the first total column of each side)
    select
        i.document_id, i.table_key, e.row_label, e.measure_label, e.raw_text, e.unit_reported,
        e.yuan_value as shown, e.yuan_lo as lo, e.yuan_hi as hi,
        i.yuan_value as parts, i.yuan_lo as parts_lo, i.yuan_hi as parts_hi, '收入总计' as parts_name,
        e.page, e.locator, e.evidence
    from summary_cells as i
    inner join summary_cells as e
        on e.document_id = i.document_id and e.table_key = i.table_key and e.side = 'expenditure'
    where i.side = 'income' and i.row_role = 'total' and e.row_role = 'total'
        and e.measure in ('expenditure', 'expenditure_total')
    qualify row_number() over (partition by i.document_id, i.table_key order by i.row_order, e.row_order) = 1
),

summary_all as (
    select
        document_id, table_key, row_label, measure_label, raw_text, unit_reported, shown, lo, hi,
        parts, parts_lo, parts_hi, parts_name, page, locator, evidence
    from summary_targets
    union all
    select * from summary_balance
),

summary_final as (
    select
        'budget.summary_total' as check_id,
        document_id,
        {{ budget_identity_outcome('shown', 'lo', 'hi', 'parts', 'parts_lo', 'parts_hi') }},
        {{ chk_page_text('page') }} || {{ budget_table_zh('table_key') }} || '「' || row_label || '」' || measure_label
            || '为' || raw_text || unit_reported || '，' || parts_name || '为'
            || {{ budget_fmt_amount('parts', 'unit_reported') }} || unit_reported || '；请核对。' as message,
        evidence, page, locator
    from summary_all
),

-- classes of the summary tables against the 类 rows of the function table of their fund scope
summary_classes as (
    select * from lines
    where table_key in {{ chk_table_keys(kind='budget', layout='summary') }}
      and classification = 'function' and level = '类' and code is not null
      and measure in ('total', 'general_budget', 'govfund', 'soe_capital')
),

-- the numbered expenditure tables of function lines (支出预算总表 and the three funds' tables)
function_classes as (
    select * from lines
    where table_key in {{ chk_table_keys(kind='budget', layout='lines', side='expenditure', numbered=true) }}
      and classification = 'function' and measure = 'total' and code is not null and length(code) = 3
    qualify row_number() over (partition by document_id, table_key, code order by line_order) = 1
),

function_tables as (
    select distinct document_id, table_key from lines
    where table_key in {{ chk_table_keys(kind='budget', layout='lines', side='expenditure', numbered=true) }}
      and classification = 'function'
),

class_pairs as (
    select
        s.document_id,
        s.page, s.locator, s.evidence, s.raw_text, s.unit_reported, s.name_reported,
        s.yuan_lo as lo, s.yuan_hi as hi, s.value_wan,
        case
            when s.table_key = 'budget_income_expenditure_summary' then 'budget_expenditure'
            when s.measure = 'total' then null
            when s.measure = 'general_budget' then 'budget_general_expenditure'
            when s.measure = 'govfund' then 'budget_govfund'
            else 'budget_soe_capital'
        end as target_table,
        s.table_key,
        s.code
    from summary_classes as s
),

class_compared as (
    select
        p.*,
        coalesce(f.yuan_lo, 0) as parts_lo, coalesce(f.yuan_hi, 0) as parts_hi,
        coalesce(f.value_wan, 0) as parts_wan, f.raw_text as parts_raw, f.unit_reported as parts_unit
    from class_pairs as p
    inner join function_tables as t on t.document_id = p.document_id and t.table_key = p.target_table
    left join function_classes as f
        on f.document_id = p.document_id and f.table_key = p.target_table and f.code = p.code
),

basic_totals as (
    select
        g.document_id, g.page, g.locator, g.evidence, g.raw_text, g.unit_reported,
        g.yuan_lo as lo, g.yuan_hi as hi, g.value_wan,
        b.yuan_lo as parts_lo, b.yuan_hi as parts_hi, b.value_wan as parts_wan,
        b.raw_text as parts_raw, b.unit_reported as parts_unit
    from cells as g
    inner join cells as b
        on b.document_id = g.document_id and b.table_key = 'budget_general_basic' and b.code is null
        and b.row_name in ('合计', '总计') and b.measure = 'total'
    where g.table_key = 'budget_general_expenditure' and g.code is null and g.row_name in ('合计', '总计')
      and g.measure = 'basic'
    qualify row_number() over (partition by g.document_id order by g.row_order, b.row_order) = 1
),

cross_final as (
    select
        'budget.cross_table' as check_id,
        document_id,
        case when {{ chk_meets('lo', 'hi', 'parts_lo', 'parts_hi') }} then 'pass' else 'fail' end as status,
        parts_wan as expected, value_wan as actual, value_wan - parts_wan as difference,
        {{ chk_page_text('page') }} || {{ budget_table_zh('table_key') }} || '「' || name_reported || '」为'
            || raw_text || unit_reported || '，' || {{ budget_table_zh('target_table') }} || code || '类为'
            || coalesce(parts_raw || parts_unit, '0（无此类）') || '；两表应一致。' as message,
        evidence, page, locator
    from class_compared
    union all
    select
        'budget.cross_table',
        document_id,
        case when {{ chk_meets('lo', 'hi', 'parts_lo', 'parts_hi') }} then 'pass' else 'fail' end,
        parts_wan, value_wan, value_wan - parts_wan,
        {{ chk_page_text('page') }} || '一般公共预算支出功能分类预算表合计的基本支出为' || raw_text || unit_reported
            || '，一般公共预算基本支出经济分类预算表合计为' || parts_raw || parts_unit || '；两表应一致。',
        evidence, page, locator
    from basic_totals
),

-- 三公 table: items by their names
sangong_items as (
    select
        *,
        case
            when row_name in ('合计', '总计') then 'total'
            when row_name like '%三公%' or row_name = '小计' and col_index <= 2 then 'sangong_subtotal'
            when row_name like '%因公出国%' then 'overseas'
            when row_name like '%公务接待%' then 'reception'
            when row_name like '%购置及运行%' then 'vehicle'
            when row_name like '%购置费' then 'vehicle_purchase'
            when row_name like '%运行费' or row_name like '%运行维护费' then 'vehicle_operation'
            when row_name like '%会议费' then 'meeting'
            when row_name like '%培训费' then 'training'
        end as item
    from cells
    where table_key = 'budget_sangong'
),

sangong_doc as (
    select
        document_id,
        max(unit_reported) as unit_reported,
        count(*) filter (where item = 'meeting' or item = 'training') > 0 as has_meeting_training,
        count(*) filter (where item = 'sangong_subtotal') > 0 as has_subtotal,
        {%- for it in ['total', 'sangong_subtotal', 'overseas', 'reception', 'vehicle', 'vehicle_purchase',
                       'vehicle_operation', 'meeting', 'training'] %}
        coalesce(sum(yuan_lo) filter (where item = '{{ it }}'), 0) as {{ it }}_lo,
        coalesce(sum(yuan_hi) filter (where item = '{{ it }}'), 0) as {{ it }}_hi,
        coalesce(sum(yuan_value) filter (where item = '{{ it }}'), 0) as {{ it }}_value,
        {%- endfor %}
        min(page) as page,
        min(locator) filter (where item = 'total') as total_locator,
        min(locator) filter (where item = 'vehicle') as vehicle_locator,
        min(locator) filter (where item = 'sangong_subtotal') as subtotal_locator,
        min(evidence) as evidence,
        count(*) filter (where item = 'total') as n_total,
        count(*) filter (where item = 'vehicle') as n_vehicle
    from sangong_items
    group by document_id
),

sangong_final as (
    select
        'budget.sangong_total' as check_id,
        document_id,
        {{ budget_identity_outcome('total_value', 'total_lo', 'total_hi', 'parts_value', 'parts_lo', 'parts_hi') }},
        {{ chk_page_text('page') }} || '“三公”经费预算表' || what || '为'
            || {{ budget_fmt_amount('total_value', 'unit_reported') }} || unit_reported || '，' || parts_name || '之和为'
            || {{ budget_fmt_amount('parts_value', 'unit_reported') }} || unit_reported || '；请核对。' as message,
        evidence, page, locator
    from (
        select
            document_id, unit_reported, page, evidence,
            case when has_subtotal then subtotal_locator else total_locator end as locator,
            case when has_subtotal then '“三公”经费小计' else '合计' end as what,
            case when has_subtotal then sangong_subtotal_lo else total_lo end as total_lo,
            case when has_subtotal then sangong_subtotal_hi else total_hi end as total_hi,
            case when has_subtotal then sangong_subtotal_value else total_value end as total_value,
            overseas_lo + vehicle_lo + reception_lo
                + case when has_meeting_training and not has_subtotal then meeting_lo + training_lo else 0 end
                as parts_lo,
            overseas_hi + vehicle_hi + reception_hi
                + case when has_meeting_training and not has_subtotal then meeting_hi + training_hi else 0 end
                as parts_hi,
            overseas_value + vehicle_value + reception_value
                + case when has_meeting_training and not has_subtotal then meeting_value + training_value else 0 end
                as parts_value,
            '因公出国（境）费、公务用车购置及运行费、公务接待费'
                || case when has_meeting_training and not has_subtotal then '、会议费、培训费' else '' end
                as parts_name
        from sangong_doc
        where n_total + (case when has_subtotal then 1 else 0 end) > 0
        union all
        select
            document_id, unit_reported, page, evidence, total_locator, '合计',
            total_lo, total_hi, total_value,
            sangong_subtotal_lo + meeting_lo + training_lo, sangong_subtotal_hi + meeting_hi + training_hi,
            sangong_subtotal_value + meeting_value + training_value,
            '“三公”经费小计、会议费、培训费'
        from sangong_doc
        where has_subtotal and n_total > 0
        union all
        select
            document_id, unit_reported, page, evidence, vehicle_locator, '公务用车购置及运行费',
            vehicle_lo, vehicle_hi, vehicle_value,
            vehicle_purchase_lo + vehicle_operation_lo, vehicle_purchase_hi + vehicle_operation_hi,
            vehicle_purchase_value + vehicle_operation_value,
            '购置费、运行费'
        from sangong_doc
        where n_vehicle > 0
    ) as s
),

code_rows as (
    -- a row naming the unit itself (105236 西南大学: its 单位编码, above the classification rows) is no subject
    select line_tables.* from line_tables
    inner join {{ ref('int_budget_documents') }} as documents using (document_id)
    where line_tables.code is not null
      and line_tables.row_name not in (
          documents.department_name, documents.department_name_reported, coalesce(documents.unit_name, ''))
    qualify row_number() over (partition by document_id, table_key, row_key order by col_index) = 1
),

code_format_final as (
    -- one finding per malformed code; one pass per table whose codes are all well formed
    select
        'budget.code_format' as check_id,
        document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || {{ budget_table_zh('table_key') }} || '「' || row_label || '」的科目编码「'
            || code || '」不是3位（类）、5位（款）或7位（项）编码；请补全编码（如款级编码应为两位数字）。' as message,
        evidence, page, locator
    from code_rows
    where code_level is null
    union all
    select
        'budget.code_format', document_id, 'pass', null, null, null,
        {{ budget_table_zh('table_key') }} || '的科目编码格式正确。', '', min(page), 'table:' || table_key
    from code_rows
    group by document_id, table_key
    having count(*) filter (where code_level is null) = 0
),

-- 政府采购支出预算表: its 合计 (总计) is the sum of its numbered 品目大类 heads (一、货物 二、工程 三、服务) — only
-- where the table prints such heads (a head naming a kind of procurement), the rows that are its parts
procurement_rows as (
    select * from cells
    where table_key = 'budget_procurement' and measure = 'total'
),

procurement_total as (
    select * from procurement_rows
    where code is null and row_name in ('合计', '总计')
    qualify row_number() over (partition by document_id order by row_order) = 1
),

procurement_heads as (
    select document_id,
        sum(yuan_lo) as lo, sum(yuan_hi) as hi, sum(yuan_value) as value,
        min(page) as parts_first_page, max(page) as parts_last_page
    from procurement_rows
    where regexp_matches(row_label, '^\s*[一二三四五六七八九十]+、\s*(货物|工程|服务)')
    group by document_id
),

procurement_final as (
    select
        'budget.procurement_total' as check_id,
        t.document_id,
        {{ budget_identity_outcome('t.yuan_value', 't.yuan_lo', 't.yuan_hi', 'h.value', 'h.lo', 'h.hi') }},
        {{ chk_page_text('t.page') }} || {{ budget_table_zh('t.table_key') }} || '「' || t.row_name || '」为'
            || t.raw_text || t.unit_reported || '，各品目大类（货物、工程、服务）之和为'
            || {{ budget_fmt_amount('h.value', 't.unit_reported') }} || t.unit_reported
            || coalesce({{ chk_parts_pages_note('h.parts_first_page', 'h.parts_last_page', 't.page') }}, '')
            || '；请核对合计与各大类金额。' as message,
        t.evidence, t.page, t.locator
    from procurement_total as t
    inner join procurement_heads as h using (document_id)
),

results as (
    select * from rollup_final
    union all select * from procurement_final
    union all select * from row_total_final
    union all select * from code_format_final
    union all select * from summary_final
    union all select * from cross_final
    union all select * from sangong_final
)

-- a pass keeps its message (check_summary counts it) but not its evidence: nobody reads it, and it would weigh
-- on int_check_results, which sorts every evaluation
select
    check_id, document_id, status, expected, actual, difference, message,
    case when status = 'pass' then '' else evidence end as evidence,
    page, locator
from results
