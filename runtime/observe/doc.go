// Package observe is a pipeline's operations server: the web UI (Spark's Streaming tab
// and more), the REST API in the shape of Spark's streaming endpoints, Prometheus
// metrics, liveness and readiness probes, and pprof when asked for. It serves the
// address of the http setting (or --http; loopback unless a host is written).
//
// Generated programs call Enable before runtime.Main, which installs Handler as the
// runtime's operations handler: the runtime core stays on the standard library and
// links this package, with prometheus/client_golang, only through that call.
//
// Everything is read from the run's status recorder (runtime/status) when a request
// comes: a page left open costs the pipeline nothing between its polls, and a poll
// costs a copy of the retained history under a lock (tens of microseconds for a
// thousand batches); the JSON is written outside the lock.
//
//	GET /                                  the web UI (assets embedded, nothing fetched from outside)
//	GET /api/v1/applications               the application (one: the pipeline)
//	GET /api/v1/applications/ID/streaming/statistics
//	GET /api/v1/applications/ID/streaming/batches[?status=COMPLETED|PROCESSING|QUEUED|FAILED][&since=BATCH]
//	GET /api/v1/applications/ID/streaming/batches/BATCH
//	GET /api/v1/applications/ID/streaming/batches/BATCH/operations[/OP]
//	GET /api/v1/applications/ID/streaming/batches/BATCH/stages
//	GET /api/v1/applications/ID/streaming/receivers[/N]
//	GET /api/v1/applications/ID/streaming/outputs
//	GET /api/v1/applications/ID/streaming/checkpoints
//	GET /api/v1/applications/ID/streaming/plan
//	GET /metrics                           Prometheus text exposition
//	GET /healthz, /ready                   liveness, readiness (503 with the reasons)
//	GET /debug/pprof/                      with --pprof only
//
// ID is the pipeline's name. Durations are milliseconds and dates Spark's
// "2006-01-02T15:04:05.000GMT", as in Spark's API.
//
// The page (ui/) is plain HTML, CSS and JavaScript without a build step. Its charts are
// uPlot 1.6.32 (npm package uplot, MIT licence: ui/LICENSE.uplot), whose minified files
// scripts/fetch-uplot (make ui-assets) fetches; they are embedded with the page.
package observe
