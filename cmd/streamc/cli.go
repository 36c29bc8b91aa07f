package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"streamc.dev/streamc"
	"streamc.dev/streamc/codegen"
	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/format"
	"streamc.dev/streamc/internal/build"
	"streamc.dev/streamc/planner"
)

// Exit codes of the streamc command.
const (
	exitOK    = 0
	exitFail  = 1 // diagnostics, a failed build, a failed run
	exitUsage = 2
)

const usage = `streamc compiles .stream pipelines into native Go binaries.

Usage:
  streamc check FILE...              type-check files
  streamc fmt [-w] [-l] FILE...      format files (print, or -w rewrite, -l list changed)
  streamc explain [--format text|dot] FILE
                                     print the physical plan
  streamc gen FILE -o DIR            write the generated Go package
  streamc build FILE [-o OUT]        build the pipeline binary (default ./NAME)
  streamc run FILE [-- FLAGS...]     build and run, passing FLAGS to the pipeline
  streamc version                    print the version

Exit codes: 0 ok, 1 diagnostics or failure, 2 usage.
`

// run is the whole CLI, as a function so that tests drive it like a user would.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "check":
		return c.check(rest)
	case "fmt":
		return c.fmt(rest)
	case "explain":
		return c.explain(rest)
	case "gen":
		return c.gen(rest)
	case "build":
		return c.build(rest)
	case "run":
		return c.runPipeline(rest)
	case "version", "--version":
		fmt.Fprintf(stdout, "streamc %s (%s %s/%s)\n", streamc.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "streamc: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// flags parses flags that may stand before or after the positional arguments (users
// write `streamc build app.stream -o app` as often as the other way round). Everything
// after "--" is returned separately, untouched.
func (c *cli) flags(fs *flag.FlagSet, args []string) (pos, passthrough []string, ok bool) {
	fs.SetOutput(c.stderr)
	for i, a := range args {
		if a == "--" {
			passthrough = args[i+1:]
			args = args[:i]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, passthrough, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *cli) usageErr(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "streamc: "+format+"\n", args...)
	return exitUsage
}

// unit is one .stream file through the front of the compiler: read once, checked once
// and planned once, whatever the command does with it next.
type unit struct {
	name string // as given on the command line: the file of every diagnostic
	src  []byte
	prog *check.Program
	plan *planner.Plan
}

// load reads, checks and plans one file and prints its diagnostics, warnings included,
// once. ok is false when the file has errors. Every command starts here, so `check`
// reports exactly what `build` would: the checker and the planner find every mistake,
// and code generation finds none.
func (c *cli) load(name string) (u *unit, ok bool) {
	src, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return nil, false
	}
	u = &unit{name: name, src: src}
	var diags diag.List
	u.prog, diags = dsl.Check(name, src)
	if u.prog != nil {
		var more diag.List
		u.plan, more = planner.Build(u.prog)
		diags = append(diags, more...)
		diags.Sort()
	}
	c.printDiags(u, diags)
	return u, u.plan != nil
}

// printDiags prints diagnostics about u with excerpts of its source.
func (c *cli) printDiags(u *unit, diags diag.List) {
	diag.Print(c.stderr, diags, map[string][]byte{u.name: u.src}, diag.DefaultMax)
}

func (c *cli) check(args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	files, _, ok := c.flags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) == 0 {
		return c.usageErr("check: no files (usage: streamc check FILE...)")
	}
	code := exitOK
	for _, name := range files {
		if _, ok := c.load(name); !ok {
			code = exitFail
			continue
		}
		fmt.Fprintf(c.stdout, "%s: ok\n", name)
	}
	return code
}

func (c *cli) fmt(args []string) int {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	write := fs.Bool("w", false, "write the result back to the file instead of printing it")
	list := fs.Bool("l", false, "list files whose formatting differs")
	files, _, ok := c.flags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) == 0 {
		return c.usageErr("fmt: no files (usage: streamc fmt [-w] [-l] FILE...)")
	}
	code := exitOK
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(c.stderr, "streamc: %v\n", err)
			code = exitFail
			continue
		}
		f, diags := dsl.Parse(name, src)
		if diags.HasErrors() {
			diag.Print(c.stderr, diags, map[string][]byte{name: src}, diag.DefaultMax)
			code = exitFail
			continue
		}
		out := format.Source(f)
		changed := !bytes.Equal(out, src)
		switch {
		case *list:
			if changed {
				fmt.Fprintln(c.stdout, name)
			}
		case *write:
			if changed {
				if err := writeFileAtomic(name, out); err != nil {
					fmt.Fprintf(c.stderr, "streamc: %v\n", err)
					code = exitFail
				}
			}
		default:
			c.stdout.Write(out)
		}
	}
	return code
}

