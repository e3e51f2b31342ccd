"""Benchmarks of the staffing engine against its peers and the lower bound.

Run every section in one go with ``python -m benchmarks`` (see
``benchmarks/README.md``); results go to ``benchmarks/results/``.
"""
