-- The metrics any table of the county states (one row per metric): which narrative claims int_check_narrative
-- keeps depends on them. County-wide and without document_id, so int_check_narrative can be document-scoped: it
-- changes as a whole (every reader recomputed) only when this set changes.
select distinct metric from {{ ref('int_check_table_figures') }}
