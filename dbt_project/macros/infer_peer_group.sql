{#- The peer group of a department that the registry file does not give one, from its name. -#}
{% macro infer_peer_group(name) -%}
case
    when {{ name }} like '%街道办事处%' or regexp_matches({{ name }}, '[镇乡](人民政府)?$') then '街道/乡镇'
    when {{ name }} like '中共%' or regexp_matches({{ name }}, '(纪律检查委员会|[县区市]委[^员]*部)$') then '党委部门'
    when regexp_matches({{ name }}, '(中心|院|站|所|馆|学校|中学|小学|幼儿园|医院|队|台)(（本级）)?$') then '事业单位'
    else '政府部门'
end
{%- endmacro %}
