package idl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// checker resolves names in one Document and runs the semantic checks.
// Names reached through an include whose Document is nil (Parse, or an
// include that failed to load) are left unresolved without an error.
type checker struct {
	doc  *Document
	errs []*Error

	enumByName  map[*Enum]map[string]*EnumValue
	enumByValue map[*Enum]map[int64]bool
	fieldByName map[*Struct]map[string]*Field
	tdResolved  map[*Typedef]bool
	incByName   map[string]*Include
}

// enumValue returns e's value named name, or nil.
func (c *checker) enumValue(e *Enum, name string) *EnumValue {
	if c.enumByName == nil {
		c.enumByName = map[*Enum]map[string]*EnumValue{}
	}
	m, ok := c.enumByName[e]
	if !ok {
		m = make(map[string]*EnumValue, len(e.Values))
		for _, v := range e.Values {
			if _, dup := m[v.Name]; !dup {
				m[v.Name] = v
			}
		}
		c.enumByName[e] = m
	}
	return m[name]
}

// enumHas reports whether e has a value equal to n.
func (c *checker) enumHas(e *Enum, n int64) bool {
	if c.enumByValue == nil {
		c.enumByValue = map[*Enum]map[int64]bool{}
	}
	m, ok := c.enumByValue[e]
	if !ok {
		m = make(map[int64]bool, len(e.Values))
		for _, v := range e.Values {
			m[v.Value] = true
		}
		c.enumByValue[e] = m
	}
	return m[n]
}

// field returns s's field named name, or nil.
func (c *checker) field(s *Struct, name string) *Field {
	if c.fieldByName == nil {
		c.fieldByName = map[*Struct]map[string]*Field{}
	}
	m, ok := c.fieldByName[s]
	if !ok {
		m = make(map[string]*Field, len(s.Fields))
		for _, f := range s.Fields {
			if _, dup := m[f.Name]; !dup {
				m[f.Name] = f
			}
		}
		c.fieldByName[s] = m
	}
	return m[name]
}

