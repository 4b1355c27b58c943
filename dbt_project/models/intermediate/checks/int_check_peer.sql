-- County-wide peer outliers (info): per year and peer group, a department's 三公/本年支出 and
-- 基本支出/本年支出 ratios against the group's median, robust z = 0.6745·(x − median) / MAD, |z| > 3.5.
-- Peer group as in dim_department: the department registry (seed department_registry, by name or alias), else
-- inferred from the name (macro infer_peer_group: 街道/乡镇, 党委部门, 事业单位, 政府部门).
-- Ratios are statistics, not money comparisons: computed in DOUBLE on purpose.
with figures as (
    select * from {{ ref('int_check_table_figures') }}
),

documents as (
    select distinct d.filing_key, d.department_name, d.fiscal_year, i.peer_group
    from {{ ref('int_check_documents') }} as d
    inner join {{ ref('int_documents_identified') }} as i using (document_id)
),

per_filing as (
    select d.filing_key, d.department_name, d.fiscal_year,
        d.peer_group,
        max(f.value) filter (where f.metric = 'sangong_total' and f.basis = 'actual') as sangong,
        max(f.value) filter (where f.metric = 'expenditure_basic') as basic,
        max(f.value) filter (where f.metric = 'expenditure_current_year') as total,
        any_value(f.document_id) filter (where f.metric = 'expenditure_current_year') as document_id
    from documents as d
    inner join figures as f using (filing_key)
    group by all
),

ratios as (
    select filing_key, department_name, fiscal_year, peer_group, document_id, 'sangong_share' as ratio,
        cast(sangong as double) / cast(total as double) as x
    from per_filing where total > 0 and sangong is not null
    union all
    select filing_key, department_name, fiscal_year, peer_group, document_id, 'basic_share',
        cast(basic as double) / cast(total as double)
    from per_filing where total > 0 and basic is not null
),

stats as (
    select fiscal_year, peer_group, ratio, median(x) as med, count(*) as n
    from ratios group by all
),

mads as (
    select r.fiscal_year, r.peer_group, r.ratio, median(abs(r.x - s.med)) as mad
    from ratios as r inner join stats as s using (fiscal_year, peer_group, ratio)
    group by all
),

final as (
    select
        'peer.outlier' as check_id, r.document_id,
        case when s.n < 5 or m.mad = 0 then 'not_evaluable'
             when abs(0.6745 * (r.x - s.med) / m.mad) > 3.5 then 'fail' else 'pass' end as status,
        null as expected, null as actual, null as difference,
        case when s.n < 5 or m.mad = 0 then '无法核对：缺少足够的同组部门——同组（' || r.peer_group || '，'
            || cast(r.fiscal_year as varchar) || '年）只有 ' || cast(s.n as varchar) || ' 个部门或各部门比例相同，无法判断是否异常。'
        else '同组（' || r.peer_group || '，' || cast(r.fiscal_year as varchar) || '年，' || cast(s.n as varchar) || '个部门）中'
            || case r.ratio when 'sangong_share' then '三公经费占本年支出比例' else '基本支出占本年支出比例' end
            || '为 ' || cast(round(100 * r.x, 2) as varchar) || '%，组中位数 ' || cast(round(100 * s.med, 2) as varchar)
            || '%，明显偏离；供参考。' end as message,
        null as evidence, null as page, 'peer:' || r.ratio as locator
    from ratios as r
    inner join stats as s using (fiscal_year, peer_group, ratio)
    inner join mads as m using (fiscal_year, peer_group, ratio)
    where r.document_id is not null
)

select * from final
