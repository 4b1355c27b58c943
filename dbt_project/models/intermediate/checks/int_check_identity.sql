{{ config(meta={'juesuan_scope': 'document'}) }}
-- Identities inside each table: 合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 (function and economic tables),
-- row total = Σ columns, the summary tables' 合计/总计 rows (T1, T4), 三公 合计 = Σ items, 小计 = 购置 + 运行,
-- T6 人员经费合计 / 公用经费合计 = Σ 类. A blank cell is an exact zero; every figure is an interval.
with cells as (
    -- a table the extraction could not read reliably is reported once by extraction.table_unreliable, not as a
    -- cascade of identity findings on misread figures
    select * from {{ ref('int_check_cells') }}
    where parse_reliable is distinct from false
),

coded as (
    -- one cell per (document, table, code, measure): the first row when a code repeats
    select *
    from cells
    where code is not null
      -- every function table of the 决算, numbered or not (西南大学's 表4 财政拨款支出决算表 is no standard table)
      and (table_key in {{ chk_table_keys(kind='final', layout='lines') }}
           or table_key in {{ chk_table_keys(kind='final', layout='economic', numbered=true) }})
    qualify row_number() over (partition by document_id, table_key, code, measure order by row_order) = 1
),

parents as (
    select * from coded where length(code) in (3, 5)
),

children as (
    select
        p.document_id, p.table_key, p.code as parent_code, p.measure,
        sum(c.lo) as lo, sum(c.hi) as hi, sum(c.value) as value, count(*) as n,
        min(c.page) as parts_first_page, max(c.page) as parts_last_page
    from parents as p
    inner join coded as c
        on c.document_id = p.document_id and c.table_key = p.table_key and c.measure = p.measure
        and length(c.code) = length(p.code) + 2 and starts_with(c.code, p.code)
    group by all
),

parents_with_children as (
    -- a parent is checked on every measure when it has children on any measure (blank = 0)
    select distinct p.document_id, p.table_key, p.code
    from parents as p
    inner join coded as c
        on c.document_id = p.document_id and c.table_key = p.table_key
        and length(c.code) = length(p.code) + 2 and starts_with(c.code, p.code)
),

rollup_code as (
    select
        'identity.rollup_' || case when length(p.code) = 3 then 'class' else 'kuan' end as check_id,
        p.document_id,
        p.table_key,
        p.code,
        p.row_label,
        p.measure_label,
        p.value as shown,
        coalesce(ch.value, 0) as parts_value,
        p.lo, p.hi,
        coalesce(ch.lo, 0) as parts_lo, coalesce(ch.hi, 0) as parts_hi,
        p.page, p.locator, p.evidence,
        -- the parts continue on other pages (a table split across pages): say where
        {{ chk_parts_pages_note('ch.parts_first_page', 'ch.parts_last_page', 'p.page') }} as parts_note
    from parents as p
    inner join parents_with_children using (document_id, table_key, code)
    left join children as ch
        on ch.document_id = p.document_id and ch.table_key = p.table_key
        and ch.parent_code = p.code and ch.measure = p.measure
),

-- the rows a total stands over, per table: T1 / T4 per side and column, rows above 本年…合计 sum to it and 总计 =
-- 本年合计 + the rows between; a function table's 合计/总计 row over its coded lines
summary_read as (
    select *,
        case
            when row_name like '本年%合计' or row_name in ('本年收入', '本年支出') then 'subtotal'
            when row_name in ('总计', '收入总计', '支出总计') then 'total'
            else 'item'
        end as role
    from cells
    where table_key in {{ chk_table_keys(kind='final', layout='summary') }}
),

lines_read as (
    select *,
        case when code is not null then 'item' when row_name in ('合计', '总计') then 'total' end as role
    from cells
    where table_key in {{ chk_table_keys(kind='final', layout='lines') }}
      and (code is not null or row_name in ('合计', '总计'))
),

blank_totals as (
    -- a column whose rows carry figures but whose total cell (本年合计 / 总计, a function table's 合计) is blank,
    -- while the table prints that total row in another column (总计 | 9859.38 | 总计 | ; 合计 | | 2,336.91 |
    -- 603.14): the blank total is an exact 0 and stands against its parts, like any blank cell
    with stood as (
        select * from summary_read
        union all by name
        select * from lines_read
    )
    select o.* replace (
        m.measure as measure, m.measure_label as measure_label,
        0 as value, 0 as lo, 0 as hi,
        case when o.role = 'total' then o.row_label else '本年合计' end || '（空白）' as row_label,
        o.locator || '/blank:' || m.measure as locator)
    from (
        select document_id, table_key, measure, min(measure_label) as measure_label
        from stood where role = 'item'
        group by all having sum(abs(value)) > 0
    ) as m
    inner join stood as o
        on o.document_id = m.document_id and o.table_key = m.table_key and o.measure <> m.measure
        and o.role in ('subtotal', 'total')
    where not exists (
        select 1 from stood as s
        where s.document_id = m.document_id and s.table_key = m.table_key and s.measure = m.measure
          and s.role = o.role)
    qualify row_number() over (partition by m.document_id, m.table_key, m.measure, o.role
                               order by o.row_order, o.col_index) = 1
),

total_rows as (
    -- every 合计/总计 row: a table continued over pages may print its total again under its last rows (西南大学
    -- 表4, p.14 and p.15), and the repeated total is the same sum of the same 类; a blank total cell is an exact 0
    -- (blank_totals)
    select * exclude (role) from lines_read where role = 'total'
    union all by name
    select * exclude (role) from blank_totals where table_key in {{ chk_table_keys(kind='final', layout='lines') }}
),

top_level as (
    -- the table's top code level: 类 (3 digits) when it prints any; a table left with 款/项 rows only (the page of
    -- its 类 rows emptied, or a department printing 项 only) is checked on the rows of its shortest code
    select document_id, table_key, min(length(code)) as code_length
    from coded
    group by all
),

class_sums as (
    select c.document_id, c.table_key, c.measure, sum(c.lo) as lo, sum(c.hi) as hi, sum(c.value) as value
    from coded as c
    inner join top_level as t
        on t.document_id = c.document_id and t.table_key = c.table_key and length(c.code) = t.code_length
    group by all
),

rollup_total as (
    select
        'identity.rollup_total' as check_id,
        t.document_id, t.table_key, t.code, t.row_label, t.measure_label,
        t.value as shown, coalesce(s.value, 0) as parts_value, t.lo, t.hi,
        coalesce(s.lo, 0) as parts_lo, coalesce(s.hi, 0) as parts_hi,
        t.page, t.locator, t.evidence, cast(null as varchar) as parts_note
    from total_rows as t
    inner join (select distinct document_id, table_key from class_sums) as has_classes
        using (document_id, table_key)
    left join class_sums as s using (document_id, table_key, measure)
),

component_measures as (
    select * from (values
        ('income', 'fiscal_appropriation'), ('income', 'superior_subsidy'), ('income', 'business'),
        ('income', 'operating'), ('income', 'affiliates'), ('income', 'other'),
        ('expenditure', 'basic'), ('expenditure', 'project'), ('expenditure', 'to_superior'),
        ('expenditure', 'operating'), ('expenditure', 'subsidy_affiliates'),
        ('general_budget_expenditure', 'basic'), ('general_budget_expenditure', 'project'),
        ('fiscal_expenditure', 'basic'), ('fiscal_expenditure', 'project')
    ) as t(table_key, measure)
),

row_parts as (
    select c.document_id, c.table_key, c.row_key, sum(c.lo) as lo, sum(c.hi) as hi, sum(c.value) as value
    from cells as c
    inner join component_measures using (table_key, measure)
    group by all
),

row_total as (
    select
        'identity.row_total' as check_id,
        t.document_id, t.table_key, t.code, t.row_label, t.measure_label,
        t.value as shown, p.value as parts_value, t.lo, t.hi, p.lo as parts_lo, p.hi as parts_hi,
        t.page, t.locator, t.evidence, cast(null as varchar) as parts_note
    from cells as t
    inner join row_parts as p using (document_id, table_key, row_key)
    where t.measure = 'total'
      and t.table_key in ('income', 'expenditure', 'general_budget_expenditure', 'fiscal_expenditure')
),

-- T6: 人员经费合计 = Σ 人员经费 类 (301, 303 …), 公用经费合计 = Σ 公用经费 类 — the group of each 类 from the
-- economic classification seed (expense_group), on the 合计's own column (人员经费 / 公用经费 blocks, or one 决算数)
economic_class_sums as (
    select c.document_id, c.table_key, c.measure, e.expense_group,
        sum(c.lo) as lo, sum(c.hi) as hi, sum(c.value) as value
    from coded as c
    inner join {{ ref('economic_classification') }} as e on e.code = c.code
    where c.table_key = 'general_budget_basic' and length(c.code) = 3
    group by all
),

economic_totals as (
    select
        'identity.economic_total' as check_id,
        t.document_id, t.table_key, t.code, t.row_label, t.measure_label,
        t.value as shown, coalesce(s.value, 0) as parts_value, t.lo, t.hi,
        coalesce(s.lo, 0) as parts_lo, coalesce(s.hi, 0) as parts_hi,
        t.page, t.locator, t.evidence, cast(null as varchar) as parts_note
    from cells as t
    -- no economic 类 row at all under a non-zero 合计 (the lines were removed or left blank) is a finding too
    left join economic_class_sums as s
        on s.document_id = t.document_id and s.table_key = t.table_key and s.measure = t.measure
        and s.expense_group = case when t.row_name like '人员经费%' then 'personnel' else 'public' end
    where t.table_key = 'general_budget_basic' and t.code is null
      and t.row_name in ('人员经费合计', '公用经费合计')
      and t.measure in ('personnel', 'public', 'total')
      and (s.document_id is not null
           or (t.value <> 0 and not exists (
               select 1 from coded as c where c.document_id = t.document_id and c.table_key = t.table_key)))
),

summary as (
    select * from summary_read
    union all by name
    select * from blank_totals where table_key in {{ chk_table_keys(kind='final', layout='summary') }}
),

summary_marks as (
    select document_id, table_key, measure,
        min(row_order) filter (where role = 'subtotal') as sub_row,
        min(row_order) filter (where role = 'total') as total_row
    from summary
    group by all
),

summary_parts as (
    select
        s.document_id, s.table_key, s.measure,
        case when s.row_order < m.sub_row then 'subtotal' else 'total' end as target,
        sum(s.lo) as lo, sum(s.hi) as hi, sum(s.value) as value,
        min(s.page) as parts_first_page, max(s.page) as parts_last_page
    from summary as s
    inner join summary_marks as m using (document_id, table_key, measure)
    where s.role = 'item'
      -- 其中：… rows break down the row above (一、财政拨款收入 其中：政府性基金预算财政拨款): never a part
      and not regexp_matches(s.row_label, '^\s*其中')
      and (s.row_order < m.sub_row
           -- between subtotal and total: the 结转/结余/分配 rows, not their 其中 breakdowns (一、… 其中 …)
           or (s.row_order > m.sub_row and s.row_order < m.total_row
               and not regexp_matches(s.row_label, '^\s*([一二三四五六七八九十]+、|[（(]|其中)')
               -- 年初/年末 一般公共预算 / 政府性基金 / 国有资本 … 结转和结余: breakdowns of the row above
               and not regexp_matches(s.row_name, '^(年初|年末)(一般公共预算|政府性基金|国有资本)')))
    group by all
),

summary_targets as (
    select s.*, 'subtotal' as target from summary as s where role = 'subtotal'
    union all
    select s.*, 'total' as target from summary as s where role = 'total'
),

summary_identity as (
    select
        'identity.summary_' || t.target as check_id,
        t.document_id, t.table_key, t.code, t.row_label, t.measure_label,
        t.value as shown,
        coalesce(p.value, 0) + case when t.target = 'total' then coalesce(sub.value, 0) else 0 end as parts_value,
        t.lo, t.hi,
        coalesce(p.lo, 0) + case when t.target = 'total' then coalesce(sub.lo, 0) else 0 end as parts_lo,
        coalesce(p.hi, 0) + case when t.target = 'total' then coalesce(sub.hi, 0) else 0 end as parts_hi,
        t.page, t.locator, t.evidence,
        {{ chk_parts_pages_note('p.parts_first_page', 'p.parts_last_page', 't.page') }} as parts_note
    from summary_targets as t
    left join summary_parts as p
        on p.document_id = t.document_id and p.table_key = t.table_key
        and p.measure = t.measure and p.target = t.target
    left join summary as sub
        on t.target = 'total' and sub.role = 'subtotal' and sub.document_id = t.document_id
        and sub.table_key = t.table_key and sub.measure = t.measure
    where t.target = 'total' or p.value is not null
       -- a 本年合计 with a figure over rows all blank while the table's other side has its rows read: the figure
       -- stands against blank cells (an income cell the text quotes left blank)
       or (t.value <> 0 and exists (
           select 1 from summary as o
           where o.document_id = t.document_id and o.table_key = t.table_key and o.measure <> t.measure
             and o.role = 'item' and o.value <> 0))
),

-- T4: 年初/年末财政拨款结转和结余 = its 一般公共预算 + 政府性基金 + 国有资本 breakdown rows (per column)
carry_rows as (
    select *,
        regexp_extract(row_name, '^(年初|年末)', 1) as side,
        regexp_matches(row_name, '^(年初|年末)(一般公共预算|政府性基金|国有资本)') as is_part
    from summary
    where table_key = 'fiscal_summary'
      and regexp_matches(row_name, '^(年初|年末)(财政拨款|一般公共预算|政府性基金|国有资本)[^，。]*结转和结余')
),

carry_identity as (
    select
        'identity.summary_total' as check_id,
        t.document_id, t.table_key, t.code, t.row_label, t.measure_label,
        t.value as shown, sum(p.value) as parts_value, t.lo, t.hi, sum(p.lo) as parts_lo, sum(p.hi) as parts_hi,
        t.page, t.locator, t.evidence, cast(null as varchar) as parts_note
    from carry_rows as t
    inner join carry_rows as p
        on p.document_id = t.document_id and p.measure = t.measure and p.side = t.side and p.is_part
    where not t.is_part
    group by all
),

-- 收入总计 = 支出总计 (T1: income vs expenditure; T4: income vs expenditure_total)
grand_totals as (
    select
        'identity.income_equals_expenditure' as check_id,
        e.document_id, e.table_key, e.code, e.row_label, e.measure_label,
        e.value as shown, i.value as parts_value, e.lo, e.hi, i.lo as parts_lo, i.hi as parts_hi,
        e.page, e.locator, e.evidence, cast(null as varchar) as parts_note
    from summary as i
    inner join summary as e
        on e.document_id = i.document_id and e.table_key = i.table_key and e.role = 'total'
        and e.measure = case when i.table_key = 'fiscal_summary' then 'expenditure_total' else 'expenditure' end
    where i.role = 'total' and i.measure = 'income'
    qualify row_number() over (partition by e.document_id, e.table_key order by e.row_order, i.row_order) = 1
),

-- T7 三公: 合计 = 出国 + 车辆小计 + 接待 ; 小计 = 购置 + 运行 (预算数 and 决算数 alike)
sangong as (
    select *,
        case
            when row_name like '%合计%' then 'total'
            when row_name like '因公出国%' then 'overseas'
            when row_name like '%购置及运行%' or row_name like '%小计%' then 'vehicle'
            when row_name like '%购置%' then 'purchase'
            when row_name like '%运行%' then 'operation'
            when row_name like '%接待%' then 'reception'
        end as item
    from cells
    where table_key = 'sangong' and measure in ('budget', 'actual')
    qualify row_number() over (partition by document_id, measure, item order by row_order, col_index) = 1
),

sangong_identity as (
    select
        'identity.sangong_' || t.item as check_id,
        t.document_id, t.table_key, t.code, t.row_label, t.measure_label,
        t.value as shown, sum(p.value) as parts_value, t.lo, t.hi, sum(p.lo) as parts_lo, sum(p.hi) as parts_hi,
        t.page, t.locator, t.evidence, cast(null as varchar) as parts_note
    from sangong as t
    inner join sangong as p
        on p.document_id = t.document_id and p.measure = t.measure
        and ((t.item = 'total' and p.item in ('overseas', 'vehicle', 'reception'))
             or (t.item = 'vehicle' and p.item in ('purchase', 'operation')))
    where t.item in ('total', 'vehicle')
    group by all
),

unioned as (
    select * from rollup_code
    union all select * from rollup_total
    union all select * from row_total
    union all select * from economic_totals
    union all select * from summary_identity
    union all select * from grand_totals
    union all select * from carry_identity
    union all select * from sangong_identity
),

final as (
    select
        check_id,
        document_id,
        case when {{ chk_meets('lo', 'hi', 'parts_lo', 'parts_hi') }} then 'pass' else 'fail' end as status,
        {{ chk_dec('parts_value') }} as expected,
        {{ chk_dec('shown') }} as actual,
        {{ chk_dec('shown') }} - {{ chk_dec('parts_value') }} as difference,
        {{ chk_page_text('page') }} || '《' || {{ chk_table_zh('table_key') }} || '》' || coalesce(code || ' ', '') || row_label
            || '「' || measure_label || '」列填报' || {{ chk_fmt('shown') }} || '，其组成部分合计为 '
            || {{ chk_fmt('parts_value') }} || '（按四舍五入区间 [' || {{ chk_fmt('parts_lo', 3) }} || ', '
            || {{ chk_fmt('parts_hi', 3) }} || ']），差额 ' || {{ chk_fmt('shown - parts_value') }}
            || '，超出舍入误差' || coalesce(parts_note, '') || '；请核对该行或其明细行。' as message,
        evidence,
        page,
        locator
    from unioned
),

-- 尾差: the sides meet only thanks to the rounding of many rows, the gap is more than one unit of the last
-- place (20323.21 shown vs 20323.19 summed over ten rows). Possibly pure rounding, so a warning, never an
-- error: a published table should be balanced (尾差调平) and a reviewer looks at it.
residue as (
    select
        'identity.rounding_residue' as check_id,
        document_id,
        case when abs({{ chk_dec('shown') }} - {{ chk_dec('parts_value') }}) > (hi - lo) then 'fail'
             else 'pass' end as status,
        {{ chk_dec('parts_value') }} as expected,
        {{ chk_dec('shown') }} as actual,
        {{ chk_dec('shown') }} - {{ chk_dec('parts_value') }} as difference,
        {{ chk_page_text('page') }} || '《' || {{ chk_table_zh('table_key') }} || '》' || coalesce(code || ' ', '') || row_label
            || '「' || measure_label || '」列填报' || {{ chk_fmt('shown') }} || '，其组成部分合计为 '
            || {{ chk_fmt('parts_value') }} || '，差额 ' || {{ chk_fmt('shown - parts_value') }}
            || '，超过一个末位单位但仍在各行四舍五入误差之内（尾差未调平）；请核对并调平尾差。' as message,
        evidence,
        page,
        locator
    from unioned
    where {{ chk_meets('lo', 'hi', 'parts_lo', 'parts_hi') }}
      -- the code roll-ups only: T1/T4 subtotals repeat the same 类 figures (one residue, reported once)
      and check_id in ('identity.rollup_total', 'identity.rollup_class', 'identity.rollup_kuan',
                       'identity.economic_total')
    -- a total printed twice with the same figure has one residue
    qualify check_id <> 'identity.rollup_total'
        or row_number() over (partition by document_id, table_key, measure_label, shown order by page, locator) = 1
)

select * from final
union all
select * from residue