func (c *checker) errorf(pos Pos, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// declIndex returns the declarations of d by name; the first wins.
func declIndex(d *Document) map[string]Decl {
	m := make(map[string]Decl, len(d.Decls))
	for _, x := range d.Decls {
		if _, dup := m[x.DeclName()]; !dup {
			m[x.DeclName()] = x
		}
	}
	return m
}

// indexes caches declIndex per Document for one check run.
type indexes map[*Document]map[string]Decl

func (ix indexes) get(d *Document) map[string]Decl {
	m, ok := ix[d]
	if !ok {
		m = declIndex(d)
		ix[d] = m
	}
	return m
}

// lookupResult is the outcome of a name lookup.
type lookupResult struct {
	decl       Decl
	doc        *Document // declaring document
	unresolved bool      // through an include that is not loaded: not an error
	err        string    // why the lookup failed, when decl is nil and !unresolved
}

// run resolves and checks c.doc. ix caches the declaration indexes.
func (c *checker) run(ix indexes) {
	d := c.doc
	// Duplicate declarations and include prefixes.
	seen := map[string]Decl{}
	for _, x := range d.Decls {
		if prev, dup := seen[x.DeclName()]; dup {
			c.errorf(x.DeclPos(), "duplicate declaration of %s (previous declaration at %s)", x.DeclName(), prev.DeclPos())
			continue
		}
		seen[x.DeclName()] = x
	}
	incSeen := map[string]*Include{}
	for _, inc := range d.Includes {
		if prev, dup := incSeen[inc.Name()]; dup && prev.Path != inc.Path {
			c.errorf(inc.Pos, "include %q has the same prefix %q as include %q", inc.Path, inc.Name(), prev.Path)
		}
		incSeen[inc.Name()] = inc
	}

	// Resolve every type first, so that const checks can follow typedefs.
	for _, x := range d.Decls {
		switch x := x.(type) {
		case *Typedef:
			c.resolveType(ix, x.Type)
		case *Const:
			c.resolveType(ix, x.Type)
		case *Struct:
			for _, f := range x.Fields {
				c.resolveType(ix, f.Type)
			}
		case *Service:
			for _, fn := range x.Functions {
				if fn.Result != nil {
					c.resolveType(ix, fn.Result)
				}
				for _, f := range fn.Args {
					c.resolveType(ix, f.Type)
				}
				for _, f := range fn.Throws {
					c.resolveType(ix, f.Type)
				}
			}
		}
	}
	c.checkTypedefCycles()
	for _, x := range d.Decls {
		switch x := x.(type) {
		case *Const:
			c.checkValue(ix, x.Type, x.Value, "const "+x.Name)
		case *Enum:
			c.checkEnum(x)
		case *Struct:
			c.checkFields(ix, x.Kind.String()+" "+x.Name, x.Fields, x.Kind == StructKindUnion)
		case *Service:
			c.checkService(ix, x)
		}
	}
	c.checkConstCycles()
	c.checkServiceCycles()
}

// lookup finds a declaration by name as written: "Foo" in d, or
// "prefix.Foo" in the document included as prefix.
func (c *checker) lookup(ix indexes, name string) lookupResult {
	if x, ok := ix.get(c.doc)[name]; ok {
		return lookupResult{decl: x, doc: c.doc}
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return lookupResult{err: "unknown"}
	}
	prefix, rest := name[:i], name[i+1:]
	if c.incByName == nil {
		c.incByName = make(map[string]*Include, len(c.doc.Includes))
		for _, in := range c.doc.Includes {
			c.incByName[in.Name()] = in
		}
	}
	inc := c.incByName[prefix]
	if inc == nil {
		return lookupResult{err: fmt.Sprintf("unknown include prefix %q in", prefix)}
	}
	if inc.Doc == nil {
		return lookupResult{unresolved: true}
	}
	if x, ok := ix.get(inc.Doc)[rest]; ok {
		return lookupResult{decl: x, doc: inc.Doc}
	}
	return lookupResult{err: "unknown"}
}

func (c *checker) resolveType(ix indexes, t *Type) {
	for t != nil {
		switch t.Kind {
		case Map:
			c.resolveType(ix, t.Key)
			t = t.Elem
			continue
		case List, Set:
			t = t.Elem
			continue
		case Named:
			r := c.lookup(ix, t.Name)
			switch x := r.decl.(type) {
			case nil:
				if !r.unresolved {
					c.errorf(t.Pos, "%s type %s", r.err, t.Name)
				}
			case *Typedef:
				t.Typedef, t.Decl = x, r.doc
			case *Enum:
				t.Enum, t.Decl = x, r.doc
			case *Struct:
				t.Struct, t.Decl = x, r.doc
			case *Service:
				c.errorf(t.Pos, "%s is a service, not a type", t.Name)
			case *Const:
				c.errorf(t.Pos, "%s is a const, not a type", t.Name)
			}
		}
		return
	}
}

// resolved reports whether t and every type it is built from resolved.
// Results per typedef are memoized; a typedef met again while its own
// answer is being computed (recursion through containers, or a cycle, which
// is reported elsewhere) counts as resolved.
func (c *checker) resolved(t *Type) bool {
	for t != nil {
		switch t.Kind {
		case Map:
			if !c.resolved(t.Key) {
				return false
			}
			t = t.Elem
		case List, Set:
			t = t.Elem
		case Named:
			switch {
			case t.Enum != nil, t.Struct != nil:
				return true
			case t.Typedef == nil:
				return false
			}
			if c.tdResolved == nil {
				c.tdResolved = map[*Typedef]bool{}
			}
			td := t.Typedef
			if r, ok := c.tdResolved[td]; ok {
				return r
			}
			c.tdResolved[td] = true
			r := c.resolved(td.Type)
			c.tdResolved[td] = r
			return r
		default:
			return true
		}
	}
	return false
}

// checkTypedefCycles reports typedef chains that come back to themselves,
// once per cycle, in time linear in the number of typedefs.
func (c *checker) checkTypedefCycles() {
	const (
		inProgress = 1
		done       = 2
	)
	state := map[*Typedef]int{}
	for _, td := range c.doc.Typedefs {
		var path []*Typedef
		for x := td; x != nil && state[x] != done; {
			if state[x] == inProgress {
				start := 0
				for i, y := range path {
					if y == x {
						start = i
					}
				}
				names := make([]string, 0, len(path)-start+1)
				for _, y := range path[start:] {
					names = append(names, y.Name)
				}
				names = append(names, x.Name)
				c.errorf(x.Pos, "typedef cycle: %s", strings.Join(names, " -> "))
				break
			}
			state[x] = inProgress
			path = append(path, x)
			if x.Type == nil || x.Type.Kind != Named {
				break
			}
			x = x.Type.Typedef
		}
		for _, y := range path {
			state[y] = done
		}
	}
}

func (c *checker) checkEnum(e *Enum) {
	names := map[string]*EnumValue{}
	for _, v := range e.Values {
		if prev, dup := names[v.Name]; dup {
			c.errorf(v.Pos, "duplicate enum value name %s.%s (previous at %s)", e.Name, v.Name, prev.Pos)
			continue
		}
		names[v.Name] = v
	}
}

// checkFields checks a struct's fields, a function's arguments or its
// throws list.
func (c *checker) checkFields(ix indexes, owner string, fields []*Field, union bool) {
	ids := map[int16]*Field{}
	names := map[string]*Field{}
	for _, f := range fields {
		if prev, dup := names[f.Name]; dup {
			c.errorf(f.Pos, "duplicate field name %s in %s (previous at %s)", f.Name, owner, prev.Pos)
		} else {
			names[f.Name] = f
		}
		if f.ID != 0 {
			if prev, dup := ids[f.ID]; dup {
				c.errorf(f.Pos, "duplicate field id %d in %s (%s and %s)", f.ID, owner, prev.Name, f.Name)
			} else {
				ids[f.ID] = f
			}
		}
		if union && f.Requiredness == Required {
			c.errorf(f.Pos, "union field %s of %s cannot be required", f.Name, owner)
		}
		if f.Default != nil {
			c.checkValue(ix, f.Type, f.Default, "default value of "+f.Name)
		}
	}
}

func (c *checker) checkService(ix indexes, s *Service) {
	if s.Extends != "" {
		r := c.lookup(ix, s.Extends)
		switch x := r.decl.(type) {
		case nil:
			if !r.unresolved {
				c.errorf(s.Pos, "service %s extends %s service %s", s.Name, r.err, s.Extends)
			}
		case *Service:
			s.Base, s.BaseDoc = x, r.doc
		default:
			c.errorf(s.Pos, "service %s extends %s, which is not a service", s.Name, s.Extends)
		}
	}
	names := map[string]*Function{}
	for _, fn := range s.Functions {
		owner := "function " + s.Name + "." + fn.Name
		if prev, dup := names[fn.Name]; dup {
			c.errorf(fn.Pos, "duplicate function %s in service %s (previous at %s)", fn.Name, s.Name, prev.Pos)
		} else {
			names[fn.Name] = fn
		}
		if fn.Oneway && fn.Result != nil {
			c.errorf(fn.Pos, "oneway %s must return void", owner)
		}
		if fn.Oneway && len(fn.Throws) > 0 {
			c.errorf(fn.Pos, "oneway %s cannot throw exceptions", owner)
		}
		c.checkFields(ix, "arguments of "+owner, fn.Args, false)
		c.checkFields(ix, "throws of "+owner, fn.Throws, false)
		for _, f := range fn.Throws {
			u := f.Type.Underlying()
			if !c.resolved(f.Type) {
				continue
			}
			if u.Kind != Named || u.Struct == nil || u.Struct.Kind != StructKindException {
				c.errorf(f.Type.Pos, "%s throws %s, which is not an exception", owner, f.Type)
			}
		}
	}
}

// checkServiceCycles reports services whose extends chain comes back to
// them, once per cycle, in time linear in the number of services.
func (c *checker) checkServiceCycles() {
	const (
		inProgress = 1
		done       = 2
	)
	state := map[*Service]int{}
	for _, s := range c.doc.Services {
		var path []*Service
		for x := s; x != nil && state[x] != done; x = x.Base {
			if state[x] == inProgress {
				start := 0
				for i, y := range path {
					if y == x {
						start = i
					}
				}
				names := make([]string, 0, len(path)-start+1)
				for _, y := range path[start:] {
					names = append(names, y.Name)
				}
				names = append(names, x.Name)
				c.errorf(x.Pos, "service inheritance cycle: %s", strings.Join(names, " -> "))
				break
			}
			state[x] = inProgress
			path = append(path, x)
		}
		for _, y := range path {
			state[y] = done
		}
	}
}

// checkValue resolves identifiers in v and checks that v fits typ.
func (c *checker) checkValue(ix indexes, typ *Type, v *ConstValue, what string) {
	if v == nil {
		return
	}
	var u *Type
	if typ != nil && c.resolved(typ) {
		u = typ.Underlying()
	}
	if v.Kind == ConstIdent {
		c.checkIdent(ix, u, v, what)
		return
	}
	if u == nil {
		// Unknown type: still resolve identifiers nested in the literal.
		for _, e := range v.List {
			c.checkValue(ix, nil, e, what)
		}
		for _, e := range v.Map {
			c.checkValue(ix, nil, e.Key, what)
			c.checkValue(ix, nil, e.Value, what)
		}
		return
	}
	mismatch := func() {
		c.errorf(v.Pos, "%s: cannot use %s literal as %s", what, v.Kind, typ)
	}
	switch u.Kind {
	case Bool:
		if v.Kind == ConstBool || v.Kind == ConstInt && (v.Int == 0 || v.Int == 1) {
			return
		}
		mismatch()
	case Byte, I16, I32, I64:
		if v.Kind != ConstInt {
			mismatch()
			return
		}
		if lo, hi := intRange(u.Kind); v.Int < lo || v.Int > hi {
			c.errorf(v.Pos, "%s: value %d out of range for %s", what, v.Int, u.Kind)
		}
	case Double:
		if v.Kind != ConstInt && v.Kind != ConstDouble {
			mismatch()
		}
	case String, Binary:
		if v.Kind != ConstString {
			mismatch()
		}
	case UUID:
		if v.Kind != ConstString {
			mismatch()
		} else if !validUUID(v.Str) {
			c.errorf(v.Pos, "%s: %q is not a valid uuid", what, v.Str)
		}
	case List, Set:
		if v.Kind == ConstMap && len(v.Map) == 0 {
			return // Apache Thrift accepts {} as an empty list or set (ThriftTest's OptionalBinary)
		}
		if v.Kind != ConstList {
			mismatch()
			c.checkValue(ix, nil, v, what)
			return
		}
		for _, e := range v.List {
			c.checkValue(ix, u.Elem, e, what)
		}
	case Map:
		if v.Kind != ConstMap {
			mismatch()
			c.checkValue(ix, nil, v, what)
			return
		}
		for _, e := range v.Map {
			c.checkValue(ix, u.Key, e.Key, what)
			c.checkValue(ix, u.Elem, e.Value, what)
		}
	case Named:
		switch {
		case u.Enum != nil:
			if v.Kind != ConstInt {
				mismatch()
				return
			}
			if c.enumHas(u.Enum, v.Int) {
				return
			}
			c.errorf(v.Pos, "%s: enum %s has no value %d", what, u.Enum.Name, v.Int)
		case u.Struct != nil:
			c.checkStructValue(ix, u.Struct, v, what)
		}
	}
}

// checkStructValue checks a struct literal written as a map of field names.
func (c *checker) checkStructValue(ix indexes, s *Struct, v *ConstValue, what string) {
	if v.Kind != ConstMap {
		c.errorf(v.Pos, "%s: cannot use %s literal as %s %s", what, v.Kind, s.Kind, s.Name)
		c.checkValue(ix, nil, v, what)
		return
	}
	for _, e := range v.Map {
		if e.Key.Kind != ConstString {
			c.errorf(e.Key.Pos, "%s: %s %s literal keys must be field names in quotes", what, s.Kind, s.Name)
			c.checkValue(ix, nil, e.Value, what)
			continue
		}
		field := c.field(s, e.Key.Str)
		if field == nil {
			c.errorf(e.Key.Pos, "%s: %s %s has no field %s", what, s.Kind, s.Name, e.Key.Str)
			c.checkValue(ix, nil, e.Value, what)
			continue
		}
		c.checkValue(ix, field.Type, e.Value, what)
	}
	if s.Kind == StructKindUnion && len(v.Map) > 1 {
		c.errorf(v.Pos, "%s: union %s literal sets %d fields, at most one allowed", what, s.Name, len(v.Map))
	}
}

// checkIdent resolves an identifier value: a const ("C", "inc.C"), an enum
// value ("E.V", "inc.E.V"), or a bare value name of the expected enum.
// u is the underlying expected type, nil when unknown.
func (c *checker) checkIdent(ix indexes, u *Type, v *ConstValue, what string) {
	r := c.lookup(ix, v.Ident)
	if cn, ok := r.decl.(*Const); ok {
		v.Const = cn
		if u != nil && cn.Type != nil && c.resolved(cn.Type) && !assignable(u, cn.Type.Underlying()) {
			c.errorf(v.Pos, "%s: cannot use const %s of type %s as %s", what, v.Ident, cn.Type, u)
		}
		return
	}
	if r.unresolved {
		return
	}
	var enum *Enum
	var valueName string
	if i := strings.LastIndexByte(v.Ident, '.'); i > 0 {
		er := c.lookup(ix, v.Ident[:i])
		if er.unresolved {
			return
		}
		enum, _ = er.decl.(*Enum)
		valueName = v.Ident[i+1:]
	} else if u != nil && u.Kind == Named && u.Enum != nil {
		enum, valueName = u.Enum, v.Ident
	}
	if enum == nil {
		c.errorf(v.Pos, "%s: unknown const %s", what, v.Ident)
		return
	}
	ev := c.enumValue(enum, valueName)
	if ev == nil {
		c.errorf(v.Pos, "%s: unknown enum value %s (enum %s has no value %s)", what, v.Ident, enum.Name, valueName)
		return
	}
	v.Enum, v.EnumValue = enum, ev
	if u == nil {
		return
	}
	switch {
	case u.Kind == Named && u.Enum != nil:
		if u.Enum != enum {
			c.errorf(v.Pos, "%s: cannot use value of enum %s as enum %s", what, enum.Name, u.Enum.Name)
		}
	case u.Kind == Byte || u.Kind == I16 || u.Kind == I32 || u.Kind == I64:
		if lo, hi := intRange(u.Kind); ev.Value < lo || ev.Value > hi {
			c.errorf(v.Pos, "%s: value %d of %s out of range for %s", what, ev.Value, v.Ident, u.Kind)
		}
	default:
		c.errorf(v.Pos, "%s: cannot use enum value %s as %s", what, v.Ident, u)
	}
}

// assignable reports whether a const of underlying type from may initialize
// underlying type to.
func assignable(to, from *Type) bool {
	isInt := func(k TypeKind) bool { return k == Byte || k == I16 || k == I32 || k == I64 }
	switch {
	case to.Kind == from.Kind && to.Kind != Named && to.Kind != List && to.Kind != Set && to.Kind != Map:
		return true
	case isInt(to.Kind) && isInt(from.Kind), to.Kind == Double && isInt(from.Kind):
		return true
	case to.Kind == Named && from.Kind == Named:
		return to.Enum != nil && to.Enum == from.Enum || to.Struct != nil && to.Struct == from.Struct
	case to.Kind == from.Kind: // containers: compare element types
		if to.Kind == Map && !sameType(to.Key, from.Key, 0) {
			return false
		}
		return sameType(to.Elem, from.Elem, 0)
	}
	return false
}

// sameType compares two types structurally after typedef resolution.
func sameType(a, b *Type, depth int) bool {
	if depth > maxDepth {
		return false
	}
	a, b = a.Underlying(), b.Underlying()
	if a == nil || b == nil || a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Named:
		return a.Enum != nil && a.Enum == b.Enum || a.Struct != nil && a.Struct == b.Struct
	case Map:
		return sameType(a.Key, b.Key, depth+1) && sameType(a.Elem, b.Elem, depth+1)
	case List, Set:
		return sameType(a.Elem, b.Elem, depth+1)
	}
	return true
}

