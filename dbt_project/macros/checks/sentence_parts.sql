{#- one part of a 「其中」 change list (「A 比上年增加 a 万元」): its name (the given characters trimmed), its direction word
    and its amount as printed -#}
{% macro chk_change_part_fields(num, trim_chars) -%}
trim(regexp_extract(part, '^(.*?)(?:增加|减少|增长|下降)', 1), '{{ trim_chars }}') as part_name,
        regexp_extract(part, '(增加|减少|增长|下降)', 1) as part_word,
        replace(regexp_extract(part, '({{ num }})\s*万\s*元$', 1), ',', '') as part_text
{%- endmacro %}

{#- the signed change of a part (增加/增长 +a, 减少/下降 −a) as an interval: its lower and its upper bound. A part
    taken away swaps its bounds (−[a_lo, a_hi] = [−a_hi, −a_lo]), so a sum of signed parts stays an interval as wide
    as all the parts' roundings — never narrower (a narrower one would make a rounding-only difference fail) -#}
{% macro chk_signed_part(word, text, bound) -%}
    case when {{ word }} in ('增加', '增长')
        then {{ (chk_lo if bound == 'lo' else chk_hi)('cast(' ~ text ~ ' as decimal(38, 6))', "length(split_part(" ~ text ~ " || '.', '.', 2))") }}
        else -{{ (chk_hi if bound == 'lo' else chk_lo)('cast(' ~ text ~ ' as decimal(38, 6))', "length(split_part(" ~ text ~ " || '.', '.', 2))") }}
    end
{%- endmacro %}
