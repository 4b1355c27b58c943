{{ config(meta={'juesuan_scope': 'document'}) }}
-- Shared by percent / direction / yoy: every year-over-year claim (change and %, same sentence and metric)
-- with the current figure's candidates and last year's figures (previous-year filing, same department).
with facts as (
    select * from {{ ref('int_check_facts') }}
),

figures as (
    select * from {{ ref('int_check_table_figures') }}
),

documents as (
    select distinct filing_key, department_name, fiscal_year from {{ ref('int_check_documents') }}
),

changes as (
    select * from facts where source_kind = 'narrative' and basis = 'yoy_change' and fact_kind = 'metric'
),

pcts as (
    select * from facts where source_kind = 'narrative' and basis = 'yoy_pct' and fact_kind = 'metric'
),

claims as (
    select
        c.document_id, c.filing_key, c.department_name, c.fiscal_year, c.metric, c.fact_index,
        -- the ingest may store a fall as a negative change / %: the claim's magnitude is what is checked
        abs(c.value) as change_value,
        case when c.value < 0 then -c.hi else c.lo end as change_lo,
        case when c.value < 0 then -c.lo else c.hi end as change_hi,
        c.raw_text as change_text,
        coalesce(c.direction, '') as word, c.compared_year, c.page, c.locator, c.evidence, c.para_locator,
        abs(p.value) as pct_value,
        case when p.value < 0 then -p.hi else p.lo end as pct_lo,
        -- rounded or truncated: [p − ½u, p + u]
        case when p.value < 0 then -p.lo else p.hi end + (p.hi - p.value) as pct_hi, p.raw_text as pct_text, p.locator as pct_locator,
        case when c.direction in ('增加', '增长', '上升') then 1
             when c.direction in ('减少', '下降', '降低') then -1 end as sign
    from changes as c
    left join pcts as p
        on p.document_id = c.document_id and p.para_locator = c.para_locator and p.metric = c.metric
        and p.fact_index > c.fact_index
    qualify row_number() over (partition by c.document_id, c.fact_index order by p.fact_index nulls last) = 1
),

current_candidates as (
    -- this year's figure: stated in the same paragraph, or any table figure of the metric
    select c.document_id, c.fact_index, f.value, f.lo, f.hi
    from claims as c
    inner join facts as f
        on f.document_id = c.document_id and f.para_locator = c.para_locator and f.metric = c.metric
        and f.basis = 'actual'
    union all
    select c.document_id, c.fact_index, f.value, f.lo, f.hi
    from claims as c
    inner join figures as f on f.filing_key = c.filing_key and f.metric = c.metric and f.basis = 'actual'
),

prior_candidates as (
    -- last year's figure of the same metric in the previous-year filing (tables first, narrative too)
    select c.document_id, c.fact_index, f.value, f.lo, f.hi
    from claims as c
    inner join documents as d
        on d.department_name = c.department_name and d.fiscal_year = coalesce(c.compared_year, c.fiscal_year - 1)
    inner join figures as f on f.filing_key = d.filing_key and f.metric = c.metric and f.basis = 'actual'
    union all
    select c.document_id, c.fact_index, f.value, f.lo, f.hi
    from claims as c
    inner join documents as d
        on d.department_name = c.department_name and d.fiscal_year = coalesce(c.compared_year, c.fiscal_year - 1)
    inner join facts as f
        on f.filing_key = d.filing_key and f.metric = c.metric and f.basis = 'actual'
        and f.source_kind = 'narrative' and f.fact_kind = 'metric'
),

pairs as (
    select c.*, cur.value as cur_value, cur.lo as cur_lo, cur.hi as cur_hi,
        pr.value as prior_value, pr.lo as prior_lo, pr.hi as prior_hi
    from claims as c
    left join (select distinct * from current_candidates) as cur
        on cur.document_id = c.document_id and cur.fact_index = c.fact_index
    left join (select distinct * from prior_candidates) as pr
        on pr.document_id = c.document_id and pr.fact_index = c.fact_index
),

final as (
    select *,
        -- |current − prior| as an interval
        greatest(cur_lo - prior_hi, prior_lo - cur_hi, 0) as diff_lo,
        greatest(abs(cur_lo - prior_hi), abs(cur_hi - prior_lo)) as diff_hi,
        -- last year's figure implied by the stated direction word, and by the opposite one
        case when sign = 1 then cur_lo - change_hi else cur_lo + change_lo end as stated_lo,
        case when sign = 1 then cur_hi - change_lo else cur_hi + change_hi end as stated_hi,
        case when sign = 1 then cur_lo + change_lo else cur_lo - change_hi end as flipped_lo,
        case when sign = 1 then cur_hi + change_hi else cur_hi - change_lo end as flipped_hi
    from pairs
)

select * from final
