{{ config(meta={'juesuan_scope': 'document'}) }}
-- Function codes across the tables of one filing (T2, T3, T5, T8, T9; a budget's 收入/支出预算总表, 财政拨款支出预算表 and fund tables): the same code with two names
-- (the minority name is outdated or mistyped), the same name with two codes (the minority code is unknown),
-- and 款/项 rows whose parent is missing. Issue 5's classification seed (function_classification with
-- valid_from_year/valid_to_year, classification_alias) through int_classification_lines_resolved: a code not in
-- the seed whose name is another code's, a seed code printed with none of its names, a name valid only in
-- other years. The seed is the national table's 类 and 款 and the 项 of the 类 departments print (Part 9b of
-- docs/checks.md), not every 项: a code merely absent from it (and whose name is unknown too) is not a finding.
with cells as (
    select * from {{ ref('int_check_cells') }}
),

rows_ as (
    select filing_key, document_id, fiscal_year, table_key, code, row_name, false as is_budget,
        min(page) as page, min(locator) as locator, min(evidence) as evidence
    from cells
    where code is not null and regexp_matches(code, '^[0-9]{3}([0-9]{2}){0,2}$')
      -- every function table of the 决算, numbered or not (西南大学's 表4 财政拨款支出决算表)
      and table_key in {{ chk_table_keys(kind='final', layout='lines') }}
    group by all
    union all
    -- a budget's function tables (收入/支出预算总表, 财政拨款支出预算表, the three fund tables): one document is its own filing; its
    -- rows are judged by the other tables of the same budget (a code printed with another name than the other
    -- tables give it, a name under another code — one against one inside a parent) and by the seed's years of
    -- a name; the seed's names of a code only where the other tables show the disagreement too
    select document_id as filing_key, document_id, fiscal_year, table_key, code, row_name, true as is_budget,
        min(page) as page, min(locator) as locator, min(evidence) as evidence
    from {{ ref('int_budget_cells') }}
    where code is not null and regexp_matches(code, '^[0-9]{3}([0-9]{2}){0,2}$') and table_reliable
      -- every function table of the budget, numbered or not (江苏 prints a 财政拨款支出预算表 beside the fund tables)
      and table_key in {{ chk_table_keys(kind='budget', layout='lines') }}
    group by all
),

code_names as (
    select filing_key, code, row_name, count(distinct table_key) as n_tables
    from rows_ group by all
),

code_name_votes as (
    select a.filing_key, a.code, a.row_name, a.n_tables,
        max(b.n_tables) filter (where b.row_name <> a.row_name) as other_tables,
        arg_max(b.row_name, struct_pack(n := b.n_tables, name := b.row_name)) filter (where b.row_name <> a.row_name) as other_name
    from code_names as a
    left join code_names as b on b.filing_key = a.filing_key and b.code = a.code
    group by all
),

name_codes as (
    select filing_key, row_name, code, count(distinct table_key) as n_tables
    from rows_ group by all
),

name_code_votes as (
    select a.filing_key, a.row_name, a.code, a.n_tables,
        max(b.n_tables) filter (where b.code <> a.code) as other_tables,
        -- ties broken by the code itself, so the quoted other code is the same on every run
        arg_max(b.code, struct_pack(n := b.n_tables, code := b.code)) filter (where b.code <> a.code) as other_code
    from name_codes as a
    left join name_codes as b
        on b.filing_key = a.filing_key and b.row_name = a.row_name and length(b.code) = length(a.code)
    group by all
),

names as (
    select * from {{ ref('int_classification_names') }}
),

seed_lines as (
    -- table lines of the function classification with a printed code, one row per (document, table, code)
    select l.document_id, l.table_key, l.code_reported, l.fiscal_year,
        bool_or(l.resolution_method = 'code') as in_seed,
        any_value(l.code) filter (where l.resolution_method <> 'code' and l.code is not null) as name_code,
        any_value(l.name_canonical) as name_canonical,
        bool_or(l.reported_name_status = 'different') as name_different,
        bool_or(l.reported_name_status = 'other_year_or_alias') as name_other,
        any_value(l.name_reported) as name_reported
    from {{ ref('int_classification_lines_resolved') }} as l
    where l.source_kind = 'table' and l.classification = 'function' and l.code_reported is not null
    group by all
),

seed_lines_named as (
    -- the same per printed name: a table may print one code twice (an edited code on a row whose code another
    -- row has), and each row is judged by its own name
    select l.document_id, l.table_key, l.code_reported,
        {{ normalise_classification_name('l.name_reported') }} as name_norm,
        bool_or(l.resolution_method = 'code') as in_seed,
        any_value(l.code) filter (where l.resolution_method <> 'code' and l.code is not null) as name_code,
        bool_or(l.reported_name_status = 'different') as name_different
    from {{ ref('int_classification_lines_resolved') }} as l
    where l.source_kind = 'table' and l.classification = 'function' and l.code_reported is not null
    group by all
),

seed_outdated as (
    -- the printed name is a canonical name of the code, but for other years only (a renamed code)
    select s.document_id, s.table_key, s.code_reported,
        string_agg(distinct case
            when n.valid_from_year is null then cast(n.valid_to_year as varchar) || '年及以前'
            when n.valid_to_year is null then cast(n.valid_from_year as varchar) || '年起'
            else cast(n.valid_from_year as varchar) || '–' || cast(n.valid_to_year as varchar) || '年'
        end, '、') as valid_years
    from seed_lines as s
    inner join names as n
        on n.classification = 'function' and n.code = s.code_reported and n.name_kind = 'canonical'
        and n.name_norm = {{ normalise_classification_name('s.name_reported') }}
    where s.name_other
      and not (s.fiscal_year between coalesce(n.valid_from_year, 0) and coalesce(n.valid_to_year, 9999))
    group by all
),

row_seed as (
    -- per (filing, code, name): is the code in the seed, and does the seed give it none of this name's forms
    select r.filing_key, r.code, r.row_name,
        bool_or(coalesce(sn.in_seed, sl.in_seed, false)) as in_seed,
        bool_or(coalesce(sn.name_different, sl.name_different, false)) as name_different
    from rows_ as r
    left join seed_lines as sl
        on sl.document_id = r.document_id and sl.table_key = r.table_key and sl.code_reported = r.code
    left join seed_lines_named as sn
        on sn.document_id = r.document_id and sn.table_key = r.table_key and sn.code_reported = r.code
        and sn.name_norm = {{ normalise_classification_name('r.row_name') }}
    group by all
),

name_code_ties as (
    -- a budget prints each function table once, so two tables disagree one against one: the same name under
    -- another code of the same parent (款/类), in as many tables. Inside one parent a name has one code, so one
    -- of the two is wrong: this one, unless the other code is a seed code the seed names otherwise (then the
    -- other row is the wrong one, and name_mismatch says so).
    select a.filing_key, a.row_name, a.code, arg_max(b.code, struct_pack(n := b.n_tables, code := b.code)) as tie_code
    from name_codes as a
    inner join name_codes as b
        on b.filing_key = a.filing_key and b.row_name = a.row_name and b.code <> a.code
        and length(b.code) = length(a.code) and left(b.code, length(b.code) - 2) = left(a.code, length(a.code) - 2)
        and b.n_tables >= a.n_tables
    left join row_seed as bs on bs.filing_key = b.filing_key and bs.code = b.code and bs.row_name = b.row_name
    where not coalesce(bs.name_different, false)
    group by all
),

judged as (
    select r.*,
        coalesce(sn.in_seed, sl.in_seed) as in_seed, coalesce(sn.name_code, sl.name_code) as name_code,
        sl.name_canonical, coalesce(sn.name_different, sl.name_different) as name_different, so.valid_years,
        cv.other_name, cv.n_tables as name_tables, cv.other_tables as other_name_tables,
        nv.other_code, nv.n_tables as code_tables, nv.other_tables as other_code_tables,
        nt.tie_code
    from rows_ as r
    left join code_name_votes as cv on cv.filing_key = r.filing_key and cv.code = r.code and cv.row_name = r.row_name
    left join name_code_votes as nv on nv.filing_key = r.filing_key and nv.code = r.code and nv.row_name = r.row_name
    left join seed_lines as sl
        on sl.document_id = r.document_id and sl.table_key = r.table_key and sl.code_reported = r.code
    left join seed_lines_named as sn
        on sn.document_id = r.document_id and sn.table_key = r.table_key and sn.code_reported = r.code
        and sn.name_norm = {{ normalise_classification_name('r.row_name') }}
    left join seed_outdated as so
        on so.document_id = r.document_id and so.table_key = r.table_key and so.code_reported = r.code
    left join name_code_ties as nt
        on r.is_budget and nt.filing_key = r.filing_key and nt.code = r.code and nt.row_name = r.row_name
),

unknown_code as (
    select
        'classification.unknown_code' as check_id, document_id,
        -- a budget: the other tables print the name under another code, and this code is not in the seed or the
        -- seed names it otherwise (2101102 printed for 行政单位医疗, whose code the other tables give as 2101101)
        case when is_budget then case when other_code is not null and other_code_tables > code_tables
                                      and (not coalesce(in_seed, false) or coalesce(name_different, false))
                                      then 'fail'
                                      -- one against one inside a parent: this code is not in the seed (a seed
                                      -- code printed with another name is name_mismatch's)
                                      when tie_code is not null and not coalesce(in_seed, false)
                                      then 'fail' else 'pass' end
             when not coalesce(in_seed, false) and name_code is not null and name_code <> code then 'fail'
             when other_code is not null and other_code_tables > code_tables
                  and not coalesce(in_seed, false) then 'fail'
             else 'pass' end as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '《' || {{ chk_table_zh('table_key') }} || '》科目「' || row_name || '」的编码为 '
            || code || case
                when not coalesce(in_seed, false) and name_code is not null and name_code <> code
                    then '，该编码不在' || cast(fiscal_year as varchar) || '年度支出功能分类科目中，此名称的科目编码为 '
                        || name_code
                else '，而本部门其他报表中同一科目编码为 ' || coalesce(other_code, tie_code, '?') || '（该编码在其他报表中不存在）'
            end || '；请核对科目编码。' as message,
        evidence, page, locator
    from judged
),

outdated_name as (
    select
        'classification.outdated_name' as check_id, document_id,
        case when is_budget then case when valid_years is not null then 'fail'
                                      -- the other tables print the code with another name, and the seed does
                                      -- not give it this one (or no other code takes the name)
                                      when other_name is not null and other_name_tables > name_tables
                                      and (not (other_code is not null and other_code_tables > code_tables)
                                           or (coalesce(in_seed, false) and name_different))
                                      then 'fail' else 'pass' end
             when valid_years is not null then 'fail'
             when other_name is not null and other_name_tables > name_tables and not coalesce(in_seed, false)
              and not (other_code is not null and other_code_tables > code_tables) then 'fail'
             -- a seed code whose name the other tables print differently: outdated only if the seed agrees
             when other_name is not null and other_name_tables > name_tables and in_seed
              and name_different then 'fail'
             else 'pass' end,
        null, null, null,
        {{ chk_page_text('page') }} || '《' || {{ chk_table_zh('table_key') }} || '》科目 ' || code || ' 名称为「'
            || row_name || '」，' || case
                when valid_years is not null then '该名称仅适用于' || valid_years || '，'
                    || cast(fiscal_year as varchar) || '年度应为「' || coalesce(name_canonical, '?') || '」'
                else '而本部门其他报表中为「' || coalesce(other_name, '?') || '」；可能使用了已停用的旧科目名称'
            end || '；请按' || cast(fiscal_year as varchar) || '年度科目名称改正。',
        evidence, page, locator
    from judged
),

name_mismatch as (
    -- a seed code printed with a name that is none of its names in any year nor an alias, and not explained as
    -- an outdated name or an unknown code above. A budget's tables must show it too: the name stands under a
    -- sibling code in another table (the code was edited), or the code under another name (the name was). A
    -- name printed the same way under the same code in every table is the seed's gap, not the document's:
    -- 江苏 2018/2019 name 款 20805 行政事业单位离退休, its name before 行政事业单位养老支出, which the seed lacks.
    select
        'classification.name_mismatch' as check_id, document_id,
        case when in_seed and name_different and valid_years is null
              and not (other_name is not null and other_name_tables > name_tables)
              and (not is_budget or tie_code is not null or other_name is not null)
              -- a budget row whose name the other tables print under another code: unknown_code says it
              and not (is_budget and other_code is not null and other_code_tables > code_tables) then 'fail'
             else 'pass' end,
        null, null, null,
        {{ chk_page_text('page') }} || '《' || {{ chk_table_zh('table_key') }} || '》科目 ' || code || ' 的名称「'
            || row_name || '」与科目表不符（' || cast(fiscal_year as varchar) || '年度该编码为「'
            || coalesce(name_canonical, '?') || '」）；请核对编码或名称。',
        evidence, page, locator
    from judged
    where in_seed is not null
),

seed_parents as (
    -- the parent a code has in the classification seed (any year); codes outside the seed: the code prefix
    select code, any_value(parent_code) as parent_code
    from names
    where classification = 'function' and name_kind = 'canonical' and parent_code is not null
    group by all
),

hierarchy as (
    select
        'classification.broken_hierarchy' as check_id, r.document_id,
        case when exists (
            select 1 from rows_ as p
            where p.document_id = r.document_id and p.table_key = r.table_key
              and p.code = coalesce(sp.parent_code, left(r.code, length(r.code) - 2))
        ) then 'pass' else 'fail' end,
        null, null, null,
        {{ chk_page_text('r.page') }} || '《' || {{ chk_table_zh('r.table_key') }} || '》' || r.code || ' ' || r.row_name
            || ' 缺少上级科目 ' || coalesce(sp.parent_code, left(r.code, length(r.code) - 2))
            || ' 行；请补齐科目层级。',
        r.evidence, r.page, r.locator
    from rows_ as r
    left join seed_parents as sp on sp.code = r.code
    where length(r.code) in (5, 7) and not r.is_budget
      -- tables that print only 项 (no 类/款 rows at all) are a layout, not a broken hierarchy
      and exists (select 1 from rows_ as q where q.document_id = r.document_id and q.table_key = r.table_key
                  and length(q.code) = 3)
)

select * from unknown_code
union all select * from outdated_name
union all select * from name_mismatch
union all select * from hierarchy
