{#- Chinese name of a standard table key, for messages: its title in the seed standard_table (the key itself when
    it is not a standard table) -#}
{% macro chk_table_zh(table_key) -%}
    coalesce(
        (select standard_table.title_zh from {{ ref('standard_table') }} as standard_table
         where standard_table.key = {{ table_key }}),
        {{ table_key }}
    )
{%- endmacro %}
