{#- Chinese name of a budget table key, for messages (the Shanghai template's titles) -#}
{% macro budget_table_zh(table_key) -%}
    case {{ table_key }}
        when 'budget_income_expenditure_summary' then '财务收支预算总表'
        when 'budget_income' then '收入预算总表'
        when 'budget_expenditure' then '支出预算总表'
        when 'budget_fiscal_summary' then '财政拨款收支预算总表'
        when 'budget_general_expenditure' then '一般公共预算支出功能分类预算表'
        when 'budget_govfund' then '政府性基金预算支出功能分类预算表'
        when 'budget_soe_capital' then '国有资本经营预算支出功能分类预算表'
        when 'budget_general_basic' then '一般公共预算基本支出经济分类预算表'
        when 'budget_sangong' then '“三公”经费和机关运行经费预算表'
        when 'budget_fiscal_expenditure' then '财政拨款支出预算表'
        when 'budget_fiscal_basic' then '财政拨款基本支出预算表'
        else {{ table_key }}
    end
{%- endmacro %}
