// Package hooks is a team's own output for streamc pipelines: it posts each partition
// of each batch, as JSON lines, to an HTTP endpoint (a webhook). It is the Spark
// guide's foreachRDD pattern without the boilerplate: streamc's runtime pools the
// connections (lazily, per process, reused across partitions and batches, closed when
// idle), retries failed writes and hands every write its idempotency key.
package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"streamc.dev/streamc/runtime/sink"
)

// Webhook posts to url. It is generic in the element type, so that a pipeline's
// records and tuples (types the pipeline declares) can be posted.
func Webhook[T any](url string) sink.Sink[T] { return &webhook[T]{url: url} }

type webhook[T any] struct{ url string }

// Open makes one connection: an HTTP client holding one keep-alive TCP connection.
func (w *webhook[T]) Open(ctx context.Context) (sink.Conn[T], error) {
	tr := &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, IdleConnTimeout: 5 * time.Minute}
	return &conn[T]{url: w.url, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

type conn[T any] struct {
	url    string
	client *http.Client
	body   bytes.Buffer // reused from write to write
}

// Write posts the partition's elements as JSON lines, with the batch's key in the
// Idempotency-Key header: an endpoint that remembers the keys it has seen applies each
// partition of each batch once, even when a write is retried or a batch re-run after a
// crash.
func (c *conn[T]) Write(ctx context.Context, b sink.Batch[T]) error {
	c.body.Reset()
	enc := json.NewEncoder(&c.body)
	for _, e := range b.Elems {
		if err := enc.Encode(e); err != nil {
			return sink.Permanent(err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(c.body.Bytes()))
	if err != nil {
		return sink.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Idempotency-Key", b.Key())
	resp, err := c.client.Do(req)
	if err != nil {
		return err // a network error: retried on a new connection
	}
	io.Copy(io.Discard, resp.Body) // so that the connection is reused
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return fmt.Errorf("webhook: %s", resp.Status) // retried
	case resp.StatusCode >= 300:
		return sink.Permanent(fmt.Errorf("webhook: %s", resp.Status))
	}
	return nil
}

// Close closes the connection's TCP connection.
func (c *conn[T]) Close() error {
	c.client.CloseIdleConnections()
	return nil
}
