package idl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Limits that keep memory and stack use bounded on hostile input.
const (
	maxDepth        = 100 // nesting of types and const literals
	maxSyntaxErrors = 10  // parsing stops after this many syntax errors
)

// bailout is panicked by parser.fail and recovered by parser.topLevel; it
// never escapes the package.
type bailout struct{}

// parser is a recursive-descent parser over a lexer with one token of
// lookahead.
type parser struct {
	lex      *lexer
	tok      token
	errs     []*Error
	nsyntax  int
	depth    int
	doc      *Document
	seenDecl bool
}

// keywords may not be used as names.
var keywords = map[string]bool{
	"include": true, "cpp_include": true, "namespace": true, "typedef": true, "const": true,
	"enum": true, "senum": true, "struct": true, "union": true, "exception": true, "service": true,
	"extends": true, "throws": true, "oneway": true, "void": true, "required": true, "optional": true,
	"list": true, "set": true, "map": true, "bool": true, "byte": true, "i8": true, "i16": true,
	"i32": true, "i64": true, "double": true, "string": true, "binary": true, "uuid": true, "slist": true,
	"async": true,
}

// deprecatedHeaders are pre-"namespace" header keywords Apache Thrift no
// longer accepts.
var deprecatedHeaders = map[string]bool{
	"cpp_namespace": true, "php_namespace": true, "py_module": true, "perl_package": true,
	"ruby_namespace": true, "smalltalk_category": true, "smalltalk_prefix": true, "java_package": true,
	"cocoa_prefix": true, "xsd_namespace": true, "csharp_namespace": true, "delphi_namespace": true,
	"smalltalk.category": true, "smalltalk.prefix": true,
}

var baseTypes = map[string]TypeKind{
	"bool": Bool, "byte": Byte, "i8": Byte, "i16": I16, "i32": I32, "i64": I64,
	"double": Double, "string": String, "binary": Binary, "uuid": UUID,
}

func newParser(filename string, src []byte) *parser {
	p := &parser{lex: newLexer(filename, src)}
	p.doc = &Document{
		Path:       filename,
		Name:       baseName(filename),
		Namespaces: map[string]string{},
	}
	p.next()
	return p
}

func (p *parser) next() { p.tok = p.lex.next() }

func (p *parser) errorf(pos Pos, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// fail records a syntax error and abandons the current definition.
func (p *parser) fail(pos Pos, format string, args ...any) {
	p.errorf(pos, format, args...)
	p.nsyntax++
	panic(bailout{})
}

func (p *parser) unexpected(want string) {
	p.fail(p.tok.pos, "expected %s, found %s", want, p.tok.describe())
}

func (p *parser) expect(k tokenKind) token {
	t := p.tok
	if t.kind != k {
		p.unexpected(k.String())
	}
	p.next()
	return t
}

func (p *parser) isKeyword(kw string) bool { return p.tok.kind == tokIdent && p.tok.text == kw }

// name parses a declaration or field name.
func (p *parser) name(what string) token {
	t := p.tok
	if t.kind != tokIdent {
		p.unexpected(what)
	}
	if keywords[t.text] {
		p.fail(t.pos, "cannot use keyword %q as %s", t.text, what)
	}
	p.next()
	return t
}

// skipSep skips one optional ',' or ';'.
func (p *parser) skipSep() {
	if p.tok.kind == tokComma || p.tok.kind == tokSemi {
		p.next()
	}
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok.pos, "nesting deeper than %d levels", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

// parseDocument parses the whole file.
func (p *parser) parseDocument() {
	first := true
	for p.tok.kind != tokEOF && p.nsyntax < maxSyntaxErrors {
		if first && p.tok.kind == tokIdent && p.tok.doc != "" {
			switch p.tok.text {
			case "include", "cpp_include", "namespace":
				p.doc.Doc = p.tok.doc
			}
		}
		first = false
		p.topLevel()
	}
}

// topLevel parses one header or definition, recovering from a syntax error
// by skipping to the next top-level keyword.
func (p *parser) topLevel() {
	t := p.tok
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			p.depth = 0
			if p.tok.pos == t.pos && p.tok.kind != tokEOF {
				p.next() // make progress past the offending keyword
			}
			p.sync()
		}
	}()
	switch t.kind {
	case tokComma, tokSemi:
		p.next()
		return
	case tokIdent:
	default:
		p.unexpected("a definition")
	}
	switch t.text {
	case "include", "cpp_include":
		p.header()
		p.next()
		s := p.expect(tokString)
		if t.text == "include" {
			p.doc.Includes = append(p.doc.Includes, &Include{Path: s.text, Pos: t.pos})
		} else {
			p.doc.CppIncludes = append(p.doc.CppIncludes, s.text)
		}
		p.skipSep()
	case "namespace":
		p.header()
		p.namespace()
	case "typedef":
		p.typedef()
	case "const":
		p.constDecl()
	case "enum":
		p.enum()
	case "struct", "union", "exception":
		p.structDecl()
	case "service":
		p.service()
	case "senum":
		p.fail(t.pos, "senum is deprecated and not supported; use an enum or a set<string>")
	default:
		if deprecatedHeaders[t.text] {
			p.fail(t.pos, "%s is deprecated and not supported; use \"namespace <scope> <name>\"", t.text)
		}
		if strings.HasPrefix(t.text, "xsd_") {
			p.fail(t.pos, "%s is deprecated and not supported", t.text)
		}
		p.unexpected("a definition")
	}
}

