package codegen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

// fileModel is one Thrift document as the printers see it.
type fileModel struct {
	doc        *idl.Document
	pkg        *goPackage
	pl         *planning
	imports    []importSpec // generated packages this file refers to, in order of first use
	decls      []any        // *enumModel, *typedefModel, *constModel, *structModel, *serviceModel in source order
	structs    []*structModel
	usesFmt    bool
	usesErrors bool // a handler matches declared exceptions with errors.As
	// services lists the services whose client and handler code is generated (Binary codec only).
	services []*serviceModel
}

type importSpec struct{ alias, path string }

type enumModel struct {
	src    *idl.Enum
	goName string
}

type typedefModel struct {
	src    *idl.Typedef
	goName string
	alias  bool // struct and enum typedefs are aliases so the methods carry over
}

type constModel struct {
	src    *idl.Const
	goName string
}

// structModel is a struct, union or exception, declared or synthesized (service Args/Result).
type structModel struct {
	goName     string
	thriftName string
	kind       idl.StructKind
	doc        string
	fields     []*fieldModel
	required   []*fieldModel
	hasDefault bool // some field has a default value: NewX applies it
	isResult   bool
}

// fieldModel is one field with its Go shape decided.
type fieldModel struct {
	src     *idl.Field
	id      int16
	name    string // thrift name
	goName  string
	typ     *idl.Type
	goType  string // declared Go type of the struct field
	ptr     bool   // scalar held through a pointer (optional, union, result)
	req     idl.Requiredness
	reqIdx  int // index in structModel.required
	def     *idl.ConstValue
	fixed   bool // fixed-size wire value (written first)
	nilable bool // may be nil: pointers, slices, maps, binary
}

type serviceModel struct {
	src     *idl.Service
	goName  string
	methods []*methodModel
	all     []methodRef // flattened, own methods first, then the base's
	base    string
	// baseGo is the Go name of the base service's handler interface, qualified ("shared.SharedService"),
	// or "" without a base; its client is baseGo+"Client", built by its package's "New...Client".
	baseGo       string
	baseNewGo    string // qualified constructor of the base's client
	baseClientGo string // qualified base client type, without the package for the embedded field name
}

type methodModel struct {
	fn     *idl.Function
	goName string
	args   *structModel
	result *structModel // nil for oneway
}

type methodRef struct {
	name      string
	oneway    bool
	newArgs   string // Go expression of the constructor
	newResult string // "" for oneway
	handler   string // Go expression of the thrift.MethodInfo Handler
}

// buildFile builds the model of one document.
func buildFile(pl *planning, d *idl.Document) (*fileModel, error) {
	m := &fileModel{doc: d, pkg: pl.pkgs[d], pl: pl}
	names := map[string]idl.Pos{}
	claim := func(name string, pos idl.Pos) error {
		if prev, ok := names[name]; ok {
			return &idl.Error{Pos: pos, Msg: fmt.Sprintf("Go name %s collides with the declaration at %s", name, prev)}
		}
		names[name] = pos
		return nil
	}
	for _, decl := range d.Decls {
		switch x := decl.(type) {
		case *idl.Enum:
			em := &enumModel{src: x, goName: goName(x.Name)}
			if err := claim(em.goName, x.Pos); err != nil {
				return nil, err
			}
			m.usesFmt = true
			m.decls = append(m.decls, em)
		case *idl.Typedef:
			u := x.Type.Underlying()
			tm := &typedefModel{src: x, goName: goName(x.Name), alias: u.Kind == idl.Named}
			if err := claim(tm.goName, x.Pos); err != nil {
				return nil, err
			}
			m.decls = append(m.decls, tm)
		case *idl.Const:
			cm := &constModel{src: x, goName: goName(x.Name)}
			if err := claim(cm.goName, x.Pos); err != nil {
				return nil, err
			}
			m.decls = append(m.decls, cm)
		case *idl.Struct:
			sm, err := m.buildStruct(goName(x.Name), x.Name, x.Kind, x.Doc, x.Fields, false)
			if err != nil {
				return nil, err
			}
			if err := claim(sm.goName, x.Pos); err != nil {
				return nil, err
			}
			m.structs = append(m.structs, sm)
			m.decls = append(m.decls, sm)
		case *idl.Service:
			svc, err := m.buildService(x)
			if err != nil {
				return nil, err
			}
			for _, n := range []string{svc.goName + "ServiceInfo", svc.goName, svc.goName + "Client", "New" + svc.goName + "Client"} {
				if err := claim(n, x.Pos); err != nil {
					return nil, err
				}
			}
			for _, mm := range svc.methods {
				if err := claim(mm.args.goName, mm.fn.Pos); err != nil {
					return nil, err
				}
				m.structs = append(m.structs, mm.args)
				if mm.result != nil {
					if err := claim(mm.result.goName, mm.fn.Pos); err != nil {
						return nil, err
					}
					m.structs = append(m.structs, mm.result)
				}
			}
			m.decls = append(m.decls, svc)
		}
	}
	return m, nil
}

