{#- Chinese name of a standard table key, for messages. Written by `python -m ingest.standard_tables` from
    seeds/standard_table.csv: edit the seed, not this file -#}
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
        when 'performance' then '项目支出绩效目标完成情况表 / 绩效自评表'
        else {{ table_key }}
    end
{%- endmacro %}
