"""Tests of the PostgreSQL adapter against a throwaway cluster started by the fixtures in ``conftest.py``."""
