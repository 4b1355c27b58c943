{#- a roll-up whose parts continue on other pages (a table split across pages) says where: （明细行在第8—9页） -#}
{% macro chk_parts_pages_note(first_page, last_page, page) -%}
    case when {{ first_page }} <> {{ page }} or {{ last_page }} <> {{ page }}
        then '（明细行在第' || cast({{ first_page }} as varchar)
            || case when {{ last_page }} <> {{ first_page }} then '—' || cast({{ last_page }} as varchar) else '' end
            || '页）'
    end
{%- endmacro %}
