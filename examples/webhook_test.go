package examples

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"

	"streamc.dev/streamc/internal/e2e"
)

// TestWebhook runs the webhook example, whose sink is written in Go (examples/webhook/
// hooks), against an HTTP endpoint the test serves, for 40 batches of 4 partitions: the
// connections are pooled per process — at most maxConns (2) TCP connections for every
// write of every batch, not one per record or per batch — every partition write carries
// its own idempotency key, and the page views posted add up to the records generated.
func TestWebhook(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		conns int
		keys  = map[string]int{}
		views int
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		keys[r.Header.Get("Idempotency-Key")]++
		sc := bufio.NewScanner(r.Body)
		for sc.Scan() {
			var pc struct {
				Page  string `json:"page"`
				Views int    `json:"views"`
			}
			if err := json.Unmarshal(sc.Bytes(), &pc); err != nil {
				t.Errorf("bad line %q: %v", sc.Text(), err)
			}
			views += pc.Views
		}
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()

	bin := e2e.Build(t, "webhook/webhook.stream")
	const batches = 40
	cmd := exec.Command(bin, "--replay", "--batches", "40")
	cmd.Env = append(os.Environ(), "HOOK_URL="+srv.URL+"/views")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	// rate(2000) gives 200 records a 100ms batch in replay.
	if want := 200 * batches; views != want {
		t.Errorf("views posted = %d, want %d", views, want)
	}
	if conns < 1 || conns > 2 {
		t.Errorf("%d TCP connections for %d writes: want 1 or 2 (maxConns), per process", conns, len(keys))
	}
	if len(keys) < batches {
		t.Errorf("%d writes for %d batches", len(keys), batches)
	}
	for k, n := range keys {
		if n != 1 {
			t.Errorf("key %s written %d times", k, n)
		}
	}
	t.Logf("%d batches: %d partition writes over %d TCP connections", batches, len(keys), conns)
}
