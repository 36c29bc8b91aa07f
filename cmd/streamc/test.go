package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"streamc.dev/streamc/internal/build"
	"streamc.dev/streamc/internal/pipetest"
)

// testCommand is `streamc test`; cli.go lists it in the command table.
var testCommand = &command{
	name: "test", args: "[-update] [-v] [FILE.stream | NAME_test.txtar | DIR | DIR/...]... | --recording DIR [-o OUT] FILE.stream",
	short: "run the tests beside pipelines (NAME_test.txtar): batches in, expected batches out",
	long: `Test runs the tests written beside pipelines: a test file NAME_test.txtar (or
NAME_CASE_test.txtar, for several) tests NAME.stream in the same directory. It gives the
pipeline's sources the batches the test writes (in/SOURCE/TIME sections), runs it on
the replay clock, and compares what each output gives with the batches the test
expects (out/OUTPUT/TIME sections), batch by batch; the pipeline is not edited: its
sources and outputs are swapped for the test's in a copy that is built into streamc's
cache. A failure shows the difference of each batch, with the positions of the test
and of the output in the .stream file. docs/testing.md describes the format.

The arguments are test files, .stream files (their tests), directories (the tests in
them) and DIR/... (the tests in DIR and below); none means ".". -list prints the names
a test uses for the sources and outputs of each FILE.stream.

-update writes what the pipeline gives into the tests as their expected outputs
(review the change, as for any golden file). --recording DIR runs a recording made by
a pipeline's --record DIR: its output is compared with DIR/out if there is one;
-update writes DIR/out, and -o OUT writes a test file OUT holding the recording's input
and the outputs the pipeline gave on it.

Test exits 0 when every test passes, 1 when one fails (or a file has errors), 2 on a
usage error.`,
	example: `streamc test ./...                                   # every test under the current directory
streamc test examples/windowed_wordcount/windowed_wordcount.stream
streamc test -list app.stream                        # the names of its sources and outputs in tests
streamc test -update app_test.txtar                  # record the outputs as the expected ones
./app --record rec/                                  # a live run, recorded
streamc test --recording rec/ -o app_live_test.txtar app.stream   # ... turned into a test`,
	run: (*cli).test,
}

func (c *cli) test(cmd *command, args []string) int {
	fs := newFlags(cmd)
	update := fs.Bool("update", false, "write the outputs the pipelines give into the tests as the expected ones")
	verbose := fs.Bool("v", false, "report the build and the run of each test program")
	rec := fs.String("recording", "", "run the recording in `DIR` (made with a pipeline's --record) as a test of FILE.stream")
	out := fs.String("o", "", "with --recording: write a test file `OUT` from the recording and the outputs")
	timeout := fs.Duration("timeout", 5*time.Minute, "fail a test whose pipeline runs longer than `D`")
	list := fs.Bool("list", false, "print the names tests of each FILE.stream use for its sources and outputs, and run nothing")
	// -v is the test's own (what each test builds and runs); -x is go build's.
	bf := buildFlags{verbose: new(bool), trace: fs.Bool("x", false, "show every command go build runs (go build -x)")}
	names, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	r := &pipetest.Runner{
		Stdout: c.stdout, Stderr: c.stderr, Update: *update, Verbose: *verbose, Timeout: *timeout,
		BuildOptions: func(key, name string) build.Options { return c.buildOptions(key, name, bf) },
		Runtime:      func() (string, error) { return build.Runtime(build.Options{}) },
	}
	if *list {
		if len(names) == 0 {
			return c.usageErr(cmd, "-list wants FILE.stream arguments")
		}
		code := exitOK
		for _, name := range names {
			if !strings.HasSuffix(name, ".stream") {
				return c.usageErr(cmd, "-list wants FILE.stream arguments, not %s", name)
			}
			if !r.List(name) {
				code = exitFail
			}
		}
		return code
	}
	if *rec != "" {
		if len(names) != 1 || !strings.HasSuffix(names[0], ".stream") {
			return c.usageErr(cmd, "--recording DIR tests one FILE.stream")
		}
		if st, err := os.Stat(*rec); err != nil || !st.IsDir() {
			return c.usageErr(cmd, "--recording %s: not a directory", *rec)
		}
		if res := r.RunDir(*rec, names[0], *out); !res.OK {
			return exitFail
		}
		return exitOK
	}
	if *out != "" {
		return c.usageErr(cmd, "-o goes with --recording")
	}
	found, err := pipetest.Find(names)
	if err != nil {
		return c.usageErr(cmd, "%v", err)
	}
	for _, s := range found.NoTests {
		fmt.Fprintf(c.stdout, "?    %s [no test files]\n", s)
	}
	if len(found.Tests) == 0 {
		fmt.Fprintf(c.stderr, "streamc test: no test files (NAME%s beside NAME.stream)\n", pipetest.Suffix)
		return exitFail
	}
	passed, failed := 0, 0
	for _, t := range found.Tests {
		if r.RunFile(t).OK {
			passed++
		} else {
			failed++
		}
	}
	if len(found.Tests) > 1 {
		fmt.Fprintf(c.stdout, "%d passed, %d failed\n", passed, failed)
	}
	if failed > 0 {
		return exitFail
	}
	return exitOK
}
