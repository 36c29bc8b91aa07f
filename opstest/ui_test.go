//go:build unix

package opstest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
	"streamc.dev/streamc/runtime/observe"
)

// pipeline is the ops pipeline running live with its operations server.
type pipeline struct {
	base, api string
	stderr    *lockedBuffer
}

// readingsServer serves JSON readings to every connection, one line in fifty malformed,
// until the test ends.
func readingsServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				w := bufio.NewWriter(c)
				for i := 0; ; i++ {
					if i%50 == 49 {
						fmt.Fprintln(w, `{"sensor": "s1", "value": "not a number"}`)
					} else {
						fmt.Fprintf(w, "{\"sensor\": \"s%d\", \"value\": %d}\n", i%4, i%100)
					}
					if i%20 == 19 {
						if w.Flush() != nil {
							return
						}
						time.Sleep(10 * time.Millisecond)
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// start builds testdata/ops.stream and runs it live with --http on a free port.
func start(t *testing.T) *pipeline {
	t.Helper()
	bin := e2e.Build(t, "testdata/ops.stream")
	dir := t.TempDir()
	cmd := exec.Command(bin, "--http", "127.0.0.1:0", "--log-format", "json",
		"--checkpoint", filepath.Join(dir, "ckpt"), "--checkpoint-every", "1s",
		"--source", "readings="+readingsServer(t))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OUT="+filepath.Join(dir, "out", "sensors"))
	p := &pipeline{stderr: &lockedBuffer{}}
	cmd.Stdout = io.Discard
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("pipeline exit: %v\n%s", err, p.stderr.tail())
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Errorf("the pipeline did not stop on SIGTERM\n%s", p.stderr.tail())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for p.base == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no operations server address in the log:\n%s", p.stderr.tail())
		}
		for _, line := range strings.Split(p.stderr.String(), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "operations server listening" {
				p.base = "http://" + rec.Addr
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.api = p.base + "/api/v1/applications/ops/streaming"
	return p
}

func (p *pipeline) get(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := http.Get(p.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// waitReady waits until /ready answers 200 and n batches have completed.
func (p *pipeline) waitReady(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var st observe.Statistics
		p.get(t, "/api/v1/applications/ops/streaming/statistics", &st)
		resp, err := http.Get(p.base + "/ready")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 && st.NumTotalCompletedBatches >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready with %d batches after 60s (ready %d, reasons %q)\n%s", n, resp.StatusCode, st.NotReady, p.stderr.tail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOperationsPage opens the page of a live pipeline in headless Chromium, waits for
// the four timelines, the histograms and the batch table to fill, and checks what they
// show against the REST API: every listed batch's records, every point of the
// processing-time timeline, the sources and outputs tables, a batch's detail (stages
// and output operations) and the plan picture. It saves a screenshot of the page.
func TestOperationsPage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a pipeline and drives a browser")
	}
	chromium := testserver.Chromium(t)
	p := start(t)
	p.waitReady(t, 8)

	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000)}
	for _, f := range testserver.ChromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	filled := `document.querySelectorAll('#completed-table tbody tr[data-batch]').length >= 8 &&
		['input', 'sched', 'proc', 'total'].every(m => Number(document.querySelector('#tl-' + m).dataset.points || 0) >= 8 &&
			Number(document.querySelector('#hi-' + m).dataset.points || 0) >= 8) &&
		document.querySelectorAll('.uplot canvas').length >= 8 &&
		document.querySelectorAll('#sources-table tbody tr').length === 2 &&
		document.querySelectorAll('#plan-svg g.node').length >= 4`
	type row struct{ ID, Records string }
	type sourceRow struct{ Name, Kind, State string }
	if err := chromedp.Do(ctx, chromedp.Navigate(p.base+"/"),
		asVoid(chromedp.Poll[bool](filled, chromedp.WithPollingTimeout(60*time.Second)))); err != nil {
		t.Fatalf("the page did not fill: %v\n%s", err, p.stderr.tail())
	}
	rows := evaluate[[]row](ctx, t, `[...document.querySelectorAll('#completed-table tbody tr[data-batch]')].map(tr => ({ID: tr.dataset.batch, Records: tr.children[1].textContent}))`)
	points := evaluate[[][]float64](ctx, t, `S.charts.proc.tl.data.slice(0, 2)`)
	sources := evaluate[[]sourceRow](ctx, t, `[...document.querySelectorAll('#sources-table tbody tr')].map(tr => ({Name: tr.children[0].querySelector('b').textContent, Kind: tr.children[1].textContent, State: tr.children[3].textContent}))`)
	outputs := evaluate[[]string](ctx, t, `[...document.querySelectorAll('#outputs-table tbody tr')].map(tr => tr.children[1].textContent)`)
	nodes := evaluate[int](ctx, t, `document.querySelectorAll('#plan-svg g.node').length`)

	// The table: each row's records are the batch's inputSize in the REST API.
	for _, r := range rows {
		var b observe.BatchInfo
		p.get(t, "/api/v1/applications/ops/streaming/batches/"+r.ID, &b)
		if got := strings.ReplaceAll(r.Records, ",", ""); got != strconv.FormatInt(b.InputSize, 10) || b.Status != "COMPLETED" {
			t.Errorf("batch %s: the table shows %q records, the API %d (%s)", r.ID, r.Records, b.InputSize, b.Status)
		}
	}
	// The processing-time timeline: one point per completed batch, at its batch time,
	// with its processing time.
	var batches []observe.BatchInfo
	p.get(t, "/api/v1/applications/ops/streaming/batches?status=COMPLETED", &batches)
	byID := map[int64]observe.BatchInfo{}
	for _, b := range batches {
		byID[b.BatchID] = b
	}
	if len(points) != 2 || len(points[0]) < 8 || len(points[0]) != len(points[1]) {
		t.Fatalf("timeline data %v", points)
	}
	for i, x := range points[0] {
		b, ok := byID[int64(math.Round(x*1000))]
		if !ok {
			t.Errorf("the timeline has a point at %v, no such completed batch", x)
			continue
		}
		if math.Abs(b.ProcessingMs-points[1][i]) > 1e-6 {
			t.Errorf("batch %d: timeline %v ms, API %v ms", b.BatchID, points[1][i], b.ProcessingMs)
		}
	}
	var recv []observe.ReceiverInfo
	p.get(t, "/api/v1/applications/ops/streaming/receivers", &recv)
	if len(sources) != len(recv) {
		t.Fatalf("sources table %v, API %v", sources, recv)
	}
	for i, s := range sources {
		if s.Name != recv[i].StreamName || s.Kind != recv[i].Kind || s.State != recv[i].State {
			t.Errorf("source row %d %+v, API %s %s %s", i, s, recv[i].StreamName, recv[i].Kind, recv[i].State)
		}
	}
	if recv[1].Kind != "socket" || recv[1].State != "receiving" || recv[1].ReadPosition == "" || recv[0].RateLimit == nil {
		t.Errorf("receivers %+v", recv)
	}
	var outs []observe.OutputInfo
	p.get(t, "/api/v1/applications/ops/streaming/outputs", &outs)
	if len(outputs) != 2 || len(outs) != 2 || outputs[0] != outs[0].Description || outputs[1] != outs[1].Description {
		t.Errorf("outputs table %q, API %+v", outputs, outs)
	}
	// Sources, stages and outputs, and the state.
	if nodes < 2+2+1 {
		t.Errorf("the plan shows %d nodes", nodes)
	}

	// A batch's detail: its stages and output operations, as the API has them.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#completed-table tbody tr[data-batch]`)),
		chromedp.WaitVisible(chromedp.ID("detail")),
		asVoid(chromedp.Poll[bool](`document.querySelectorAll('#detail-ops tbody tr').length === 2`, chromedp.WithPollingTimeout(10*time.Second)))); err != nil {
		t.Fatalf("batch detail: %v", err)
	}
	stageRows := evaluate[int](ctx, t, `document.querySelectorAll('#detail-stages tbody tr').length`)
	opRows := evaluate[int](ctx, t, `document.querySelectorAll('#detail-ops tbody tr').length`)
	title := evaluate[string](ctx, t, `document.querySelector('#detail-id').textContent`)
	var detail observe.BatchInfo
	p.get(t, "/api/v1/applications/ops/streaming/batches/"+rows[0].ID, &detail)
	if stageRows != len(detail.Stages) || stageRows < 2 || opRows != 2 || !strings.Contains(title, rows[0].ID) {
		t.Errorf("detail of %s: %d stage rows (API %d), %d output rows, title %q", rows[0].ID, stageRows, len(detail.Stages), opRows, title)
	}

	// From the top, so that the sticky header is where a reader sees it.
	evaluate[bool](ctx, t, `window.scrollTo(0, 0), true`)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("STREAMC_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "streamc-operations-page.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the operations page: %s (%d bytes)", path, len(shot))
}

// TestPrometheusScrape parses a live binary's /metrics as a Prometheus server would and
// checks the series of its sources, outputs, state and checkpoints.
func TestPrometheusScrape(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a pipeline")
	}
	p := start(t)
	p.waitReady(t, 8)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		parser := expfmt.NewTextParser(model.LegacyValidation)
		fams, err := parser.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		missing := []string{}
		for _, name := range []string{"streamc_batches_completed_total", "streamc_batch_processing_seconds",
			"streamc_source_records_total", "streamc_source_rate_limit_records_per_second", "streamc_output_records_total",
			"streamc_bad_records_total", "streamc_checkpoints_total", "streamc_state_bytes", "process_cpu_seconds_total"} {
			if fams[name] == nil {
				missing = append(missing, name)
			}
		}
		if len(missing) == 0 {
			if bad := fams["streamc_bad_records_total"].Metric[0].GetCounter().GetValue(); bad < 1 {
				t.Errorf("streamc_bad_records_total = %v, want the malformed readings counted", bad)
			}
			if n := len(fams["streamc_source_records_total"].Metric); n != 2 {
				t.Errorf("%d streamc_source_records_total series, want 2", n)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %v", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// evaluate runs a JavaScript expression in the page and decodes its value.
func evaluate[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// asVoid drops an action's value, to run it among steps.
func asVoid[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, tg)
		return chromedp.Void{}, err
	}
}

// lockedBuffer collects the pipeline's log for the test to read while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) tail() string {
	s := l.String()
	if len(s) > 3000 {
		s = s[len(s)-3000:]
	}
	return s
}
