// The Rust peer of benchmarks/dynamodb: aws-sdk-dynamodb PutItem, GetItem and Query against
// the table that ddb_bench --setup made, at each level of requests in flight, one JSON line
// per operation and level like ddb_bench --json.
//
//   rust-ddb-bench --table T [--endpoint URL] [--duration S] [--concurrency 1,64] [--ops put,get,query]
//
// The requests are the ones ddb_bench sends (benchmarks/dynamodb/README.md): the same keys,
// attributes and key condition. Region us-east-1, static credentials (DynamoDB Local checks
// no signature), no retries. CPU time is the process's (getrusage), over the timed phase.
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn cpu_seconds() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
    t(u.ru_utime) + t(u.ru_stime)
}

const PAYLOAD: &str = "The quick brown fox jumps over the lazy dog; the five boxing wizards jump quickly.";

async fn one(client: &Client, table: &str, op: &str, n: usize) -> bool {
    match op {
        "put" => client
            .put_item()
            .table_name(table)
            .item("pk", AttributeValue::S(format!("put#{}", n % 1000)))
            .item("sk", AttributeValue::N("0".into()))
            .item("name", AttributeValue::S("Ada Lovelace".into()))
            .item("visits", AttributeValue::N(n.to_string()))
            .item("active", AttributeValue::Bool(true))
            .item("payload", AttributeValue::S(PAYLOAD.into()))
            .send()
            .await
            .is_ok(),
        "get" => match client
            .get_item()
            .table_name(table)
            .key("pk", AttributeValue::S(format!("get#{}", n % 100)))
            .key("sk", AttributeValue::N("0".into()))
            .send()
            .await
        {
            Ok(out) => out.item.map_or(false, |i| i.len() == 6),
            Err(_) => false,
        },
        _ => match client
            .query()
            .table_name(table)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", AttributeValue::S("query".into()))
            .send()
            .await
        {
            Ok(out) => out.items.map_or(false, |i| i.len() == 10),
            Err(_) => false,
        },
    }
}

async fn run(client: &Client, table: &str, op: &str, concurrency: usize, d: Duration) -> (usize, f64, f64, usize) {
    let deadline = Instant::now() + d;
    let done = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let client = client.clone();
        let (table, op) = (table.to_string(), op.to_string());
        let (done, errors) = (done.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = w;
            while Instant::now() < deadline {
                if !one(&client, &table, &op, n).await {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                done.fetch_add(1, Ordering::Relaxed);
                n += concurrency;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    (done.load(Ordering::Relaxed), elapsed, cpu, errors.load(Ordering::Relaxed))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut endpoint = std::env::var("CIRRUS_DYNAMODB_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8000".into());
    let mut table = String::new();
    let mut duration = 3.0f64;
    let mut levels = vec![1usize, 64];
    let mut ops: Vec<String> = vec!["put".into(), "get".into(), "query".into()];
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--endpoint" => endpoint = value,
            "--table" => table = value,
            "--duration" => duration = value.parse().expect("--duration"),
            "--concurrency" => levels = value.split(',').map(|s| s.parse().expect("--concurrency")).collect(),
            "--ops" => ops = value.split(',').map(String::from).collect(),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    assert!(!table.is_empty(), "--table is required");
    let conf = aws_sdk_dynamodb::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("cirrus", "secret", None, None, "static"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    let client = Client::from_conf(conf);
    for op in &ops {
        for &c in &levels {
            run(&client, &table, op, c, Duration::from_millis(500)).await; // warm-up
            let (n, secs, cpu, errors) = run(&client, &table, op, c, Duration::from_secs_f64(duration)).await;
            let rps = n as f64 / secs;
            let cpu_us = if n > 0 { cpu * 1e6 / n as f64 } else { 0.0 };
            println!(
                "{{\"client\":\"aws-sdk-dynamodb (rust)\",\"op\":\"{op}\",\"concurrency\":{c},\"requests\":{n},\"rps\":{rps:.1},\"cpu_us_per_request\":{cpu_us:.1},\"errors\":{errors}}}"
            );
        }
    }
}
