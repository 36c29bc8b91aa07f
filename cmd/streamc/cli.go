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
	"strings"
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

// command is one subcommand: what `streamc help` lists and `streamc help NAME` (or
// `streamc NAME -h`) prints, and the function that runs it.
type command struct {
	name    string
	args    string // the synopsis after the name: "[-o OUT] FILE"
	short   string // one line for the command list
	long    string // what it does, wrapped at 88 columns
	example string // commands a user can paste, one a line
	run     func(c *cli, cmd *command, args []string) int
}

// commands are the subcommands in the order `streamc help` lists them.
var commands []*command

func init() {
	commands = []*command{
		{name: "check", args: "[--format text|json] FILE...", short: "type-check files: positioned errors, nothing built",
			long: `Check parses, type-checks and plans each FILE and reports every mistake as
FILE:LINE:COL: message, with the source line and a caret, sorted by position. It
reports exactly what build would, without generating or compiling Go. A correct file
prints "FILE: ok".

--format json prints every diagnostic of every file as one JSON array on standard
output, for editors and CI: objects with "file", "line", "col" (1-based; 0 when a
diagnostic has no position), "severity" ("error" or "warning") and "message";
"FILE: ok" lines are left out. The exit code is the same in both formats.`,
			example: `streamc check examples/access_logs/access_logs.stream
streamc check --format json app.stream`,
			run: (*cli).check},
		{name: "fmt", args: "[-w] [-l] FILE...", short: "format files in the canonical layout",
			long: `Fmt prints each FILE in the canonical layout (as gofmt does for Go): one space
around operators, four spaces of indent, comments kept. It only parses, so it formats
a file that does not type-check yet.`,
			example: `streamc fmt app.stream        # print the formatted file
streamc fmt -l *.stream       # list the files that are not formatted
streamc fmt -w app.stream     # rewrite it in place`,
			run: (*cli).fmt},
		{name: "explain", args: "[--format text|dot] FILE", short: "print the physical plan: stages, fused loops, shuffles",
			long: `Explain prints the physical plan of FILE: its sources, the stages that run as one
fused loop, where a shuffle or a reused result cuts them and why, and what each stage
hands to the next. --format dot prints a Graphviz graph instead (render it with the
optional dot tool: https://graphviz.org).`,
			example: `streamc explain examples/access_logs/access_logs.stream
streamc explain --format dot app.stream > plan.dot   # then, with Graphviz: dot -Tsvg plan.dot > plan.svg`,
			run: (*cli).explain},
		{name: "gen", args: "-o DIR FILE", short: "write the generated Go program (with its go.mod)",
			long: `Gen writes the Go program that build would compile into DIR: one package main,
gofmt'd, with a DO NOT EDIT header. Outside the streamc repository it also writes a
go.mod and go.sum, so that "go build" works in DIR: the module requires streamc's
runtime, replaced by the copy streamc extracts into its cache ($STREAMC_CACHE, or
streamc under the user cache directory), and the modules the runtime needs, at the
versions streamc was tested with. A go.mod of your own in DIR is left alone.`,
			example: `streamc gen app.stream -o gen/app
cd gen/app && go build -o app .`,
			run: (*cli).gen},
		{name: "build", args: "[-o OUT] [-v] [-x] FILE", short: "build the pipeline into a native binary",
			long: `Build compiles FILE into one static binary, named after its pipeline line (./NAME)
or OUT. It generates Go, then runs go build (Go 1.26 or later must be installed) in a
module under streamc's cache ($STREAMC_CACHE, or streamc under the user cache
directory), so rebuilding an unchanged pipeline takes about a second.

The first build of a pipeline that uses SQLite, PostgreSQL or Kafka compiles the
client library once (1-2 minutes) and, the very first time, downloads it through the
Go module proxy (GOPROXY) into the module cache; build says so when a build takes
longer than a moment. -v shows the packages go build compiles, -x every command it
runs.`,
			example: `streamc build examples/network_wordcount/network_wordcount.stream   # gives ./network_wordcount
streamc build -o bin/clicks clicks.stream
./network_wordcount --help   # the binary's sources, outputs, settings and flags`,
			run: (*cli).build},
		{name: "run", args: "[-v] [-x] FILE [-- PIPELINE FLAGS...]", short: "build into the cache and run, passing flags to the pipeline",
			long: `Run builds FILE as build does, but into streamc's cache, and runs it: the flags after
"--" go to the pipeline (see its --help). SIGINT and SIGTERM are passed on, so the
pipeline finishes its batch before it stops; run exits with the pipeline's exit code.`,
			example: `streamc run examples/access_logs/access_logs.stream -- --replay --batches 3
streamc run app.stream -- --help`,
			run: (*cli).runPipeline},
		testCommand, // test.go
		{name: "kafka-dev", args: "[--addr HOST:PORT] [--topics NAME[:PARTITIONS],...] [--partitions N] [--data DIR]",
			short: "run a local Kafka-protocol broker for development",
			long: `Kafka-dev runs a single Kafka-protocol broker on this machine for developing and
testing pipelines that read or write Kafka: franz-go's kfake, an in-memory cluster that
speaks the Kafka wire protocol (produce, fetch, consumer groups, transactions). It is
not a production broker. Topics are created on first use with --partitions partitions,
or up front with --topics. Records live in memory unless --data names a directory to
persist them in. It runs until SIGINT (Ctrl-C) or SIGTERM. docs/connectors.md has a
session with a producing and a consuming pipeline.

The broker is compiled once, like a pipeline, into streamc's cache: the first start
takes a minute or so (and downloads franz-go through GOPROXY when the module cache does
not have it); later starts are immediate. -v and -x show the go build steps.`,
			example: `streamc kafka-dev --topics clicks:3              # listens on localhost:9092
streamc kafka-dev --addr :0 --data /tmp/kafka-dev   # a free port; topics kept across restarts`,
			run: (*cli).kafkaDev},
		{name: "version", short: "print the version",
			long:    `Version prints the version of streamc and of the Go it was built with.`,
			example: `streamc version`,
			run:     (*cli).version},
		{name: "help", args: "[COMMAND]", short: "print help: the commands, or one command's flags and examples",
			long:    `Help prints the list of commands, or the usage, flags and examples of COMMAND.`,
			example: `streamc help build`,
			run:     (*cli).help},
	}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// writeUsage writes the command list: what `streamc help` prints.
func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString(`streamc compiles .stream pipelines into native Go binaries.

Usage:
  streamc COMMAND [ARGUMENTS]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.short)
	}
	b.WriteString(`
Run "streamc help COMMAND" (or "streamc COMMAND -h") for a command's flags and examples.
Exit codes: 0 ok, 1 diagnostics or a failed build or run, 2 usage error.
The language: docs/language.md; running a pipeline: docs/running.md.
`)
	io.WriteString(w, b.String())
}

// run is the whole CLI, as a function so that tests drive it like a user would.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "--version", "-version":
		name = "version"
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "streamc: unknown command %q\n\n", name)
		writeUsage(stderr)
		return exitUsage
	}
	return cmd.run(c, cmd, rest)
}

type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	onStart        func(*os.Process) // tests: called with each program exec starts
}

// newFlags returns the flag set of cmd. Its errors and usage are printed by parse,
// not by the flag package.
func newFlags(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses flags that may stand before or after the positional arguments (users
// write `streamc build app.stream -o app` as often as the other way round). Everything
// after "--" is returned separately, untouched. -h, -help and --help print the
// command's help on stdout (code exitOK); a bad flag prints the error and the
// command's synopsis on stderr (code exitUsage). ok is false in both cases.
func (c *cli) parse(cmd *command, fs *flag.FlagSet, args []string) (pos, passthrough []string, code int, ok bool) {
	for i, a := range args {
		if a == "--" {
			passthrough = args[i+1:]
			args = args[:i]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.writeHelp(c.stdout, cmd, fs)
				return nil, nil, exitOK, false
			}
			return nil, nil, c.usageErr(cmd, "%v", err), false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, passthrough, exitOK, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// usageErr reports a usage error of cmd with its synopsis and returns exitUsage.
func (c *cli) usageErr(cmd *command, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "streamc %s: %s\n", cmd.name, fmt.Sprintf(format, args...))
	fmt.Fprintf(c.stderr, "usage: %s\nRun \"streamc help %s\" for details.\n", synopsis(cmd), cmd.name)
	return exitUsage
}

func synopsis(cmd *command) string {
	if cmd.args == "" {
		return "streamc " + cmd.name
	}
	return "streamc " + cmd.name + " " + cmd.args
}

// writeHelp writes the help of cmd: synopsis, description, flags and examples.
func (c *cli) writeHelp(w io.Writer, cmd *command, fs *flag.FlagSet) {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: %s\n\n%s\n", synopsis(cmd), cmd.long)
	if fs != nil {
		var lines [][2]string
		width := 0
		fs.VisitAll(func(f *flag.Flag) {
			arg, usage := flag.UnquoteUsage(f)
			dash := "-"
			if len(f.Name) > 1 {
				dash = "--"
			}
			left := dash + f.Name
			if arg != "" {
				left += " " + arg
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				usage += fmt.Sprintf(" (default %s)", f.DefValue)
			}
			width = max(width, len(left))
			lines = append(lines, [2]string{left, usage})
		})
		if len(lines) > 0 {
			b.WriteString("\nFlags:\n")
			for _, l := range lines {
				fmt.Fprintf(&b, "  %-*s  %s\n", width, l[0], l[1])
			}
		}
	}
	if cmd.example != "" {
		b.WriteString("\nExamples:\n")
		for _, l := range strings.Split(cmd.example, "\n") {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	io.WriteString(w, b.String())
}

func (c *cli) help(cmd *command, args []string) int {
	fs := newFlags(cmd)
	names, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	switch len(names) {
	case 0:
		writeUsage(c.stdout)
		return exitOK
	case 1:
		target := lookupCommand(names[0])
		if target == nil {
			fmt.Fprintf(c.stderr, "streamc help: unknown command %q\n\n", names[0])
			writeUsage(c.stderr)
			return exitUsage
		}
		// The command prints its own help, with the flags it defines.
		return target.run(c, target, []string{"-h"})
	}
	return c.usageErr(cmd, "want at most one command")
}

func (c *cli) version(cmd *command, args []string) int {
	fs := newFlags(cmd)
	rest, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.usageErr(cmd, "unexpected argument %q", rest[0])
	}
	fmt.Fprintf(c.stdout, "streamc %s (%s %s/%s)\n", streamc.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// unit is one .stream file through the front of the compiler: read once, checked once
// and planned once, whatever the command does with it next.
type unit struct {
	name string // as given on the command line: the file of every diagnostic
	src  []byte
	prog *check.Program
	plan *planner.Plan
}

// analyze reads, checks and plans one file and returns its diagnostics, warnings
// included, sorted. err is a file that cannot be read; u.plan is nil when the file has
// errors. Every command starts here, so `check` reports exactly what `build` would: the
// checker and the planner find every mistake, and code generation finds none.
func analyze(name string) (u *unit, diags diag.List, err error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	u = &unit{name: name, src: src}
	runtime := func() (string, error) { return build.Runtime(build.Options{}) }
	u.prog, diags = dsl.CheckWith(name, src, dsl.GoImporter(filepath.Dir(name), runtime))
	if u.prog != nil {
		var more diag.List
		u.plan, more = planner.Build(u.prog)
		diags = append(diags, more...)
		diags.Sort()
	}
	return u, diags, nil
}

// load is analyze with the diagnostics printed, with excerpts of the source. ok is
// false when the file cannot be read or has errors.
func (c *cli) load(name string) (u *unit, ok bool) {
	u, diags, err := analyze(name)
	if err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return nil, false
	}
	c.printDiags(u, diags)
	return u, u.plan != nil
}

// printDiags prints diagnostics about u with excerpts of its source.
func (c *cli) printDiags(u *unit, diags diag.List) {
	diag.Print(c.stderr, diags, map[string][]byte{u.name: u.src}, diag.DefaultMax)
}

func (c *cli) check(cmd *command, args []string) int {
	fs := newFlags(cmd)
	form := fs.String("format", "text", "`FORMAT` of the diagnostics: text (positioned messages on stderr) or json (a JSON array on stdout)")
	files, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if *form != "text" && *form != "json" {
		return c.usageErr(cmd, "unknown format %q (want text or json)", *form)
	}
	if len(files) == 0 {
		return c.usageErr(cmd, "no files")
	}
	if *form == "json" {
		return c.checkJSON(files)
	}
	code = exitOK
	for _, name := range files {
		if _, ok := c.load(name); !ok {
			code = exitFail
			continue
		}
		fmt.Fprintf(c.stdout, "%s: ok\n", name)
	}
	return code
}

func (c *cli) fmt(cmd *command, args []string) int {
	fs := newFlags(cmd)
	write := fs.Bool("w", false, "write the result back to the file instead of printing it")
	list := fs.Bool("l", false, "list the files whose formatting differs")
	files, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return c.usageErr(cmd, "no files")
	}
	code = exitOK
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

func (c *cli) explain(cmd *command, args []string) int {
	fs := newFlags(cmd)
	form := fs.String("format", "text", "`FORMAT` of the plan: text, or dot (a Graphviz graph)")
	files, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) != 1 {
		return c.usageErr(cmd, "want exactly one file")
	}
	if *form != "text" && *form != "dot" {
		return c.usageErr(cmd, "unknown format %q (want text or dot)", *form)
	}
	u, ok := c.load(files[0])
	if !ok {
		return exitFail
	}
	notes := codegen.Notes(u.plan)
	if *form == "dot" {
		fmt.Fprint(c.stdout, u.plan.Dot(notes))
	} else {
		fmt.Fprint(c.stdout, u.plan.Format(notes))
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

func (c *cli) gen(cmd *command, args []string) int {
	fs := newFlags(cmd)
	dir := fs.String("o", "", "write the Go program into `DIR` (required; created if missing)")
	files, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) != 1 {
		return c.usageErr(cmd, "want exactly one file")
	}
	if *dir == "" {
		return c.usageErr(cmd, "-o DIR is required")
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
	if err := c.genModule(*dir, u.prog.Name, build.Requirements(u.plan)); err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return exitFail
	}
	return exitOK
}

// genModuleHeader starts every go.mod that gen writes; a go.mod without it is the
// user's and is left alone.
const genModuleHeader = "// Written by streamc"

// genModule writes go.mod and go.sum into dir, the directory of a generated program,
// unless dir belongs to streamc's own module already (go generate inside the
// repository) or has a go.mod that streamc did not write.
func (c *cli) genModule(dir, name string, modules []build.Requirement) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if data, err := os.ReadFile(filepath.Join(abs, "go.mod")); err == nil && !bytes.HasPrefix(data, []byte(genModuleHeader)) {
		fmt.Fprintf(c.stderr, "streamc: %s has a go.mod of its own: left as it is\n", dir)
		return nil
	}
	if mod := enclosingModule(filepath.Dir(abs)); mod == build.ModulePath {
		return nil
	}
	gomod, gosum, err := build.ModuleFiles(build.Options{Name: name, Modules: modules})
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(abs, "go.mod"), gomod); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(abs, "go.sum"), gosum)
}

// enclosingModule returns the module path of the go.mod in dir or its nearest parent
// that has one, or "".
func enclosingModule(dir string) string {
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
					return strings.Trim(f[1], `"`)
				}
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// buildFlags are the flags of build, run and kafka-dev that reach go build.
type buildFlags struct {
	verbose, trace *bool
}

func addBuildFlags(fs *flag.FlagSet) buildFlags {
	return buildFlags{
		verbose: fs.Bool("v", false, "show the packages go build compiles (go build -v)"),
		trace:   fs.Bool("x", false, "show every command go build runs (go build -x)"),
	}
}

// buildOptions are the build options of a program named name whose build directory is
// told apart by key.
func (c *cli) buildOptions(key, name string, bf buildFlags) build.Options {
	return build.Options{Key: key, Name: name, Stderr: c.stderr, Progress: c.stderr,
		Verbose: *bf.verbose, Trace: *bf.trace}
}

// buildBinary generates and builds a loaded file into out ("" = the cache).
func (c *cli) buildBinary(u *unit, out string, bf buildFlags) (string, bool) {
	gen, ok := c.generate(u)
	if !ok {
		return "", false
	}
	abs, err := filepath.Abs(u.name)
	if err != nil {
		abs = u.name
	}
	opts := c.buildOptions(abs, u.plan.Name, bf)
	opts.Modules = build.Requirements(u.plan)
	return c.compile(opts, gen, out)
}

// compile builds files into out ("" = bin/NAME in the program's build directory).
func (c *cli) compile(opts build.Options, files []codegen.File, out string) (string, bool) {
	if out == "" {
		dir, err := build.Module(opts, files)
		if err != nil {
			fmt.Fprintf(c.stderr, "streamc: %v\n", err)
			return "", false
		}
		out = filepath.Join(dir, "bin", opts.Name)
	}
	if err := build.Binary(context.Background(), opts, files, out); err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return "", false
	}
	return out, true
}

