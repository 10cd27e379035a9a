// The Rust peer of benchmarks/http: aws-sdk-s3 GetObject of a small object at 1, 16 and
// 64 requests in flight, one JSON line per level like http_bench --json.
//
//   rust-s3get-bench --bucket B [--key K] [--endpoint URL] [--duration S] [--concurrency 1,16,64]
//
// Credentials and region from CIRRUS_S3_ACCESS_KEY, CIRRUS_S3_SECRET_KEY, CIRRUS_S3_REGION
// (versitygw's defaults otherwise); path-style addressing, no retries, response checksums
// validated only when required.
use aws_sdk_s3::config::{Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::Client;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn env_or(name: &str, fallback: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| fallback.to_string())
}

async fn run(client: &Client, bucket: &str, key: &str, concurrency: usize, d: Duration) -> (usize, f64, u128, u128, usize) {
    let deadline = Instant::now() + d;
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let errors = Arc::new(Mutex::new(0usize));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let (bucket, key) = (bucket.to_string(), key.to_string());
        let latencies = latencies.clone();
        let errors = errors.clone();
        tasks.push(tokio::spawn(async move {
            let mut local = Vec::with_capacity(1 << 16);
            let mut local_errors = 0usize;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let ok = match client.get_object().bucket(&bucket).key(&key).send().await {
                    Ok(out) => out.body.collect().await.is_ok(),
                    Err(_) => false,
                };
                if !ok {
                    local_errors += 1;
                }
                local.push(t0.elapsed());
            }
            latencies.lock().unwrap().extend(local);
            *errors.lock().unwrap() += local_errors;
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    let n = l.len();
    let p50 = if n > 0 { l[n / 2].as_micros() } else { 0 };
    let p99 = if n > 0 { l[n * 99 / 100].as_micros() } else { 0 };
    let errors = *errors.lock().unwrap();
    (n, n as f64 / elapsed, p50, p99, errors)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut endpoint = env_or("CIRRUS_S3_ENDPOINT", "http://127.0.0.1:7070");
    let mut bucket = String::new();
    let mut key = "object-4k".to_string();
    let mut duration = 3.0f64;
    let mut levels = vec![1usize, 16, 64];
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--endpoint" => endpoint = value,
            "--bucket" => bucket = value,
            "--key" => key = value,
            "--duration" => duration = value.parse().expect("--duration"),
            "--concurrency" => levels = value.split(',').map(|s| s.parse().expect("--concurrency")).collect(),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    assert!(!bucket.is_empty(), "--bucket is required");
    let creds = Credentials::new(
        env_or("CIRRUS_S3_ACCESS_KEY", "cirrusadmin"),
        env_or("CIRRUS_S3_SECRET_KEY", "cirrus-versity-secret-0123456789"),
        None,
        None,
        "static",
    );
    let conf = aws_sdk_s3::Config::builder()
        .region(Region::new(env_or("CIRRUS_S3_REGION", "us-east-1")))
        .credentials_provider(creds)
        .endpoint_url(endpoint)
        .force_path_style(true)
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
        .build();
    let client = Client::from_conf(conf);
    for c in levels {
        run(&client, &bucket, &key, c, Duration::from_millis(500)).await; // warm-up
        let (n, rps, p50, p99, errors) = run(&client, &bucket, &key, c, Duration::from_secs_f64(duration)).await;
        println!(
            "{{\"client\":\"aws-sdk-s3 (rust)\",\"concurrency\":{c},\"requests\":{n},\"rps\":{rps:.1},\"p50_us\":{p50},\"p99_us\":{p99},\"errors\":{errors}}}"
        );
    }
}