// header reports a header after a definition (Apache Thrift requires
// headers first) without abandoning it.
func (p *parser) header() {
	if p.seenDecl {
		p.errorf(p.tok.pos, "%s must come before all definitions", p.tok.text)
	}
}

// sync skips to the next top-level keyword after a syntax error.
func (p *parser) sync() {
	for p.tok.kind != tokEOF {
		if p.tok.kind == tokIdent {
			switch p.tok.text {
			case "include", "cpp_include", "namespace", "typedef", "const", "enum", "senum",
				"struct", "union", "exception", "service":
				return
			}
		}
		p.next()
	}
}

func (p *parser) namespace() {
	p.next()
	var scope string
	switch p.tok.kind {
	case tokStar:
		scope = "*"
	case tokIdent:
		scope = p.tok.text
	default:
		p.unexpected("a namespace scope")
	}
	p.tok = p.lex.rawWord()
	switch p.tok.kind {
	case tokIdent, tokString:
	default:
		p.unexpected("a namespace name")
	}
	if p.tok.text == "" {
		p.fail(p.tok.pos, "empty namespace name")
	}
	p.doc.Namespaces[scope] = p.tok.text // a repeated scope overrides, as in Apache Thrift
	p.next()
	if p.tok.kind == tokLParen {
		p.annotations() // accepted and dropped: namespaces carry no annotations in the AST
	}
	p.skipSep()
}

func (p *parser) addDecl(d Decl) {
	p.seenDecl = true
	p.doc.Decls = append(p.doc.Decls, d)
}

func (p *parser) typedef() {
	kw := p.tok
	p.next()
	typ := p.parseType()
	n := p.name("a typedef name")
	td := &Typedef{Name: n.text, Type: typ, Doc: kw.doc, Pos: n.pos}
	td.Annotations = p.optAnnotations()
	p.skipSep()
	p.doc.Typedefs = append(p.doc.Typedefs, td)
	p.addDecl(td)
}

func (p *parser) constDecl() {
	kw := p.tok
	p.next()
	typ := p.parseType()
	n := p.name("a const name")
	p.expect(tokEquals)
	c := &Const{Name: n.text, Type: typ, Doc: kw.doc, Pos: n.pos}
	c.Value = p.constValue()
	c.Annotations = p.optAnnotations()
	p.skipSep()
	p.doc.Consts = append(p.doc.Consts, c)
	p.addDecl(c)
}

func (p *parser) enum() {
	kw := p.tok
	p.next()
	n := p.name("an enum name")
	e := &Enum{Name: n.text, Doc: kw.doc, Pos: n.pos}
	p.expect(tokLBrace)
	next := int64(0)
	for p.tok.kind != tokRBrace {
		vt := p.name("an enum value name")
		v := &EnumValue{Name: vt.text, Doc: vt.doc, Pos: vt.pos, Value: next, Implicit: true}
		if p.tok.kind == tokEquals {
			p.next()
			it := p.tok
			if it.kind != tokInt {
				p.unexpected("an integer enum value")
			}
			p.next()
			v.Value = p.parseInt(it)
			v.Implicit = false
		}
		if v.Value < math.MinInt32 || v.Value > math.MaxInt32 {
			p.errorf(v.Pos, "enum value %s.%s = %d is out of the i32 range", e.Name, v.Name, v.Value)
		}
		next = v.Value + 1
		v.Annotations = p.optAnnotations()
		p.skipSep()
		e.Values = append(e.Values, v)
	}
	p.next()
	e.Annotations = p.optAnnotations()
	p.skipSep()
	p.doc.Enums = append(p.doc.Enums, e)
	p.addDecl(e)
}

