"""Read queries the API answers with, each scoped by :func:`four_real.access.project_filter` in SQL."""
