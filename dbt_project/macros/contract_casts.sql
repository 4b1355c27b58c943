{#- Column casts shared by several contracted marts (the contract needs exact types). -#}

{%- macro document_casts() -%}
    cast(document_id as varchar) as document_id,
    cast(department_name as varchar) as department_name,
    cast(fiscal_year as integer) as fiscal_year
{%- endmacro -%}

{#- a classification line's code (its class: the first three digits), its level and name as resolved, its measure;
    `groups`: columns of the class that stand between the class and the level (economic: expense_group) -#}
{%- macro classification_line_casts(classification, groups=[]) -%}
    cast(code as varchar) as {{ classification }}_code,
    cast(substr(code, 1, 3) as varchar) as class_code,
    {%- for group in groups %}
    cast({{ group }} as varchar) as {{ group }},
    {%- endfor %}
    cast(level as varchar) as level,
    {{ resolution_casts() }},
    cast(measure as varchar) as measure
{%- endmacro -%}

{%- macro resolution_casts() -%}
    cast(name_reported as varchar) as name_reported,
    cast(name_canonical as varchar) as name_canonical,
    cast(code_reported as varchar) as code_reported,
    cast(resolution_method as varchar) as resolution_method,
    cast(resolution_confidence as decimal(5, 4)) as resolution_confidence,
    cast(resolution_reason as varchar) as resolution_reason,
    cast(reported_name_status as varchar) as reported_name_status
{%- endmacro -%}

{%- macro provenance_casts() -%}
    cast(raw_text as varchar) as raw_text,
    cast(source_kind as varchar) as source_kind,
    cast(table_key as varchar) as table_key,
    cast(page as integer) as page,
    cast(locator as varchar) as locator,
    cast(evidence as varchar) as evidence
{%- endmacro -%}


{%- macro metric_fact_casts() -%}
    cast(department_name as varchar) as department_name,
    cast(fiscal_year as integer) as fiscal_year,
    cast(metric as varchar) as metric,
    cast(basis as varchar) as basis,
    cast(value as decimal(18, 2)) as value,
    cast(decimals as integer) as decimals,
    cast(raw_text as varchar) as raw_text,
    cast(unit as varchar) as unit,
    cast(source_kind as varchar) as source_kind,
    cast(page as integer) as page,
    cast(locator as varchar) as locator,
    cast(evidence as varchar) as evidence
{%- endmacro -%}
