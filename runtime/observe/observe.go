package observe

import (
	"embed"
	"io/fs"
	"net/http"
	"net/http/pprof"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	rt "streamc.dev/streamc/runtime"
)

// Enable makes the runtime serve this package's Handler at the http setting's address.
// Generated programs call it first thing in main.
func Enable() { rt.SetOperationsHandler(Handler) }

//go:embed ui
var uiFiles embed.FS

// Handler serves the web UI, the REST API, /metrics, /healthz, /ready and, when
// ops.Pprof is set, /debug/pprof/.
func Handler(ops *rt.Operations) http.Handler {
	mux := http.NewServeMux()
	a := &api{rec: ops.Status}
	a.routes(mux)

	// A registry of its own (not the global one): exactly the pipeline's metrics with
	// the Go runtime's and the process's, as every Go exporter serves them.
	reg := prometheus.NewRegistry()
	reg.MustRegister(newCollector(ops.Status, ops.Pipeline.Name),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: nil}))

	mux.HandleFunc("GET /healthz", rt.Healthz)
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) { rt.Ready(w, ops.Status) })

	ui, _ := fs.Sub(uiFiles, "ui")
	files := http.FileServerFS(ui)
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheable(files)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, ui, "index.html")
	})

	if ops.Pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// cacheable lets browsers keep the embedded assets for a day: they change only with
// the binary.
func cacheable(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=86400")
		h.ServeHTTP(w, r)
	})
}
