{#- one part of a 「其中」 change list (「A 比上年增加 a 万元」): its name (the given characters trimmed), its direction word
    and its amount as printed -#}
{% macro chk_change_part_fields(num, trim_chars) -%}
trim(regexp_extract(part, '^(.*?)(?:增加|减少|增长|下降)', 1), '{{ trim_chars }}') as part_name,
        regexp_extract(part, '(增加|减少|增长|下降)', 1) as part_word,
        replace(regexp_extract(part, '({{ num }})\s*万\s*元$', 1), ',', '') as part_text
{%- endmacro %}
