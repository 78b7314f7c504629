"""Benchmarks (not collected by pytest): ``python -m tests.bench`` — see README.md here."""
