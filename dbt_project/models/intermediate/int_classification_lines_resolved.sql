-- A table: the resolution (exact, historical, fuzzy) runs once for the marts and the checks that read it.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
-- Every classification line with its resolved code, the canonical name of that code for the line's year,
-- and whether the reported name is the current one, an older/newer name of the code, or a different one.
with lines as (
    select * from {{ ref('int_classification_lines_unioned') }}
),

resolutions as (
    select * from {{ ref('int_classification_names_resolved') }}
),

names as (
    select * from {{ ref('int_classification_names') }}
),

canonical_names as (
    select * from names where name_kind = 'canonical'
),

resolved as (
    select
        lines.*,
        resolutions.code,
        resolutions.resolution_method,
        resolutions.resolution_confidence,
        resolutions.resolution_reason
    from lines
    inner join resolutions on lines.resolve_key = resolutions.resolve_key
),

name_for_year as (
    select
        resolved.line_key,
        resolved.document_id,
        canonical_names.name as name_canonical
    from resolved
    inner join canonical_names
        on resolved.classification = canonical_names.classification
        and resolved.code = canonical_names.code
    qualify row_number() over (
        partition by resolved.document_id, resolved.line_key
        order by
            case when resolved.fiscal_year between coalesce(canonical_names.valid_from_year, 0)
                                               and coalesce(canonical_names.valid_to_year, 9999)
                 then 0 else 1 end,
            coalesce(canonical_names.valid_from_year, 0) desc
    ) = 1
),

reported_name_matches as (
    select distinct
        resolved.document_id,
        resolved.line_key
    from resolved
    inner join names
        on resolved.classification = names.classification
        and resolved.code = names.code
        and names.name_norm = {{ normalise_classification_name('resolved.name_reported') }}
),

final as (
    select
        resolved.*,
        name_for_year.name_canonical,
        case
            when resolved.code is null then null
            when resolved.source_kind = 'narrative' or resolved.code_reported is null then resolved.resolution_method
            when {{ normalise_classification_name('resolved.name_reported') }}
                = {{ normalise_classification_name('name_for_year.name_canonical') }} then 'current'
            when reported_name_matches.line_key is not null then 'other_year_or_alias'
            else 'different'
        end as reported_name_status
    from resolved
    left join name_for_year
        on resolved.document_id = name_for_year.document_id and resolved.line_key = name_for_year.line_key
    left join reported_name_matches
        on resolved.document_id = reported_name_matches.document_id
        and resolved.line_key = reported_name_matches.line_key
)

select * from final
