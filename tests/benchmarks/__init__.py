"""Benchmark-style scripts, run by hand; pytest does not collect them (see conftest.py)."""