// qual returns the Go reference to a name declared in document d, importing d's package on first use.
func (m *fileModel) qual(d *idl.Document, name string) string {
	if d == nil || d == m.doc {
		return name
	}
	p := m.pl.pkgs[d]
	if p == nil || p.importPath == m.pkg.importPath {
		return name
	}
	for _, im := range m.imports {
		if im.path == p.importPath {
			return im.alias + "." + name
		}
	}
	base := p.name
	if reservedLocal(base) {
		base += "pkg"
	}
	a := base
	for i := 2; reservedLocal(a) || a == m.pkg.name || m.aliasUsed(a); i++ {
		a = base + strconv.Itoa(i)
	}
	m.imports = append(m.imports, importSpec{alias: a, path: p.importPath})
	return a + "." + name
}

// localNames are the identifiers generated functions declare; an import alias must not shadow them.
var localNames = map[string]bool{
	"thrift": true, "fmt": true, "errors": true, "p": true, "b": true, "w": true, "l": true, "n": true,
	"off": true, "linked": true, "t": true, "id": true, "bv": true, "err": true, "depth": true,
	"isset": true, "last": true, "v": true, "e": true, "s": true,
	// predeclared identifiers the generated code uses
	"min": true, "len": true, "make": true, "new": true, "string": true, "bool": true, "int": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "float64": true, "byte": true, "nil": true,
	"true": true, "false": true, "any": true, "error": true,
}

// reservedLocal reports whether a would clash with a generated local: a fixed name or a temporary (a
// lowercase prefix followed by digits, like v1 or arr12).
func reservedLocal(a string) bool {
	if localNames[a] {
		return true
	}
	i := len(a)
	for i > 0 && a[i-1] >= '0' && a[i-1] <= '9' {
		i--
	}
	return i < len(a) && tempPrefixes[a[:i]]
}

var tempPrefixes = map[string]bool{
	"v": true, "n": true, "s": true, "e": true, "k": true, "l": true, "m": true, "arr": true, "x": true,
	"i": true, "et": true, "kt": true, "vt": true, "size": true,
}

func (m *fileModel) aliasUsed(a string) bool {
	for _, im := range m.imports {
		if im.alias == a {
			return true
		}
	}
	return false
}

func (m *fileModel) buildStruct(gname, tname string, kind idl.StructKind, doc string, fields []*idl.Field, result bool) (*structModel, error) {
	sm := &structModel{goName: gname, thriftName: tname, kind: kind, doc: doc, isResult: result}
	seen := map[string]bool{}
	for _, f := range fields {
		fm := &fieldModel{src: f, id: f.ID, name: f.Name, goName: fieldGoName(f), typ: f.Type, req: f.Requiredness, def: f.Default}
		if seen[fm.goName] {
			return nil, &idl.Error{Pos: f.Pos, Msg: fmt.Sprintf("field %s: Go name %s is used twice in %s", f.Name, fm.goName, tname)}
		}
		seen[fm.goName] = true
		u := f.Type.Underlying()
		scalar := isScalar(u)
		optional := f.Requiredness == idl.Optional || kind == idl.StructKindUnion || result
		fm.ptr = scalar && optional
		fm.goType = m.goType(f.Type)
		if fm.ptr {
			fm.goType = "*" + fm.goType
		}
		fm.nilable = !scalar || fm.ptr
		_, fm.fixed = fixedSize(u)
		if f.Requiredness == idl.Required && kind != idl.StructKindUnion {
			fm.reqIdx = len(sm.required)
			sm.required = append(sm.required, fm)
		}
		if f.Default != nil {
			sm.hasDefault = true
		}
		sm.fields = append(sm.fields, fm)
	}
	// A field named like another field's getter or IsSet method (get_name next to name) would clash
	// with that method: it gets a trailing underscore.
	for _, f := range sm.fields {
		for _, prefix := range []string{"Get", "IsSet"} {
			if rest, ok := strings.CutPrefix(f.goName, prefix); ok && seen[rest] {
				f.goName += "_"
			}
		}
	}
	return sm, nil
}

