{{ config(meta={'juesuan_scope': 'document'}) }}
-- Table cells with their rounding interval, the filing they belong to, and a clean row name.
with source as (
    select * from {{ ref('stg_raw__table_cells') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

renamed as (
    select
        source.document_id,
        documents.filing_key,
        documents.department_name,
        documents.fiscal_year,
        source.table_key,
        source.row_index,
        regexp_extract(source.locator, '^(.*)/col:', 1) as row_key,
        coalesce(try_cast(regexp_extract(source.locator, 'block:([0-9]+)', 1) as integer), 0) * 100000
            + source.row_index as row_order,
        source.col_index,
        source.row_label,
        -- 一、一般公共服务支出 → 一般公共服务支出 ; （一）… → …
        regexp_replace(
            regexp_replace(source.row_label, '^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[、.．])\s*', ''),
            '\s', '', 'g'
        ) as row_name,
        source.code,
        source.measure,
        source.measure_label,
        source.value,
        source.decimals,
        {{ chk_lo('source.value', 'source.decimals') }} as lo,
        {{ chk_hi('source.value', 'source.decimals') }} as hi,
        source.raw_text,
        source.page,
        source.locator,
        source.evidence,
        -- false: the table's own identities fail in a way no single wrong figure explains (ingest.table_verify);
        -- the identity checks leave such cells to extraction.table_unreliable
        source.parse_reliable
    from source
    inner join documents on source.document_id = documents.document_id
)

select * from renamed
