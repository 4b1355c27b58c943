{#- The blocks of `blocks` (a relation with match_text) that one text pattern matches, one row per block: the rule,
    the pattern's short name (token), what it finds, the words around its first match and its number of matches.

    The pattern is the body of the call block, as written: a call block's body is template text, so a backslash is
    the regex's own (a Jinja string literal would read '\s' as an escape). Its lines are joined with their leading
    and trailing spaces removed, so a long pattern can be wrapped where no space belongs to it.

    The pattern is a literal in every expression, so DuckDB compiles it once per statement; a pattern read from a
    column (a join of blocks to a table of patterns) is compiled again for every row it is applied to. -#}
{% macro chk_text_pattern_hits(blocks, check_id, token, what) -%}
{%- set pattern = caller().split('\n') | map('trim', ' ') | join('') -%}
{%- if "'" in pattern or "'" in token or "'" in what or pattern == '' -%}
    {{ exceptions.raise_compiler_error("chk_text_pattern_hits: an empty pattern, or a quote in " ~ check_id ~ " " ~ token) }}
{%- endif -%}
select b.*, '{{ check_id }}' as check_id, '{{ token }}' as token, '{{ what }}' as what,
        -- the words around, within the sentence: nothing after a 。/； the match ends with (a rewording of the next
        -- sentence must not change the finding)
        regexp_replace(regexp_extract(b.match_text, '[^。；]{0,10}{{ pattern }}[^。；]{0,6}', 0),
                       '([。；])[^。；]*$', '\1') as snippet,
        len(regexp_extract_all(b.match_text, '{{ pattern }}', 0)) as n_hits
    from {{ blocks }} as b
    where regexp_matches(b.match_text, '{{ pattern }}')
{%- endmacro %}
