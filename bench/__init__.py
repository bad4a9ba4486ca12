"""`make bench`: the real workload on the production shape, beside the floor it is measured
against (docs/performance.md). Not part of the API: the baselines and the per-request cost
headers exist only in a server started with BENCHMARK=true."""
