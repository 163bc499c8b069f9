"""Benchmarks: ``make bench`` runs every ``bench_*.py`` here; each reports a ratio against
a baseline measured in the same run, so the numbers compare across machines."""