func intRange(k TypeKind) (lo, hi int64) {
	switch k {
	case Byte:
		return math.MinInt8, math.MaxInt8
	case I16:
		return math.MinInt16, math.MaxInt16
	case I32:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// validUUID accepts the canonical 8-4-4-4-12 hex form, optionally in braces.
func validUUID(s string) bool {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// checkConstCycles reports consts whose values refer back to themselves.
func (c *checker) checkConstCycles() {
	const (
		white = iota
		grey
		black
	)
	color := map[*Const]int{}
	onStack := map[*Const]int{} // index in stack
	var stack []*Const
	reported := 0
	var visit func(k *Const)
	var walk func(v *ConstValue, depth int)
	walk = func(v *ConstValue, depth int) {
		if v == nil || depth > maxDepth+1 {
			return
		}
		if v.Const != nil {
			visit(v.Const)
		}
		for _, e := range v.List {
			walk(e, depth+1)
		}
		for _, e := range v.Map {
			walk(e.Key, depth+1)
			walk(e.Value, depth+1)
		}
	}
	visit = func(k *Const) {
		switch color[k] {
		case black:
			return
		case grey:
			// Report a bounded number of cycles: a crafted graph can hold
			// quadratically many, each with a long chain.
			if reported++; reported > maxSyntaxErrors {
				return
			}
			names := make([]string, 0, len(stack)-onStack[k]+1)
			for _, s := range stack[onStack[k]:] {
				names = append(names, s.Name)
			}
			names = append(names, k.Name)
			c.errorf(k.Pos, "const cycle: %s", strings.Join(names, " -> "))
			return
		}
		color[k] = grey
		onStack[k] = len(stack)
		stack = append(stack, k)
		walk(k.Value, 0)
		stack = stack[:len(stack)-1]
		color[k] = black
	}
	for _, k := range c.doc.Consts {
		visit(k)
	}
}

// quoteList formats paths for messages.
func quoteList(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = strconv.Quote(p)
	}
	return strings.Join(q, ", ")
}