func (m *fileModel) buildService(s *idl.Service) (*serviceModel, error) {
	svc := &serviceModel{src: s, goName: goName(s.Name), base: s.Extends}
	names := map[string]bool{}
	for _, fn := range s.Functions {
		mm := &methodModel{fn: fn, goName: goName(fn.Name)}
		args, err := m.buildStruct(svc.goName+mm.goName+"Args", s.Name+"_"+fn.Name+"_args", idl.StructKindStruct,
			"", fn.Args, false)
		if err != nil {
			return nil, err
		}
		mm.args = args
		if !fn.Oneway {
			var fields []*idl.Field
			if fn.Result != nil {
				fields = append(fields, &idl.Field{ID: 0, Name: "success", Type: fn.Result, Requiredness: idl.Optional, Pos: fn.Pos})
			}
			for _, t := range fn.Throws {
				c := *t
				c.Requiredness = idl.Optional
				fields = append(fields, &c)
			}
			res, err := m.buildStruct(svc.goName+mm.goName+"Result", s.Name+"_"+fn.Name+"_result", idl.StructKindStruct,
				"", fields, true)
			if err != nil {
				return nil, err
			}
			mm.result = res
		}
		svc.methods = append(svc.methods, mm)
		names[fn.Name] = true
		ref := methodRef{name: fn.Name, oneway: fn.Oneway, newArgs: "New" + args.goName + "()", handler: mm.handlerName(svc)}
		if mm.result != nil {
			ref.newResult = "New" + mm.result.goName + "()"
		}
		svc.all = append(svc.all, ref)
	}
	if s.Base != nil {
		bg := goName(s.Base.Name)
		svc.baseGo = m.qual(s.BaseDoc, bg)
		svc.baseNewGo = m.qual(s.BaseDoc, "New"+bg+"Client")
		svc.baseClientGo = m.qual(s.BaseDoc, bg+"Client")
	}
	// Flatten the base services' methods.
	base, baseDoc := s.Base, s.BaseDoc
	for depth := 0; base != nil && depth < 100; depth++ {
		bg := goName(base.Name)
		for _, fn := range base.Functions {
			if names[fn.Name] {
				continue
			}
			names[fn.Name] = true
			prefix := bg + goName(fn.Name)
			ref := methodRef{name: fn.Name, oneway: fn.Oneway, newArgs: m.qual(baseDoc, "New"+prefix+"Args") + "()",
				handler: m.qual(baseDoc, bg+"ServiceInfo") + ".Method(" + quote(fn.Name) + ").Handler"}
			if !fn.Oneway {
				ref.newResult = m.qual(baseDoc, "New"+prefix+"Result") + "()"
			}
			svc.all = append(svc.all, ref)
		}
		if base.BaseDoc != nil {
			baseDoc = base.BaseDoc
		}
		base = base.Base
	}
	return svc, nil
}

// isScalar reports whether an underlying type is held by value and is never nil: everything but
// binary, containers and structs.
func isScalar(u *idl.Type) bool {
	switch u.Kind {
	case idl.Binary, idl.List, idl.Set, idl.Map:
		return false
	case idl.Named:
		return u.Enum != nil
	}
	return true
}

// fixedSize returns the Binary wire size of fixed-size types.
func fixedSize(u *idl.Type) (int, bool) {
	switch u.Kind {
	case idl.Bool, idl.Byte:
		return 1, true
	case idl.I16:
		return 2, true
	case idl.I32:
		return 4, true
	case idl.I64, idl.Double:
		return 8, true
	case idl.UUID:
		return 16, true
	case idl.Named:
		if u.Enum != nil {
			return 4, true
		}
	}
	return 0, false
}

// baseGoType returns the Go type of a base (non-named, non-container) kind.
func baseGoType(k idl.TypeKind) string {
	switch k {
	case idl.Bool:
		return "bool"
	case idl.Byte:
		return "int8"
	case idl.I16:
		return "int16"
	case idl.I32:
		return "int32"
	case idl.I64:
		return "int64"
	case idl.Double:
		return "float64"
	case idl.String:
		return "string"
	case idl.Binary:
		return "[]byte"
	case idl.UUID:
		return "thrift.UUID"
	}
	return ""
}

// goType returns the Go type of a value of type t in a field or container: structs are pointers.
func (m *fileModel) goType(t *idl.Type) string {
	switch t.Kind {
	case idl.List, idl.Set:
		return "[]" + m.goType(t.Elem)
	case idl.Map:
		return "map[" + m.goKeyType(t.Key) + "]" + m.goType(t.Elem)
	case idl.Named:
		switch {
		case t.Typedef != nil:
			n := m.qual(t.Decl, goName(t.Typedef.Name))
			if u := t.Underlying(); u.Kind == idl.Named && u.Struct != nil {
				return "*" + n
			}
			return n
		case t.Enum != nil:
			return m.qual(t.Decl, goName(t.Enum.Name))
		case t.Struct != nil:
			return "*" + m.qual(t.Decl, goName(t.Struct.Name))
		}
		return "any /* unresolved " + t.Name + " */"
	}
	return baseGoType(t.Kind)
}

// keyType returns the type a map key is handled as and whether the Go key is a pointer. Go map keys
// must be comparable: a binary key is held as a string, a container key through a pointer.
func keyType(t *idl.Type) (*idl.Type, bool) {
	if t.Kind == idl.Binary {
		return &idl.Type{Kind: idl.String}, false
	}
	switch t.Underlying().Kind {
	case idl.List, idl.Set, idl.Map, idl.Binary:
		return t, true
	}
	return t, false
}

func (m *fileModel) goKeyType(t *idl.Type) string {
	kt, ptr := keyType(t)
	if ptr {
		return "*" + m.goType(kt)
	}
	return m.goType(kt)
}

// structName returns the Go name (qualified) of the struct a Named struct type (maybe through typedefs)
// refers to, and the struct.
func (m *fileModel) structRef(t *idl.Type) (string, *idl.Struct, *idl.Document) {
	u := t.Underlying()
	return m.qual(u.Decl, goName(u.Struct.Name)), u.Struct, u.Decl
}