func (c *cli) build(cmd *command, args []string) int {
	fs := newFlags(cmd)
	out := fs.String("o", "", "write the binary to `OUT` (default ./NAME, from the pipeline line)")
	bf := addBuildFlags(fs)
	files, _, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) != 1 {
		return c.usageErr(cmd, "want exactly one file")
	}
	u, ok := c.load(files[0])
	if !ok {
		return exitFail
	}
	target := *out
	if target == "" {
		target = "./" + u.prog.Name
	}
	if _, ok := c.buildBinary(u, target, bf); !ok {
		return exitFail
	}
	return exitOK
}

func (c *cli) runPipeline(cmd *command, args []string) int {
	fs := newFlags(cmd)
	bf := addBuildFlags(fs)
	files, pass, code, ok := c.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) != 1 {
		return c.usageErr(cmd, "want exactly one file (flags for the pipeline go after --)")
	}
	u, ok := c.load(files[0])
	if !ok {
		return exitFail
	}
	bin, ok := c.buildBinary(u, "", bf)
	if !ok {
		return exitFail
	}
	return c.exec(bin, pass)
}

// exec runs bin with args, attached to the CLI's standard streams, and returns its exit
// code. SIGINT and SIGTERM are forwarded: the program handles them itself (a pipeline
// finishes the batch, flushes and exits 0), and streamc waits for it rather than dying
// first.
func (c *cli) exec(bin string, args []string) int {
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.stdin, c.stdout, c.stderr
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(c.stderr, "streamc: %v\n", err)
		return exitFail
	}
	if c.onStart != nil {
		c.onStart(cmd.Process)
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
				if code := exit.ExitCode(); code >= 0 {
					return code
				}
				return exitFail // killed by a signal
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
