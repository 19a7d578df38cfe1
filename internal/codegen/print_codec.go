package codegen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

// writeOrder returns the fields in the order the writers emit them: fixed-size fields first (their
// sizes are constants), then the variable-size ones, each group in declaration order.
func writeOrder(s *structModel) []*fieldModel {
	var fixed, variable []*fieldModel
	for _, f := range s.fields {
		if f.fixed {
			fixed = append(fixed, f)
		} else {
			variable = append(variable, f)
		}
	}
	return append(fixed, variable...)
}

// writeCond returns the condition under which a field is written, or "" for always. Optional and
// pointer fields are written when set; a nil struct is never written; a nil list, set, map or binary of
// a default or required field is written empty.
func writeCond(s *structModel, f *fieldModel) string {
	if !f.nilable {
		return ""
	}
	u := f.typ.Underlying()
	containerLike := u.Kind == idl.List || u.Kind == idl.Set || u.Kind == idl.Map || u.Kind == idl.Binary
	if containerLike && f.req != idl.Optional && s.kind != idl.StructKindUnion && !s.isResult {
		return ""
	}
	return "p." + f.goName + " != nil"
}

func fieldValue(f *fieldModel) string {
	if f.ptr {
		return "*p." + f.goName
	}
	return "p." + f.goName
}

func (m *fileModel) printBinary(p *printer, s *structModel) {
	c := &codec{m: m, p: p}
	order := writeOrder(s)

	// BLength.
	p.tmp = 0
	p.Pf("// BLength returns the size of p in the Thrift Binary protocol: the buffer size FastWrite needs.")
	p.Pf("func (p *%s) BLength() int {", s.goName)
	c.printLength(s, order)
	p.P("}")
	p.P()

	// BLengthNocopy.
	p.tmp = 0
	p.Pf("// BLengthNocopy returns the bytes FastWriteNocopy writes into its buffer: BLength() without the strings")
	p.Pf("// and binaries of at least thrift.NocopyThreshold bytes, which it links (see thrift.NocopyCodec).")
	p.Pf("func (p *%s) BLengthNocopy() int {", s.goName)
	if !m.structLinkable(s) {
		p.P("return p.BLength() // nothing to link")
	} else {
		(&codec{m: m, p: p, nocopy: true}).printLength(s, order)
	}
	p.P("}")
	p.P()

	// FastWrite.
	p.tmp = 0
	p.Pf("// FastWrite writes p in the Thrift Binary protocol into b, which must hold BLength() bytes, and")
	p.Pf("// returns the bytes written. Fixed-size fields come first.")
	p.Pf("func (p *%s) FastWrite(b []byte) int {", s.goName)
	p.P("if p == nil {")
	p.P("return thrift.Binary.WriteFieldStop(b)")
	p.P("}")
	p.P("off := 0")
	c.printFieldWrites(s, order)
	p.P("return off + thrift.Binary.WriteFieldStop(b[off:])")
	p.P("}")
	p.P()

	m.printAppend(p, s)

	// FastWriteNocopy.
	p.tmp = 0
	p.Pf("// FastWriteNocopy is FastWrite, except that strings and binaries of at least thrift.NocopyThreshold")
	p.Pf("// bytes are linked through w instead of copied, so b needs only BLengthNocopy() bytes (see")
	p.Pf("// thrift.NocopyCodec). It returns BLength().")
	p.Pf("func (p *%s) FastWriteNocopy(b []byte, w thrift.NocopyWriter) int {", s.goName)
	p.P("n, linked := p.FastWriteNocopyParts(b, w)")
	p.P("return n + linked")
	p.P("}")
	p.P()
	p.Pf("// FastWriteNocopyParts is FastWriteNocopy for enclosing generated code: it returns the bytes written")
	p.Pf("// into b and the bytes linked through w separately (their sum is BLength()).")
	p.Pf("func (p *%s) FastWriteNocopyParts(b []byte, w thrift.NocopyWriter) (n, linked int) {", s.goName)
	if !m.structLinkable(s) {
		p.P("return p.FastWrite(b), 0 // nothing to link")
	} else {
		p.P("if p == nil || w == nil {")
		p.P("return p.FastWrite(b), 0")
		p.P("}")
		p.P("off := 0")
		nc := &codec{m: m, p: p, nocopy: true}
		nc.printFieldWrites(s, order)
		p.P("return off + thrift.Binary.WriteFieldStop(b[off:]), linked")
	}
	p.P("}")
	p.P()

	// FastRead.
	p.tmp = 0
	p.Pf("// FastRead decodes p from the Thrift Binary protocol in b and returns the bytes consumed. Unknown")
	p.Pf("// fields, and known ones of an unexpected type, are skipped.")
	if m.structArena(s) {
		p.Pf("// All its strings are substrings of one copy of the struct's bytes (thrift.StructArena): one")
		p.Pf("// allocation for all of them, but a string kept from p keeps that copy alive.")
	}
	p.Pf("func (p *%s) FastRead(b []byte) (int, error) {", s.goName)
	if m.structArena(s) {
		p.P("return p.fastRead(b, 0, thrift.Binary.StructArena(b))")
	} else {
		p.P(`return p.fastRead(b, 0, "")`)
	}
	p.P("}")
	p.P()
	c.printRead(s)
}

