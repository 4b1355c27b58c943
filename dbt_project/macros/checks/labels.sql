{#- The standard tables (seeds/standard_table.csv) for the check models. Written by
    `python -m ingest.standard_tables` from the seed: edit the seed, not this file -#}

{#- Chinese name of a standard table key, for messages -#}
{% macro chk_table_zh(table_key) -%}
    case {{ table_key }}
        when 'income_expenditure_summary' then '收入支出决算总表'
        when 'income' then '收入决算表'
        when 'expenditure' then '支出决算表'
        when 'fiscal_summary' then '财政拨款收入支出决算总表'
        when 'general_budget_expenditure' then '一般公共预算财政拨款支出决算表'
        when 'general_budget_basic' then '一般公共预算财政拨款基本支出决算表'
        when 'sangong' then '一般公共预算财政拨款“三公”经费支出决算表'
        when 'govfund' then '政府性基金预算财政拨款收入支出决算表'
        when 'soe_capital' then '国有资本经营预算财政拨款支出决算表'
        when 'fiscal_expenditure' then '财政拨款支出决算表'
        when 'budget_income_expenditure_summary' then '财务收支预算总表'
        when 'budget_income' then '收入预算总表'
        when 'budget_expenditure' then '支出预算总表'
        when 'budget_fiscal_summary' then '财政拨款收支预算总表'
        when 'budget_general_expenditure' then '一般公共预算支出功能分类预算表'
        when 'budget_govfund' then '政府性基金预算支出功能分类预算表'
        when 'budget_soe_capital' then '国有资本经营预算支出功能分类预算表'
        when 'budget_general_basic' then '一般公共预算基本支出部门预算经济分类预算表'
        when 'budget_sangong' then '“三公”经费和机关运行经费预算表'
        when 'budget_fiscal_expenditure' then '财政拨款支出预算表'
        when 'budget_fiscal_basic' then '财政拨款基本支出预算表'
        when 'budget_admin_operating' then '机关运行经费支出预算表'
        when 'budget_procurement' then '政府采购支出预算表'
        when 'performance' then '项目支出绩效目标完成情况表 / 绩效自评表'
        else {{ table_key }}
    end
{%- endmacro %}

{#- The standard tables: their keys and the properties models name them by (a Jinja list) -#}
{% macro chk_standard_tables() -%}
{{ return([
    {'key': 'income_expenditure_summary', 'kind': 'final', 'layout': 'summary', 'number': 1, 'fund_scope': 'all_funds', 'side': 'both'},
    {'key': 'income', 'kind': 'final', 'layout': 'lines', 'number': 2, 'fund_scope': 'all_funds', 'side': 'income'},
    {'key': 'expenditure', 'kind': 'final', 'layout': 'lines', 'number': 3, 'fund_scope': 'all_funds', 'side': 'expenditure'},
    {'key': 'fiscal_summary', 'kind': 'final', 'layout': 'summary', 'number': 4, 'fund_scope': 'fiscal', 'side': 'both'},
    {'key': 'general_budget_expenditure', 'kind': 'final', 'layout': 'lines', 'number': 5, 'fund_scope': 'general_budget', 'side': 'expenditure'},
    {'key': 'general_budget_basic', 'kind': 'final', 'layout': 'economic', 'number': 6, 'fund_scope': 'general_budget', 'side': 'expenditure'},
    {'key': 'sangong', 'kind': 'final', 'layout': 'sangong', 'number': 7, 'fund_scope': 'general_budget', 'side': 'expenditure'},
    {'key': 'govfund', 'kind': 'final', 'layout': 'lines', 'number': 8, 'fund_scope': 'govfund', 'side': 'both'},
    {'key': 'soe_capital', 'kind': 'final', 'layout': 'lines', 'number': 9, 'fund_scope': 'soe_capital', 'side': 'expenditure'},
    {'key': 'fiscal_expenditure', 'kind': 'final', 'layout': 'lines', 'number': none, 'fund_scope': 'fiscal', 'side': 'expenditure'},
    {'key': 'budget_income_expenditure_summary', 'kind': 'budget', 'layout': 'summary', 'number': 1, 'fund_scope': 'all_funds', 'side': 'both'},
    {'key': 'budget_income', 'kind': 'budget', 'layout': 'lines', 'number': 2, 'fund_scope': 'all_funds', 'side': 'income'},
    {'key': 'budget_expenditure', 'kind': 'budget', 'layout': 'lines', 'number': 3, 'fund_scope': 'all_funds', 'side': 'expenditure'},
    {'key': 'budget_fiscal_summary', 'kind': 'budget', 'layout': 'summary', 'number': 4, 'fund_scope': 'fiscal', 'side': 'both'},
    {'key': 'budget_general_expenditure', 'kind': 'budget', 'layout': 'lines', 'number': 5, 'fund_scope': 'general_budget', 'side': 'expenditure'},
    {'key': 'budget_govfund', 'kind': 'budget', 'layout': 'lines', 'number': 6, 'fund_scope': 'govfund', 'side': 'expenditure'},
    {'key': 'budget_soe_capital', 'kind': 'budget', 'layout': 'lines', 'number': 7, 'fund_scope': 'soe_capital', 'side': 'expenditure'},
    {'key': 'budget_general_basic', 'kind': 'budget', 'layout': 'economic', 'number': 8, 'fund_scope': 'general_budget', 'side': 'expenditure'},
    {'key': 'budget_sangong', 'kind': 'budget', 'layout': 'sangong', 'number': 9, 'fund_scope': 'general_budget', 'side': 'expenditure'},
    {'key': 'budget_fiscal_expenditure', 'kind': 'budget', 'layout': 'lines', 'number': none, 'fund_scope': 'fiscal', 'side': 'expenditure'},
    {'key': 'budget_fiscal_basic', 'kind': 'budget', 'layout': 'economic', 'number': none, 'fund_scope': 'fiscal', 'side': 'expenditure'},
    {'key': 'budget_admin_operating', 'kind': 'budget', 'layout': 'economic', 'number': none, 'fund_scope': 'admin_operating', 'side': 'expenditure'},
    {'key': 'budget_procurement', 'kind': 'budget', 'layout': 'generic', 'number': none, 'fund_scope': 'all_funds', 'side': 'expenditure'},
    {'key': 'performance', 'kind': 'performance', 'layout': 'generic', 'number': none, 'fund_scope': none, 'side': none},
]) }}
{%- endmacro %}

{#- The keys (a Jinja list) of the standard tables of that kind, layout, fund scope, side (income,
    expenditure, both), and numbered (in the standard set of its kind: true / false), in seed order; an
    argument left out does not filter, a list matches any of its values -#}
{% macro chk_standard_table_keys(kind=none, layout=none, numbered=none, fund_scope=none, side=none) -%}
{%- set wanted = {'kind': kind, 'layout': layout, 'fund_scope': fund_scope, 'side': side} -%}
{%- set keys = [] -%}
{%- for t in chk_standard_tables() -%}
    {%- set ns = namespace(ok=(numbered is none or (t.number is not none) == numbered)) -%}
    {%- for name, value in wanted.items() -%}
        {%- if value is not none and t[name] != value and (value is string or t[name] not in value) -%}
            {%- set ns.ok = false -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.ok -%}{%- do keys.append(t.key) -%}{%- endif -%}
{%- endfor -%}
{{ return(keys) }}
{%- endmacro %}

{#- The standard set of a kind (the 决算's T1…T9): number → quoted key, for `table_key = {{ t[5] }}` after
    `{% set t = chk_standard_set('final') %}` -#}
{% macro chk_standard_set(kind) -%}
{%- set numbered = {} -%}
{%- for t in chk_standard_tables() if t.kind == kind and t.number is not none -%}
    {%- do numbered.update({t.number: "'" ~ t.key ~ "'"}) -%}
{%- endfor -%}
{%- if not numbered -%}
    {{ exceptions.raise_compiler_error('chk_standard_set: no numbered standard table of kind ' ~ kind) }}
{%- endif -%}
{{ return(numbered) }}
{%- endmacro %}

{#- The SQL list of the keys of the standard tables that have those properties -#}
{% macro chk_table_keys(kind=none, layout=none, numbered=none, fund_scope=none, side=none) -%}
{%- set keys = chk_standard_table_keys(kind=kind, layout=layout, numbered=numbered, fund_scope=fund_scope, side=side) -%}
{%- if not keys -%}
    {{ exceptions.raise_compiler_error('chk_table_keys: no standard table has those properties') }}
{%- endif -%}
({% for key in keys %}'{{ key }}'{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The quoted key of the one standard table that has those properties -#}
{% macro chk_table_key(kind=none, layout=none, numbered=none, fund_scope=none, side=none) -%}
{%- set keys = chk_standard_table_keys(kind=kind, layout=layout, numbered=numbered, fund_scope=fund_scope, side=side) -%}
{%- if keys | length != 1 -%}
    {{ exceptions.raise_compiler_error('chk_table_key: ' ~ keys | length ~ ' standard tables have those'
        ~ ' properties (' ~ keys | join(', ') ~ '), not one') }}
{%- endif -%}
'{{ keys[0] }}'
{%- endmacro %}
