{{ config(meta={'juesuan_scope': 'document'}) }}
-- Document-level rules: document.conflict — two different current documents of one department, year and kind
-- that state the same figures differently (int_document_conflicts); a split 情况说明 + 报表 filing passes.
with documents as (
    select * from {{ ref('int_documents_identified') }}
),

conflicts as (
    select * from {{ ref('int_document_conflicts') }}
),

final as (
    select
        'document.conflict' as check_id,
        documents.document_id,
        case when conflicts.document_id is null then 'pass' else 'fail' end as status,
        null as expected,
        cast(conflicts.figures_differing as decimal(38, 6)) as actual,
        null as difference,
        case
            when conflicts.document_id is null then '本部门本年度同类文件没有相互矛盾的版本。'
            else '同一部门、同一年度另有一份同类文件（' || conflicts.conflicting_files || '）与本文件有 '
                || cast(conflicts.figures_differing as varchar) || ' 处数据不一致（如 ' || conflicts.example
                || '），是两个不同版本而不是分开报送的情况说明与报表；县级汇总两份都不采用，请撤回其中一份。'
        end as message,
        conflicts.conflicting_document_ids as evidence,
        null as page,
        null as locator
    from documents
    left join conflicts on documents.document_id = conflicts.document_id
    where documents.is_in_marts and documents.department_name is not null and documents.fiscal_year is not null
        and documents.doc_type is not null
)

select * from final
