{{ config(meta={'juesuan_scope': 'document'}) }}
-- 预算绩效 (performance) of current documents: per project of the performance tables its budget, execution,
-- execution rate and indicator rows; plus the narrative's performance-management figures (perf_* metrics:
-- projects with targets, amounts, self-evaluation scores …) with project_name null.
with projects as (
    select * from {{ ref('int_performance_projects_extracted') }}
),

facts as (
    select * from {{ ref('int_metric_facts_identified') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

project_rates as (
    select
        document_id,
        block_index,
        case
            when max(value) filter (where item = 'budget') > 0
                then round(100 * max(value) filter (where item = 'execution')
                           / max(value) filter (where item = 'budget'), 2)
        end as execution_rate_pct
    from projects
    group by document_id, block_index
),

table_rows as (
    select
        projects.document_id,
        documents.department_name,
        documents.fiscal_year,
        projects.project_name,
        projects.item,
        projects.item_label,
        projects.value,
        case when projects.item = 'score' then '分' when projects.item = 'execution_pct' then '%' else '万元' end
            as unit,
        projects.decimals,
        project_rates.execution_rate_pct,
        projects.indicators,
        'table' as source_kind,
        projects.page,
        projects.locator,
        projects.evidence
    from projects
    inner join documents on projects.document_id = documents.document_id
    left join project_rates
        on projects.document_id = project_rates.document_id and projects.block_index = project_rates.block_index
    where documents.is_in_marts
),

narrative_rows as (
    select
        document_id,
        department_name,
        fiscal_year,
        cast(null as varchar) as project_name,
        metric || case when basis <> 'actual' then ':' || basis else '' end as item,
        metric_label as item_label,
        value,
        unit,
        decimals,
        cast(null as decimal(18, 2)) as execution_rate_pct,
        cast(null as varchar) as indicators,
        source_kind,
        page,
        locator,
        evidence
    from facts
    where is_in_marts and metric_category = 'performance'
),

final as (
    select * from table_rows
    union all
    select * from narrative_rows
)

select
    {{ document_casts() }},
    cast(project_name as varchar) as project_name,
    cast(item as varchar) as item,
    cast(item_label as varchar) as item_label,
    cast(value as decimal(18, 2)) as value,
    cast(unit as varchar) as unit,
    cast(decimals as integer) as decimals,
    cast(execution_rate_pct as decimal(18, 2)) as execution_rate_pct,
    cast(indicators as varchar) as indicators,
    cast(source_kind as varchar) as source_kind,
    cast(page as integer) as page,
    cast(locator as varchar) as locator,
    cast(evidence as varchar) as evidence
from final
