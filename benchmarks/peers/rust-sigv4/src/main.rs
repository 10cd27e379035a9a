//! SigV4 header-signing benchmark peer: the `aws-sigv4` crate.
//!
//! Signs the two requests described in benchmarks/README.md with fixed credentials and a
//! fixed time, and prints one line per request: `<name> <wall ns/op> <cpu ns/op> <allocs/op>`
//! (times are medians of 5 repetitions; CPU is the process's user + system time; allocs are
//! heap allocations per signature, counted by a wrapping global allocator).
//! `--check` prints the Authorization header of each request instead, so the run script can
//! verify that every implementation produces the same signature.
//!
//! The crate has no signing-key cache: every `sign` call derives the signing key again
//! (four HMAC-SHA256 operations). That is part of what is being compared.
//!
//! `--v4a` does the same for SigV4a (the crate's `sigv4a` feature): the S3 request signed
//! with AWS4-ECDSA-P256-SHA256 for the region set "*". ECDSA signatures are randomised, so
//! the run script has cirrus verify the signature printed by `--v4a --check` instead of
//! comparing bytes. The crate derives the P-256 key from the credentials on every call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SigningInstructions, SigningParams, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::{v4, v4a};
use aws_smithy_runtime_api::client::identity::Identity;

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
/// 2026-11-23T12:34:56Z
const SIGNING_TIME_UNIX: u64 = 1_795_437_296;

const S3_URI: &str = "https://bucket.s3.us-east-1.amazonaws.com/bucket/photos/2026/11/cat%20picture.jpg";
const S3_HEADERS: [(&str, &str); 3] = [
    ("host", "bucket.s3.us-east-1.amazonaws.com"),
    ("range", "bytes=0-4095"),
    ("user-agent", "cirrus-bench/1.0"),
];

const DDB_URI: &str = "https://dynamodb.us-east-1.amazonaws.com/";
const DDB_BODY: &str = r#"{"TableName":"cirrus-bench","Item":{"pk":{"S":"user#000042"},"sk":{"S":"profile"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada@example.com"},"visits":{"N":"1815"},"active":{"BOOL":true}},"ReturnValues":"NONE"}"#;

/// Counts heap allocations of this thread (a plain thread-local counter, so counting
/// costs next to nothing inside the timed loops).
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_allocation() {
    // try_with: allocations during thread teardown are not counted.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

const MIN_ITERATIONS: u64 = 200_000;
const REPETITIONS: usize = 5;

struct Bench<'a> {
    s3_params: SigningParams<'a>,
    s3_v4a_params: SigningParams<'a>,
    ddb_params: SigningParams<'a>,
    ddb_headers: [(&'a str, &'a str); 4],
}

impl<'a> Bench<'a> {
    fn sign_s3(&self) -> (SigningInstructions, String) {
        let request = SignableRequest::new(
            "GET",
            S3_URI,
            S3_HEADERS.iter().copied(),
            SignableBody::Bytes(&[]),
        )
        .expect("signable request");
        sign(request, &self.s3_params).expect("signing").into_parts()
    }

    fn sign_s3_v4a(&self) -> (SigningInstructions, String) {
        let request = SignableRequest::new(
            "GET",
            S3_URI,
            S3_HEADERS.iter().copied(),
            SignableBody::Bytes(&[]),
        )
        .expect("signable request");
        sign(request, &self.s3_v4a_params).expect("signing").into_parts()
    }

    fn sign_ddb(&self) -> (SigningInstructions, String) {
        // SignableBody::Bytes makes the signer hash the body on every call.
        let request = SignableRequest::new(
            "POST",
            DDB_URI,
            self.ddb_headers.iter().copied(),
            SignableBody::Bytes(DDB_BODY.as_bytes()),
        )
        .expect("signable request");
        sign(request, &self.ddb_params).expect("signing").into_parts()
    }
}

fn signing_params<'a>(identity: &'a Identity, service: &'a str, s3: bool) -> SigningParams<'a> {
    let mut settings = SigningSettings::default();
    if s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    v4::SigningParams::builder()
        .identity(identity)
        .region(REGION)
        .name(service)
        .time(UNIX_EPOCH + Duration::from_secs(SIGNING_TIME_UNIX))
        .settings(settings)
        .build()
        .expect("signing params")
        .into()
}

