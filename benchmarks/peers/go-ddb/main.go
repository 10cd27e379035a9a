// The Go peer of benchmarks/dynamodb: aws-sdk-go-v2 PutItem, GetItem and Query against the
// table that ddb_bench --setup made, at each level of requests in flight, one JSON line
// per operation and level like ddb_bench --json.
//
//	go-ddb -table T [-endpoint URL] [-duration S] [-concurrency 1,64] [-ops put,get,query]
//
// The requests are the ones ddb_bench sends (benchmarks/dynamodb/README.md). Region
// us-east-1, static credentials (DynamoDB Local checks no signature), no retries, a
// connection pool large enough for the highest level. CPU time is the process's
// (getrusage, garbage collector included), over the timed phase.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const payload = "The quick brown fox jumps over the lazy dog; the five boxing wizards jump quickly."

type result struct {
	Client      string  `json:"client"`
	Op          string  `json:"op"`
	Concurrency int     `json:"concurrency"`
	Requests    int64   `json:"requests"`
	RPS         float64 `json:"rps"`
	CPU         float64 `json:"cpu_us_per_request"`
	Errors      int64   `json:"errors"`
}

func cpuSeconds() float64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return float64(u.Utime.Sec+u.Stime.Sec) + float64(u.Utime.Usec+u.Stime.Usec)*1e-6
}

func one(c *dynamodb.Client, table, op string, n int) bool {
	ctx := context.Background()
	switch op {
	case "put":
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: map[string]types.AttributeValue{
			"pk":      &types.AttributeValueMemberS{Value: "put#" + strconv.Itoa(n%1000)},
			"sk":      &types.AttributeValueMemberN{Value: "0"},
			"name":    &types.AttributeValueMemberS{Value: "Ada Lovelace"},
			"visits":  &types.AttributeValueMemberN{Value: strconv.Itoa(n)},
			"active":  &types.AttributeValueMemberBOOL{Value: true},
			"payload": &types.AttributeValueMemberS{Value: payload},
		}})
		return err == nil
	case "get":
		out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "get#" + strconv.Itoa(n%100)},
			"sk": &types.AttributeValueMemberN{Value: "0"},
		}})
		return err == nil && len(out.Item) == 6
	default:
		out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: &table,
			KeyConditionExpression:    aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "query"}},
		})
		return err == nil && len(out.Items) == 10
	}
}

func run(c *dynamodb.Client, table, op string, concurrency int, d time.Duration) result {
	var done, errors int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	cpu0 := cpuSeconds()
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if !one(c, table, op, n) {
					atomic.AddInt64(&errors, 1)
				}
				atomic.AddInt64(&done, 1)
				n += concurrency
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	cpu := cpuSeconds() - cpu0
	r := result{Client: "aws-sdk-go-v2", Op: op, Concurrency: concurrency, Requests: done, Errors: errors}
	if done > 0 {
		r.RPS = float64(done) / elapsed
		r.CPU = cpu * 1e6 / float64(done)
	}
	return r
}

func main() {
	endpoint := flag.String("endpoint", os.Getenv("CIRRUS_DYNAMODB_ENDPOINT"), "DynamoDB endpoint")
	table := flag.String("table", "", "table made by ddb_bench --setup")
	duration := flag.Float64("duration", 3, "seconds per operation and level")
	levels := flag.String("concurrency", "1,64", "requests in flight")
	opsFlag := flag.String("ops", "put,get,query", "operations")
	flag.Parse()
	if *table == "" || *endpoint == "" {
		fmt.Fprintln(os.Stderr, "-table and -endpoint are required")
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
	cfg := aws.Config{
		Region:     "us-east-1",
		HTTPClient: httpClient,
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "cirrus", SecretAccessKey: "secret", Source: "static"}, nil
		})),
		RetryMaxAttempts: 1,
	}
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
	enc := json.NewEncoder(os.Stdout)
	for _, op := range strings.Split(*opsFlag, ",") {
		for _, c := range conc {
			run(client, *table, op, c, 500*time.Millisecond) // warm-up
			enc.Encode(run(client, *table, op, c, time.Duration(*duration*float64(time.Second))))
		}
	}
}
