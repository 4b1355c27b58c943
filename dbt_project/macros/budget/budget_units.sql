{#-
  Units of budget tables. Budget tables are often printed in 元 (the Shanghai templates), sometimes in 万元;
  every 决算 figure and every mart amount is in 万元. A figure is converted without loss:
  * to 元 by an integer factor (元 1, 千元 1000, 万元 10000, 亿元 100000000) — intervals compared in 元 are exact;
  * to 万元 by a decimal factor (元 0.0001 …), keeping its displayed precision: 2 decimals in 元 are 6 in 万元.
  An unknown unit is taken as 万元 (the unit the recognised table falls back to when none is stated).
-#}

{% macro budget_yuan_factor(unit) -%}
    cast(case {{ unit }}
        when '元' then 1
        when '千元' then 1000
        when '亿元' then 100000000
        else 10000
    end as decimal(38, 0))
{%- endmacro %}

{% macro budget_to_wan(value, unit) -%}
    cast(cast({{ value }} as decimal(38, 10)) * cast(case {{ unit }}
        when '元' then 0.0001
        when '千元' then 0.1
        when '亿元' then 10000
        else 1
    end as decimal(38, 10)) as decimal(38, 6))
{%- endmacro %}

{#- displayed decimals of a converted figure, in 万元 (may be negative for 亿元: -2 = hundreds of 万元) -#}
{% macro budget_wan_decimals(decimals, unit) -%}
    (coalesce({{ decimals }}, 0) + case {{ unit }}
        when '元' then 4
        when '千元' then 1
        when '亿元' then -4
        else 0
    end)
{%- endmacro %}

{#- a 万元 figure (决算 narrative or table) as an exact interval in 元: value ± ½·10^-d 万元 -#}
{% macro budget_wan_lo_yuan(value, decimals) -%}
    ({{ chk_lo(value, decimals) }} * 10000)
{%- endmacro %}

{% macro budget_wan_hi_yuan(value, decimals) -%}
    ({{ chk_hi(value, decimals) }} * 10000)
{%- endmacro %}

{#- a 元 amount shown in 万元 with two decimals, for messages (the exact figure stays in the columns) -#}
{% macro budget_fmt_wan(yuan) -%}
    cast(round(cast({{ yuan }} as decimal(38, 6)) * cast(0.0001 as decimal(10, 4)), 2) as varchar)
{%- endmacro %}

{#- a 元 amount in a table's own unit, for messages (2 decimals, no thousands separators) -#}
{% macro budget_fmt_amount(yuan, unit) -%}
    cast(round(cast({{ yuan }} as decimal(38, 6)) * cast(case {{ unit }}
        when '元' then 1
        when '千元' then 0.001
        when '亿元' then 0.00000001
        else 0.0001
    end as decimal(38, 10)), 2) as varchar)
{%- endmacro %}

{#-
  The words of a narrative figure's clause before it: from the last clause mark (，；。) up to the figure, reading
  the block before too (a PDF line may start with the figure). ``prev_text``/``text`` are the blocks' texts, the
  locator's chars:<start> the figure's position in ``text`` (ingest.narrative's locators).
-#}
{% macro budget_clause_before(prev_text, text, locator) -%}
    regexp_extract(
        coalesce({{ prev_text }}, '')
        || substr({{ text }}, 1, try_cast(regexp_extract({{ locator }}, 'chars:([0-9]+)-', 1) as integer)),
        '[^，；。]*$'
    )
{%- endmacro %}

{#- a clause about another year than the budget's: last year's 执行数 / 决算 / 实际, or a year named that is not it -#}
{% macro budget_clause_other_year(clause, fiscal_year) -%}
    (regexp_matches(coalesce({{ clause }}, ''), '执行|决算|实际')
     or coalesce(try_cast(regexp_extract(coalesce({{ clause }}, ''), '([0-9]{4})年', 1) as integer), {{ fiscal_year }})
        <> {{ fiscal_year }})
{%- endmacro %}

{# A budget identity's outcome columns: status (the shown interval meets the parts' interval, in 元) and expected /
   actual / difference in 万元. Arguments are SQL expressions in 元. #}
{% macro budget_identity_outcome(shown, shown_lo, shown_hi, parts, parts_lo, parts_hi) -%}
    case when {{ chk_meets(shown_lo, shown_hi, parts_lo, parts_hi) }} then 'pass' else 'fail' end as status,
        {{ parts }} * cast(0.0001 as decimal(10, 4)) as expected,
        {{ shown }} * cast(0.0001 as decimal(10, 4)) as actual,
        ({{ shown }} - {{ parts }}) * cast(0.0001 as decimal(10, 4)) as difference
{%- endmacro %}