fn s3_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings
}

fn signing_params_v4a<'a>(identity: &'a Identity, service: &'a str) -> SigningParams<'a> {
    v4a::SigningParams::builder()
        .identity(identity)
        .region_set("*")
        .name(service)
        .time(UNIX_EPOCH + Duration::from_secs(SIGNING_TIME_UNIX))
        .settings(s3_settings())
        .build()
        .expect("signing params")
        .into()
}

/// CPU time of the whole process so far (user + system).
fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall-clock and process CPU time of `n` calls.
fn run_batch<F: FnMut() -> (SigningInstructions, String)>(f: &mut F, n: u64) -> (Duration, Duration) {
    let cpu = process_cpu_time();
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    (start.elapsed(), process_cpu_time() - cpu)
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[samples.len() / 2]
}

/// Median wall-clock and CPU ns/op of REPETITIONS runs, each >= min_time and
/// >= MIN_ITERATIONS iterations, and heap allocations per operation.
fn measure<F: FnMut() -> (SigningInstructions, String)>(mut f: F, min_time: Duration) -> (f64, f64, f64) {
    // Warm-up, then estimate the cost of one operation.
    run_batch(&mut f, 20_000);
    let probe = 20_000;
    let per_op = run_batch(&mut f, probe).0.as_secs_f64() / probe as f64;
    let needed = (min_time.as_secs_f64() / per_op.max(1e-9)).ceil() as u64;
    let n = needed.max(MIN_ITERATIONS);
    let runs: Vec<(Duration, Duration)> = (0..REPETITIONS).map(|_| run_batch(&mut f, n)).collect();
    let per_op = |d: Duration| d.as_nanos() as f64 / n as f64;
    let before = allocations();
    run_batch(&mut f, probe);
    let allocs = (allocations() - before) as f64 / probe as f64;
    (
        median(runs.iter().map(|r| per_op(r.0)).collect()),
        median(runs.iter().map(|r| per_op(r.1)).collect()),
        allocs,
    )
}

fn authorization(instructions: &SigningInstructions) -> String {
    instructions
        .headers()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

fn main() {
    let mut check = false;
    let mut sigv4a = false;
    let mut min_time = Duration::from_secs(1);
    for arg in std::env::args().skip(1) {
        if arg == "--check" {
            check = true;
        } else if arg == "--v4a" {
            sigv4a = true;
        } else if let Some(v) = arg.strip_prefix("--min-time=") {
            min_time = Duration::from_secs_f64(v.parse().expect("--min-time=<seconds>"));
        } else {
            eprintln!("usage: rust-sigv4-bench [--v4a] [--check] [--min-time=<seconds>]");
            std::process::exit(2);
        }
    }
    let identity: Identity =
        Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "bench").into();
    let content_length = DDB_BODY.len().to_string();
    let bench = Bench {
        s3_params: signing_params(&identity, "s3", true),
        s3_v4a_params: signing_params_v4a(&identity, "s3"),
        ddb_params: signing_params(&identity, "dynamodb", false),
        ddb_headers: [
            ("host", "dynamodb.us-east-1.amazonaws.com"),
            ("content-type", "application/x-amz-json-1.0"),
            ("content-length", content_length.as_str()),
            ("x-amz-target", "DynamoDB_20120810.PutItem"),
        ],
    };

    if sigv4a {
        if check {
            println!("s3_get_object_v4a {}", authorization(&bench.sign_s3_v4a().0));
            return;
        }
        let (wall, cpu, allocs) = measure(|| bench.sign_s3_v4a(), min_time);
        println!("s3_get_object_v4a {wall:.1} {cpu:.1} {allocs:.1}");
        return;
    }
    if check {
        println!("s3_get_object {}", authorization(&bench.sign_s3().0));
        println!("dynamodb_put_item {}", authorization(&bench.sign_ddb().0));
        return;
    }
    let (wall, cpu, allocs) = measure(|| bench.sign_s3(), min_time);
    println!("s3_get_object {wall:.1} {cpu:.1} {allocs:.1}");
    let (wall, cpu, allocs) = measure(|| bench.sign_ddb(), min_time);
    println!("dynamodb_put_item {wall:.1} {cpu:.1} {allocs:.1}");
}
