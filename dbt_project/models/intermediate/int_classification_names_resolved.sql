{{ config(meta={'juesuan_scope': 'document'}) }}
-- One row per distinct (classification, year, level, reported code, name parts, hints): the code it resolves to.
--   1. a reported code that is in the catalogue wins (method 'code');
--   2. otherwise the names resolve level by level, each inside its parent: 类 (or the hint from the code
--      prefix / the rows above), then 款 under that 类, then 项 under that 款 — exact name for the year,
--      historical name (renames) or alias, then fuzzy (Jaro-Winkler ≥ var fuzzy_min_similarity);
--   3. anything else is 'unresolved' with the reason; nothing is dropped.
with lines as (
    select * from {{ ref('int_classification_lines_unioned') }}
),

names as (
    select * from {{ ref('int_classification_names') }}
),

keys as (
    select distinct
        resolve_key, classification, fiscal_year, level, code_reported,
        class_part, kuan_part, item_part, class_hint, kuan_hint
    from lines
),

catalogue_codes as (
    select distinct classification, code from names where name_kind = 'canonical'
),

by_code as (
    select keys.resolve_key, keys.code_reported as code
    from keys
    inner join catalogue_codes
        on keys.classification = catalogue_codes.classification and keys.code_reported = catalogue_codes.code
),

pending as (
    select keys.*
    from keys
    where keys.resolve_key not in (select resolve_key from by_code)
),

class_targets as (
    select resolve_key, classification, fiscal_year, class_part as part_norm, cast(null as varchar) as parent_code
    from pending
    where class_part <> ''
),

class_step as {{ resolve_classification_names('class_targets', 'names', '类') }},

after_class as (
    select
        pending.*,
        class_step.method as class_method,
        class_step.confidence as class_confidence,
        class_step.n_candidates as class_candidates,
        case when pending.class_part <> '' then class_step.code else pending.class_hint end as class_code
    from pending
    left join class_step on pending.resolve_key = class_step.resolve_key
),

kuan_targets as (
    select resolve_key, classification, fiscal_year, kuan_part as part_norm, class_code as parent_code
    from after_class
    where level in ('款', '项') and kuan_part <> '' and (class_part = '' or class_code is not null)
),

kuan_step as {{ resolve_classification_names('kuan_targets', 'names', '款') }},

after_kuan as (
    select
        after_class.*,
        kuan_step.method as kuan_method,
        kuan_step.confidence as kuan_confidence,
        kuan_step.n_candidates as kuan_candidates,
        case when after_class.kuan_part <> '' then kuan_step.code else after_class.kuan_hint end as kuan_code
    from after_class
    left join kuan_step on after_class.resolve_key = kuan_step.resolve_key
),

item_targets as (
    select resolve_key, classification, fiscal_year, item_part as part_norm, kuan_code as parent_code
    from after_kuan
    where level = '项' and item_part <> '' and (kuan_part = '' or kuan_code is not null)
),

item_step as {{ resolve_classification_names('item_targets', 'names', '项') }},

after_item as (
    select
        after_kuan.*,
        item_step.method as item_method,
        item_step.confidence as item_confidence,
        item_step.n_candidates as item_candidates,
        item_step.code as item_code
    from after_kuan
    left join item_step on after_kuan.resolve_key = item_step.resolve_key
),

by_name as (
    select
        resolve_key,
        case level when '类' then class_code when '款' then kuan_code when '项' then item_code end as code,
        -- the steps that resolved a name (a hint is not a name step)
        list_filter(
            [
                case when class_part <> '' then coalesce(class_method, 'missing') end,
                case when level in ('款', '项') and kuan_part <> '' then coalesce(kuan_method, 'missing') end,
                case when level = '项' and item_part <> '' then coalesce(item_method, 'missing') end
            ],
            lambda m: m is not null
        ) as step_methods,
        least(
            coalesce(class_confidence, 1), coalesce(kuan_confidence, 1), coalesce(item_confidence, 1)
        ) as min_confidence,
        case
            when level is null then 'no level and no code'
            when level = '类' and class_part = '' then 'no 类 name'
            when class_part <> '' and class_code is null then
                case when class_method = 'ambiguous' then '类 name matches several codes: ' else '类 name not in catalogue: ' end
                || class_part
            when level in ('款', '项') and class_code is null then 'no 类 given for this 款/项'
            when level in ('款', '项') and kuan_part <> '' and kuan_code is null then
                case when kuan_method = 'ambiguous' then '款 name matches several codes under '
                     else '款 name not in catalogue under ' end
                || class_code || ': ' || kuan_part
            when level = '款' and kuan_code is null then 'no 款 name'
            when level = '项' and kuan_code is null then 'no 款 given for this 项'
            when level = '项' and item_part <> '' and item_code is null then
                case when item_method = 'ambiguous' then '项 name matches several codes under '
                     else '项 name not in catalogue under ' end
                || kuan_code || ': ' || item_part
            when level = '项' and item_code is null then 'no 项 name'
        end as failure
    from after_item
),

resolved as (
    select resolve_key, code, 'code' as resolution_method, cast(1 as decimal(5, 4)) as resolution_confidence,
        cast(null as varchar) as resolution_reason
    from by_code
    union all
    select
        resolve_key,
        case when failure is null then code end as code,
        case
            when failure is not null then 'unresolved'
            when list_contains(step_methods, 'fuzzy') then 'fuzzy'
            when list_contains(step_methods, 'historical') then 'historical'
            when list_contains(step_methods, 'alias') then 'alias'
            when len(step_methods) = 0 then 'hint'
            else 'exact'
        end as resolution_method,
        case when failure is null then cast(min_confidence as decimal(5, 4)) else cast(0 as decimal(5, 4)) end
            as resolution_confidence,
        failure as resolution_reason
    from by_name
),

final as (
    select
        keys.*,
        resolved.code,
        resolved.resolution_method,
        resolved.resolution_confidence,
        case
            when keys.code_reported is not null and resolved.resolution_method <> 'code' then
                'reported code ' || keys.code_reported || ' not in catalogue'
                || coalesce('; ' || resolved.resolution_reason, '; resolved by name')
            else resolved.resolution_reason
        end as resolution_reason
    from keys
    inner join resolved on keys.resolve_key = resolved.resolve_key
)

select * from final
