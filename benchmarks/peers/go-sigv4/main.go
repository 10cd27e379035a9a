// SigV4 header-signing benchmark peer: aws-sdk-go-v2's aws/signer/v4.
//
// Signs the two requests described in benchmarks/README.md with fixed credentials and a
// fixed time, and prints one line per request: `<name> <wall ns/op> <cpu ns/op> <allocs/op>`
// (times are medians of 5 repetitions; CPU is the process's user + system time, garbage
// collection included; allocs are heap allocations per signature). `--check` prints
// the Authorization header of each request instead, so the run script can verify that
// every implementation produces the same signature.
//
// v4.Signer keeps its own signing-key cache, so after the warm-up every signature reuses
// the derived key. The DynamoDB body is hashed inside the timed loop, as a client must.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	accessKeyID     = "AKIDEXAMPLE"
	secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	region          = "us-east-1"
	emptySHA256     = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

	s3URL   = "https://bucket.s3.us-east-1.amazonaws.com/bucket/photos/2026/11/cat%20picture.jpg"
	ddbURL  = "https://dynamodb.us-east-1.amazonaws.com/"
	ddbBody = `{"TableName":"cirrus-bench","Item":{"pk":{"S":"user#000042"},"sk":{"S":"profile"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada@example.com"},"visits":{"N":"1815"},"active":{"BOOL":true}},"ReturnValues":"NONE"}`

	minIterations = 200_000
	repetitions   = 5
)

var signingTime = time.Date(2026, time.November, 23, 12, 34, 56, 0, time.UTC)

type bench struct {
	ctx    context.Context
	signer *v4.Signer
	creds  aws.Credentials
	s3     *http.Request
	ddb    *http.Request
	body   []byte
}

func mustRequest(method, url string) *http.Request {
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return r
}

func newBench() *bench {
	b := &bench{
		ctx:    context.Background(),
		signer: v4.NewSigner(),
		creds:  aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey},
		body:   []byte(ddbBody),
	}

	b.s3 = mustRequest(http.MethodGet, s3URL)
	b.s3.Header.Set("Range", "bytes=0-4095")
	b.s3.Header.Set("User-Agent", "cirrus-bench/1.0")
	b.s3.Header.Set("X-Amz-Content-Sha256", emptySHA256)

	// The signer signs content-length from Request.ContentLength.
	b.ddb = mustRequest(http.MethodPost, ddbURL)
	b.ddb.ContentLength = int64(len(b.body))
	b.ddb.Header.Set("Content-Type", "application/x-amz-json-1.0")
	b.ddb.Header.Set("X-Amz-Target", "DynamoDB_20120810.PutItem")
	return b
}

// The same *http.Request is signed again each time: SignHTTP overwrites X-Amz-Date and
// Authorization, and ignores an existing Authorization header when building the signature.
func (b *bench) signS3() {
	err := b.signer.SignHTTP(b.ctx, b.creds, b.s3, emptySHA256, "s3", region, signingTime,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		panic(err)
	}
}

func (b *bench) signDDB() {
	sum := sha256.Sum256(b.body)
	err := b.signer.SignHTTP(b.ctx, b.creds, b.ddb, hex.EncodeToString(sum[:]), "dynamodb", region, signingTime)
	if err != nil {
		panic(err)
	}
}

// processCPUTime is the user + system CPU time of the whole process so far, garbage
// collector included.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runBatch returns the wall-clock and process CPU time of n calls.
func runBatch(f func(), n int) (time.Duration, time.Duration) {
	cpu := processCPUTime()
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return time.Since(start), processCPUTime() - cpu
}

func median(samples []float64) float64 {
	sort.Float64s(samples)
	return samples[len(samples)/2]
}

// allocsPerOp is the number of heap allocations per call, from the runtime's counters.
func allocsPerOp(f func(), n int) float64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	runBatch(f, n)
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n)
}

// measure returns the median wall-clock and CPU ns/op of `repetitions` runs, each at
// least minTime long and at least minIterations iterations, and allocations per call.
func measure(f func(), minTime time.Duration) (float64, float64, float64) {
	const probe = 20_000
	runBatch(f, probe) // warm-up: key cache, allocator, branch predictors
	wall, _ := runBatch(f, probe)
	perOp := float64(wall.Nanoseconds()) / probe
	if perOp < 1 {
		perOp = 1
	}
	n := int(float64(minTime.Nanoseconds())/perOp) + 1
	if n < minIterations {
		n = minIterations
	}
	walls := make([]float64, repetitions)
	cpus := make([]float64, repetitions)
	for i := range walls {
		w, c := runBatch(f, n)
		walls[i] = float64(w.Nanoseconds()) / float64(n)
		cpus[i] = float64(c.Nanoseconds()) / float64(n)
	}
	return median(walls), median(cpus), allocsPerOp(f, probe)
}

func main() {
	check := flag.Bool("check", false, "print the Authorization header of each request and exit")
	minTime := flag.Float64("min-time", 1.0, "minimum seconds per repetition")
	flag.Parse()

	b := newBench()
	if *check {
		b.signS3()
		b.signDDB()
		fmt.Printf("s3_get_object %s\n", b.s3.Header.Get("Authorization"))
		fmt.Printf("dynamodb_put_item %s\n", b.ddb.Header.Get("Authorization"))
		return
	}
	d := time.Duration(*minTime * float64(time.Second))
	wall, cpu, allocs := measure(b.signS3, d)
	fmt.Printf("s3_get_object %.1f %.1f %.1f\n", wall, cpu, allocs)
	wall, cpu, allocs = measure(b.signDDB, d)
	fmt.Printf("dynamodb_put_item %.1f %.1f %.1f\n", wall, cpu, allocs)
}