func (m *fileModel) printCompact(p *printer, s *structModel) {
	c := &codec{m: m, p: p, compact: true}
	order := writeOrder(s)

	p.tmp = 0
	p.Pf("// CompactLength returns the size of p in the Thrift Compact protocol.")
	p.Pf("func (p *%s) CompactLength() int {", s.goName)
	p.P("if p == nil {")
	p.P("return 1")
	p.P("}")
	p.P("l := 1 // STOP")
	if len(order) > 0 {
		p.P("var last int16")
	}
	for _, f := range order {
		cond := writeCond(s, f)
		if cond != "" {
			p.Pf("if %s {", cond)
		}
		p.Pf("l += thrift.Compact.FieldBeginLength(%d, last)", f.id)
		p.Pf("last = %d", f.id)
		if f.typ.Underlying().Kind != idl.Bool {
			c.emitLen(f.typ, fieldValue(f))
		}
		if cond != "" {
			p.P("}")
		}
	}
	if len(order) > 0 {
		p.P("_ = last")
	}
	p.P("return l")
	p.P("}")
	p.P()

	p.tmp = 0
	p.Pf("// CompactWrite writes p in the Thrift Compact protocol into b, which must hold CompactLength()")
	p.Pf("// bytes, and returns the bytes written.")
	p.Pf("func (p *%s) CompactWrite(b []byte) int {", s.goName)
	p.P("if p == nil {")
	p.P("return thrift.Compact.WriteFieldStop(b)")
	p.P("}")
	p.P("off := 0")
	c.printFieldWrites(s, order)
	p.P("return off + thrift.Compact.WriteFieldStop(b[off:])")
	p.P("}")
	p.P()

	p.tmp = 0
	p.Pf("// CompactRead decodes p from the Thrift Compact protocol in b and returns the bytes consumed.")
	p.Pf("func (p *%s) CompactRead(b []byte) (int, error) {", s.goName)
	p.P("return p.compactRead(b, 0)")
	p.P("}")
	p.P()
	c.printRead(s)
}

// printLength prints the body of BLength (or, with c.nocopy, of BLengthNocopy).
func (c *codec) printLength(s *structModel, order []*fieldModel) {
	p := c.p
	p.P("if p == nil {")
	p.P("return 1")
	p.P("}")
	c.printFieldsLength(s, order, 1, "STOP and the fixed-size fields always written")
	p.P("return l")
}