func (p *parser) structDecl() {
	kw := p.tok
	p.next()
	n := p.name("a " + kw.text + " name")
	s := &Struct{Name: n.text, Doc: kw.doc, Pos: n.pos}
	switch kw.text {
	case "union":
		s.Kind = StructKindUnion
	case "exception":
		s.Kind = StructKindException
	}
	if p.isKeyword("xsd_all") {
		p.fail(p.tok.pos, "xsd_all is deprecated and not supported")
	}
	p.expect(tokLBrace)
	s.Fields = p.fields(tokRBrace)
	p.next()
	s.Annotations = p.optAnnotations()
	p.skipSep()
	p.doc.Structs = append(p.doc.Structs, s)
	p.addDecl(s)
}

// fields parses a field list up to (not including) the closing token.
// Fields without an id get -1, -2, ... like Apache Thrift assigns them.
func (p *parser) fields(closing tokenKind) []*Field {
	var out []*Field
	implicit := int16(-1)
	for p.tok.kind != closing {
		if p.tok.kind == tokEOF {
			p.unexpected(closing.String())
		}
		f := &Field{Doc: p.tok.doc}
		if p.tok.kind == tokInt {
			it := p.tok
			p.next()
			id := p.parseInt(it)
			switch {
			case id <= 0:
				p.errorf(it.pos, "field id %d must be positive", id)
			case id > math.MaxInt16:
				p.errorf(it.pos, "field id %d is larger than %d", id, math.MaxInt16)
			default:
				f.ID = int16(id)
			}
			p.expect(tokColon)
		} else {
			f.ID = implicit
			f.IDImplicit = true
			if implicit > math.MinInt16 {
				implicit--
			}
		}
		if p.tok.kind == tokIdent {
			switch p.tok.text {
			case "required":
				f.Requiredness = Required
				p.next()
			case "optional":
				f.Requiredness = Optional
				p.next()
			}
		}
		f.Type = p.parseType()
		if p.tok.kind == tokAmp { // C++ reference marker
			f.Type.Annotations = append(f.Type.Annotations, Annotation{Key: "cpp.ref", Value: "true", Pos: p.tok.pos})
			p.next()
		}
		n := p.name("a field name")
		f.Name, f.Pos = n.text, n.pos
		if p.tok.kind == tokEquals {
			p.next()
			f.Default = p.constValue()
		}
		if p.tok.kind == tokIdent && strings.HasPrefix(p.tok.text, "xsd_") {
			p.fail(p.tok.pos, "%s is deprecated and not supported", p.tok.text)
		}
		f.Annotations = p.optAnnotations()
		p.skipSep()
		out = append(out, f)
	}
	return out
}

func (p *parser) service() {
	kw := p.tok
	p.next()
	n := p.name("a service name")
	s := &Service{Name: n.text, Doc: kw.doc, Pos: n.pos}
	if p.isKeyword("extends") {
		p.next()
		if p.tok.kind != tokIdent {
			p.unexpected("a service name after extends")
		}
		s.Extends = p.tok.text
		p.next()
	}
	p.expect(tokLBrace)
	for p.tok.kind != tokRBrace {
		s.Functions = append(s.Functions, p.function())
	}
	p.next()
	s.Annotations = p.optAnnotations()
	p.skipSep()
	p.doc.Services = append(p.doc.Services, s)
	p.addDecl(s)
}

func (p *parser) function() *Function {
	f := &Function{Doc: p.tok.doc}
	if p.isKeyword("oneway") || p.isKeyword("async") {
		f.Oneway = true
		p.next()
	}
	if p.isKeyword("void") {
		p.next()
	} else {
		if p.tok.kind != tokIdent {
			p.unexpected("a function result type")
		}
		f.Result = p.parseType()
	}
	n := p.name("a function name")
	f.Name, f.Pos = n.text, n.pos
	p.expect(tokLParen)
	f.Args = p.fields(tokRParen)
	p.next()
	if p.isKeyword("throws") {
		p.next()
		p.expect(tokLParen)
		f.Throws = p.fields(tokRParen)
		p.next()
	}
	f.Annotations = p.optAnnotations()
	p.skipSep()
	return f
}

