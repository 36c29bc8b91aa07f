package join

import (
	"fmt"
	"strings"
	"testing"
)

// The table gives one partition's batch of the two sides and the outputs of the five
// operators, rendered as Spark prints them, worked out by hand from Spark's
// cogroup-based definitions (PairRDDFunctions.join and friends). A side is a
// space-separated list of records "a1" = key "a", value "1"; the records are added in
// the order given, the right side first when rightFirst is set.
var cases = []struct {
	name        string
	left, right string
	rightFirst  bool
	join        string
	leftOuter   string
	rightOuter  string
	fullOuter   string
	cogroup     string
}{
	{
		name: "duplicates give the left-major cartesian product; left keys first, then right-only keys",
		left: "a1 b2 a3", right: "cx ay az",
		join:       "(a,(1,y)) (a,(1,z)) (a,(3,y)) (a,(3,z))",
		leftOuter:  "(a,(1,Some(y))) (a,(1,Some(z))) (a,(3,Some(y))) (a,(3,Some(z))) (b,(2,None))",
		rightOuter: "(a,(Some(1),y)) (a,(Some(1),z)) (a,(Some(3),y)) (a,(Some(3),z)) (c,(None,x))",
		fullOuter:  "(a,(Some(1),Some(y))) (a,(Some(1),Some(z))) (a,(Some(3),Some(y))) (a,(Some(3),Some(z))) (b,(Some(2),None)) (c,(None,Some(x)))",
		cogroup:    "(a,([1,3],[y,z])) (b,([2],[])) (c,([],[x]))",
	},
	{
		name: "the order does not depend on which side arrives first",
		left: "a1 b2 a3", right: "cx ay az", rightFirst: true,
		join:       "(a,(1,y)) (a,(1,z)) (a,(3,y)) (a,(3,z))",
		leftOuter:  "(a,(1,Some(y))) (a,(1,Some(z))) (a,(3,Some(y))) (a,(3,Some(z))) (b,(2,None))",
		rightOuter: "(a,(Some(1),y)) (a,(Some(1),z)) (a,(Some(3),y)) (a,(Some(3),z)) (c,(None,x))",
		fullOuter:  "(a,(Some(1),Some(y))) (a,(Some(1),Some(z))) (a,(Some(3),Some(y))) (a,(Some(3),Some(z))) (b,(Some(2),None)) (c,(None,Some(x)))",
		cogroup:    "(a,([1,3],[y,z])) (b,([2],[])) (c,([],[x]))",
	},
	{
		name: "keys in order of their first left value, right-only keys in order of their first right value",
		left: "b1 a2", right: "dx ay cz bw",
		join:       "(b,(1,w)) (a,(2,y))",
		leftOuter:  "(b,(1,Some(w))) (a,(2,Some(y)))",
		rightOuter: "(b,(Some(1),w)) (a,(Some(2),y)) (d,(None,x)) (c,(None,z))",
		fullOuter:  "(b,(Some(1),Some(w))) (a,(Some(2),Some(y))) (d,(None,Some(x))) (c,(None,Some(z)))",
		cogroup:    "(b,([1],[w])) (a,([2],[y])) (d,([],[x])) (c,([],[z]))",
	},
	{
		name:      "empty right side",
		left:      "a1 a2",
		leftOuter: "(a,(1,None)) (a,(2,None))",
		fullOuter: "(a,(Some(1),None)) (a,(Some(2),None))",
		cogroup:   "(a,([1,2],[]))",
	},
	{
		name:       "empty left side",
		right:      "ax",
		rightOuter: "(a,(None,x))",
		fullOuter:  "(a,(None,Some(x)))",
		cogroup:    "(a,([],[x]))",
	},
	{
		name: "empty batch",
	},
}

func opt(s string, ok bool) string {
	if ok {
		return "Some(" + s + ")"
	}
	return "None"
}

