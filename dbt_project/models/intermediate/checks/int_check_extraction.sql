-- Extraction family: a recognised table whose own identities fail in a way no single wrong figure explains
-- (ingest.table_verify) is reported once, instead of a cascade of identity findings on misread figures.
with parses as (
    select * from {{ ref('stg_raw__table_parses') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

evaluated as (
    select
        'extraction.table_unreliable' as check_id,
        p.document_id,
        case when p.parse_reliable then 'pass' else 'fail' end as status,
        cast(p.n_identities as decimal(38, 6)) as expected,
        cast(p.n_held as decimal(38, 6)) as actual,
        cast(p.n_held - p.n_identities as decimal(38, 6)) as difference,
        case when p.parse_reliable
            then '第' || coalesce(cast(p.page as varchar), '?') || '页《' || p.table_title || '》勾稽关系成立 '
                 || cast(p.n_held as varchar) || '/' || cast(p.n_identities as varchar)
            else '第' || coalesce(cast(p.page as varchar), '?') || '页《' || p.table_title || '》未能可靠识别（'
                 || p.reason_zh || '）'
        end as message,
        p.failed_identities as evidence,
        p.page,
        'table:' || p.table_key || '/seq:' || cast(p.table_seq as varchar) as locator
    from parses as p
    inner join documents as d using (document_id)
    where p.n_identities > 0
)

select * from evaluated
