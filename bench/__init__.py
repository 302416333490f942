"""gen's benchmark suite: `python -m bench` (full run, writes bench/RESULTS.md) or `python -m bench --smoke`."""
