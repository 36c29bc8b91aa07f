package check_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
)

// exampleProgram wraps a builtin's Example in a program where `line` is a string (and,
// for State methods, `state` is a State[int]).
func exampleProgram(f *builtins.Func) string {
	head := "pipeline example\nbatch 1s\ncheckpoint \"ckpt\"\n"
	if _, ok := f.Recv.(*types.State); ok {
		if types.Identical(f.Result, types.UnitType) {
			return head + "stdin().map(line => (line, 1)).mapWithState((k, v, state: State[int]) => {\n  " + f.Example + "\n  k\n}).print()\n"
		}
		return head + "stdin().map(line => (line, 1)).mapWithState((k, v, state: State[int]) => (k, toString(" + f.Example + "))).print()\n"
	}
	return head + "stdin().map(line => toString(" + f.Example + ")).print()\n"
}

// TestBuiltinExamples checks that every builtin has a doc and an example, and that the
// example type-checks and calls that very entry (the overload, for contains and len).
func TestBuiltinExamples(t *testing.T) {
	for _, f := range append(append([]*builtins.Func(nil), builtins.Funcs...), builtins.Methods...) {
		t.Run(f.Category+"/"+f.Name+"/"+f.GoName, func(t *testing.T) {
			if f.Doc == "" || f.Example == "" {
				t.Fatalf("%s has no doc or example", f.Name)
			}
			src := exampleProgram(f)
			prog, diags := checkSource("example.stream", []byte(src))
			if len(diags) > 0 || prog == nil {
				var b bytes.Buffer
				diag.Print(&b, diags, map[string][]byte{"example.stream": []byte(src)}, 0)
				t.Fatalf("example of %s does not check:\n%s", f.Name, b.String())
			}
			found := false
			for _, callee := range prog.Info.Calls {
				if callee.Func == f {
					found = true
					// The instantiated signature is fully known.
					if s := callee.Sig.String(); strings.Contains(s, "invalid") {
						t.Errorf("%s instantiated as %s", f.Name, s)
					}
				}
			}
			if !found {
				t.Errorf("example %q does not call %s (%s)", f.Example, f.Name, f.GoName)
			}
		})
	}
}

// TestOpExamples checks that every stream method's Example checks when applied to a
// stream of the element type it needs.
func TestOpExamples(t *testing.T) {
	recv := map[string]string{
		"filter": `stdin().map(l => (l, len(l)))`, "mapValues": `stdin().map(l => (l, 1))`,
		"flatMapValues": `stdin().map(l => (l, l))`, "eventTime": `stdin().json(Click)`,
		"countByKey": `stdin().map(l => (l, 1))`, "reduce": `stdin().map(l => len(l))`,
		"sortBy": `stdin().map(l => (l, 1))`, "sortByKey": `stdin().map(l => (l, 1))`, "top": `stdin().map(l => (l, 1))`,
		"reduceByKey": `stdin().map(l => (l, 1))`, "groupByKey": `stdin().map(l => (l, 1))`, "aggregateByKey": `stdin().map(l => (l, 1))`,
		"join": `stdin().map(l => (l, 1))`, "leftOuterJoin": `stdin().map(l => (l, 1))`, "rightOuterJoin": `stdin().map(l => (l, 1))`,
		"fullOuterJoin": `stdin().map(l => (l, 1))`, "cogroup": `stdin().map(l => (l, 1))`,
		"reduceByWindow": `stdin().map(l => len(l))`, "reduceByKeyAndWindow": `stdin().map(l => (l, 1))`, "groupByKeyAndWindow": `stdin().map(l => (l, 1))`,
		"updateStateByKey": `stdin().map(l => (l, 1))`, "mapWithState": `stdin().map(l => (l, 1))`,
		"union": `stdin().map(l => (l, 2.5))`, "snapshots": `stdin().map(l => (l, 1)).mapWithState((k, v, s) => { s.update(1); k })`,
		"joinTable": `stdin().map(l => (l, 1))`, "leftJoinTable": `stdin().map(l => (l, 1))`, "lookup": `stdin().json(Click)`,
	}
	for _, o := range builtins.Ops {
		if o.Internal {
			continue // made by the checker (goSource: go_source.txtar in cmd/streamc)
		}
		t.Run(fmt.Sprintf("%s/%s", o.Kind, o.Name), func(t *testing.T) {
			src := "pipeline example\nbatch 1s\ncheckpoint \"ckpt\"\n" +
				"type Click { user: string, url: string, at: time }\ntype User { id: string, name: string }\n" +
				"let db = postgres(\"url\")\nlet users = table(\"users.csv\", User, key = u => u.id)\n" +
				"let other = stdin().map(l => (l, 2.5))\nlet used = (db, users, other)\n"
			var stmt string
			switch {
			case o.Kind == builtins.Output:
				stmt = "stdin().map(l => (l, 1))" + o.Example
			case o.Kind == builtins.Sink:
				stmt = "stdin().map(l => (l, l))" + ".writeTo(" + o.Example + ")"
			case o.Method && !strings.HasPrefix(o.Example, "."):
				stmt = o.Example + ".print()"
			case o.Method:
				r := recv[o.Name]
				if r == "" {
					r = "stdin()"
				}
				stmt = r + o.Example + ".print()"
			case o.Kind == builtins.Connection || o.Kind == builtins.Reference:
				stmt = "stdin().map(l => (l, 1)).joinTable(table(\"u.csv\", User, key = u => u.id)).print()\nlet x = " + o.Example
			default:
				stmt = o.Example + ".print()"
			}
			if o.Name == "foreachBatch" {
				src += "import \"./alerts\"\n"
			}
			src = strings.Replace(src, "let used = (db, users, other)\n", "", 1) + stmt + "\n" +
				"stdin().map(l => (l, 1)).join(other).map((k, v) => (k, 1)).joinTable(users).map((k, v) => k).lookup(db, \"select $1\", User, key = k => k).print()\n"
			prog, diags := checkSource("example.stream", []byte(src))
			if diags.HasErrors() || prog == nil {
				var b bytes.Buffer
				diag.Print(&b, diags, map[string][]byte{"example.stream": []byte(src)}, 0)
				t.Fatalf("example of %s does not check:\n%s\n%s", o.Name, src, b.String())
			}
		})
	}
}
