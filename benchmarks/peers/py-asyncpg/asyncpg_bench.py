"""asyncpg peer of benchmarks/postgres/pg_bench.cpp: the same queries, the same JSON lines.

  asyncpg_bench.py --dsn postgresql://... [--lookups N] [--batches B] [--rows R] [--csv F]

lookup_pipe: asyncpg has no pipeline (and refuses concurrent operations on one
connection): the batches of 50 lookups run one after another (reported for reference). fetch: Connection.fetch of the whole result (asyncpg's fastest path; it keeps
every row). copy_in: copy_to_table of the CSV file.
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
    if a.csv:
        await conn.execute(f"truncate {a.copy_table}")
        t0, c0 = time.perf_counter(), cpu()
        status = await conn.copy_to_table(a.copy_table, source=a.csv, format="csv")
        report("copy_in", int(status.split()[-1]), "rows", t0, c0)
    await conn.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--dsn", required=True)
    p.add_argument("--lookups", type=int, default=20000)
    p.add_argument("--batches", type=int, default=1000)
    p.add_argument("--rows", type=int, default=1000000)
    p.add_argument("--keys", type=int, default=10000)
    p.add_argument("--csv", default="")
    p.add_argument("--copy-table", default="bench_adult")
    asyncio.run(main(p.parse_args()))
