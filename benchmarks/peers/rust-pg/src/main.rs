// The tokio-postgres peer of benchmarks/postgres/pg_bench.cpp: the same queries on the same
// tables, one JSON line per measurement like pg_bench.
//
//   pg-peer-rust --dsn postgresql://... [--lookups N] [--batches B] [--rows R] [--keys K]
//                [--pool-lookups N] [--csv F --csv10 F10 --copy-table T --copy-out FILE]
//
//   lookup_seq    prepared statement, one query_one after another
//   lookup_pipe   50 query_one futures joined: tokio-postgres pipelines the requests of
//                 futures polled together on one connection
//   lookup_pool   64 tasks over 8 connections, each connection shared by 8 tasks (a Client
//                 pipelines the requests of the tasks that share it); no pool crate
//   fetch         query_raw streamed, each row decoded (i64, f64, &str, bool, SystemTime)
//   copy_in       copy_in sink fed with 256 KiB chunks of the CSV file (and _10x for F10)
//   copy_out      copy_out stream (one chunk a row) through a 256 KiB BufWriter into a file (and _10x)
//
// One current-thread tokio runtime (like pg_bench's one io_context thread), no TLS. CPU is
// the process's user + system time (getrusage) over the timed phase.
use bytes::Bytes;
use futures_util::{future::join_all, pin_mut, SinkExt, StreamExt, TryStreamExt};
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use tokio_postgres::{Client, NoTls};

fn cpu_seconds() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
    t(u.ru_utime) + t(u.ru_stime)
}

struct Phase {
    t0: Instant,
    c0: f64,
}

impl Phase {
    fn start() -> Phase {
        Phase {
            t0: Instant::now(),
            c0: cpu_seconds(),
        }
    }
    fn report(&self, op: &str, units: f64, unit: &str) {
        let secs = self.t0.elapsed().as_secs_f64();
        println!(
            "{{\"client\":\"tokio-postgres\",\"op\":\"{}\",\"{}\":{:.0},\"seconds\":{:.4},\"per_second\":{:.1},\"cpu_seconds\":{:.4}}}",
            op,
            unit,
            units,
            secs,
            units / secs,
            cpu_seconds() - self.c0
        );
    }
}

// xorshift64*: the keys need only be spread over 1..=keys, not match another client's.
struct Keys {
    s: u64,
    n: u64,
}

impl Keys {
    fn next(&mut self) -> i32 {
        self.s ^= self.s >> 12;
        self.s ^= self.s << 25;
        self.s ^= self.s >> 27;
        (self.s.wrapping_mul(0x2545F4914F6CDD1D) % self.n) as i32 + 1
    }
}

#[derive(Default)]
struct Opts {
    dsn: String,
    lookups: i64,
    batches: i64,
    rows: i64,
    keys: i64,
    pool_lookups: i64,
    csv: String,
    csv10: String,
    copy_table: String,
    copy_out: String,
}

async fn connect(dsn: &str) -> Client {
    let (client, conn) = tokio_postgres::connect(dsn, NoTls).await.expect("connect");
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            eprintln!("pg-peer-rust: connection: {e}");
            std::process::exit(1);
        }
    });
    client
}

const LOOKUP: &str = "select v from bench_kv where id = $1";

async fn copy_pair(client: &Client, o: &Opts, file: &str, suffix: &str) {
    client
        .batch_execute(&format!("truncate {}", o.copy_table))
        .await
        .expect("truncate");
    let p = Phase::start();
    let sink = client
        .copy_in::<_, Bytes>(&format!("copy {} from stdin (format csv)", o.copy_table))
        .await
        .expect("copy in");
    pin_mut!(sink);
    let mut f = std::fs::File::open(file).expect("open csv");
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf).expect("read csv");
        if n == 0 {
            break;
        }
        sink.send(Bytes::copy_from_slice(&buf[..n]))
            .await
            .expect("copy send");
    }
    let rows = sink.finish().await.expect("copy finish");
    p.report(&format!("copy_in{suffix}"), rows as f64, "rows");

    if o.copy_out.is_empty() {
        return;
    }
    let p = Phase::start();
    let stream = client
        .copy_out(&format!("copy {} to stdout (format csv)", o.copy_table))
        .await
        .expect("copy out");
    pin_mut!(stream);
    let mut out = std::io::BufWriter::with_capacity(
        256 * 1024,
        std::fs::File::create(&o.copy_out).expect("create copy-out file"),
    );
    let mut written = 0u64;
    while let Some(chunk) = stream.try_next().await.expect("copy out data") {
        out.write_all(&chunk).expect("write copy-out file");
        written += chunk.len() as u64;
    }
    out.flush().expect("write copy-out file");
    assert!(written > 0);
    // COPY TO writes one line per row (the CSV has no quoted newlines).
    p.report(&format!("copy_out{suffix}"), rows as f64, "rows");
}

