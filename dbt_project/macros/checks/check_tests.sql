{#- Generic tests of the check models (findings are rows, never build errors; these test the machinery). -#}

{#- every row's status is one of the allowed values and carries a check_id known to the registry -#}
{% test chk_known_check_id(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} not in (select check_id from {{ ref('check_registry') }})
{% endtest %}

{#- a failing row must say what it expected and what it found when both are numbers -#}
{% test chk_difference_consistent(model) %}
select *
from {{ model }}
where expected is not null and actual is not null and difference is not null
  and difference <> actual - expected
{% endtest %}
