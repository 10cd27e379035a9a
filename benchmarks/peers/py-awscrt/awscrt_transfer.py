"""The awscrt (aws-c-s3) peer of benchmarks/run_transfer.sh.

    awscrt_transfer.py [--endpoint URL] [--part-size MIB] [--concurrency N] [--files N] \
        upload FILE BUCKET KEY | download BUCKET KEY FILE |
        upload-dir DIR BUCKET PREFIX | download-prefix BUCKET PREFIX DIR

One awscrt.s3.S3Client (the CRT's own event loop and connection pool): part size and
multipart threshold as given; connections capped with max_active_connections_override at
N (one object) or N x files (a folder), no request checksum, no TLS (plain HTTP endpoint).
A folder operation keeps `files` meta requests in flight. Credentials and region come from
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION. Prints {"op":...,"seconds":...}.
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

from awscrt import auth, http, io, s3


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", default=os.environ.get("CIRRUS_S3_ENDPOINT", ""))
    p.add_argument("--part-size", type=int, default=8)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--files", type=int, default=16)
    p.add_argument("op")
    p.add_argument("args", nargs=3)
    a = p.parse_args()

    url = urllib.parse.urlsplit(a.endpoint)
    host = url.netloc
    region = os.environ.get("AWS_REGION", "us-east-1")
    part = a.part_size << 20
    folder = a.op in ("upload-dir", "download-prefix")
    elg = io.EventLoopGroup()
    bootstrap = io.ClientBootstrap(elg, io.DefaultHostResolver(elg))
    creds = auth.AwsCredentialsProvider.new_static(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    client = s3.S3Client(
        bootstrap=bootstrap,
        region=region,
        credential_provider=creds,
        tls_mode=s3.S3RequestTlsMode.DISABLED if url.scheme == "http" else s3.S3RequestTlsMode.ENABLED,
        part_size=part,
        multipart_upload_threshold=2 * part,
        max_active_connections_override=a.concurrency * (a.files if folder else 1),
    )

    def path_of(bucket, key=""):
        return "/" + bucket + "/" + urllib.parse.quote(key, safe="/~")

    def put(path, bucket, key):
        headers = http.HttpHeaders([("Host", host), ("Content-Length", str(os.path.getsize(path)))])
        req = http.HttpRequest("PUT", path_of(bucket, key), headers)
        return client.make_request(type=s3.S3RequestType.PUT_OBJECT, request=req, send_filepath=path)

    def get(bucket, key, path):
        req = http.HttpRequest("GET", path_of(bucket, key), http.HttpHeaders([("Host", host)]))
        return client.make_request(type=s3.S3RequestType.GET_OBJECT, request=req, recv_filepath=path)

    def run_all(starters):
        # `files` meta requests in flight; each finished one starts the next.
        lock = threading.Lock()
        done = threading.Event()
        state = {"next": 0, "running": 0, "failed": 0}

        def launch():
            with lock:
                if state["next"] >= len(starters):
                    if state["running"] == 0:
                        done.set()
                    return False
                i = state["next"]
                state["next"] += 1
                state["running"] += 1
            req = starters[i]()
            req.finished_future.add_done_callback(finished)
            return True

        def finished(fut):
            if fut.exception() is not None:
                print(fut.exception(), file=sys.stderr)
                with lock:
                    state["failed"] += 1
            with lock:
                state["running"] -= 1
            launch()

        for _ in range(a.files):
            if not launch():
                break
        if starters:
            done.wait()
        else:
            done.set()
        return state["failed"]

    start = time.monotonic()
    objects, failed = 1, 0
    if a.op == "upload":
        put(a.args[0], a.args[1], a.args[2]).finished_future.result()
    elif a.op == "download":
        get(a.args[0], a.args[1], a.args[2]).finished_future.result()
    elif a.op == "upload-dir":
        root, bucket, prefix = a.args
        jobs = []
        for d, _, names in os.walk(root):
            for n in names:
                full = os.path.join(d, n)
                key = prefix + os.path.relpath(full, root).replace(os.sep, "/")
                jobs.append(lambda full=full, key=key: put(full, bucket, key))
        objects, failed = len(jobs), run_all(jobs)
    elif a.op == "download-prefix":
        bucket, prefix, root = a.args
        keys, token = [], None
        while True:  # ListObjectsV2 through the same client (DEFAULT meta requests)
            q = {"list-type": "2", "prefix": prefix}
            if token:
                q["continuation-token"] = token
            body = []
            req = http.HttpRequest("GET", path_of(bucket) + "?" + urllib.parse.urlencode(q),
                                   http.HttpHeaders([("Host", host)]))
            client.make_request(type=s3.S3RequestType.DEFAULT, request=req, operation_name="ListObjectsV2",
                                on_body=lambda chunk, offset, **kw: body.append(chunk)).finished_future.result()
            doc = ET.fromstring(b"".join(body))
            ns = {"s": doc.tag.split("}")[0].strip("{")} if doc.tag.startswith("{") else {}
            pre = "s:" if ns else ""
            keys += [c.find(pre + "Key", ns).text for c in doc.findall(pre + "Contents", ns)]
            truncated = doc.find(pre + "IsTruncated", ns)
            if truncated is None or truncated.text != "true":
                break
            token = doc.find(pre + "NextContinuationToken", ns).text
        jobs = []
        for key in keys:
            path = os.path.join(root, key[len(prefix):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            jobs.append(lambda key=key, path=path: get(bucket, key, path))
        objects, failed = len(jobs), run_all(jobs)
    else:
        sys.exit(f"unknown op {a.op}")
    if failed:
        sys.exit(f"{failed} of {objects} objects failed")
    print(json.dumps({"op": a.op, "seconds": time.monotonic() - start, "objects": objects}))


if __name__ == "__main__":
    main()
