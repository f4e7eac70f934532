"""Benchmarks: `python -m bench.NAME [--quick]`, one `metric: value unit` line per figure."""
