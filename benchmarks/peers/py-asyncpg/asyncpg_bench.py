"""asyncpg peer of benchmarks/postgres/pg_bench.cpp: the same queries, the same JSON lines.

  asyncpg_bench.py --dsn postgresql://... [--lookups N] [--batches B] [--rows R] [--keys K]
                   [--pool-lookups N] [--csv F [--csv10 F10] [--copy-out FILE]]

lookup_pipe: asyncpg has no pipeline (and refuses concurrent operations on one
connection): the batches of 50 lookups run one after another (reported for reference).
lookup_pool: create_pool(min_size=max_size=8), 64 tasks, each lookup acquiring a
connection for itself (Pool.fetchrow). fetch: Connection.fetch of the whole result
(asyncpg's fastest path; it keeps every row). copy_in: copy_to_table of the CSV file;
copy_out: copy_from_table into a file (CSV); _10x: the same with the 10x file.
"""
import argparse
import asyncio
import json
import random
import resource
import time

import asyncpg


def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def report(op, units, unit, t0, c0):
    secs = time.perf_counter() - t0
    print(json.dumps({"client": "asyncpg", "op": op, unit: units, "seconds": round(secs, 4),
                      "per_second": round(units / secs, 1), "cpu_seconds": round(cpu() - c0, 4)}), flush=True)


async def main(a):
    conn = await asyncpg.connect(a.dsn)
    rng = random.Random(42)
    lookup = "select v from bench_kv where id = $1"
    if a.lookups > 0:
        stmt = await conn.prepare(lookup)
        t0, c0 = time.perf_counter(), cpu()
        for _ in range(a.lookups):
            row = await stmt.fetchrow(rng.randint(1, a.keys))
            assert row is not None
        report("lookup_seq", a.lookups, "queries", t0, c0)
    if a.batches > 0:
        stmt = await conn.prepare(lookup)
        t0, c0 = time.perf_counter(), cpu()
        for _ in range(a.batches):
            for _ in range(50):
                await stmt.fetchrow(rng.randint(1, a.keys))
        report("lookup_pipe", a.batches * 50, "queries", t0, c0)
    if a.pool_lookups > 0:
        pool = await asyncpg.create_pool(a.dsn, min_size=8, max_size=8)
        per_task = a.pool_lookups // 64

        async def worker(seed):
            r = random.Random(seed)
            for _ in range(per_task):
                row = await pool.fetchrow(lookup, r.randint(1, a.keys))
                assert row is not None

        # The statement into every connection's cache before the clock starts.
        await asyncio.gather(*(pool.fetchrow(lookup, 1) for _ in range(8)))
        t0, c0 = time.perf_counter(), cpu()
        await asyncio.gather(*(worker(1000 + t) for t in range(64)))
        report("lookup_pool", per_task * 64, "queries", t0, c0)
        await pool.close()
    if a.rows > 0:
        t0, c0 = time.perf_counter(), cpu()
        rows = await conn.fetch(
            "select g::int8 as id, g * 0.5::float8 as x, 'label ' || g as label, g % 2 = 0 as flag,"
            " timestamptz '2024-01-01' + g * interval '1 second' as at"
            " from generate_series(1, $1::int8) g", a.rows)
        total = sum(r[0] + len(r[2]) for r in rows)
        assert len(rows) == a.rows and total > 0
        report("fetch", a.rows, "rows", t0, c0)
        del rows
    for path, suffix in ((a.csv, ""), (a.csv10, "_10x")):
        if not path:
            continue
        await conn.execute(f"truncate {a.copy_table}")
        t0, c0 = time.perf_counter(), cpu()
        status = await conn.copy_to_table(a.copy_table, source=path, format="csv")
        report("copy_in" + suffix, int(status.split()[-1]), "rows", t0, c0)
        if a.copy_out:
            t0, c0 = time.perf_counter(), cpu()
            status = await conn.copy_from_table(a.copy_table, output=a.copy_out, format="csv")
            report("copy_out" + suffix, int(status.split()[-1]), "rows", t0, c0)
    await conn.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--dsn", required=True)
    p.add_argument("--lookups", type=int, default=20000)
    p.add_argument("--batches", type=int, default=1000)
    p.add_argument("--rows", type=int, default=1000000)
    p.add_argument("--keys", type=int, default=10000)
    p.add_argument("--pool-lookups", type=int, default=0)
    p.add_argument("--csv", default="")
    p.add_argument("--csv10", default="")
    p.add_argument("--copy-out", default="")
    p.add_argument("--copy-table", default="bench_adult")
    asyncio.run(main(p.parse_args()))
