package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
			// The module proxy and flags too, as configured on this machine: scripts
			// build generated programs with go build outside any checkout.
			for _, k := range []string{"HOME", "GOCACHE", "GOMODCACHE", "GOPATH", "PATH", "GOROOT",
				"GOPROXY", "GOFLAGS", "GONOSUMDB", "GONOPROXY", "GOPRIVATE", "GOSUMDB", "GOINSECURE", "GOTOOLCHAIN"} {
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
		},
	})
}

// exitsCmd is the script command `exits CODE PROGRAM [ARGS...]`: it runs the program
// like exec and fails unless it exits with CODE (exec only tells zero from non-zero).
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("exits: %v", err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
