"""The bureau's review loop: decisions on findings kept as data next to the warehouse, review workbooks,
the department registry file (see docs/checks.md, Review)."""
