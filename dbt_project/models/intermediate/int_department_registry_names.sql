-- Every name a registered department may be published under: its registry name and each alias.
with registry as (
    select * from {{ ref('stg_bureau__department_registry') }}
),

names as (
    select department_name, department_name as name_variant, 'name' as match_kind, peer_group
    from registry
    union all
    select department_name, trim(alias.unnest) as name_variant, 'alias' as match_kind, peer_group
    from registry, unnest(string_split(coalesce(registry.aliases, ''), '|')) as alias
    where trim(alias.unnest) <> ''
)

select * from names
