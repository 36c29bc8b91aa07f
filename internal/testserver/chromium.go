package testserver

import (
	"errors"
	"os/exec"
	"sync"
	"testing"
)

// chromiumInstall caches the outcome of finding (or installing) Chromium, once per
// process.
var chromiumInstall struct {
	once sync.Once
	path string
	err  error
}

// findChromium looks for Debian's chromium (or another Chromium or Chrome) on PATH.
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Chromium returns the path of a Chromium browser for tests that drive a page (with
// chromedp), installing Debian's chromium package first when none is found, as Postgres
// installs its server: once per process, serialised across processes. The test is
// skipped, with the reason, only when that cannot be done.
//
// Run it headless with --no-sandbox (tests run as root) and the flags of
// ChromiumFlags, which keep it off the network: the machines that run the tests have
// none, and Chromium's background requests would fail there one after another.
func Chromium(t testing.TB) string {
	t.Helper()
	chromiumInstall.once.Do(func() {
		if p := findChromium(); p != "" {
			chromiumInstall.path = p
			return
		}
		if err := aptInstall(func() bool { return findChromium() != "" }, "chromium"); err != nil {
			chromiumInstall.err = err
			return
		}
		if chromiumInstall.path = findChromium(); chromiumInstall.path == "" {
			chromiumInstall.err = errors.New("the chromium package is installed but no chromium is on PATH")
		}
	})
	if chromiumInstall.err != nil {
		t.Skipf("Chromium is not available: %v", chromiumInstall.err)
	}
	return chromiumInstall.path
}

// ChromiumFlags are the command-line switches, without their leading dashes, that a
// test's headless Chromium runs with: no sandbox (root), no GPU, and none of the
// background traffic (updates, sync, QUIC, first-run pages).
var ChromiumFlags = []string{"headless", "no-sandbox", "disable-gpu", "disable-quic", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync", "disable-dev-shm-usage"}