func (c *cli) explain(args []string) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	form := fs.String("format", "text", "output format: text or dot (Graphviz)")
	files, _, ok := c.flags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) != 1 {
		return c.usageErr("explain: want exactly one file (usage: streamc explain [--format text|dot] FILE)")
	}
	if *form != "text" && *form != "dot" {
		return c.usageErr("explain: unknown format %q (want text or dot)", *form)
	}
	u, ok := c.load(files[0])
	if !ok {
		return exitFail
	}
	if *form == "dot" {
		fmt.Fprint(c.stdout, u.plan.Dot())
	} else {
		fmt.Fprint(c.stdout, u.plan.String())
	}
	return exitOK
}

// generate generates the Go files of a loaded file. Code generation reports no user
// error (load has reported them all); what it may report is a bug of streamc or an
// operator this version cannot generate yet.
func (c *cli) generate(u *unit) ([]codegen.File, bool) {
	files, err := codegen.Generate(u.plan, codegen.Options{SourcePath: u.name, Source: u.src})
	if err != nil {
		var diags diag.List
		if errors.As(err, &diags) {
			c.printDiags(u, diags)
		} else {
			fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		}
		return nil, false
	}
	return files, true
}

func (c *cli) gen(args []string) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	dir := fs.String("o", "", "directory to write the generated Go package into (required)")
	files, _, ok := c.flags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) != 1 || *dir == "" {
		return c.usageErr("gen: usage: streamc gen FILE -o DIR")
	}
	u, ok := c.load(files[0])
	if !ok {
		return exitFail
	}
	gen, ok := c.generate(u)
	if !ok {
		return exitFail
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return exitFail
	}
	for _, f := range gen {
		if err := writeFileAtomic(filepath.Join(*dir, f.Name), f.Data); err != nil {
			fmt.Fprintf(c.stderr, "streamc: %v\n", err)
			return exitFail
		}
	}
	return exitOK
}

// buildBinary generates and builds a loaded file into out ("" = the cache).
func (c *cli) buildBinary(u *unit, out string) (string, bool) {
	gen, ok := c.generate(u)
	if !ok {
		return "", false
	}
	abs, err := filepath.Abs(u.name)
	if err != nil {
		abs = u.name
	}
	p := u.plan
	opts := build.Options{Key: abs, Name: p.Name, Stderr: c.stderr}
	if out == "" {
		dir, err := build.Module(opts, gen)
		if err != nil {
			fmt.Fprintf(c.stderr, "streamc: %v\n", err)
			return "", false
		}
		out = filepath.Join(dir, "bin", p.Name)
	}
	if err := build.Binary(context.Background(), opts, gen, out); err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return "", false
	}
	return out, true
}

func (c *cli) build(args []string) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	out := fs.String("o", "", "output binary (default: ./NAME, the pipeline's name)")
	files, _, ok := c.flags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) != 1 {
		return c.usageErr("build: want exactly one file (usage: streamc build FILE [-o OUT])")
	}
	u, ok := c.load(files[0])
	if !ok {
		return exitFail
	}
	target := *out
	if target == "" {
		target = "./" + u.prog.Name
	}
	if _, ok := c.buildBinary(u, target); !ok {
		return exitFail
	}
	return exitOK
}

func (c *cli) runPipeline(args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	files, pass, ok := c.flags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) != 1 {
		return c.usageErr("run: want exactly one file (usage: streamc run FILE [-- FLAGS...])")
	}
	u, ok := c.load(files[0])
	if !ok {
		return exitFail
	}
	bin, ok := c.buildBinary(u, "")
	if !ok {
		return exitFail
	}
	cmd := exec.Command(bin, pass...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.stdin, c.stdout, c.stderr
	// The pipeline handles SIGINT/SIGTERM itself (finish the batch, flush, exit 0);
	// streamc forwards them and waits for it rather than dying first.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return exitFail
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			cmd.Process.Signal(s)
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return exit.ExitCode()
			}
			if err != nil {
				fmt.Fprintf(c.stderr, "streamc: %v\n", err)
				return exitFail
			}
			return exitOK
		}
	}
}

// writeFileAtomic writes data to name through a temporary file in the same directory,
// so that an interrupted write never leaves a half-written file.
func writeFileAtomic(name string, data []byte) error {
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		mode = st.Mode().Perm()
	}
	os.Chmod(tmp.Name(), mode)
	return os.Rename(tmp.Name(), name)
}
