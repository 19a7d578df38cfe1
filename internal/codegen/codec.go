package codegen

import (
	"strconv"
	"strings"

	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

// codec prints the encoding and decoding of one protocol into one function body.
type codec struct {
	m       *fileModel
	p       *printer
	compact bool // Compact protocol, else Binary
	nocopy  bool // Binary FastWriteNocopyParts and BLengthNocopy: large strings and binaries are linked through w

	// While reading a Binary container that holds strings: the name of a string holding a copy of the
	// container's bytes (or the struct's arena) and of the offset in b where they start. Strings are
	// substrings of it.
	arena, arenaBase string
}

// containsString reports whether a container type holds strings, directly or through other
// containers (not through structs, which decode themselves).
func containsString(t *idl.Type) bool {
	u := t.Underlying()
	switch u.Kind {
	case idl.String:
		return true
	case idl.List, idl.Set:
		return containsString(u.Elem)
	case idl.Map:
		kt, _ := keyType(u.Key)
		return containsString(kt) || containsString(u.Elem)
	}
	return false
}

func (c *codec) pv() string {
	if c.compact {
		return "thrift.Compact"
	}
	return "thrift.Binary"
}

func (c *codec) protoName() string {
	if c.compact {
		return "compact"
	}
	return "binary"
}

// ttype returns the thrift.TType constant of a type's wire form.
func ttype(t *idl.Type) string {
	u := t.Underlying()
	switch u.Kind {
	case idl.Bool:
		return "thrift.BOOL"
	case idl.Byte:
		return "thrift.I08"
	case idl.I16:
		return "thrift.I16"
	case idl.I32:
		return "thrift.I32"
	case idl.I64:
		return "thrift.I64"
	case idl.Double:
		return "thrift.DOUBLE"
	case idl.String, idl.Binary:
		return "thrift.STRING"
	case idl.UUID:
		return "thrift.TUUID"
	case idl.List:
		return "thrift.LIST"
	case idl.Set:
		return "thrift.SET"
	case idl.Map:
		return "thrift.MAP"
	case idl.Named:
		if u.Enum != nil {
			return "thrift.I32"
		}
		return "thrift.STRUCT"
	}
	return "thrift.STOP"
}

// primMethod returns the protocol method suffix (WriteX/ReadX) and the Go primitive of a scalar,
// string or binary underlying type.
func primMethod(u *idl.Type) (string, string) {
	switch u.Kind {
	case idl.Bool:
		return "Bool", "bool"
	case idl.Byte:
		return "I8", "int8"
	case idl.I16:
		return "I16", "int16"
	case idl.I32:
		return "I32", "int32"
	case idl.I64:
		return "I64", "int64"
	case idl.Double:
		return "Double", "float64"
	case idl.String:
		return "String", "string"
	case idl.Binary:
		return "Binary", "[]byte"
	case idl.UUID:
		return "UUID", "thrift.UUID"
	case idl.Named:
		if u.Enum != nil {
			return "I32", "int32"
		}
	}
	return "", ""
}

// toWire converts Go value v of type t to the protocol primitive.
func toWire(t *idl.Type, v string) string {
	u := t.Underlying()
	_, prim := primMethod(u)
	if t.Kind == idl.Named || (u.Kind == idl.Named && u.Enum != nil) {
		return prim + "(" + v + ")"
	}
	return v
}

// fromWire converts protocol primitive x to the Go type of t.
func (c *codec) fromWire(t *idl.Type, x string) string {
	if t.Kind == idl.Named {
		return c.m.goType(t) + "(" + x + ")"
	}
	return x
}

// isPlainKind reports whether t is literally the base kind k (no typedef).
func isPlainKind(t *idl.Type, k idl.TypeKind) bool { return t.Kind == k }

// fastList returns "I64" or "I32" when a list/set of t's element type has a SIMD fast path.
func (c *codec) fastList(u *idl.Type) string {
	if c.compact || (u.Kind != idl.List && u.Kind != idl.Set) {
		return ""
	}
	switch u.Elem.Kind {
	case idl.I64:
		return "I64"
	case idl.I32:
		return "I32"
	}
	return ""
}

// ---- lengths ----

// lenExpr returns a side-effect-free expression of the encoded size of v, when there is one.
func (c *codec) lenExpr(t *idl.Type, v string) (string, bool) {
	u := t.Underlying()
	if !c.compact {
		if n, ok := fixedSize(u); ok {
			return strconv.Itoa(n), true
		}
	} else {
		switch u.Kind {
		case idl.Bool, idl.Byte:
			return "1", true
		case idl.Double:
			return "8", true
		case idl.UUID:
			return "16", true
		}
	}
	switch u.Kind {
	case idl.String:
		switch {
		case c.compact:
			return c.pv() + ".StringLength(" + toWire(t, v) + ")", true
		case c.nocopy:
			return c.pv() + ".StringLengthNocopy(" + toWire(t, v) + ")", true
		}
		return "4 + len(" + v + ")", true
	case idl.Binary:
		switch {
		case c.compact:
			return c.pv() + ".BinaryLength(" + toWire(t, v) + ")", true
		case c.nocopy:
			return c.pv() + ".BinaryLengthNocopy(" + toWire(t, v) + ")", true
		}
		return "4 + len(" + v + ")", true
	case idl.I16, idl.I32, idl.I64:
		m, _ := primMethod(u)
		return c.pv() + "." + m + "Length(" + toWire(t, v) + ")", true
	case idl.Named:
		if u.Enum != nil {
			return c.pv() + ".I32Length(" + toWire(t, v) + ")", true
		}
		if c.compact {
			return v + ".CompactLength()", true
		}
		if c.nocopy && c.m.linkable(u, nil) {
			return v + ".BLengthNocopy()", true
		}
		return v + ".BLength()", true
	case idl.List, idl.Set:
		if !c.compact {
			if n, ok := fixedSize(u.Elem.Underlying()); ok {
				return "5 + len(" + v + ")*" + strconv.Itoa(n), true
			}
		}
	case idl.Map:
		if !c.compact {
			kt, _ := keyType(u.Key)
			kn, ok1 := fixedSize(kt.Underlying())
			vn, ok2 := fixedSize(u.Elem.Underlying())
			if ok1 && ok2 {
				return "6 + len(" + v + ")*" + strconv.Itoa(kn+vn), true
			}
		}
	}
	return "", false
}

// emitLen prints statements adding the encoded size of v to l.
func (c *codec) emitLen(t *idl.Type, v string) {
	p := c.p
	if e, ok := c.lenExpr(t, v); ok {
		p.P("l += ", e)
		return
	}
	u := t.Underlying()
	switch u.Kind {
	case idl.List, idl.Set:
		if c.compact {
			p.Pf("l += %s.ListBeginLength(len(%s))", c.pv(), v)
		} else {
			p.P("l += 5")
		}
		if ex, ok := c.lenExpr(u.Elem, ""); ok && isNumber(ex) {
			p.Pf("l += len(%s) * %s", v, ex)
			return
		}
		e := p.fresh("e")
		p.Pf("for _, %s := range %s {", e, v)
		c.emitLen(u.Elem, e)
		p.P("}")
	case idl.Map:
		if c.compact {
			p.Pf("l += %s.MapBeginLength(len(%s))", c.pv(), v)
		} else {
			p.P("l += 6")
		}
		kt, kptr := keyType(u.Key)
		k, e := p.fresh("k"), p.fresh("e")
		kfix, kok := c.lenExpr(kt, "")
		vfix, vok := c.lenExpr(u.Elem, "")
		kconst := kok && isNumber(kfix)
		vconst := vok && isNumber(vfix)
		switch {
		case kconst && vconst:
			p.Pf("l += len(%s) * (%s + %s)", v, kfix, vfix)
		case kconst:
			p.Pf("l += len(%s) * %s", v, kfix)
			p.Pf("for _, %s := range %s {", e, v)
			c.emitLen(u.Elem, e)
			p.P("}")
		case vconst:
			p.Pf("l += len(%s) * %s", v, vfix)
			p.Pf("for %s := range %s {", k, v)
			c.emitLen(kt, deref(k, kptr))
			p.P("}")
		default:
			p.Pf("for %s, %s := range %s {", k, e, v)
			c.emitLen(kt, deref(k, kptr))
			c.emitLen(u.Elem, e)
			p.P("}")
		}
	}
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func deref(v string, ptr bool) string {
	if ptr {
		return "(*" + v + ")"
	}
	return v
}

// ---- writing ----

// emitWrite prints statements writing v at b[off:] and advancing off.
func (c *codec) emitWrite(t *idl.Type, v string) {
	p := c.p
	u := t.Underlying()
	pv := c.pv()
	switch u.Kind {
	case idl.String, idl.Binary:
		meth, _ := primMethod(u)
		if c.nocopy {
			n := p.fresh("n")
			p.Pf("%s := %s.Write%sNocopy(b[off:], w, %s)", n, pv, meth, toWire(t, v))
			p.Pf("linked += 4 + len(%s) - %s", v, n)
			p.Pf("off += %s", n)
			return
		}
		p.Pf("off += %s.Write%s(b[off:], %s)", pv, meth, toWire(t, v))
	case idl.List, idl.Set:
		kind := "List"
		if u.Kind == idl.Set {
			kind = "Set"
		}
		if fl := c.fastList(u); fl != "" {
			// The header, then the elements in one call that inlines down to the byte-swap kernel.
			arg := v
			if t.Kind == idl.Named {
				arg = "[]int" + fl[1:] + "(" + v + ")"
			}
			p.Pf("off += %s.Write%sBegin(b[off:], thrift.%s, len(%s))", pv, kind, fl, v)
			p.Pf("off += %s.Write%ss(b[off:], %s) // SIMD byte swap", pv, fl, arg)
			return
		}
		p.Pf("off += %s.Write%sBegin(b[off:], %s, len(%s))", pv, kind, ttype(u.Elem), v)
		e := p.fresh("e")
		p.Pf("for _, %s := range %s {", e, v)
		c.emitWrite(u.Elem, e)
		p.P("}")
	case idl.Map:
		kt, kptr := keyType(u.Key)
		p.Pf("off += %s.WriteMapBegin(b[off:], %s, %s, len(%s))", pv, ttype(kt), ttype(u.Elem), v)
		k, e := p.fresh("k"), p.fresh("e")
		p.Pf("for %s, %s := range %s {", k, e, v)
		c.emitWrite(kt, deref(k, kptr))
		c.emitWrite(u.Elem, e)
		p.P("}")
	case idl.Named:
		if u.Enum != nil {
			p.Pf("off += %s.WriteI32(b[off:], %s)", pv, toWire(t, v))
			return
		}
		switch {
		case c.compact:
			p.Pf("off += %s.CompactWrite(b[off:])", v)
		case c.nocopy && c.m.linkable(u, nil):
			n, l := p.fresh("n"), p.fresh("l")
			p.Pf("%s, %s := %s.FastWriteNocopyParts(b[off:], w)", n, l, v)
			p.Pf("off += %s", n)
			p.Pf("linked += %s", l)
		default:
			p.Pf("off += %s.FastWrite(b[off:])", v)
		}
	default:
		meth, _ := primMethod(u)
		p.Pf("off += %s.Write%s(b[off:], %s)", pv, meth, toWire(t, v))
	}
}

// linkable reports whether values of type t may hold strings or binaries (that FastWriteNocopy links).
func (m *fileModel) linkable(t *idl.Type, seen map[*idl.Struct]bool) bool {
	u := t.Underlying()
	switch u.Kind {
	case idl.String, idl.Binary:
		return true
	case idl.List, idl.Set:
		return m.linkable(u.Elem, seen)
	case idl.Map:
		return m.linkable(u.Key, seen) || m.linkable(u.Elem, seen)
	case idl.Named:
		if u.Struct == nil {
			return false
		}
		if seen == nil {
			seen = map[*idl.Struct]bool{}
		}
		if seen[u.Struct] {
			return false
		}
		seen[u.Struct] = true
		for _, f := range u.Struct.Fields {
			if m.linkable(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// ---- reading ----

// ret prints the error return of a reader.
func (c *codec) fail(err string) {
	c.p.P("if ", err, " != nil {")
	c.p.P("return off, ", err)
	c.p.P("}")
}

// emitRead prints statements reading a value of type t at b[off:] (advancing off) and returns a Go
// expression of type goType(t) holding it.
func (c *codec) emitRead(t *idl.Type) string {
	p := c.p
	u := t.Underlying()
	pv := c.pv()
	if !c.compact && c.arena == "" && (u.Kind == idl.List || u.Kind == idl.Set || u.Kind == idl.Map) && containsString(t) {
		// Few allocations for many strings: measure the container (Skip checks every length), copy
		// its bytes into one string, and make each element a substring of it.
		// Inside a struct arena (see StructArena), the container's strings are substrings of it.
		start, span, all := p.fresh("start"), p.fresh("span"), p.fresh("all")
		p.Pf("%s, %s := 0, arena", start, all)
		p.Pf("if %s == \"\" {", all)
		p.Pf("%s, err := thrift.Binary.Skip(b[off:], %s)", span, ttype(u))
		c.fail("err")
		p.Pf("%s, %s = off, string(b[off:off+%s]) // one allocation for every string in the container", start, all, span)
		p.P("}")
		c.arena, c.arenaBase = all, start
		x := c.emitRead(t)
		c.arena, c.arenaBase = "", ""
		return x
	}
	if c.arena != "" && u.Kind == idl.String {
		n, x := p.fresh("n"), p.fresh("v")
		p.Pf("%s, %s, err := thrift.Binary.ReadStringAt(b, off, %s, %s)", x, n, c.arena, c.arenaBase)
		c.fail("err")
		p.Pf("off += %s", n)
		return c.fromWire(t, x)
	}
	switch u.Kind {
	case idl.List, idl.Set:
		if fl := c.fastList(u); fl != "" {
			x, n := p.fresh("v"), p.fresh("n")
			p.Pf("%s, %s, err := %s.Read%sList(b[off:]) // one allocation, SIMD byte swap", x, n, pv, fl)
			c.fail("err")
			p.Pf("off += %s", n)
			return c.fromWire(t, x)
		}
		kind := "List"
		if u.Kind == idl.Set {
			kind = "Set"
		}
		et, size, n, lst := p.fresh("et"), p.fresh("size"), p.fresh("n"), p.fresh("l")
		p.Pf("%s, %s, %s, err := %s.Read%sBegin(b[off:])", et, size, n, pv, kind)
		c.fail("err")
		p.Pf("off += %s", n)
		p.Pf("if %s > 0 && %s != %s {", size, et, ttype(u.Elem))
		p.Pf("return off, &thrift.ProtocolError{Proto: %q, What: %q, Offset: off, Detail: %s.String(), Err: thrift.ErrBadType}",
			c.protoName(), strings.ToLower(kind)+" element type", et)
		p.P("}")
		gt := c.m.goType(t)
		p.Pf("%s := make(%s, %s)", lst, gt, size)
		eu := u.Elem.Underlying()
		i := p.fresh("i")
		if eu.Kind == idl.Named && eu.Struct != nil {
			// One backing array for all elements: one allocation instead of one per element.
			name, st, decl := c.m.structRef(eu)
			// All elements live in one backing array: one allocation instead of one per element. The
			// size is at most the remaining input (each element takes at least one byte), so this
			// allocates no more than decoding every element separately would.
			arr := p.fresh("arr")
			p.Pf("%s := make([]%s, %s) // one allocation for all elements", arr, name, size)
			p.Pf("for %s := range %s {", i, lst)
			e := p.fresh("e")
			p.Pf("%s := &%s[%s]", e, arr, i)
			if hasDefaults(st) {
				p.Pf("*%s = *%s()", e, c.m.qual(decl, "New"+goName(st.Name)))
			}
			c.readStructInto(e, decl)
			p.Pf("%s[%s] = %s", lst, i, e)
			p.P("}")
			return lst
		}
		p.Pf("for %s := range %s {", i, lst)
		x := c.emitRead(u.Elem)
		p.Pf("%s[%s] = %s", lst, i, x)
		p.P("}")
		return lst
	case idl.Map:
		kt, kptr := keyType(u.Key)
		kty, vty, size, n, mp := p.fresh("kt"), p.fresh("vt"), p.fresh("size"), p.fresh("n"), p.fresh("m")
		p.Pf("%s, %s, %s, %s, err := %s.ReadMapBegin(b[off:])", kty, vty, size, n, pv)
		c.fail("err")
		p.Pf("off += %s", n)
		p.Pf("if %s > 0 && (%s != %s || %s != %s) {", size, kty, ttype(kt), vty, ttype(u.Elem))
		p.Pf("return off, &thrift.ProtocolError{Proto: %q, What: \"map key or value type\", Offset: off, Detail: %s.String() + \",\" + %s.String(), Err: thrift.ErrBadType}",
			c.protoName(), kty, vty)
		p.P("}")
		p.Pf("%s := make(%s, %s)", mp, c.m.goType(t), size)
		i := p.fresh("i")
		p.Pf("for %s := 0; %s < %s; %s++ {", i, i, size, i)
		kx := c.emitRead(kt)
		if kptr {
			kv := p.fresh("k")
			p.Pf("%s := %s", kv, kx)
			kx = "&" + kv
		}
		vx := c.emitRead(u.Elem)
		p.Pf("%s[%s] = %s", mp, kx, vx)
		p.P("}")
		return mp
	case idl.Named:
		if u.Struct != nil {
			name, st, decl := c.m.structRef(u)
			_ = name
			x := p.fresh("s")
			p.Pf("%s := %s()", x, c.m.qual(decl, "New"+goName(st.Name)))
			c.readStructInto(x, decl)
			return x
		}
	}
	meth, _ := primMethod(u)
	x, n := p.fresh("v"), p.fresh("n")
	if !c.compact && u.Kind == idl.String {
		// A substring of the struct's arena when there is one, else a copy.
		p.Pf("%s, %s, err := thrift.Binary.ReadStringAt(b, off, arena, 0)", x, n)
		c.fail("err")
		p.Pf("off += %s", n)
		return c.fromWire(t, x)
	}
	p.Pf("%s, %s, err := %s.Read%s(b[off:])", x, n, pv, meth)
	c.fail("err")
	p.Pf("off += %s", n)
	return c.fromWire(t, x)
}

// readStructInto prints the decoding of a struct into pointer x, declared in document decl.
func (c *codec) readStructInto(x string, decl *idl.Document) {
	p := c.p
	n := p.fresh("n")
	same := c.m.samePackage(decl)
	switch {
	case same && c.compact:
		p.Pf("%s, err := %s.compactRead(b[off:], depth+1)", n, x)
	case same && c.arena != "":
		p.Pf("%s, err := %s.fastRead(b[off:], depth+1, thrift.ArenaAt(%s, off-%s))", n, x, c.arena, c.arenaBase)
	case same:
		p.Pf("%s, err := %s.fastRead(b[off:], depth+1, thrift.ArenaAt(arena, off))", n, x)
	case c.compact:
		p.Pf("%s, err := %s.CompactRead(b[off:])", n, x)
	default:
		// Another package's struct decodes through its FastRead, which may copy its input into a
		// struct arena: give it exactly the struct's bytes, so that it copies no more than those.
		span := p.fresh("span")
		p.Pf("%s, err := thrift.Binary.Skip(b[off:], thrift.STRUCT)", span)
		c.fail("err")
		p.Pf("%s, err := %s.FastRead(b[off : off+%s])", n, x, span)
	}
	c.fail("err")
	p.Pf("off += %s", n)
}

func hasDefaults(s *idl.Struct) bool {
	for _, f := range s.Fields {
		if f.Default != nil {
			return true
		}
	}
	return false
}

// structArena reports whether FastRead of s decodes with a struct arena (thrift.StructArena): one copy
// of the struct's bytes that all its strings are substrings of. That pays when s holds strings
// (directly, in containers, or in structs of the same Go package, which share the arena) and nothing
// that the decoder copies in bulk anyway: binaries and containers of numbers would be copied twice.
// Structs of other packages decode through their own FastRead and count for neither.
func (m *fileModel) structArena(s *structModel) bool {
	var strs, bulk bool
	seen := map[*idl.Struct]bool{}
	var walk func(t *idl.Type)
	walk = func(t *idl.Type) {
		u := t.Underlying()
		switch u.Kind {
		case idl.String:
			strs = true
		case idl.Binary:
			bulk = true
		case idl.List, idl.Set:
			if !holdsStringOrStruct(u.Elem) {
				bulk = true
				return
			}
			walk(u.Elem)
		case idl.Map:
			kt, _ := keyType(u.Key)
			if !holdsStringOrStruct(kt) && !holdsStringOrStruct(u.Elem) {
				bulk = true
				return
			}
			walk(kt)
			walk(u.Elem)
		case idl.Named:
			if u.Struct == nil || seen[u.Struct] || !m.samePackage(u.Decl) {
				return
			}
			seen[u.Struct] = true
			for _, f := range u.Struct.Fields {
				walk(f.Type)
			}
		}
	}
	for _, f := range s.fields {
		walk(f.typ)
	}
	return strs && !bulk
}

// holdsStringOrStruct reports whether a type is a string or a struct, or a container of them.
func holdsStringOrStruct(t *idl.Type) bool {
	u := t.Underlying()
	switch u.Kind {
	case idl.String:
		return true
	case idl.List, idl.Set:
		return holdsStringOrStruct(u.Elem)
	case idl.Map:
		kt, _ := keyType(u.Key)
		return holdsStringOrStruct(kt) || holdsStringOrStruct(u.Elem)
	case idl.Named:
		return u.Struct != nil
	}
	return false
}

// samePackage reports whether declarations of document decl are generated into this file's Go package
// (so that its unexported decoders can be called).
func (m *fileModel) samePackage(decl *idl.Document) bool {
	return decl == m.doc || (m.pl.pkgs[decl] != nil && m.pl.pkgs[decl].importPath == m.pkg.importPath)
}
