// The aws-sdk-s3 (Rust) peer of benchmarks/run_transfer.sh: multipart uploads and ranged
// downloads on aws-sdk-s3 and tokio for one file each way, and `files` objects in flight over
// them for a folder tree each way. Prints {"op":...,"seconds":...,"objects":...} on stdout.
//
//   rust-xfer [-endpoint URL] [-part-size MIB] [-concurrency N] [-files N] upload FILE BUCKET KEY
//   rust-xfer ... download BUCKET KEY FILE | upload-dir DIR BUCKET PREFIX | download-prefix BUCKET PREFIX DIR
//
// Credentials and region come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION.
// The SDK has no transfer manager of its own, so this is the one the Go manager is:
// objects up to 2 parts (16 MiB at 8 MiB parts) in one PutObject / GetObject; larger ones as
// a multipart upload with `concurrency` UploadPart calls in flight, each part read from the
// file at its offset, or as `concurrency` ranged GetObject calls in flight, each written at
// its offset. Path-style addressing, CRC32 request checksums off unless the operation
// requires one and response checksum validation off (RequestChecksumCalculation and
// ResponseChecksumValidation WhenRequired), the SDK's default retries. Bodies are in memory,
// so over plain HTTP the SDK signs them: SHA-256 of the body in X-Amz-Content-Sha256.
use aws_sdk_s3::config::{Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_sdk_s3::Client;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn die(msg: &str) -> ! {
    eprintln!("rust-xfer: {msg}");
    std::process::exit(1);
}

#[derive(Clone)]
struct Xfer {
    client: Client,
    part: u64,
    single: u64,
    concurrency: usize,
}

// Reads `len` bytes of `file` at `offset` on the blocking pool.
async fn read_at(file: Arc<std::fs::File>, offset: u64, len: usize) -> Result<Vec<u8>, Error> {
    Ok(tokio::task::spawn_blocking(move || {
        let mut buf = vec![0u8; len];
        file.read_exact_at(&mut buf, offset).map(|_| buf)
    })
    .await??)
}

async fn write_at(file: Arc<std::fs::File>, offset: u64, data: bytes::Bytes) -> Result<(), Error> {
    Ok(tokio::task::spawn_blocking(move || file.write_all_at(&data, offset)).await??)
}

fn range(offset: u64, len: u64) -> String {
    format!("bytes={}-{}", offset, offset + len - 1)
}

impl Xfer {
    async fn upload(&self, path: PathBuf, bucket: String, key: String) -> Result<(), Error> {
        let file = Arc::new(std::fs::File::open(&path)?);
        let size = file.metadata()?.len();
        if size <= self.single {
            let body = read_at(file, 0, size as usize).await?;
            self.client.put_object().bucket(&bucket).key(&key).body(ByteStream::from(body)).send().await?;
            return Ok(());
        }
        let created = self.client.create_multipart_upload().bucket(&bucket).key(&key).send().await?;
        let id = created.upload_id().ok_or("CreateMultipartUpload: no upload id")?.to_string();
        let result = self.upload_parts(file, size, &bucket, &key, &id).await;
        match result {
            Ok(parts) => {
                self.client
                    .complete_multipart_upload()
                    .bucket(&bucket)
                    .key(&key)
                    .upload_id(&id)
                    .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
                    .send()
                    .await?;
                Ok(())
            }
            Err(e) => {
                let _ = self.client.abort_multipart_upload().bucket(&bucket).key(&key).upload_id(&id).send().await;
                Err(e)
            }
        }
    }

    async fn upload_parts(
        &self,
        file: Arc<std::fs::File>,
        size: u64,
        bucket: &str,
        key: &str,
        id: &str,
    ) -> Result<Vec<CompletedPart>, Error> {
        let slots = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = Vec::new();
        let mut offset = 0u64;
        let mut number = 1i32;
        while offset < size {
            let len = self.part.min(size - offset);
            let permit = slots.clone().acquire_owned().await?;
            let (client, file) = (self.client.clone(), file.clone());
            let (bucket, key, id) = (bucket.to_string(), key.to_string(), id.to_string());
            tasks.push(tokio::spawn(async move {
                let _permit = permit;
                let body = read_at(file, offset, len as usize).await?;
                let out = client
                    .upload_part()
                    .bucket(bucket)
                    .key(key)
                    .upload_id(id)
                    .part_number(number)
                    .body(ByteStream::from(body))
                    .send()
                    .await?;
                Ok::<_, Error>(CompletedPart::builder().part_number(number).set_e_tag(out.e_tag).build())
            }));
            offset += len;
            number += 1;
        }
        let mut parts = Vec::with_capacity(tasks.len());
        for t in tasks {
            parts.push(t.await??);
        }
        Ok(parts)
    }

    // `size` from a listing; otherwise a HeadObject asks for it.
    async fn download(&self, bucket: String, key: String, path: PathBuf, size: Option<u64>) -> Result<(), Error> {
        let size = match size {
            Some(s) => s,
            None => {
                let head = self.client.head_object().bucket(&bucket).key(&key).send().await?;
                head.content_length().unwrap_or(0) as u64
            }
        };
        let file = std::fs::File::create(&path)?;
        if size <= self.single {
            let out = self.client.get_object().bucket(&bucket).key(&key).send().await?;
            let data = out.body.collect().await?.into_bytes();
            if data.len() as u64 != size {
                return Err(format!("{key}: {} bytes, expected {size}", data.len()).into());
            }
            write_at(Arc::new(file), 0, data).await?;
            return Ok(());
        }
        file.set_len(size)?;
        let file = Arc::new(file);
        let slots = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = Vec::new();
        let mut offset = 0u64;
        while offset < size {
            let len = self.part.min(size - offset);
            let permit = slots.clone().acquire_owned().await?;
            let (client, file) = (self.client.clone(), file.clone());
            let (bucket, key) = (bucket.clone(), key.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = permit;
                let out = client.get_object().bucket(bucket).key(&key).range(range(offset, len)).send().await?;
                let data = out.body.collect().await?.into_bytes();
                if data.len() as u64 != len {
                    return Err::<(), Error>(format!("{key}: range at {offset}: {} bytes, expected {len}", data.len()).into());
                }
                write_at(file, offset, data).await
            }));
            offset += len;
        }
        for t in tasks {
            t.await??;
        }
        Ok(())
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

// Runs the jobs with `files` of them in flight; returns how many failed.
async fn pool<F>(files: usize, jobs: Vec<F>) -> usize
where
    F: std::future::Future<Output = Result<(), Error>> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(files));
    let mut tasks = Vec::with_capacity(jobs.len());
    for job in jobs {
        let permit = slots.clone().acquire_owned().await.expect("semaphore");
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            job.await
        }));
    }
    let mut failed = 0;
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                eprintln!("{e}");
                failed += 1;
            }
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
            }
        }
    }
    failed
}

