with source as (
    select * from {{ source('raw_bureau', 'bureau_inputs') }}
),

renamed as (
    select
        cast(run_id as varchar) as run_id,
        cast(taken_at as timestamptz) as taken_at,
        cast(registry_file as varchar) as registry_file,
        cast(registry_sha256 as varchar) as registry_sha256,
        cast(review_store as varchar) as review_store,
        cast(review_fingerprint as varchar) as review_fingerprint,
        cast(fingerprint as varchar) as fingerprint
    from source
)

select * from renamed
