{{ config(meta={'juesuan_scope': 'document'}) }}
-- 年初结转和结余 of year Y (T1, and 年初财政拨款结转和结余 of T4) = 年末 of year Y−1, same department.
with figures as (
    select * from {{ ref('int_check_table_figures') }}
),

documents as (
    select distinct filing_key, department_name, fiscal_year from {{ ref('int_check_documents') }}
),

begins as (
    select f.*, d.department_name, d.fiscal_year,
        case f.metric when 'carryover_begin' then 'carryover_end' else 'fiscal_carryover_end' end as end_metric
    from figures as f
    inner join documents as d using (filing_key)
    where f.metric in ('carryover_begin', 'fiscal_carryover_begin') and f.basis = 'actual'
    qualify row_number() over (partition by f.filing_key, f.metric order by f.locator) = 1
),

ends as (
    select f.*, d.department_name, d.fiscal_year
    from figures as f
    inner join documents as d using (filing_key)
    where f.metric in ('carryover_end', 'fiscal_carryover_end') and f.basis = 'actual'
    qualify row_number() over (partition by f.filing_key, f.metric order by f.locator) = 1
),

joined as (
    select b.*, e.value as prev_value, e.lo as prev_lo, e.hi as prev_hi, e.page as prev_page,
        e.fiscal_year as prev_year
    from begins as b
    left join ends as e
        on e.department_name = b.department_name and e.fiscal_year = b.fiscal_year - 1
        and e.metric = b.end_metric
),

final as (
    select
        'carryover.continuity' as check_id,
        document_id,
        case when prev_value is null then 'not_evaluable'
             when {{ chk_meets('lo', 'hi', 'prev_lo', 'prev_hi') }} then 'pass' else 'fail' end as status,
        {{ chk_dec('prev_value') }} as expected,
        {{ chk_dec('value') }} as actual,
        {{ chk_dec('value') }} - {{ chk_dec('prev_value') }} as difference,
        case when prev_value is null
            then '无法核对：缺少本部门' || cast(fiscal_year - 1 as varchar) || '年度决算（未载入），年初结转和结余 '
                || {{ chk_fmt('value') }} || ' 万元无从与上年年末数比对。'
            else {{ chk_page_text('page') }} || '《' || {{ chk_table_zh('table_key') }} || '》年初结转和结余为 '
                || {{ chk_fmt('value') }} || ' 万元，而本部门' || cast(prev_year as varchar) || '年度决算的年末结转和结余为 '
                || {{ chk_fmt('prev_value') }} || ' 万元，差额 ' || {{ chk_fmt('value - prev_value') }}
                || ' 万元；年初数应等于上年年末数（如有调整请说明）。'
        end as message,
        evidence, page, locator
    from joined
)

select * from final
