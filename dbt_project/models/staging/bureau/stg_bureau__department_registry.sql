with source as (
    select * from {{ source('raw_bureau', 'department_registry') }}
),

renamed as (
    select
        cast(trim(department_name) as varchar) as department_name,
        cast(nullif(trim(department_code), '') as varchar) as department_code,
        cast(nullif(trim(aliases), '') as varchar) as aliases,
        cast(nullif(trim(peer_group), '') as varchar) as peer_group,
        cast(nullif(trim(parent), '') as varchar) as parent,
        cast(nullif(trim(county), '') as varchar) as county,
        cast(expected_to_file as boolean) as expected_to_file,
        cast(source_file as varchar) as source_file,
        cast(source_row as integer) as source_row
    from source
)

select * from renamed
