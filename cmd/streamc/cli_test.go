package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts in testdata/script run `streamc` as a command: testscript
// re-executes this test binary as streamc.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"streamc": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts: each is a txtar archive of commands and the files
// they use, checked line by line (see the testscript package).
func TestScripts(t *testing.T) {
	cache := t.TempDir()
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			// Builds share one runtime cache across scripts; HOME and GOCACHE come
			// from the real environment so that go build reuses its build cache.
			env.Setenv("STREAMC_CACHE", cache)
			for _, k := range []string{"HOME", "GOCACHE", "GOMODCACHE", "GOPATH", "PATH", "GOROOT"} {
				if v, ok := os.LookupEnv(k); ok {
					env.Setenv(k, v)
				}
			}
			if os.Getenv("GOCACHE") == "" {
				if d, err := os.UserCacheDir(); err == nil {
					env.Setenv("GOCACHE", filepath.Join(d, "go-build"))
				}
			}
			return nil
		},
	})
}
