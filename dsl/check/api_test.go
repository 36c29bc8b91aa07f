package check_test

import (
	"testing"

	"streamc.dev/streamc/dsl/ast"
	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/spec"
	"streamc.dev/streamc/dsl/types"
)

// TestInfo checks what the checker records beside the tree: expression types, uses,
// resolved builtin calls, the nodes of stream expressions, lambda types and warnings.
func TestInfo(t *testing.T) {
	src := `pipeline info
batch 1s
let lines = socket("localhost:9999")
let spare = stdin()
let counts = lines.flatMap(l => split(l, " ")).map(w => (w, 1)).reduceByKey((a, b) => a + b)
counts.filter((word, n) => n > 10).print()
`
	prog, diags := checkSource("info.stream", []byte(src))
	if prog == nil {
		t.Fatalf("does not check: %v", diags)
	}
	if len(prog.Warnings) != 1 || prog.Warnings[0].Msg != `"spare" declared and not used` {
		t.Errorf("warnings = %v", prog.Warnings)
	}
	var split *check.Callee
	for call, callee := range prog.Info.Calls {
		if callee.Name == "split" {
			split = callee
			if got := prog.Info.Types[call]; !types.Identical(got, &types.List{Elem: types.StringType}) {
				t.Errorf("type of split(...) = %v", got)
			}
		}
	}
	if split == nil || split.Func.GoName != "Split" || split.Kind != check.BuiltinFunc {
		t.Fatalf("split callee = %+v", split)
	}
	// The filter lambda destructures (string, int): word is a string, n an int.
	filter := prog.Outputs[0].Inputs[0]
	fs, isFunc := filter.Spec.(*spec.Func)
	if filter.Op != "filter" || !isFunc || fs.Fn == nil {
		t.Fatalf("output's input = %+v", filter)
	}
	ft, ok := prog.Info.Types[fs.Fn].(*types.Func)
	if !ok || ft.String() != "((string, int)) => bool" {
		t.Errorf("filter function type = %v", prog.Info.Types[fs.Fn])
	}
	n := fs.Fn.Params[1].Name
	if obj := prog.Info.Defs[n]; obj == nil || obj.Kind != check.ParamObject || !types.Identical(obj.Type, types.IntType) {
		t.Errorf("def of n = %+v", obj)
	}
	counts := filter.Inputs[0]
	if counts.Op != "reduceByKey" || counts.Let != "counts" || counts.Class() != builtins.ClassExchange {
		t.Errorf("counts node = %+v", counts)
	}
	recv, _, _ := filter.Call.MethodName()
	if prog.Info.Streams[recv] != counts {
		t.Errorf("Info.Streams of the receiver %v is not the counts node", recv)
	}
	if id, ok := recv.(*ast.Ident); !ok || prog.Info.Uses[id].Kind != check.StreamBinding {
		t.Errorf("receiver %v does not use the counts binding", recv)
	}
	for i, node := range prog.Nodes {
		if node.ID != i {
			t.Errorf("node %d has ID %d", i, node.ID)
		}
		for _, in := range node.Inputs {
			if in.ID >= node.ID {
				t.Errorf("node %d (%s) comes before its input %d", node.ID, node.Op, in.ID)
			}
		}
	}
	if prog.Settings.Batch.String() != "1s" || prog.Name != "info" {
		t.Errorf("settings = %+v, name %q", prog.Settings, prog.Name)
	}
}
