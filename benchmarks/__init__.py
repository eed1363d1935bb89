"""Speed and size measurements for the chapter: `make bench` (python -m benchmarks)."""
