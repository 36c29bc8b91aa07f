package sink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/sink"
	"streamc.dev/streamc/runtime/source"
)

// event is the element type of the HTTP tests' pipeline.
type event struct {
	User string `json:"user"`
	N    int    `json:"n"`
}

// httpSink posts each partition of each batch as one JSON request, with the batch's
// idempotency key in a header. Each of its connections is an HTTP client limited to one
// TCP connection, so the server's count of TCP connections is the pool's count of
// connections.
type httpSink struct{ url string }

type httpConn struct {
	url       string
	transport *http.Transport
	client    *http.Client
}

func (s httpSink) Open(context.Context) (sink.Conn[event], error) {
	tr := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Hour}
	return &httpConn{url: s.url, transport: tr, client: &http.Client{Transport: tr, Timeout: 10 * time.Second}}, nil
}

func (c *httpConn) Write(ctx context.Context, b sink.Batch[event]) error {
	body, err := json.Marshal(b.Elems)
	if err != nil {
		return sink.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return sink.Permanent(err)
	}
	req.Header.Set("Idempotency-Key", b.Key())
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode/100 == 4:
		return sink.Permanent(fmt.Errorf("webhook: %s", resp.Status))
	default:
		return fmt.Errorf("webhook: %s", resp.Status)
	}
}

func (c *httpConn) Close() error {
	c.transport.CloseIdleConnections()
	return nil
}

// hookServer is a real HTTP server (httptest) that counts TCP connections with its
// ConnState hook, applies each idempotency key once, and can fail requests on demand.
type hookServer struct {
	*httptest.Server
	newConns, closedConns atomic.Int64
	requests              atomic.Int64
	fail                  atomic.Int64 // the next fail requests get a 503

	mu      sync.Mutex
	keys    map[string]int // Idempotency-Key → requests
	applied []event
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{keys: map[string]int{}}
	h.Server = httptest.NewUnstartedServer(http.HandlerFunc(h.serve))
	h.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			h.newConns.Add(1)
		case http.StateClosed, http.StateHijacked:
			h.closedConns.Add(1)
		}
	}
	h.Start()
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) serve(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	var evs []event
	if err := json.NewDecoder(r.Body).Decode(&evs); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if h.fail.Add(-1) >= 0 {
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	h.mu.Lock()
	defer h.mu.Unlock()
	h.keys[key]++
	if h.keys[key] == 1 {
		h.applied = append(h.applied, evs...)
	}
	w.WriteHeader(http.StatusNoContent)
}

// hookPipeline reads batches of events from a queue and writes them to url through a
// pool, as a generated program with writeTo(httpSink(url)) does.
func hookPipeline(url string, batches [][]event, opts sink.Options, pool **sink.Pool[event]) *rt.Pipeline {
	op := rt.Op{Pos: "hooks.stream:4:8", Name: "writeTo"}
	return &rt.Pipeline{
		Name: "hooks", SourceFile: "hooks.stream",
		Defaults: rt.Settings{Batch: time.Second, Partitions: 4, OutputBackoff: time.Millisecond},
		New: func(ctx *rt.Context) (rt.Job, error) {
			src := source.NewQueue("events", batches)
			ctx.RegisterSource("events", src)
			p := sink.NewPool[event](ctx, "writeTo(hooks)", httpSink{url: url}, opts)
			*pool = p
			return jobFunc(func(b *rt.Batch) error {
				parts, err := src.Batch(b.Time.Millis(), b.Partitions)
				if err != nil {
					return err
				}
				b.AddInput(rt.Len(parts))
				return sink.Output(b, op, p, parts)
			}), nil
		},
	}
}

func eventBatches(n, size int) [][]event {
	batches := make([][]event, n)
	for i := range batches {
		for j := range size {
			batches[i] = append(batches[i], event{User: fmt.Sprint("u", j%7), N: i*size + j})
		}
	}
	return batches
}

// TestHTTPConnectionsPerProcess: 50 batches × 4 partitions × 25 records through a real
// HTTP server use at most MaxConns TCP connections in all — per process, not per record,
// partition or batch — and the run's end closes them.
func TestHTTPConnectionsPerProcess(t *testing.T) {
	h := newHookServer(t)
	const maxConns = 2
	var pool *sink.Pool[event]
	d, err := rt.NewDriver(hookPipeline(h.URL, eventBatches(50, 100), sink.Options{MaxConns: maxConns}, &pool), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if _, err := d.Step(); err != nil {
			t.Fatal(err)
		}
	}
	st := pool.Stats()
	if n := h.newConns.Load(); n < 1 || n > maxConns || n != st.Opens {
		t.Errorf("%d TCP connections for 200 requests (pool opened %d); want between 1 and %d, one per pooled connection", n, st.Opens, maxConns)
	}
	if n := h.requests.Load(); n != 200 {
		t.Errorf("%d requests, want 200 (one per partition per batch)", n)
	}
	h.mu.Lock()
	applied, keys := len(h.applied), len(h.keys)
	h.mu.Unlock()
	if applied != 5000 || keys != 200 || st.Rows != 5000 {
		t.Errorf("server applied %d events under %d keys, pool counted %d rows; want 5000 under 200", applied, keys, st.Rows)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the server to see every connection closed", func() bool { return h.closedConns.Load() == h.newConns.Load() })
	t.Logf("50 batches × 4 partitions × 25 records: %d TCP connections, %d requests, pool %+v", h.newConns.Load(), h.requests.Load(), pool.Stats())
}

// TestHTTPIdleAndRetries: a connection idle past IdleTimeout is closed on the server
// too and a later batch opens a new one; a 503 is retried on a fresh connection; the
// idempotency keys make the server apply every partition once.
func TestHTTPIdleAndRetries(t *testing.T) {
	h := newHookServer(t)
	var pool *sink.Pool[event]
	opts := sink.Options{MaxConns: 1, IdleTimeout: 100 * time.Millisecond, Backoff: time.Millisecond}
	d, err := rt.NewDriver(hookPipeline(h.URL, eventBatches(4, 8), opts, &pool), nil, func(s *rt.Settings) { s.Partitions = 2 })
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	step := func() {
		t.Helper()
		if _, err := d.Step(); err != nil {
			t.Fatal(err)
		}
	}
	step()
	step()
	if n := h.newConns.Load(); n != 1 {
		t.Fatalf("%d TCP connections after two batches with MaxConns 1", n)
	}
	waitFor(t, "the idle connection to be closed on the server", func() bool { return h.closedConns.Load() == 1 })
	h.fail.Store(1) // the next request gets a 503
	step()
	step()
	st := pool.Stats()
	if st.Retries != 1 || st.Opens != 3 || h.newConns.Load() != 3 {
		t.Errorf("pool %+v, %d TCP connections: want 1 retry; 3 connections (first, after the idle close, after the 503)", st, h.newConns.Load())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.applied) != 32 || len(h.keys) != 8 {
		t.Errorf("server applied %d events under %d keys, want 32 under 8", len(h.applied), len(h.keys))
	}
}