// parseType parses a type with its optional annotations.
func (p *parser) parseType() *Type {
	p.enter()
	defer p.leave()
	t := p.tok
	if t.kind != tokIdent {
		p.unexpected("a type")
	}
	p.next()
	typ := &Type{Pos: t.pos}
	if k, ok := baseTypes[t.text]; ok {
		typ.Kind = k
	} else {
		switch t.text {
		case "list", "set", "map":
			if p.isKeyword("cpp_type") {
				at := p.tok
				p.next()
				s := p.expect(tokString)
				typ.Annotations = append(typ.Annotations, Annotation{Key: "cpp_type", Value: s.text, Pos: at.pos})
			}
			p.expect(tokLAngle)
			switch t.text {
			case "list":
				typ.Kind = List
			case "set":
				typ.Kind = Set
			case "map":
				typ.Kind = Map
				typ.Key = p.parseType()
				p.expect(tokComma)
			}
			typ.Elem = p.parseType()
			p.expect(tokRAngle)
		case "slist":
			p.fail(t.pos, "slist is deprecated and not supported; use string")
		case "senum":
			p.fail(t.pos, "senum is deprecated and not supported; use an enum or a set<string>")
		case "void":
			p.fail(t.pos, "void is only allowed as a function result")
		default:
			if keywords[t.text] {
				p.fail(t.pos, "expected a type, found keyword %q", t.text)
			}
			typ.Kind = Named
			typ.Name = t.text
		}
	}
	typ.Annotations = append(typ.Annotations, p.optAnnotations()...)
	return typ
}

func (p *parser) optAnnotations() Annotations {
	if p.tok.kind != tokLParen {
		return nil
	}
	return p.annotations()
}

// annotations parses "(key = "value", key2, ...)".
func (p *parser) annotations() Annotations {
	p.expect(tokLParen)
	var out Annotations
	for p.tok.kind != tokRParen {
		k := p.tok
		if k.kind != tokIdent {
			p.unexpected("an annotation name")
		}
		p.next()
		a := Annotation{Key: k.text, Pos: k.pos}
		if p.tok.kind == tokEquals {
			p.next()
			switch p.tok.kind {
			case tokString, tokInt, tokDouble, tokIdent:
				a.Value = p.tok.text
			default:
				p.unexpected("an annotation value")
			}
			p.next()
		}
		p.skipSep()
		out = append(out, a)
	}
	p.next()
	if out == nil {
		out = Annotations{}
	}
	return out
}

// constValue parses a const literal.
func (p *parser) constValue() *ConstValue {
	p.enter()
	defer p.leave()
	t := p.tok
	v := &ConstValue{Pos: t.pos}
	switch t.kind {
	case tokInt:
		p.next()
		v.Kind = ConstInt
		v.Int = p.parseInt(t)
	case tokDouble:
		p.next()
		v.Kind = ConstDouble
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			p.errorf(t.pos, "double literal %s is out of range", t.text)
		}
		v.Double = f
	case tokString:
		p.next()
		v.Kind = ConstString
		v.Str = t.text
	case tokIdent:
		p.next()
		switch t.text {
		case "true", "false":
			v.Kind = ConstBool
			v.Bool = t.text == "true"
		default:
			v.Kind = ConstIdent
			v.Ident = t.text
		}
	case tokLBracket:
		p.next()
		v.Kind = ConstList
		v.List = []*ConstValue{}
		for p.tok.kind != tokRBracket {
			v.List = append(v.List, p.constValue())
			p.skipSep()
		}
		p.next()
	case tokLBrace:
		p.next()
		v.Kind = ConstMap
		v.Map = []ConstMapEntry{}
		for p.tok.kind != tokRBrace {
			k := p.constValue()
			p.expect(tokColon)
			val := p.constValue()
			p.skipSep()
			v.Map = append(v.Map, ConstMapEntry{Key: k, Value: val})
		}
		p.next()
	default:
		p.unexpected("a constant value")
	}
	return v
}

// parseInt converts an integer token (decimal or 0x hex, optionally signed).
func (p *parser) parseInt(t token) int64 {
	s := t.text
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg = true
		s = s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	base := 10
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base = 16
		s = s[2:]
	}
	u, err := strconv.ParseUint(s, base, 64)
	switch {
	case err != nil && base == 16 && s == "":
		return 0 // already reported by the lexer
	case err != nil || !neg && u > math.MaxInt64 || neg && u > 1<<63:
		p.errorf(t.pos, "integer literal %s does not fit in 64 bits", t.text)
		return 0
	case neg:
		return -int64(u-1) - 1
	}
	return int64(u)
}
