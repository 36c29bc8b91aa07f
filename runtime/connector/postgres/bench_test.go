package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"streamc.dev/streamc/internal/testserver"
	"streamc.dev/streamc/runtime/connector/postgres"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// BenchmarkSinkPatterns measures rows/s into PostgreSQL for the three connection
// patterns of the Spark Streaming guide's foreachRDD section, over the same rows:
//
//   - per-record: a new connection for every record (the guide's anti-pattern);
//   - per-partition: a new connection per partition per batch, its rows in one
//     pipelined transaction;
//   - pooled: the Sink, whose pooled connections are reused across batches.
//
// It reports each pattern's rows/s and its ratio to the pooled sink.
func BenchmarkSinkPatterns(b *testing.B) {
	url := testserver.Postgres(b)
	exec(b, url, "create table bench (word text, n bigint)")
	const sql = "insert into bench (word, n) values ($1, $2)"
	const batches, parts, rowsPerPart = 5, 2, 1000
	data := words(rowsPerPart, "b")
	ctx := context.Background()

	perRecord := func(rows int) {
		for i := range rows {
			c, err := pgx.Connect(ctx, url)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Exec(ctx, sql, data[i%len(data)].Word, data[i%len(data)].N); err != nil {
				b.Fatal(err)
			}
			c.Close(ctx)
		}
	}
	perPartition := func() {
		for range batches {
			for range parts {
				c, err := pgx.Connect(ctx, url)
				if err != nil {
					b.Fatal(err)
				}
				tx, err := c.Begin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				batch := &pgx.Batch{}
				for _, r := range data {
					batch.Queue(sql, r.Word, r.N)
				}
				if err := tx.SendBatch(ctx, batch).Close(); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(ctx); err != nil {
					b.Fatal(err)
				}
				c.Close(ctx)
			}
		}
	}
	bt := int64(0)
	pooled := func(mode postgres.Mode) func() {
		return func() {
			sink, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
				SQL: sql, Pipeline: "bench", Output: fmt.Sprint(mode), Mode: mode})
			if err != nil {
				b.Fatal(err)
			}
			defer sink.Close()
			for range batches {
				bt += 1000
				for p := range parts {
					if _, err := sink.WriteBatch(ctx, bt, p, sqlsink.Slice(data, countFields)); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
	rate := func(rows int, f func()) float64 {
		start := time.Now()
		f()
		return float64(rows) / time.Since(start).Seconds()
	}
	const total = batches * parts * rowsPerPart
	const recordRows = 300 // a connection per record is slow: fewer rows give its rate
	var rRecord, rPartition, rPipeline, rCopy float64
	for b.Loop() {
		rRecord = rate(recordRows, func() { perRecord(recordRows) })
		rPartition = rate(total, perPartition)
		rPipeline = rate(total, pooled(postgres.Pipeline))
		rCopy = rate(total, pooled(postgres.Copy))
	}
	best := max(rPipeline, rCopy)
	b.ReportMetric(rRecord, "per-record-rows/s")
	b.ReportMetric(rPartition, "per-partition-rows/s")
	b.ReportMetric(rPipeline, "pooled-pipeline-rows/s")
	b.ReportMetric(rCopy, "pooled-copy-rows/s")
	b.ReportMetric(rRecord/best, "per-record/pooled")
	b.ReportMetric(rPartition/best, "per-partition/pooled")
	b.ReportMetric(rPipeline/rCopy, "pipeline/copy")
}

// BenchmarkLookup measures lookup-join rows/s: 2,000 elements per partition batch over
// 500 distinct keys in a 10,000-row table, with the keys of a batch sent in one query
// (batched) and with one query per element (unbatched), both on the pooled connection.
func BenchmarkLookup(b *testing.B) {
	url := testserver.Postgres(b)
	exec(b, url, "create table depts (id bigint primary key, name text)",
		"insert into depts select i, 'dept' || i from generate_series(1, 10000) i")
	conn := postgres.NewConn(postgres.ConnConfig{URL: url, MaxConns: 2})
	defer conn.Close()
	lk := postgres.NewLookup(conn, "select id, name from depts where id = any($1)", scanDept)
	ctx := context.Background()
	const elems, distinct = 2000, 500
	keys := make([]int64, elems)
	for i := range keys {
		keys[i] = int64((i*7919)%distinct*20 + 1)
	}
	cache := lk.Cache()
	batched := func() {
		cache.Reset()
		for _, k := range keys {
			cache.Add(k)
		}
		if err := cache.Fetch(ctx); err != nil {
			b.Fatal(err)
		}
		for _, k := range keys {
			if _, ok := cache.Get(k); !ok {
				b.Fatalf("key %d not found", k)
			}
		}
	}
	unbatched := func() {
		for _, k := range keys {
			cache.Reset()
			cache.Add(k)
			if err := cache.Fetch(ctx); err != nil {
				b.Fatal(err)
			}
			if _, ok := cache.Get(k); !ok {
				b.Fatalf("key %d not found", k)
			}
		}
	}
	rate := func(f func()) float64 {
		start := time.Now()
		f()
		return elems / time.Since(start).Seconds()
	}
	var rb, ru float64
	for b.Loop() {
		rb = rate(batched)
		ru = rate(unbatched)
	}
	b.ReportMetric(rb, "batched-rows/s")
	b.ReportMetric(ru, "unbatched-rows/s")
	b.ReportMetric(rb/ru, "batched/unbatched")
}
