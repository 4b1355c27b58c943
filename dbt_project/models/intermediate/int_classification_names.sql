-- Every name a function or economic code is known by, normalised for matching: the canonical names of the
-- seeds (with their years of validity; renamed codes have one row per name) and the registered aliases.
with functions as (
    select * from {{ ref('function_classification') }}
),

economics as (
    select * from {{ ref('economic_classification') }}
),

aliases as (
    select * from {{ ref('classification_alias') }}
),

canonical as (
    select 'function' as classification, code, level, parent_code, name, valid_from_year, valid_to_year, source
    from functions
    union all
    select 'economic' as classification, code, level, parent_code, name, valid_from_year, valid_to_year, source
    from economics
),

alias_names as (
    select
        aliases.classification,
        aliases.code,
        canonical.level,
        canonical.parent_code,
        aliases.alias as name,
        cast(null as integer) as valid_from_year,
        cast(null as integer) as valid_to_year,
        'alias' as source
    from aliases
    inner join canonical
        on aliases.classification = canonical.classification and aliases.code = canonical.code
    qualify row_number() over (partition by aliases.classification, aliases.code, aliases.alias order by 1) = 1
),

final as (
    select *, 'canonical' as name_kind, {{ normalise_classification_name('name') }} as name_norm from canonical
    union all
    select *, 'alias' as name_kind, {{ normalise_classification_name('name') }} as name_norm from alias_names
)

select * from final
