"""Mutation testing of the checks on real documents (``python -m warehouse.mutation``, part of ``make eval``)."""
