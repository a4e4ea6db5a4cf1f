"""Revision files, one per schema change, named by intent (`0001_initial_store.py`)."""
