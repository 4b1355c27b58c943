{#- Chinese name of a budget table key, for messages: the standard-table seed's title (chk_table_zh) -#}
{% macro budget_table_zh(table_key) -%}
    {{ chk_table_zh(table_key) }}
{%- endmacro %}
