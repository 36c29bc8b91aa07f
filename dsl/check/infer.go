package check

import (
	"fmt"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/types"
)

// Type inference is by unification over inference variables. A variable stands for a
// type the checker has not learnt yet: the element of `none` or `[]`, a mapWithState or
// updateStateByKey state type, a generic builtin's type parameter at one call. Lambda
// parameters never need variables: the operator that receives the lambda knows their
// types (bidirectional checking), and the body gives the result.

// newVar makes an inference variable. When origin is set and the variable is still
// unbound when checking ends, origin is reported at pos.
func (c *checker) newVar(origin string, pos diag.Pos) *types.TypeVar {
	c.nvars++
	v := &types.TypeVar{Name: fmt.Sprintf("?%06d", c.nvars)}
	c.vars[v] = &varInfo{origin: origin, pos: pos}
	return v
}

func (c *checker) isUnbound(v *types.TypeVar) bool {
	vi, ok := c.vars[v]
	return ok && vi.bound == nil
}

// shallow follows variable bindings at the top of t.
func (c *checker) shallow(t types.Type) types.Type {
	for {
		v, ok := t.(*types.TypeVar)
		if !ok {
			return t
		}
		vi, ok := c.vars[v]
		if !ok || vi.bound == nil {
			return t
		}
		t = vi.bound
	}
}

// resolve substitutes every bound variable in t.
func (c *checker) resolve(t types.Type) types.Type {
	t = c.shallow(t)
	switch t := t.(type) {
	case *types.List:
		return &types.List{Elem: c.resolve(t.Elem)}
	case *types.Optional:
		return &types.Optional{Elem: c.resolve(t.Elem)}
	case *types.Tuple:
		return &types.Tuple{Elems: c.resolveAll(t.Elems)}
	case *types.Stream:
		s := &types.Stream{Elem: c.resolve(t.Elem)}
		if t.StateKey != nil {
			s.StateKey, s.StateValue = c.resolve(t.StateKey), c.resolve(t.StateValue)
		}
		return s
	case *types.Func:
		return &types.Func{Params: c.resolveAll(t.Params), Result: c.resolve(t.Result), Variadic: t.Variadic}
	case *types.State:
		return &types.State{Elem: c.resolve(t.Elem)}
	case *types.Table:
		return &types.Table{Key: c.resolve(t.Key), Row: c.resolve(t.Row)}
	}
	return t
}

func (c *checker) resolveAll(ts []types.Type) []types.Type {
	out := make([]types.Type, len(ts))
	for i, t := range ts {
		out[i] = c.resolve(t)
	}
	return out
}

// final resolves t for the checked program: variables still unbound become invalid
// (their error has been reported).
func (c *checker) final(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	t = c.resolve(t)
	if c.hasVars(t) {
		return c.subst(t, func(v *types.TypeVar) types.Type {
			if _, ok := c.vars[v]; ok {
				return types.InvalidType
			}
			return v
		})
	}
	return t
}

// hasVars reports whether t still holds an unbound inference variable.
func (c *checker) hasVars(t types.Type) bool {
	found := false
	c.subst(c.resolve(t), func(v *types.TypeVar) types.Type {
		if _, ok := c.vars[v]; ok {
			found = true
		}
		return v
	})
	return found
}

// subst rebuilds t with f applied to each type variable.
func (c *checker) subst(t types.Type, f func(*types.TypeVar) types.Type) types.Type {
	switch t := t.(type) {
	case *types.TypeVar:
		return f(t)
	case *types.List:
		return &types.List{Elem: c.subst(t.Elem, f)}
	case *types.Optional:
		return &types.Optional{Elem: c.subst(t.Elem, f)}
	case *types.Tuple:
		elems := make([]types.Type, len(t.Elems))
		for i, e := range t.Elems {
			elems[i] = c.subst(e, f)
		}
		return &types.Tuple{Elems: elems}
	case *types.Stream:
		s := &types.Stream{Elem: c.subst(t.Elem, f)}
		if t.StateKey != nil {
			s.StateKey, s.StateValue = c.subst(t.StateKey, f), c.subst(t.StateValue, f)
		}
		return s
	case *types.Func:
		ps := make([]types.Type, len(t.Params))
		for i, p := range t.Params {
			ps[i] = c.subst(p, f)
		}
		return &types.Func{Params: ps, Result: c.subst(t.Result, f), Variadic: t.Variadic}
	case *types.State:
		return &types.State{Elem: c.subst(t.Elem, f)}
	case *types.Table:
		return &types.Table{Key: c.subst(t.Key, f), Row: c.subst(t.Row, f)}
	}
	return t
}