async fn run(o: Opts) {
    let client = connect(&o.dsn).await;
    let mut keys = Keys {
        s: 42,
        n: o.keys as u64,
    };

    if o.lookups > 0 {
        let stmt = client.prepare(LOOKUP).await.expect("prepare");
        let p = Phase::start();
        for _ in 0..o.lookups {
            let row = client
                .query_one(&stmt, &[&keys.next()])
                .await
                .expect("lookup");
            assert!(!row.get::<_, &str>(0).is_empty());
        }
        p.report("lookup_seq", o.lookups as f64, "queries");
    }
    if o.batches > 0 {
        let stmt = client.prepare(LOOKUP).await.expect("prepare");
        let p = Phase::start();
        for _ in 0..o.batches {
            let ids: Vec<i32> = (0..50).map(|_| keys.next()).collect();
            let futs = ids.iter().map(|id| {
                let (c, st) = (&client, &stmt);
                async move { c.query_one(st, &[id]).await }
            });
            for r in join_all(futs).await {
                assert!(!r.expect("lookup").get::<_, &str>(0).is_empty());
            }
        }
        p.report("lookup_pipe", (o.batches * 50) as f64, "queries");
    }
    if o.pool_lookups > 0 {
        let mut conns = Vec::new();
        for _ in 0..8 {
            let c = Arc::new(connect(&o.dsn).await);
            let stmt = c.prepare(LOOKUP).await.expect("prepare");
            conns.push((c, stmt));
        }
        let per_task = o.pool_lookups / 64;
        let p = Phase::start();
        let mut tasks = Vec::new();
        for t in 0..64u64 {
            let (c, stmt) = conns[(t % 8) as usize].clone();
            let mut k = Keys {
                s: 1000 + t,
                n: o.keys as u64,
            };
            tasks.push(tokio::spawn(async move {
                for _ in 0..per_task {
                    let row = c.query_one(&stmt, &[&k.next()]).await.expect("lookup");
                    assert!(!row.get::<_, &str>(0).is_empty());
                }
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
        p.report("lookup_pool", (per_task * 64) as f64, "queries");
    }
    if o.rows > 0 {
        let p = Phase::start();
        let stream = client
            .query_raw(
                "select g::int8 as id, g * 0.5::float8 as x, 'label ' || g as label, g % 2 = 0 as flag, \
                 timestamptz '2024-01-01' + g * interval '1 second' as at from generate_series(1, $1::int8) g",
                [&o.rows as &(dyn tokio_postgres::types::ToSql + Sync)],
            )
            .await
            .expect("fetch");
        pin_mut!(stream);
        let (mut n, mut sum) = (0i64, 0i64);
        while let Some(row) = stream.next().await {
            let row = row.expect("fetch row");
            let id: i64 = row.get(0);
            let x: f64 = row.get(1);
            let label: &str = row.get(2);
            let flag: bool = row.get(3);
            let at: SystemTime = row.get(4);
            std::hint::black_box((x, flag, at));
            sum += id + label.len() as i64;
            n += 1;
        }
        assert!(n == o.rows && sum > 0);
        p.report("fetch", o.rows as f64, "rows");
    }
    if !o.csv.is_empty() {
        copy_pair(&client, &o, &o.csv, "").await;
    }
    if !o.csv10.is_empty() {
        copy_pair(&client, &o, &o.csv10, "_10x").await;
    }
}

fn main() {
    let mut o = Opts {
        lookups: 20000,
        batches: 1000,
        rows: 1000000,
        keys: 10000,
        copy_table: "bench_adult".into(),
        ..Default::default()
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let v = pair.get(1).cloned().unwrap_or_default();
        let num = || v.parse::<i64>().expect("number");
        match pair[0].as_str() {
            "--dsn" => o.dsn = v.clone(),
            "--lookups" => o.lookups = num(),
            "--batches" => o.batches = num(),
            "--rows" => o.rows = num(),
            "--keys" => o.keys = num(),
            "--pool-lookups" => o.pool_lookups = num(),
            "--csv" => o.csv = v.clone(),
            "--csv10" => o.csv10 = v.clone(),
            "--copy-table" => o.copy_table = v.clone(),
            "--copy-out" => o.copy_out = v.clone(),
            a => {
                eprintln!("pg-peer-rust: unknown option {a}");
                std::process::exit(2);
            }
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(o));
}
