{{ config(meta={'juesuan_scope': 'document'}) }}
-- yoy.cross_document: the change claimed against last year equals |this year − last year's document|.
with basis as (
    select * from {{ ref('int_check_yoy_basis') }}
),

judged as (
    select document_id, fact_index, metric, change_value, change_text, compared_year, page, locator, evidence,
        count(prior_value) as n_prior,
        bool_or({{ chk_meets('change_lo', 'change_hi', 'diff_lo', 'diff_hi') }}) as any_meets,
        arg_min(prior_value, abs(prior_value - cur_value)) as prior_shown,
        arg_min(cur_value, abs(prior_value - cur_value)) as cur_shown
    from basis
    group by all
),

final as (
    select
        'yoy.cross_document' as check_id,
        document_id,
        case when n_prior = 0 then 'not_evaluable' when any_meets then 'pass' else 'fail' end as status,
        {{ chk_dec('abs(cur_shown - prior_shown)') }} as expected,
        {{ chk_dec('change_value') }} as actual,
        {{ chk_dec('change_value') }} - {{ chk_dec('abs(cur_shown - prior_shown)') }} as difference,
        case when n_prior = 0
            then '无法核对：缺少本部门' || coalesce(cast(compared_year as varchar), '上') || '年度决算（未载入），同比变动 '
                || change_text || ' 万元无从与上年决算数比对。'
            else {{ chk_page_text('page') }} || '说明称比上年变动 ' || change_text || ' 万元，但本年数 '
                || {{ chk_fmt('cur_shown') }} || ' 与本部门上年决算数 ' || {{ chk_fmt('prior_shown') }}
                || ' 相差 ' || {{ chk_fmt('abs(cur_shown - prior_shown)') }} || ' 万元；请核对上年数。'
        end as message,
        evidence, page, locator
    from judged
)

select * from final