// printFieldsLength declares l and adds up the encoded size of fields (headers included) plus base: the
// fields that are always written and have a fixed size make one constant with base, described by note.
func (c *codec) printFieldsLength(s *structModel, fields []*fieldModel, base int, note string) {
	p := c.p
	constant := base
	for _, f := range fields {
		if writeCond(s, f) == "" && f.fixed {
			n, _ := fixedSize(f.typ.Underlying())
			constant += 3 + n
		}
	}
	p.Pf("l := %d // %s", constant, note)
	for _, f := range fields {
		cond := writeCond(s, f)
		if cond == "" && f.fixed {
			continue
		}
		if cond != "" {
			p.Pf("if %s {", cond)
		}
		if e, ok := c.lenExpr(f.typ, fieldValue(f)); ok {
			if isNumber(e) {
				n, _ := strconv.Atoi(e)
				p.Pf("l += %d", 3+n)
			} else {
				p.Pf("l += 3 + %s", e)
			}
		} else {
			p.P("l += 3")
			c.emitLen(f.typ, fieldValue(f))
		}
		if cond != "" {
			p.P("}")
		}
	}
}

func (m *fileModel) structLinkable(s *structModel) bool {
	for _, f := range s.fields {
		if m.linkable(f.typ, nil) {
			return true
		}
	}
	return false
}

// printFieldWrites prints the writes of every field (Binary, Binary no-copy or Compact).
func (c *codec) printFieldWrites(s *structModel, order []*fieldModel) {
	p := c.p
	if c.compact && len(order) > 0 {
		p.P("var last int16")
	}
	for _, f := range order {
		cond := writeCond(s, f)
		if cond != "" {
			p.Pf("if %s {", cond)
		}
		u := f.typ.Underlying()
		switch {
		case c.compact && u.Kind == idl.Bool:
			p.Pf("off += thrift.Compact.WriteBoolField(b[off:], %d, last, %s)", f.id, toWire(f.typ, fieldValue(f)))
		case c.compact:
			p.Pf("off += thrift.Compact.WriteFieldBegin(b[off:], %s, %d, last)", ttype(f.typ), f.id)
			c.emitWrite(f.typ, fieldValue(f))
		default:
			p.Pf("off += thrift.Binary.WriteFieldBegin(b[off:], %s, %d)", ttype(f.typ), f.id)
			c.emitWrite(f.typ, fieldValue(f))
		}
		if c.compact {
			p.Pf("last = %d", f.id)
		}
		if cond != "" {
			p.P("}")
		}
	}
	if c.compact && len(order) > 0 {
		p.P("_ = last")
	}
}

