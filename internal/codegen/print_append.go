package codegen

import (
	"strconv"
	"strings"

	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

// FastAppend is the single-pass Binary writer. BLength+FastWrite visit every value twice, which costs
// nothing much for strings and slices but ranges each map twice, and ranging a Go map has a fixed cost
// (a random start, a visit of every slot of its groups) that is larger than the writes of a few short
// entries. FastAppend ranges each map once: the fields without maps are sized together and written
// into one reservation, as FastWrite does; then each field holding a map grows the buffer as it goes,
// an entry at a time. A struct without maps anywhere inside it is BLength and FastWrite.

// holdsMap reports whether values of type t contain a map, directly or through containers and
// structs: their FastAppend cannot know their size without ranging the map.
func (m *fileModel) holdsMap(t *idl.Type, seen map[*idl.Struct]bool) bool {
	u := t.Underlying()
	switch u.Kind {
	case idl.Map:
		return true
	case idl.List, idl.Set:
		return m.holdsMap(u.Elem, seen)
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
			if m.holdsMap(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

func (m *fileModel) structHoldsMap(s *structModel) bool {
	for _, f := range s.fields {
		if m.holdsMap(f.typ, nil) {
			return true
		}
	}
	return false
}

// printAppend prints FastAppend for the Binary protocol.
func (m *fileModel) printAppend(p *printer, s *structModel) {
	c := &codec{m: m, p: p}
	p.tmp = 0
	p.Pf("// FastAppend appends p in the Thrift Binary protocol to b and returns the extended slice, which")
	p.Pf("// holds BLength() more bytes. It reallocates only when b lacks the capacity.")
	if !m.structHoldsMap(s) {
		p.Pf("func (p *%s) FastAppend(b []byte) []byte {", s.goName)
		p.P("off := len(b)")
		p.P("b = thrift.Grow(b, off, p.BLength())")
		p.P("return b[:off+p.FastWrite(b[off:])]")
		p.P("}")
		p.P()
		return
	}
	p.Pf("// It ranges each map once (BLength and FastWrite range it twice), so the fields holding maps are")
	p.Pf("// written last, growing b as they go.")
	p.Pf("func (p *%s) FastAppend(b []byte) []byte {", s.goName)
	p.P("off := len(b)")
	p.P("if p == nil {")
	p.P("b = thrift.Grow(b, off, 1)")
	p.P("return b[:off+thrift.Binary.WriteFieldStop(b[off:])]")
	p.P("}")
	var sized, growing []*fieldModel
	for _, f := range writeOrder(s) {
		if m.holdsMap(f.typ, nil) {
			growing = append(growing, f)
		} else {
			sized = append(sized, f)
		}
	}
	// One reservation for the fields without maps; the STOP byte, written last, grows b for itself.
	c.printFieldsLength(s, sized, 0, "the fixed-size fields always written")
	p.P("b = thrift.Grow(b, off, l)")
	c.printFieldWrites(s, sized)
	for _, f := range growing {
		cond := writeCond(s, f)
		if cond != "" {
			p.Pf("if %s {", cond)
		}
		c.emitAppend(f.typ, fieldValue(f), "thrift.Binary.WriteFieldBegin(b[off:], "+ttype(f.typ)+", "+strconv.Itoa(int(f.id))+")", 3)
		if cond != "" {
			p.P("}")
		}
	}
	p.P("b = thrift.Grow(b, off, 1)")
	p.P("return b[:off+thrift.Binary.WriteFieldStop(b[off:])]")
	p.P("}")
	p.P()
}

// emitAppend prints statements appending v, of a type that holds a map, at b[off:], growing b first
// by what it writes before its first element; head (of headLen bytes), when not "", is a write to
// make first, such as the field header.
func (c *codec) emitAppend(t *idl.Type, v, head string, headLen int) {
	p := c.p
	writeHead := func() {
		if head != "" {
			p.Pf("off += %s", head)
		}
	}
	u := t.Underlying()
	switch u.Kind {
	case idl.Map:
		kt, kptr := keyType(u.Key)
		p.Pf("b = thrift.Grow(b, off, %d)", headLen+6)
		writeHead()
		p.Pf("off += thrift.Binary.WriteMapBegin(b[off:], %s, %s, len(%s))", ttype(kt), ttype(u.Elem), v)
		k, e := p.fresh("k"), p.fresh("e")
		p.Pf("for %s, %s := range %s {", k, e, v)
		if c.m.holdsMap(kt, nil) || c.m.holdsMap(u.Elem, nil) {
			c.emitAppendPart(kt, deref(k, kptr))
			c.emitAppendPart(u.Elem, e)
		} else { // one growth for the entry
			c.emitGrow(func() { c.emitLen(kt, deref(k, kptr)); c.emitLen(u.Elem, e) })
			c.emitWrite(kt, deref(k, kptr))
			c.emitWrite(u.Elem, e)
		}
		p.P("}")
	case idl.List, idl.Set:
		kind := "List"
		if u.Kind == idl.Set {
			kind = "Set"
		}
		p.Pf("b = thrift.Grow(b, off, %d)", headLen+5)
		writeHead()
		p.Pf("off += thrift.Binary.Write%sBegin(b[off:], %s, len(%s))", kind, ttype(u.Elem), v)
		e := p.fresh("e")
		p.Pf("for _, %s := range %s {", e, v)
		c.emitAppendPart(u.Elem, e)
		p.P("}")
	default: // a struct
		if head != "" {
			p.Pf("b = thrift.Grow(b, off, %d)", headLen)
			writeHead()
		}
		a := p.fresh("a")
		p.Pf("%s := %s.FastAppend(b[:off])", a, v)
		p.Pf("off, b = len(%s), %s[:cap(%s)]", a, a, a)
	}
}

// emitAppendPart appends one element, key or value v of type t: by emitAppend when it holds a map,
// else by growing b by its size and writing it as FastWrite does.
func (c *codec) emitAppendPart(t *idl.Type, v string) {
	if c.m.holdsMap(t, nil) {
		c.emitAppend(t, v, "", 0)
		return
	}
	c.emitGrow(func() { c.emitLen(t, v) })
	c.emitWrite(t, v)
}

// emitGrow prints the growth of b by the size that sizes adds to l (through emitLen): one expression
// when it printed only "l += X" lines, else a block with its own l.
func (c *codec) emitGrow(sizes func()) {
	p := c.p
	var body printer
	body.tmp = p.tmp
	c.p = &body
	sizes()
	c.p = p
	p.tmp = body.tmp
	lines := strings.Split(strings.TrimSuffix(body.buf.String(), "\n"), "\n")
	var terms []string
	for _, ln := range lines {
		x, ok := strings.CutPrefix(strings.TrimSpace(ln), "l += ")
		if !ok {
			terms = nil
			break
		}
		terms = append(terms, x)
	}
	if terms != nil {
		p.Pf("b = thrift.Grow(b, off, %s)", strings.Join(terms, " + "))
		return
	}
	p.P("{")
	p.P("l := 0")
	for _, ln := range lines {
		p.P(ln)
	}
	p.P("b = thrift.Grow(b, off, l)")
	p.P("}")
}
