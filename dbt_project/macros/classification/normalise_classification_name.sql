{#-
    A classification name as written anywhere (table row, narrative path part, catalogue) in a form that
    compares equal across templates: no whitespace, full-width parentheses, no list numbering
    (八、 / 1. / （一）), no level marker (（类）（款）（项）), no trailing 支出 (一般公共服务（类） = 一般公共服务支出).
-#}
{% macro normalise_classification_name(expr) -%}
regexp_replace(
    regexp_replace(
        regexp_replace(
            regexp_replace(
                replace(replace(regexp_replace(coalesce({{ expr }}, ''), '[\s　]+', '', 'g'), '(', '（'), ')', '）'),
                '^(?:[一二三四五六七八九十]+[、.．]|[0-9]+[、.．]|（[一二三四五六七八九十0-9]+）)', ''
            ),
            '（[类款项]）$', ''
        ),
        '支出$', ''
    ),
    '^[:：]|[:：]$', ''
)
{%- endmacro %}
