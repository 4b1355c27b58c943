-- Every department: the registered ones (the bureau's registry file, raw.department_registry) and any other
-- department that published a document, with its peer group (registered, or inferred from the name) and the years it disclosed.
with registry as (
    select * from {{ ref('stg_bureau__department_registry') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

published as (
    select
        department_name,
        any_value(peer_group) as peer_group,
        min(fiscal_year) filter (where doc_type = 'final_account') as first_fiscal_year,
        max(fiscal_year) filter (where doc_type = 'final_account') as last_fiscal_year,
        count(*) filter (where is_in_marts) as current_document_count,
        string_agg(distinct department_name_reported, '|' order by department_name_reported)
            filter (where department_name_reported <> department_name) as names_seen
    from documents
    group by department_name
),

final as (
    select
        coalesce(registry.department_name, published.department_name) as department_name,
        registry.department_code,
        registry.aliases,
        coalesce(registry.peer_group, published.peer_group, {{ infer_peer_group('registry.department_name') }})
            as peer_group,
        registry.parent,
        registry.county,
        registry.department_name is not null as in_registry,
        coalesce(registry.expected_to_file, false) as expected_to_file,
        published.names_seen,
        published.first_fiscal_year,
        published.last_fiscal_year,
        coalesce(published.current_document_count, 0) as current_document_count
    from registry
    full outer join published on registry.department_name = published.department_name
)

select
    cast(department_name as varchar) as department_name,
    cast(department_code as varchar) as department_code,
    cast(aliases as varchar) as aliases,
    cast(peer_group as varchar) as peer_group,
    cast(parent as varchar) as parent,
    cast(county as varchar) as county,
    cast(in_registry as boolean) as in_registry,
    cast(expected_to_file as boolean) as expected_to_file,
    cast(names_seen as varchar) as names_seen,
    cast(first_fiscal_year as integer) as first_fiscal_year,
    cast(last_fiscal_year as integer) as last_fiscal_year,
    cast(current_document_count as integer) as current_document_count
from final
