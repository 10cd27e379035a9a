// The aws-sdk-go-v2 peer of benchmarks/run_transfer.sh: the S3 transfer manager
// (feature/s3/manager) for one file each way, and a pool of goroutines over it for a folder
// tree each way. Prints {"op":...,"seconds":...} on stdout.
//
//	go-transfer [-endpoint URL] [-part-size MIB] [-concurrency N] [-files N] upload FILE BUCKET KEY
//	go-transfer ... download BUCKET KEY FILE | upload-dir DIR BUCKET PREFIX | download-prefix BUCKET PREFIX DIR
//
// Credentials and region come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION.
// Settings: part size and parts in flight as given (manager.Uploader/Downloader
// PartSize and Concurrency), path-style addressing, CRC32 request checksums off unless the
// operation requires one and response checksum validation off (the SDK's
// "when_required"), so that it does the work the other clients do.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func die(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "go-transfer: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	endpoint := flag.String("endpoint", os.Getenv("CIRRUS_S3_ENDPOINT"), "S3 endpoint")
	partMiB := flag.Int64("part-size", 8, "part size in MiB")
	concurrency := flag.Int("concurrency", 8, "parts in flight per object")
	files := flag.Int("files", 16, "objects in flight for the folder operations")
	flag.Parse()
	args := flag.Args()
	if len(args) != 4 {
		die("usage: go-transfer [flags] upload|download|upload-dir|download-prefix A B C")
	}
	conns := *concurrency * *files
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = conns
		t.MaxIdleConnsPerHost = conns
	})
	access, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	cfg := aws.Config{
		Region:     region,
		HTTPClient: httpClient,
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: access, SecretAccessKey: secret, Source: "static"}, nil
		})),
		RequestChecksumCalculation:  aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation:  aws.ResponseChecksumValidationWhenRequired,
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = endpoint
		o.UsePathStyle = true
	})
	partSize := *partMiB << 20
	uploader := manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = partSize
		u.Concurrency = *concurrency
	})
	downloader := manager.NewDownloader(client, func(d *manager.Downloader) {
		d.PartSize = partSize
		d.Concurrency = *concurrency
	})
	ctx := context.Background()
	upload := func(path, bucket, key string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = uploader.Upload(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: f})
		return err
	}
	download := func(bucket, key, path string) error {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if _, err = downloader.Download(ctx, f, &s3.GetObjectInput{Bucket: &bucket, Key: &key}); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	// A folder operation: jobs run by `files` goroutines.
	pool := func(jobs []func() error) int {
		ch := make(chan func() error)
		var wg sync.WaitGroup
		var mu sync.Mutex
		failed := 0
		for i := 0; i < *files; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for job := range ch {
					if err := job(); err != nil {
						fmt.Fprintln(os.Stderr, err)
						mu.Lock()
						failed++
						mu.Unlock()
					}
				}
			}()
		}
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
		return failed
	}

	start := time.Now()
	objects, failed := 1, 0
	switch args[0] {
	case "upload":
		if err := upload(args[1], args[2], args[3]); err != nil {
			die("%v", err)
		}
	case "download":
		if err := download(args[1], args[2], args[3]); err != nil {
			die("%v", err)
		}
	case "upload-dir":
		root, bucket, prefix := args[1], args[2], args[3]
		var jobs []func() error
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			key := prefix + filepath.ToSlash(rel)
			jobs = append(jobs, func() error { return upload(p, bucket, key) })
			return nil
		})
		if err != nil {
			die("%v", err)
		}
		objects, failed = len(jobs), pool(jobs)
	case "download-prefix":
		bucket, prefix, root := args[1], args[2], args[3]
		var jobs []func() error
		pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				die("%v", err)
			}
			for _, o := range page.Contents {
				key := *o.Key
				rel := strings.TrimPrefix(key, prefix)
				path := filepath.Join(root, filepath.FromSlash(rel))
				jobs = append(jobs, func() error {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						return err
					}
					return download(bucket, key, path)
				})
			}
		}
		objects, failed = len(jobs), pool(jobs)
	default:
		die("unknown command %q", args[0])
	}
	if failed > 0 {
		die("%d of %d objects failed", failed, objects)
	}
	fmt.Printf("{\"op\":%q,\"seconds\":%.6f,\"objects\":%d}\n", args[0], time.Since(start).Seconds(), objects)
}