fn err_text(e: Error) -> String {
    // The SDK's Display is terse ("service error"); the context carries the code and message.
    format!("{}", aws_sdk_s3::error::DisplayErrorContext(&*e))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut endpoint = std::env::var("CIRRUS_S3_ENDPOINT").unwrap_or_default();
    let (mut part_mib, mut concurrency, mut files) = (8u64, 8usize, 16usize);
    let mut args = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let a = argv[i].as_str();
        let flag = a.strip_prefix("--").or_else(|| a.strip_prefix('-')).filter(|_| args.is_empty() && a.len() > 1);
        match flag {
            Some(name) => {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                let value = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        argv.get(i).cloned().unwrap_or_else(|| die(&format!("-{name} needs a value")))
                    }
                };
                let bad = format!("bad value for -{name}: {value}");
                match name {
                    "endpoint" => endpoint = value.clone(),
                    "part-size" => part_mib = value.parse::<u64>().unwrap_or_else(|_| die(&bad)),
                    "concurrency" => concurrency = value.parse::<usize>().unwrap_or_else(|_| die(&bad)),
                    "files" => files = value.parse::<usize>().unwrap_or_else(|_| die(&bad)),
                    _ => die(&format!("unknown flag -{name}")),
                }
            }
            None => args.push(argv[i].clone()),
        }
        i += 1;
    }
    if args.len() != 4 {
        die("usage: rust-xfer [flags] upload|download|upload-dir|download-prefix A B C");
    }
    if part_mib == 0 || concurrency == 0 || files == 0 {
        die("-part-size, -concurrency and -files must be positive");
    }
    let env = |n: &str| std::env::var(n).unwrap_or_default();
    let region = Some(env("AWS_REGION")).filter(|r| !r.is_empty()).unwrap_or_else(|| "us-east-1".into());
    let creds = Credentials::new(env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), None, None, "static");
    let mut conf = aws_sdk_s3::Config::builder()
        .region(Region::new(region))
        .credentials_provider(creds)
        .force_path_style(true)
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
    if !endpoint.is_empty() {
        conf = conf.endpoint_url(endpoint);
    }
    let part = part_mib << 20;
    let x = Xfer { client: Client::from_conf(conf.build()), part, single: 2 * part, concurrency };

    let start = Instant::now();
    let (mut objects, mut failed) = (1usize, 0usize);
    let (a, b, c) = (args[1].clone(), args[2].clone(), args[3].clone());
    match args[0].as_str() {
        "upload" => x.upload(a.into(), b, c).await.unwrap_or_else(|e| die(&err_text(e))),
        "download" => x.download(a, b, c.into(), None).await.unwrap_or_else(|e| die(&err_text(e))),
        "upload-dir" => {
            let root = PathBuf::from(a);
            let mut paths = Vec::new();
            walk(&root, &mut paths).unwrap_or_else(|e| die(&e.to_string()));
            let mut jobs = Vec::with_capacity(paths.len());
            for p in paths {
                let rel = p.strip_prefix(&root).expect("under root");
                let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                let key = format!("{c}{}", rel.join("/"));
                let (x, bucket) = (x.clone(), b.clone());
                jobs.push(async move { x.upload(p, bucket, key).await.map_err(|e| err_text(e).into()) });
            }
            objects = jobs.len();
            failed = pool(files, jobs).await;
        }
        "download-prefix" => {
            let (bucket, prefix, root) = (a, b, PathBuf::from(c));
            let mut jobs = Vec::new();
            let mut pages = x.client.list_objects_v2().bucket(&bucket).prefix(&prefix).into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.unwrap_or_else(|e| die(&format!("{}", aws_sdk_s3::error::DisplayErrorContext(&e))));
                for o in page.contents() {
                    let key = o.key().unwrap_or_default().to_string();
                    let size = o.size().map(|s| s as u64);
                    let path = root.join(key.strip_prefix(prefix.as_str()).unwrap_or(&key));
                    let (x, bucket) = (x.clone(), bucket.clone());
                    jobs.push(async move {
                        if let Some(dir) = path.parent() {
                            tokio::fs::create_dir_all(dir).await?;
                        }
                        x.download(bucket, key, path, size).await.map_err(|e| err_text(e).into())
                    });
                }
            }
            objects = jobs.len();
            failed = pool(files, jobs).await;
        }
        other => die(&format!("unknown command {other:?}")),
    }
    if failed > 0 {
        die(&format!("{failed} of {objects} objects failed"));
    }
    println!("{{\"op\":\"{}\",\"seconds\":{:.6},\"objects\":{}}}", args[0], start.elapsed().as_secs_f64(), objects);
}
