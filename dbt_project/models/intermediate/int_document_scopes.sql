{{ config(meta={'juesuan_scope': 'document'}) }}
-- The scope of every parsed document (all revisions): its registry department. Document-scoped models
-- (config meta juesuan_scope: document) relate the documents of one scope only (the files of a filing, the
-- revisions of a file, the years before and after, the budget of the same year), so an incremental build
-- recomputes them for the scopes of the changed documents and nothing else.
with documents as (
    select * from {{ ref('int_documents_identified') }}
),

final as (
    select
        document_id,
        coalesce(department_name, '') as scope_key
    from documents
)

select * from final
