{#-
    Resolve name parts to classification codes at one level.

    targets: a CTE with resolve_key, fiscal_year, part_norm (normalised name), parent_code (null = any parent).
    names:   a CTE with code, level, parent_code, name_norm, valid_from_year, valid_to_year, name_kind
             (canonical | alias).

    Returns one row per target that has at least one candidate: resolve_key, code (null when ambiguous),
    method (exact | historical | alias | fuzzy | ambiguous), confidence (1.0 for exact/historical/alias,
    the Jaro-Winkler similarity for fuzzy) and n_candidates. Order of preference: the name valid in the
    fiscal year (exact), a name the code had in another year (historical: renames) or a registered alias,
    then the most similar name above var('fuzzy_min_similarity').
-#}
{% macro resolve_classification_names(targets, names, level) -%}
(
    with candidates as (
        select
            t.resolve_key,
            n.code,
            case
                when n.name_norm = t.part_norm and n.name_kind = 'canonical'
                    and (t.fiscal_year is null
                         or t.fiscal_year between coalesce(n.valid_from_year, 0) and coalesce(n.valid_to_year, 9999))
                    then 1
                when n.name_norm = t.part_norm then 2
                else 3
            end as match_rank,
            case
                when n.name_norm = t.part_norm and n.name_kind = 'alias' then 'alias'
                when n.name_norm = t.part_norm and n.name_kind = 'canonical'
                    and (t.fiscal_year is null
                         or t.fiscal_year between coalesce(n.valid_from_year, 0) and coalesce(n.valid_to_year, 9999))
                    then 'exact'
                when n.name_norm = t.part_norm then 'historical'
                else 'fuzzy'
            end as method,
            case
                when n.name_norm = t.part_norm then 1.0
                else jaro_winkler_similarity(t.part_norm, n.name_norm)
            end as confidence
        from {{ targets }} as t
        inner join {{ names }} as n
            on n.level = '{{ level }}'
            and (t.parent_code is null or n.parent_code = t.parent_code)
        where t.part_norm <> ''
            and (n.name_norm = t.part_norm
                 or jaro_winkler_similarity(t.part_norm, n.name_norm) >= {{ var('fuzzy_min_similarity', 0.88) }})
    ),

    best_per_code as (
        select * from candidates
        qualify row_number() over (
            partition by resolve_key, code order by match_rank, confidence desc
        ) = 1
    ),

    ranked as (
        select
            *,
            rank() over (partition by resolve_key order by match_rank, round(confidence, 6) desc) as pos
        from best_per_code
    )

    select
        resolve_key,
        case when count(*) = 1 then min(code) end as code,
        case when count(*) = 1 then min(method) else 'ambiguous' end as method,
        cast(max(confidence) as decimal(5, 4)) as confidence,
        count(*) as n_candidates
    from ranked
    where pos = 1
    group by resolve_key
)
{%- endmacro %}
