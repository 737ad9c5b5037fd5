"""The benchmark data generator (bench/generate.py): deterministic, seeded,
loaded with COPY. `audit.py` (the hash-chained audit rows) is the job
benchmarks' part; the rest is the page benchmarks'."""