// unify makes a and b the same type by binding variables, and reports whether it could.
// The invalid type unifies with everything, so that one error does not cause more.
func (c *checker) unify(a, b types.Type) bool {
	a, b = c.shallow(a), c.shallow(b)
	if types.IsInvalid(a) || types.IsInvalid(b) {
		return true
	}
	if va, ok := a.(*types.TypeVar); ok && c.isUnbound(va) {
		if vb, ok := b.(*types.TypeVar); ok && va == vb {
			return true
		}
		if c.occurs(va, b) {
			return false
		}
		c.vars[va].bound = b
		return true
	}
	if vb, ok := b.(*types.TypeVar); ok && c.isUnbound(vb) {
		if c.occurs(vb, a) {
			return false
		}
		c.vars[vb].bound = a
		return true
	}
	switch a := a.(type) {
	case *types.List:
		b, ok := b.(*types.List)
		return ok && c.unify(a.Elem, b.Elem)
	case *types.Optional:
		b, ok := b.(*types.Optional)
		return ok && c.unify(a.Elem, b.Elem)
	case *types.Tuple:
		b, ok := b.(*types.Tuple)
		if !ok || len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !c.unify(a.Elems[i], b.Elems[i]) {
				return false
			}
		}
		return true
	case *types.State:
		b, ok := b.(*types.State)
		return ok && c.unify(a.Elem, b.Elem)
	case *types.Stream:
		b, ok := b.(*types.Stream)
		return ok && c.unify(a.Elem, b.Elem)
	case *types.Table:
		b, ok := b.(*types.Table)
		return ok && c.unify(a.Key, b.Key) && c.unify(a.Row, b.Row)
	case *types.Func:
		b, ok := b.(*types.Func)
		if !ok || len(a.Params) != len(b.Params) {
			return false
		}
		for i := range a.Params {
			if !c.unify(a.Params[i], b.Params[i]) {
				return false
			}
		}
		return c.unify(a.Result, b.Result)
	}
	return types.Identical(a, b)
}

func (c *checker) occurs(v *types.TypeVar, t types.Type) bool {
	found := false
	c.subst(c.resolve(t), func(w *types.TypeVar) types.Type {
		if w == v {
			found = true
		}
		return w
	})
	return found
}

// poison binds the unbound variables of t to the invalid type: after a type error has
// been reported about t, its unknown parts must not be reported again.
func (c *checker) poison(t types.Type) {
	c.subst(c.resolve(t), func(v *types.TypeVar) types.Type {
		if c.isUnbound(v) {
			c.vars[v].bound = types.InvalidType
		}
		return v
	})
}

// typeString renders t for a message, with variables resolved; an unknown part prints
// as "?".
func (c *checker) typeString(t types.Type) string {
	t = c.resolve(t)
	if !c.hasVars(t) {
		return t.String()
	}
	return c.subst(t, func(v *types.TypeVar) types.Type {
		if vi, ok := c.vars[v]; ok {
			if vi.display != "" {
				return &types.TypeVar{Name: vi.display}
			}
			return &types.TypeVar{Name: "?"}
		}
		return v
	}).String()
}

// known reports whether t is fully known (no unbound variable, not invalid at the top).
func (c *checker) known(t types.Type) bool {
	t = c.resolve(t)
	return !types.IsInvalid(t) && !c.hasVars(t)
}
