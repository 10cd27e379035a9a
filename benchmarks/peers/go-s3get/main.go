// The peer of benchmarks/http: aws-sdk-go-v2 S3 GetObject of a small object at 1, 16 and
// 64 requests in flight, printing one JSON line per level like http_bench --json.
//
//	go-s3get -endpoint URL -bucket B -key K -size N -duration S -concurrency 1,16,64
//
// Credentials and region come from CIRRUS_S3_ACCESS_KEY, CIRRUS_S3_SECRET_KEY and
// CIRRUS_S3_REGION (versitygw's defaults otherwise). Path-style addressing, response
// checksum validation only when required (http_bench sets checksum_mode = false on its
// GETs to match), and a connection pool large enough for the highest level.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

type result struct {
	Client      string  `json:"client"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	RPS         float64 `json:"rps"`
	P50         float64 `json:"p50_us"`
	P99         float64 `json:"p99_us"`
	Errors      int     `json:"errors"`
}

func run(client *s3.Client, bucket, key string, size, concurrency int, d time.Duration, record bool) result {
	var mu sync.Mutex
	var latencies []time.Duration
	errors := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, size)
			local := make([]time.Duration, 0, 1<<16)
			localErrors := 0
			for time.Now().Before(deadline) {
				t0 := time.Now()
				out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
				if err == nil {
					_, err = io.ReadFull(out.Body, buf)
					out.Body.Close()
				}
				if err != nil {
					localErrors++
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			errors += localErrors
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	r := result{Client: "aws-sdk-go-v2", Concurrency: concurrency, Requests: len(latencies), Errors: errors}
	if !record || len(latencies) == 0 {
		return r
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	r.RPS = float64(len(latencies)) / elapsed
	r.P50 = float64(latencies[len(latencies)/2].Microseconds())
	r.P99 = float64(latencies[len(latencies)*99/100].Microseconds())
	return r
}

func main() {
	endpoint := flag.String("endpoint", envOr("CIRRUS_S3_ENDPOINT", "http://127.0.0.1:7070"), "S3 endpoint")
	bucket := flag.String("bucket", "", "bucket holding the object")
	key := flag.String("key", "object-4k", "object key")
	size := flag.Int("size", 4096, "object size")
	duration := flag.Float64("duration", 3, "seconds per level")
	levels := flag.String("concurrency", "1,16,64", "requests in flight")
	flag.Parse()
	if *bucket == "" {
		fmt.Fprintln(os.Stderr, "-bucket is required")
		os.Exit(2)
	}
	maxLevel := 1
	var conc []int
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad -concurrency")
			os.Exit(2)
		}
		conc = append(conc, n)
		if n > maxLevel {
			maxLevel = n
		}
	}
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = maxLevel * 2
		t.MaxIdleConnsPerHost = maxLevel * 2
	})
	access := envOr("CIRRUS_S3_ACCESS_KEY", "cirrusadmin")
	secret := envOr("CIRRUS_S3_SECRET_KEY", "cirrus-versity-secret-0123456789")
	cfg := aws.Config{
		Region:     envOr("CIRRUS_S3_REGION", "us-east-1"),
		HTTPClient: httpClient,
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: access, SecretAccessKey: secret, Source: "static"}, nil
		})),
		RetryMaxAttempts: 1,
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = endpoint
		o.UsePathStyle = true
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	enc := json.NewEncoder(os.Stdout)
	for _, c := range conc {
		run(client, *bucket, *key, *size, c, 500*time.Millisecond, false) // warm-up
		r := run(client, *bucket, *key, *size, c, time.Duration(*duration*float64(time.Second)), true)
		enc.Encode(r)
	}
}
