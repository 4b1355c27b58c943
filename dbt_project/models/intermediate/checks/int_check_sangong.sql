{{ config(meta={'juesuan_scope': 'document'}) }}
{%- set t = chk_standard_set('final') %}
-- 三公: narrative amounts vs the 三公 table (T7); each T7 item vs its economic line in T6
-- (因公出国 30212, 公务接待 30217, 公务用车运行 30231, 公务用车购置 31013) — in both directions. Tn: the table
-- numbered n in the 决算's standard set (seed standard_table).
with facts as (
    select * from {{ ref('int_check_facts') }}
),

figures as (
    select * from {{ ref('int_check_table_figures') }}
),

cells as (
    select * from {{ ref('int_check_cells') }}
),

claims as (
    select * from facts
    where source_kind = 'narrative' and metric like 'sangong%' and basis in ('actual', 'budget')
      and unit in ('万元', '万', '元')
),

ambiguous_t7 as (
    -- a 三公 table whose 预算数/决算数 header was not recognised (no 预算数 cell): any of its cells may be meant
    select filing_key, value, lo, hi, {{ t[7] }} as table_key
    from cells
    where table_key = {{ t[7] }}
      and filing_key not in (select filing_key from cells where table_key = {{ t[7] }} and measure = 'budget')
),

candidates as (
    select c.document_id, c.fact_index, f.value, f.lo, f.hi
    from claims as c
    inner join figures as f on f.filing_key = c.filing_key and f.metric = c.metric and f.basis = c.basis
    union all
    select c.document_id, c.fact_index, a.value, a.lo, a.hi
    from claims as c
    inner join ambiguous_t7 as a on a.filing_key = c.filing_key
),

t7_read as (
    -- the 三公 table as read (any of its cells): an item the narrative states and the table leaves blank
    select filing_key, count(*) as n_cells, list(struct_pack(lo := lo, hi := hi)) as spans
    from cells
    where table_key = {{ t[7] }} and parse_reliable
    group by filing_key
),

narr as (
    select c.document_id, c.fact_index, c.metric, c.basis, c.value, c.lo, c.hi, c.raw_text, c.unit, c.page,
        c.locator, c.evidence, c.filing_key,
        count(f.value) as n_tables,
        bool_or({{ chk_meets('c.lo', 'c.hi', 'f.lo', 'f.hi') }}) as any_meets,
        arg_min(f.value, abs(f.value - c.value)) as nearest
    from claims as c
    left join candidates as f on f.document_id = c.document_id and f.fact_index = c.fact_index
    group by all
),

narr_blank as (
    -- no item of the read table is the claim's: blank counts 0. A figure that is not 0 and is no cell of the table
    -- at all (a blank cell, not a misread column) is stated vs blank — a fail; a figure some cell shows stays
    -- not_evaluable (the columns may have been assigned wrongly)
    select n.* exclude (n_tables, any_meets, nearest),
        case when n.n_tables > 0 or t.filing_key is null then n.n_tables else 1 end as n_tables,
        case when n.n_tables > 0 or t.filing_key is null then n.any_meets
             else n.lo <= 0 or len(list_filter(t.spans, lambda s: n.lo <= s.hi and s.lo <= n.hi)) > 0 end as any_meets,
        case when n.n_tables > 0 or t.filing_key is null then n.nearest else 0 end as nearest,
        n.n_tables = 0 and t.filing_key is not null as blank_in_table
    from narr as n
    left join t7_read as t on t.filing_key = n.filing_key
),