// printRead prints fastRead or compactRead.
func (c *codec) printRead(s *structModel) {
	p := c.p
	p.tmp = 0
	fn := "fastRead"
	if c.compact {
		fn = "compactRead"
	}
	p.Pf("// %s decodes p at nesting depth depth (0 for the outermost struct).", fn)
	if c.compact {
		p.Pf("func (p *%s) %s(b []byte, depth int) (int, error) {", s.goName, fn)
	} else {
		p.Pf("// arena is \"\" or a copy of the first len(arena) bytes of b: strings inside it are substrings of it.")
		p.Pf("func (p *%s) %s(b []byte, depth int, arena string) (int, error) {", s.goName, fn)
	}
	p.P("if depth >= thrift.MaxDepth {")
	p.Pf("return 0, &thrift.ProtocolError{Proto: %q, What: %q, Err: thrift.ErrDepth}", c.protoName(), "struct "+s.goName)
	p.P("}")
	nreq := len(s.required)
	words := (nreq + 63) / 64
	switch {
	case words == 1:
		p.P("var isset uint64 // required fields seen, one bit each")
	case words > 1:
		p.Pf("var isset [%d]uint64 // required fields seen, one bit each", words)
	}
	p.P("off := 0")
	if c.compact {
		p.P("var last int16")
	}
	p.P("for {")
	idv := "id"
	if len(s.fields) == 0 && !c.compact {
		idv = "_"
	}
	if c.compact {
		bv := "_"
		for _, f := range s.fields {
			if f.typ.Underlying().Kind == idl.Bool {
				bv = "bv"
			}
		}
		p.Pf("t, %s, %s, n, err := thrift.Compact.ReadFieldBegin(b[off:], last)", idv, bv)
	} else {
		p.Pf("t, %s, n, err := thrift.Binary.ReadFieldBegin(b[off:])", idv)
	}
	c.fail("err")
	p.P("off += n")
	p.P("if t == thrift.STOP {")
	p.P("break")
	p.P("}")
	if c.compact {
		p.P("last = id")
	}
	if len(s.fields) > 0 {
		p.P("switch id {")
		for _, f := range s.fields {
			p.Pf("case %d:", f.id)
			p.Pf("if t == %s {", ttype(f.typ))
			var x string
			if c.compact && f.typ.Underlying().Kind == idl.Bool {
				x = c.fromWire(f.typ, "bv")
			} else {
				x = c.emitRead(f.typ)
			}
			if f.ptr {
				if isIdent(x) {
					p.Pf("p.%s = &%s", f.goName, x)
				} else {
					tmp := p.fresh("x")
					p.Pf("%s := %s", tmp, x)
					p.Pf("p.%s = &%s", f.goName, tmp)
				}
			} else {
				p.Pf("p.%s = %s", f.goName, x)
			}
			if f.req == idl.Required && s.kind != idl.StructKindUnion {
				if words == 1 {
					p.Pf("isset |= 1 << %d", f.reqIdx)
				} else {
					p.Pf("isset[%d] |= 1 << %d", f.reqIdx/64, f.reqIdx%64)
				}
			}
			p.P("continue")
			p.P("}")
		}
		p.P("}")
	}
	p.Pf("n, err = %s.Skip(b[off:], t)", c.pv())
	c.fail("err")
	p.P("off += n")
	p.P("}")
	for _, f := range s.required {
		if words == 1 {
			p.Pf("if isset&(1<<%d) == 0 {", f.reqIdx)
		} else {
			p.Pf("if isset[%d]&(1<<%d) == 0 {", f.reqIdx/64, f.reqIdx%64)
		}
		p.Pf("return off, thrift.NewRequiredFieldError(%q, %q)", s.goName, f.name)
		p.P("}")
	}
	if s.kind == idl.StructKindUnion {
		p.P("if n := p.CountSetFields(); n != 1 {")
		p.Pf("return off, thrift.NewUnionError(%q, n)", s.goName)
		p.P("}")
	}
	p.P("return off, nil")
	p.P("}")
	p.P()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (m *fileModel) printServiceInfo(p *printer, svc *serviceModel) {
	name := svc.goName + "ServiceInfo"
	if svc.src.Doc != "" {
		p.comment(svc.src.Doc)
		p.P("//")
	}
	p.Pf("// %s describes service %s for the RPC core: its methods, the base service's included.", name, svc.src.Name)
	p.Pf("var %s = &thrift.ServiceInfo{", name)
	p.Pf("Name: %q,", svc.src.Name)
	if svc.base != "" {
		p.Pf("Base: %q,", svc.base)
	}
	p.P("Methods: []thrift.MethodInfo{")
	for _, r := range svc.all {
		var b strings.Builder
		fmt.Fprintf(&b, "{Name: %q, ", r.name)
		if r.oneway {
			b.WriteString("Oneway: true, ")
		}
		fmt.Fprintf(&b, "NewArgs: func() thrift.FastCodec { return %s }", r.newArgs)
		if r.newResult != "" {
			fmt.Fprintf(&b, ", NewResult: func() thrift.FastCodec { return %s }", r.newResult)
		}
		fmt.Fprintf(&b, ", Handler: %s", r.handler)
		b.WriteString("},")
		p.P(b.String())
	}
	p.P("},")
	p.P("}")
	p.P()
}
