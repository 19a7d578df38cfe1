package codegen

import (
	"strconv"
	"strings"

	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

func (m *fileModel) printStruct(p *printer, s *structModel, proto Protocol) {
	switch {
	case s.doc != "":
		p.comment(s.doc)
	case s.isResult:
		p.Pf("// %s is the result of %s: Success (absent for void) or one of the declared exceptions.", s.goName, strings.TrimSuffix(s.thriftName, "_result"))
	case strings.HasSuffix(s.thriftName, "_args"):
		p.Pf("// %s holds the arguments of %s.", s.goName, strings.TrimSuffix(s.thriftName, "_args"))
	default:
		p.Pf("// %s is the Thrift %s %s.", s.goName, s.kind, s.thriftName)
	}
	if s.kind == idl.StructKindUnion {
		p.P("// Exactly one field must be set: see CountSetFields and Validate.")
	}
	p.Pf("type %s struct {", s.goName)
	for _, f := range s.fields {
		if f.src.Doc != "" {
			p.comment(f.src.Doc)
		}
		tag := f.name + "," + strconv.Itoa(int(f.id))
		switch f.req {
		case idl.Required:
			tag += ",required"
		case idl.Optional:
			tag += ",optional"
		}
		p.Pf("%s %s `thrift:%s`", f.goName, f.goType, strconv.Quote(tag))
	}
	p.P("}")
	p.P()

	// Constructor.
	p.Pf("// New%s returns a new %s with the IDL's default values applied.", s.goName, s.goName)
	p.Pf("func New%s() *%s {", s.goName, s.goName)
	if !s.hasDefault {
		p.Pf("return &%s{}", s.goName)
	} else {
		p.Pf("return &%s{", s.goName)
		for _, f := range s.fields {
			if f.def == nil {
				continue
			}
			p.Pf("%s: %s,", f.goName, m.fieldDefault(f))
		}
		p.P("}")
	}
	p.P("}")
	p.P()

	// Getters and IsSet.
	for _, f := range s.fields {
		vt := f.goType
		if f.ptr {
			vt = strings.TrimPrefix(vt, "*")
		}
		p.Pf("// Get%s returns the %s field, or its default value when it is unset.", f.goName, f.name)
		p.Pf("func (p *%s) Get%s() (v %s) {", s.goName, f.goName, vt)
		switch {
		case f.ptr:
			p.Pf("if p != nil && p.%s != nil {", f.goName)
			p.Pf("return *p.%s", f.goName)
			p.P("}")
			if f.def != nil {
				p.Pf("return %s", m.constExpr(f.typ, f.def))
			} else {
				p.P("return v")
			}
		case f.nilable && f.def != nil:
			p.Pf("if p != nil && p.%s != nil {", f.goName)
			p.Pf("return p.%s", f.goName)
			p.P("}")
			p.Pf("return %s", m.constExpr(f.typ, f.def))
		default:
			p.P("if p == nil {")
			if f.def != nil {
				p.Pf("return %s", m.constExpr(f.typ, f.def))
			} else {
				p.P("return v")
			}
			p.P("}")
			p.Pf("return p.%s", f.goName)
		}
		p.P("}")
		p.P()
		if f.nilable {
			p.Pf("// IsSet%s reports whether the %s field is set (not nil).", f.goName, f.name)
			p.Pf("func (p *%s) IsSet%s() bool { return p != nil && p.%s != nil }", s.goName, f.goName, f.goName)
			p.P()
		}
	}

	if s.kind == idl.StructKindUnion {
		p.P("// CountSetFields returns how many of the union's fields are set; a valid union has exactly one.")
		p.Pf("func (p *%s) CountSetFields() int {", s.goName)
		p.P("if p == nil {")
		p.P("return 0")
		p.P("}")
		p.P("n := 0")
		for _, f := range s.fields {
			p.Pf("if p.%s != nil {", f.goName)
			p.P("n++")
			p.P("}")
		}
		p.P("return n")
		p.P("}")
		p.P()
		p.P("// Validate returns an error wrapping thrift.ErrBadUnion unless exactly one field is set. Writers")
		p.P("// call it before FastWrite, which does not check.")
		p.Pf("func (p *%s) Validate() error {", s.goName)
		p.P("if n := p.CountSetFields(); n != 1 {")
		p.Pf("return thrift.NewUnionError(%q, n)", s.goName)
		p.P("}")
		p.P("return nil")
		p.P("}")
		p.P()
	} else if len(s.required) > 0 {
		p.P("// Validate returns an error wrapping thrift.ErrMissingRequired if a required field that can be")
		p.P("// nil is nil. Writers call it before FastWrite, which writes nothing for a nil field.")
		p.Pf("func (p *%s) Validate() error {", s.goName)
		for _, f := range s.required {
			if !f.nilable {
				continue
			}
			if kind := f.typ.Underlying().Kind; kind == idl.List || kind == idl.Set || kind == idl.Map || kind == idl.Binary {
				continue // written as empty when nil
			}
			p.Pf("if p.%s == nil {", f.goName)
			p.Pf("return thrift.NewRequiredFieldError(%q, %q)", s.goName, f.name)
			p.P("}")
		}
		p.P("return nil")
		p.P("}")
		p.P()
	}

	if s.kind == idl.StructKindException {
		m.usesFmt = true
		p.P("// Error implements error.")
		p.Pf("func (p *%s) Error() string {", s.goName)
		p.P("if p == nil {")
		p.Pf("return %q", s.goName+"(<nil>)")
		p.P("}")
		p.Pf("return fmt.Sprintf(\"%s(%%+v)\", *p)", s.goName)
		p.P("}")
		p.P()
	}

	if proto.binary() {
		m.printBinary(p, s)
	}
	if proto.compact() {
		m.printCompact(p, s)
	}
}

// fieldDefault returns the expression NewX assigns to a field with a default value.
func (m *fileModel) fieldDefault(f *fieldModel) string {
	e := m.constExpr(f.typ, f.def)
	if f.ptr {
		vt := strings.TrimPrefix(f.goType, "*")
		return "func() " + f.goType + " { v := " + vt + "(" + e + "); return &v }()"
	}
	return e
}
