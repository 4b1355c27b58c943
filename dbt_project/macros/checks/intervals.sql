{#-
  Rounding-aware interval arithmetic for the checks (docs/checks.md, "the rounding rule").

  A displayed value v with d decimals stands for every true value in [v - ½·10^-d, v + ½·10^-d].
  Sums add the bounds; a check fails only when the intervals of the two sides cannot meet.
  Everything is DECIMAL(38, 6): exact, no floating point, no overflow for 万元 amounts times 100.
-#}

{% macro chk_dec(expr) -%}
    cast({{ expr }} as decimal(38, 6))
{%- endmacro %}

{#- half a unit in the last displayed place: d=0 → 0.5, d=2 → 0.005 (exact literal, no power()) -#}
{% macro chk_half(decimals) -%}
    cast(case
        when {{ decimals }} is null or {{ decimals }} <= 0 then 0.5
        when {{ decimals }} = 1 then 0.05
        when {{ decimals }} = 2 then 0.005
        when {{ decimals }} = 3 then 0.0005
        when {{ decimals }} = 4 then 0.00005
        else 0.000005
    end as decimal(38, 6))
{%- endmacro %}

{% macro chk_lo(value, decimals) -%}
    ({{ chk_dec(value) }} - {{ chk_half(decimals) }})
{%- endmacro %}

{% macro chk_hi(value, decimals) -%}
    ({{ chk_dec(value) }} + {{ chk_half(decimals) }})
{%- endmacro %}

{#- true when [lo1, hi1] and [lo2, hi2] share at least one point -#}
{% macro chk_meets(lo1, hi1, lo2, hi2) -%}
    (({{ lo1 }}) <= ({{ hi2 }}) and ({{ lo2 }}) <= ({{ hi1 }}))
{%- endmacro %}

{#-
  A stated percentage p (interval [p_lo, p_hi]) against the ratio 100·n/d of two intervals, d > 0.
  Exists n, d, p with 100·n = p·d  ⇔  100·n_lo <= p_hi·d_hi  and  100·n_hi >= max(p_lo, 0)·d_lo.
  Only multiplications: exact in DECIMAL.
-#}
{% macro chk_pct_meets(n_lo, n_hi, d_lo, d_hi, p_lo, p_hi) -%}
    (({{ d_lo }}) > 0
     and 100 * ({{ n_lo }}) <= ({{ p_hi }}) * ({{ d_hi }})
     and 100 * ({{ n_hi }}) >= greatest(({{ p_lo }}), 0) * ({{ d_lo }}))
{%- endmacro %}

{#- 100·n/d rounded half-up to 2 decimals, exactly (integer arithmetic on hugeint); null when d <= 0 -#}
{% macro chk_pct_display(n, d) -%}
    case when {{ chk_dec(d) }} > 0 then
        cast(
            (sign({{ chk_dec(n) }}) * ((abs(cast({{ chk_dec(n) }} * 1000000 as hugeint)) * 20000
              + cast({{ chk_dec(d) }} * 1000000 as hugeint))
              // (2 * cast({{ chk_dec(d) }} * 1000000 as hugeint))))
        as decimal(38, 0)) * cast(0.01 as decimal(3, 2))
    end
{%- endmacro %}

{#- a displayed number as text without trailing zeros noise: 2 decimals for money -#}
{% macro chk_fmt(value, decimals=2) -%}
    cast(round({{ chk_dec(value) }}, {{ decimals }}) as varchar)
{%- endmacro %}

{#- a location sentence for messages: 第N页 when the page is known -#}
{% macro chk_page_text(page) -%}
    coalesce('第' || cast({{ page }} as varchar) || '页', '')
{%- endmacro %}

{#-
  Two single displayed figures of one quantity: rounding half-up maps a true value x to v when
  x ∈ [v − ½u, v + ½u) — a half-open interval. Two such intervals meet iff lo1 < hi2 and lo2 < hi1, so
  269.85 and 269.86 (same decimals) never meet, while 0.3 and 0.30 do. Used where a figure is quoted
  (the narrative quoting a table), not where rounded figures are summed (sums keep the closed bound).
-#}
{% macro chk_meets_quote(lo1, hi1, lo2, hi2) -%}
    (({{ lo1 }}) < ({{ hi2 }}) and ({{ lo2 }}) < ({{ hi1 }}))
{%- endmacro %}
