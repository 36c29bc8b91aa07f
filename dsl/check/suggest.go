package check

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"streamc.dev/streamc/dsl/ast"
)

// didYouMean returns `; did you mean "x"?` for the candidate closest to name (edit
// distance at most 2, or one a prefix of the other), or "" when none is close. Ties go
// to the alphabetically first candidate so that messages are deterministic.
func didYouMean(name string, candidates []string) string {
	if s := suggest(name, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

func suggest(name string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	// Scores are doubled edit distances; a prefix match scores between 2 and 3 edits,
	// so that a close misspelling beats a mere prefix.
	best, bestScore := "", 6
	for _, cand := range sorted {
		if cand == name || cand == "" || cand == "_" {
			continue
		}
		d := levenshtein(strings.ToLower(name), strings.ToLower(cand))
		// A distance of 2 on a very short name suggests nearly anything.
		if d >= len(name) && d >= len(cand) {
			continue
		}
		score := 2 * d
		if d > 2 {
			score = 6
			if len(name) >= 3 && (strings.HasPrefix(cand, name) || strings.HasPrefix(name, cand) && len(cand) >= 3) {
				score = 5
			}
		}
		if score < bestScore {
			best, bestScore = cand, score
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// exprString renders an expression compactly for a message: calls show their
// arguments only when short, so that a message names the code without repeating it.
func exprString(e ast.Expr) string {
	s := render(e, 2)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

func render(e ast.Expr, depth int) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.IntLit:
		return e.Raw
	case *ast.FloatLit:
		return e.Raw
	case *ast.DurationLit:
		return e.Raw
	case *ast.StringLit:
		if e.Raw != "" {
			return e.Raw
		}
		return strconv.Quote(e.Value)
	case *ast.BoolLit:
		return strconv.FormatBool(e.Value)
	case *ast.NoneLit:
		return "none"
	case *ast.ParenExpr:
		return "(" + render(e.X, depth) + ")"
	case *ast.TupleLit:
		return "(" + renderList(e.Elems, depth) + ")"
	case *ast.ListLit:
		return "[" + renderList(e.Elems, depth) + "]"
	case *ast.RecordLit:
		return e.Type.Name + "{...}"
	case *ast.Selector:
		return render(e.X, depth) + "." + e.Sel.Name
	case *ast.Call:
		args := "..."
		if len(e.Args) == 0 {
			args = ""
		} else if depth > 0 {
			parts := make([]string, len(e.Args))
			for i, a := range e.Args {
				parts[i] = render(a.Value, depth-1)
				if a.Name != nil {
					parts[i] = a.Name.Name + " = " + parts[i]
				}
			}
			if s := strings.Join(parts, ", "); len(s) <= 24 {
				args = s
			}
		}
		return render(e.Fun, depth) + "(" + args + ")"
	case *ast.Index:
		return render(e.X, depth) + "[" + render(e.Index, depth) + "]"
	case *ast.Unary:
		return e.Op + render(e.X, depth)
	case *ast.Binary:
		return render(e.X, depth) + " " + e.Op + " " + render(e.Y, depth)
	case *ast.IfExpr:
		return "if ..."
	case *ast.Lambda:
		if len(e.Params) == 1 && e.Params[0].Name != nil {
			return e.Params[0].Name.Name + " => ..."
		}
		return "(...) => ..."
	case *ast.Block:
		return "{...}"
	}
	return "expression"
}

func renderList(es []ast.Expr, depth int) string {
	parts := make([]string, len(es))
	for i, x := range es {
		parts[i] = render(x, depth)
	}
	return strings.Join(parts, ", ")
}
