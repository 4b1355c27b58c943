{#- A budget table's title as the 目录 and the body are matched: without 预算, years and brackets; a fund's table
    (政府性基金 / 国有资本经营 / 一般公共预算) also without 财政拨款 (目录 政府性基金财政拨款支出预算表, title
    政府性基金支出预算表). -#}
{% macro budget_table_title_key(expr) -%}
    case
        when regexp_matches({{ expr }}, '政府性基金|国有资本经营|一般公共')
            then regexp_replace({{ expr }}, '预算|[0-9]{4}年度?|（[^）]*）|财政拨款', '', 'g')
        else regexp_replace({{ expr }}, '预算|[0-9]{4}年度?|（[^）]*）', '', 'g')
    end
{%- endmacro %}
