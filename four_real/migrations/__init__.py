"""Alembic migrations of the store. A package (not just a folder) so setuptools installs the revision files
with `four_real`; Alembic itself loads `env.py` and `versions/*.py` by path and skips `__init__.py`."""