func fill(c *CoGroup[string, string, string], left, right string, rightFirst bool) {
	addL := func() {
		for _, r := range strings.Fields(left) {
			c.AddLeft(r[:1], r[1:])
		}
	}
	addR := func() {
		for _, r := range strings.Fields(right) {
			c.AddRight(r[:1], r[1:])
		}
	}
	if rightFirst {
		addR()
		addL()
	} else {
		addL()
		addR()
	}
}

func outputs(c *CoGroup[string, string, string]) (join, leftOuter, rightOuter, fullOuter, cogroup string) {
	var out []string
	flush := func() string {
		s := strings.Join(out, " ")
		out = out[:0]
		return s
	}
	c.Join(func(k, v, w string) { out = append(out, fmt.Sprintf("(%s,(%s,%s))", k, v, w)) })
	join = flush()
	c.LeftOuterJoin(func(k, v, w string, wOk bool) { out = append(out, fmt.Sprintf("(%s,(%s,%s))", k, v, opt(w, wOk))) })
	leftOuter = flush()
	c.RightOuterJoin(func(k, v string, vOk bool, w string) {
		out = append(out, fmt.Sprintf("(%s,(%s,%s))", k, opt(v, vOk), w))
	})
	rightOuter = flush()
	c.FullOuterJoin(func(k, v string, vOk bool, w string, wOk bool) {
		out = append(out, fmt.Sprintf("(%s,(%s,%s))", k, opt(v, vOk), opt(w, wOk)))
	})
	fullOuter = flush()
	c.Groups(func(k string, vs, ws []string) {
		out = append(out, fmt.Sprintf("(%s,([%s],[%s]))", k, strings.Join(vs, ","), strings.Join(ws, ",")))
	})
	cogroup = flush()
	return
}

func TestCoGroup(t *testing.T) {
	// One CoGroup runs every case as successive batches, so Reset is tested too.
	c := New[string, string, string](4)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.Reset()
			fill(c, tc.left, tc.right, tc.rightFirst)
			j, lo, ro, fo, cg := outputs(c)
			for _, chk := range []struct{ op, got, want string }{
				{"join", j, tc.join},
				{"leftOuterJoin", lo, tc.leftOuter},
				{"rightOuterJoin", ro, tc.rightOuter},
				{"fullOuterJoin", fo, tc.fullOuter},
				{"cogroup", cg, tc.cogroup},
			} {
				if chk.got != chk.want {
					t.Errorf("%s:\n got %s\nwant %s", chk.op, chk.got, chk.want)
				}
			}
		})
	}
}

// TestCoGroupPartitions: two partitions are two independent CoGroups; each sees only
// the keys hashed to it and produces its own keys' output.
func TestCoGroupPartitions(t *testing.T) {
	parts := []*CoGroup[string, string, string]{New[string, string, string](4), New[string, string, string](4)}
	fill(parts[0], "a1 a2", "ax", false)
	fill(parts[1], "b3", "by bz", false)
	var got []string
	for _, c := range parts {
		j, _, _, _, _ := outputs(c)
		got = append(got, j)
	}
	if want := "(a,(1,x)) (a,(2,x))|(b,(3,y)) (b,(3,z))"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestGroupsListsOutliveTheBatch: cogroup's lists are not overwritten by later batches,
// so a downstream operator may keep them.
func TestGroupsListsOutliveTheBatch(t *testing.T) {
	c := New[string, int, int](4)
	c.AddLeft("a", 1)
	c.AddLeft("a", 2)
	c.AddRight("a", 10)
	var kept []int
	c.Groups(func(_ string, vs, _ []int) { kept = vs })
	c.Reset()
	c.AddLeft("a", 3)
	c.AddLeft("a", 4)
	c.Join(func(string, int, int) {})
	if fmt.Sprint(kept) != "[1 2]" || len(kept) != cap(kept) {
		t.Errorf("kept list %v (cap %d), want [1 2] with no spare capacity", kept, cap(kept))
	}
}
