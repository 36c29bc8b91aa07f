package codegen

import (
	"testing"

	"github.com/dave/jennifer/jen"
)

// TestUsesIdent pins what usesIdent counts as a use, and with it the shapes of
// jennifer's tree that it reads by reflection: a change in jennifer fails here.
func TestUsesIdent(t *testing.T) {
	tests := []struct {
		code jen.Code
		want bool
	}{
		{jen.Id("v"), true},
		{jen.Id("v2"), false},
		{jen.Id("vv"), false},
		{jen.Id("w").Op(":=").Id("f").Call(jen.Id("v")), true},
		{jen.Id("w").Op(":=").Id("f").Call(jen.Id("x"), jen.Lit(1)), false},
		{jen.Id("w").Dot("v"), false},                  // a selector
		{jen.Id("w").Dot("v").Call(jen.Id("v")), true}, // ... and an argument
		{jen.Id("v").Dot("F1"), true},
		{jen.Qual("streamc.dev/streamc/runtime", "v"), false},
		{jen.Qual("", "v"), true},
		{jen.Lit("v"), false},
		{jen.Comment("v is unused"), false},
		{jen.Id("v.F1"), true},
		{jen.Id("vx.F1"), false},
		{jen.If(jen.Id("ok")).Block(jen.Return(jen.Id("v"))), true},
		{jen.If(jen.Id("ok")).Block(jen.Return(jen.Id("w"))).Else().Block(jen.Id("v").Op("++")), true},
		{jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Id("xs")).Block(jen.Id("sum").Op("+=").Id("x")), false},
		{jen.Qual("streamc.dev/streamc/stdlib", "Tuple2").Types(jen.String(), jen.Int64()).Values(jen.Id("F1").Op(":").Id("k"), jen.Id("F2").Op(":").Id("v")), true},
		{jen.Id("m").Index(jen.Id("v")), true},
		{jen.Func().Params(jen.Id("a").Int()).Int().Block(jen.Return(jen.Id("a").Op("+").Id("v"))).Call(), true},
		{jen.Map(jen.String()).Int().Values(jen.Dict{jen.Lit("a"): jen.Id("v")}), true},
		{jen.Map(jen.String()).Int().Values(jen.Dict{jen.Lit("v"): jen.Lit(1)}), false},
		{jen.Switch().Block(jen.Case(jen.Id("v").Op(">").Lit(0)).Block(jen.Break())), true},
		{jen.Null(), false},
		{jen.Add(jen.Add(jen.Add(jen.Id("v")))), true},
	}
	for i, tt := range tests {
		if got := usesIdent([]jen.Code{tt.code}, "v"); got != tt.want {
			t.Errorf("%d: usesIdent(%#v, v) = %v, want %v", i, tt.code, got, tt.want)
		}
	}
	if usesIdent(nil, "v") || usesIdent([]jen.Code{nil}, "v") {
		t.Error("usesIdent found v in no code")
	}
}
