package sink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/sink"
)

// Click is the element type the pipeline writes (a .stream record type).
type Click struct {
	User  string `json:"user"`
	Count int    `json:"count"`
}

// Webhook is a user's sink: it posts each partition of each batch as one JSON request,
// with the batch's idempotency key, to a server that applies each key once.
type Webhook struct{ URL string }

type webhookConn struct {
	url    string
	client *http.Client
}

// Open is called by the runtime's pool, lazily, at most MaxConns at a time.
func (w Webhook) Open(ctx context.Context) (sink.Conn[Click], error) {
	return &webhookConn{url: w.URL, client: &http.Client{Timeout: 10 * time.Second}}, nil
}

func (c *webhookConn) Write(ctx context.Context, b sink.Batch[Click]) error {
	body, err := json.Marshal(b.Elems)
	if err != nil {
		return sink.Permanent(err) // retrying cannot help
	}
	req, err := http.NewRequestWithContext(ctx, "POST", c.url, bytes.NewReader(body))
	if err != nil {
		return sink.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", b.Key()) // the same for every retry and re-run of this partition
	resp, err := c.client.Do(req)
	if err != nil {
		return err // transient: retried on a new connection
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		return sink.Permanent(fmt.Errorf("webhook refused the batch: %s", resp.Status))
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook: %s", resp.Status)
	}
	return nil
}

func (c *webhookConn) Close() error {
	c.client.CloseIdleConnections()
	return nil
}

// Example_webhook runs the Webhook sink the way a generated program does for
// `clicks.writeTo(Webhook(url))`: one pool per output, created when the pipeline starts,
// and one Output call per batch with the output's partitions.
func Example_webhook() {
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
	}))
	defer srv.Close()

	ctx := rt.NewContext(&rt.Pipeline{Name: "clicks"}, rt.Settings{Batch: time.Second, Partitions: 2}, nil, nil)
	pool := sink.NewPool[Click](ctx, "writeTo(hooks)", Webhook{URL: srv.URL}, sink.Options{MaxConns: 2})
	defer pool.Close()
	op := rt.Op{Pos: "clicks.stream:6:8", Name: "writeTo"}
	for i := range 3 {
		b := ctx.NewBatch(rt.Time(1000*(i+1)), int64(i))
		parts := [][]Click{{{"ann", i}}, {{"bob", 2 * i}}}
		if err := sink.Output(b, op, pool, parts); err != nil {
			fmt.Println(err)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Println(k)
	}
	fmt.Println("connections opened:", pool.Stats().Opens <= 2)
	// Output:
	// clicks/writeTo(hooks)/1000/0
	// clicks/writeTo(hooks)/1000/1
	// clicks/writeTo(hooks)/2000/0
	// clicks/writeTo(hooks)/2000/1
	// clicks/writeTo(hooks)/3000/0
	// clicks/writeTo(hooks)/3000/1
	// connections opened: true
}

// ExampleForeachBatch runs a per-batch callback (Spark's foreachBatch): once per batch,
// with all of the batch's elements.
func ExampleForeachBatch() {
	ctx := rt.NewContext(&rt.Pipeline{Name: "clicks"}, rt.Settings{Batch: time.Second}, nil, nil)
	total := func(_ context.Context, t time.Time, clicks []Click) error {
		n := 0
		for _, c := range clicks {
			n += c.Count
		}
		fmt.Printf("%d: %d clicks\n", t.UnixMilli(), n)
		return nil
	}
	op := rt.Op{Pos: "clicks.stream:7:8", Name: "foreachBatch"}
	sink.ForeachBatch(ctx.NewBatch(1000, 0), op, total, [][]Click{{{"ann", 2}}, {{"bob", 3}}})
	sink.ForeachBatch(ctx.NewBatch(2000, 1), op, total, [][]Click{nil, nil})
	// Output:
	// 1000: 5 clicks
	// 2000: 0 clicks
}
