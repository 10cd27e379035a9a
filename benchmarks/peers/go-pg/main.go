// The pgx peer of benchmarks/postgres/pg_bench.cpp: the same queries on the same tables,
// one JSON line per measurement like pg_bench.
//
//	pg-peer-go -dsn postgresql://... [-lookups N] [-batches B] [-rows R] [-keys K]
//	           [-pool-lookups N] [-csv F [-csv10 F10] -copy-table T [-copy-out FILE]]
//
//	lookup_seq   Conn.QueryRow one after another (pgx's statement cache: prepared once)
//	lookup_pipe  a pgx.Batch of 50 QueryRow, sent with SendBatch (pipelined, one Sync)
//	lookup_pool  pgxpool (MinConns = MaxConns = 8), 64 goroutines, each lookup acquiring
//	             a connection for itself (Pool.QueryRow)
//	fetch        Conn.Query streamed, each row scanned (int64, float64, string, bool, time.Time)
//	copy_in      PgConn.CopyFrom of the CSV file (COPY FROM STDIN (FORMAT csv)); _10x the 10x file
//	copy_out     PgConn.CopyTo through a 256 KiB bufio.Writer into a file; _10x likewise
//
// GOMAXPROCS as the runtime sets it (all cores). CPU is the process's user + system time
// (getrusage) over the timed phase.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const lookup = "select v from bench_kv where id = $1"

func cpuSeconds() float64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	t := func(v syscall.Timeval) float64 { return float64(v.Sec) + float64(v.Usec)*1e-6 }
	return t(u.Utime) + t(u.Stime)
}

type phase struct {
	t0 time.Time
	c0 float64
}

func start() phase { return phase{time.Now(), cpuSeconds()} }

func (p phase) report(op string, units float64, unit string) {
	secs := time.Since(p.t0).Seconds()
	fmt.Printf("{\"client\":\"pgx\",\"op\":\"%s\",\"%s\":%.0f,\"seconds\":%.4f,\"per_second\":%.1f,\"cpu_seconds\":%.4f}\n",
		op, unit, units, secs, units/secs, cpuSeconds()-p.c0)
}

func check(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "pg-peer-go: %s: %v\n", what, err)
		os.Exit(1)
	}
}

func copyPair(ctx context.Context, conn *pgx.Conn, table, file, out, suffix string) {
	_, err := conn.Exec(ctx, "truncate "+table)
	check("truncate", err)
	f, err := os.Open(file)
	check("open csv", err)
	p := start()
	tag, err := conn.PgConn().CopyFrom(ctx, f, "copy "+table+" from stdin (format csv)")
	check("copy in", err)
	f.Close()
	p.report("copy_in"+suffix, float64(tag.RowsAffected()), "rows")
	if out == "" {
		return
	}
	w, err := os.Create(out)
	check("create copy-out file", err)
	p = start()
	bw := bufio.NewWriterSize(w, 256*1024)
	tag, err = conn.PgConn().CopyTo(ctx, bw, "copy "+table+" to stdout (format csv)")
	check("copy out", err)
	check("write copy-out file", bw.Flush())
	check("close copy-out file", w.Close())
	p.report("copy_out"+suffix, float64(tag.RowsAffected()), "rows")
}

func main() {
	dsn := flag.String("dsn", "", "connection string")
	lookups := flag.Int("lookups", 20000, "sequential lookups")
	batches := flag.Int("batches", 1000, "pipelined batches of 50")
	rows := flag.Int64("rows", 1000000, "rows fetched")
	keys := flag.Int("keys", 10000, "ids in bench_kv")
	poolLookups := flag.Int("pool-lookups", 0, "lookups over the pool")
	csv := flag.String("csv", "", "CSV file for copy_in")
	csv10 := flag.String("csv10", "", "10x CSV file for copy_in_10x")
	table := flag.String("copy-table", "bench_adult", "COPY table")
	copyOut := flag.String("copy-out", "", "file for copy_out")
	flag.Parse()

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, *dsn)
	check("connect", err)
	rng := rand.New(rand.NewSource(42))
	key := func(r *rand.Rand) int32 { return int32(r.Intn(*keys) + 1) }
	var v string

	if *lookups > 0 {
		check("prepare", conn.QueryRow(ctx, lookup, int32(1)).Scan(&v))
		p := start()
		for i := 0; i < *lookups; i++ {
			check("lookup", conn.QueryRow(ctx, lookup, key(rng)).Scan(&v))
		}
		p.report("lookup_seq", float64(*lookups), "queries")
	}
	if *batches > 0 {
		p := start()
		for b := 0; b < *batches; b++ {
			batch := &pgx.Batch{}
			for i := 0; i < 50; i++ {
				batch.Queue(lookup, key(rng))
			}
			br := conn.SendBatch(ctx, batch)
			for i := 0; i < 50; i++ {
				check("pipelined lookup", br.QueryRow().Scan(&v))
			}
			check("batch close", br.Close())
		}
		p.report("lookup_pipe", float64(*batches*50), "queries")
	}
	if *poolLookups > 0 {
		cfg, err := pgxpool.ParseConfig(*dsn)
		check("pool config", err)
		cfg.MinConns, cfg.MaxConns = 8, 8
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		check("pool", err)
		// Open the 8 connections (and prepare the lookup on each) before the clock starts.
		held := make([]*pgxpool.Conn, 8)
		for i := range held {
			held[i], err = pool.Acquire(ctx)
			check("pool acquire", err)
			check("pool warm-up", held[i].QueryRow(ctx, lookup, int32(1)).Scan(&v))
		}
		for _, c := range held {
			c.Release()
		}
		perTask := *poolLookups / 64
		p := start()
		var wg sync.WaitGroup
		for t := 0; t < 64; t++ {
			wg.Add(1)
			go func(seed int64) {
				defer wg.Done()
				r := rand.New(rand.NewSource(seed))
				var s string
				for i := 0; i < perTask; i++ {
					check("pool lookup", pool.QueryRow(ctx, lookup, key(r)).Scan(&s))
				}
			}(int64(1000 + t))
		}
		wg.Wait()
		p.report("lookup_pool", float64(perTask*64), "queries")
		pool.Close()
	}
	if *rows > 0 {
		p := start()
		rs, err := conn.Query(ctx, "select g::int8 as id, g * 0.5::float8 as x, 'label ' || g as label, g % 2 = 0 as flag,"+
			" timestamptz '2024-01-01' + g * interval '1 second' as at from generate_series(1, $1::int8) g", *rows)
		check("fetch", err)
		var (
			n, sum, id int64
			x          float64
			label      string
			flag       bool
			at         time.Time
		)
		for rs.Next() {
			check("fetch row", rs.Scan(&id, &x, &label, &flag, &at))
			sum += id + int64(len(label))
			n++
		}
		check("fetch", rs.Err())
		if n != *rows || sum == 0 {
			check("fetch count", fmt.Errorf("%d rows", n))
		}
		p.report("fetch", float64(*rows), "rows")
	}
	if *csv != "" {
		copyPair(ctx, conn, *table, *csv, *copyOut, "")
	}
	if *csv10 != "" {
		copyPair(ctx, conn, *table, *csv10, *copyOut, "_10x")
	}
	conn.Close(ctx)
}
