"""Scale benchmarks: 50 000 services on one PostgreSQL, two app hosts following one change log.

``python -m bench.run`` (``make bench``) prepares a scratch database, generates the synthetic
catalogue, builds the index, starts gunicorn and the indexer as subprocesses, measures, and
writes ``docs/BENCHMARKS.md`` and ``bench/results.json``. One module per benchmark:

- ``config``     – what a run measures and where (environment variables ``BENCH_*``)
- ``procs``      – subprocesses (gunicorn, indexers, flask commands), always cleaned up; peak RSS
- ``corpus``     – the scratch database: create, migrate, demo catalogue, synthetic services
- ``workload``   – the 200 mixed search requests, drawn deterministically from the corpus
- ``latency``    – search latency over HTTP and in process (raw Whoosh)
- ``fts5``       – the same texts and words in a SQLite FTS5 table, for scale
- ``load``       – closed-loop throughput with wrk (32 connections, 60 s)
- ``freshness``  – publish → searchable through the change log and the indexer
- ``pages``      – the compare page and exports of frozen shortlists, logged in as a buyer
- ``twohosts``   – two app hosts with their own indexes following one database
- ``profiling``  – py-spy (time) and tracemalloc (memory) profiles, summarised
- ``diagnose``   – which work to replay under a profiler for each missed target
- ``machine``    – the machine and software versions the figures were taken on
- ``stats``      – percentiles and phase timing
- ``report``     – ``results.json`` and the Markdown note
"""
