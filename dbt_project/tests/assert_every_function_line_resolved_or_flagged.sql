-- Every function line has a code, or is flagged 'unresolved' with a reason; nothing else.
select document_id, name_reported, resolution_method, resolution_reason
from {{ ref('fct_expenditure_by_function') }}
where (function_code is null and (resolution_method <> 'unresolved' or resolution_reason is null))
    or (function_code is not null and resolution_method = 'unresolved')
