// Package opstest tests a pipeline's operations server as its users see it: a pipeline
// (testdata/ops.stream) is compiled into a binary with internal/e2e and run live with
// --http; its web page is opened in a real headless Chromium (Debian's chromium,
// installed by internal/testserver when missing) driven by chromedp, which waits for the
// charts and the batch table to fill and checks them against the REST API; a screenshot
// of the page is saved ($STREAMC_ARTIFACTS, else the system's temporary directory) and
// its path logged. The binary's /metrics is parsed with the Prometheus text parser.
//
// The package has no code besides its tests.
package opstest