narr_final as (
    select
        'sangong.narrative_vs_table' as check_id, document_id,
        case when n_tables = 0 then 'not_evaluable'
             when blank_in_table and any_meets and not lo <= 0 then 'not_evaluable'
             when any_meets then 'pass' else 'fail' end as status,
        {{ chk_dec('nearest') }} as expected, {{ chk_dec('value') }} as actual,
        {{ chk_dec('value') }} - {{ chk_dec('nearest') }} as difference,
        case when n_tables = 0 or (blank_in_table and any_meets and not lo <= 0)
            then '无法核对：缺少对应的三公经费表数——' || {{ chk_page_text('page') }} || '说明中的三公经费数 ' || raw_text
                || unit || '，本文件已读取的三公经费表中没有可对应的项目。'
            when blank_in_table
            then {{ chk_page_text('page') }} || '说明中的三公经费数为 ' || raw_text || unit
                || '，而《一般公共预算财政拨款“三公”经费支出决算表》中该项为空（视为 0），表中也没有这一数字；请核对。'
            else {{ chk_page_text('page') }} || '说明中的三公经费数为 ' || raw_text || unit
                || '，而《一般公共预算财政拨款“三公”经费支出决算表》为 ' || {{ chk_fmt('nearest') }}
                || ' 万元，差额 ' || {{ chk_fmt('value - nearest') }} || ' 万元；请核对。'
        end as message,
        evidence, page, locator
    from narr_blank
),

items as (
    select * from (values
        ('sangong_overseas', '30212', '因公出国（境）费'),
        ('sangong_reception', '30217', '公务接待费'),
        ('sangong_vehicle_operation', '30231', '公务用车运行维护费'),
        ('sangong_vehicle_purchase', '31013', '公务用车购置')
    ) as t(metric, code, label)
),

t7 as (
    select f.*, items.code as econ_code, items.label
    from figures as f
    inner join items on f.metric = items.metric
    where f.basis = 'actual' and f.table_key = {{ t[7] }}
    qualify row_number() over (partition by f.filing_key, f.metric order by f.locator) = 1
),

t6_present as (
    select distinct filing_key from cells where table_key = {{ t[6] }}
),

t6 as (
    select filing_key, code, sum(value) as value, sum(lo) as lo, sum(hi) as hi, min(page) as page,
        min(locator) as locator, min(evidence) as evidence
    from cells
    where table_key = {{ t[6] }} and code in ('30212', '30217', '30231', '31013')
    group by all
),

pairs as (
    select t7.*, coalesce(t6.value, 0) as e_value, coalesce(t6.lo, 0) as e_lo, coalesce(t6.hi, 0) as e_hi,
        t6.page as e_page, t6.locator as e_locator, t6.evidence as e_evidence,
        (select min(document_id) from cells as c where c.filing_key = t7.filing_key
            and c.table_key = {{ t[6] }}) as e_document_id
    from t7
    inner join t6_present using (filing_key)
    -- only when the 三公 table's 预算数/决算数 columns were recognised (else 决算数 is not known)
    inner join (select distinct filing_key from cells where table_key = {{ t[7] }} and measure = 'budget') as t7_ok
        using (filing_key)
    left join t6 on t6.filing_key = t7.filing_key and t6.code = t7.econ_code
),

economic_final as (
    -- table 7 counts basic and project spending, table 6 basic only: a 三公 item above its T6 line is normal
    -- (the retired rule sangong.item_exceeds_economic_line called it an error); only the reverse is impossible
    select
        'sangong.economic_line_exceeds_item' as check_id, coalesce(e_document_id, document_id) as document_id,
        -- T6 (基本支出 only) above the T7 item (all 一般公共预算) is impossible: any excess beyond rounding
        case when e_lo > hi then 'fail' else 'pass' end as status,
        {{ chk_dec('value') }} as expected, {{ chk_dec('e_value') }} as actual,
        {{ chk_dec('e_value') }} - {{ chk_dec('value') }} as difference,
        {{ chk_page_text('e_page') }} || '《一般公共预算财政拨款基本支出决算表》' || econ_code || ' ' || label || '为 '
            || {{ chk_fmt('e_value') }} || ' 万元，大于三公经费表中的' || label || '决算数 ' || {{ chk_fmt('value') }}
            || ' 万元（三公经费包含基本支出中的该科目，不可能更小）；请核对两表。' as message,
        coalesce(e_evidence, evidence) as evidence, coalesce(e_page, page) as page,
        coalesce(e_locator, 'table:' || {{ t[6] }} || '/code:' || econ_code) as locator
    from pairs
)

select * from narr_final
union all
select * from economic_final
