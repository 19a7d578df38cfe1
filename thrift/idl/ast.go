package idl

import (
	"fmt"
	"strings"
)

// Pos is a position in a Thrift source file. Line and Col are 1-based; Col
// counts bytes. The zero Pos means "unknown".
type Pos struct {
	File string // file name as given to Parse or resolved by ParseFile
	Line int    // 1-based line number
	Col  int    // 1-based byte column
}

// String returns "file:line:col".
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is one parse or semantic error with its position.
type Error struct {
	Pos Pos    // where the problem was found
	Msg string // what is wrong, without the position
}

// Error returns "file:line:col: msg".
func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is a list of errors, returned when several checks fail. The
// errors of each file are sorted by position; with ParseFile, the errors of
// an included file come before those of the file that includes it.
type ErrorList []*Error

// Error joins the messages of all errors, one per line.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors of the list, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Annotation is one "key = value" (or bare "key", with an empty Value)
// element of a parenthesised annotation list.
type Annotation struct {
	Key   string // annotation name, e.g. "go.type"
	Value string // unquoted value; empty for a bare key
	Pos   Pos    // position of the key
}

// Annotations is the annotation list of an element, in source order.
type Annotations []Annotation

// Get returns the value of the last annotation named key, and whether one
// exists.
func (a Annotations) Get(key string) (string, bool) {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i].Key == key {
			return a[i].Value, true
		}
	}
	return "", false
}

// Document is one .thrift file after parsing and, for ParseFile, include
// resolution and semantic checks.
type Document struct {
	Path        string            // path as given or as resolved
	Name        string            // file base name without ".thrift": the include prefix, e.g. "shared"
	Namespaces  map[string]string // scope -> name, e.g. "go" -> "example.com/x/echo", "*" -> "echo"
	Includes    []*Include        // include directives in file order
	CppIncludes []string          // cpp_include paths in file order
	Typedefs    []*Typedef        // typedefs in file order
	Consts      []*Const          // consts in file order
	Enums       []*Enum           // enums in file order
	Structs     []*Struct         // structs, unions and exceptions in file order
	Services    []*Service        // services in file order

	// Decls holds every declaration in file order; each element is one of
	// *Typedef, *Const, *Enum, *Struct or *Service. It is meant for
	// generators that want source order.
	Decls []Decl

	// Doc is the doc comment directly before the file's first token when
	// that token is a header (namespace, include or cpp_include).
	Doc string
}

// Namespace returns the namespace for scope, falling back to the "*" scope.
func (d *Document) Namespace(scope string) (string, bool) {
	if ns, ok := d.Namespaces[scope]; ok {
		return ns, true
	}
	ns, ok := d.Namespaces["*"]
	return ns, ok
}

// Include is one include directive.
type Include struct {
	Path string    // path as written, e.g. "shared.thrift"
	Doc  *Document // the included document; nil when parsed with Parse
	Pos  Pos       // position of the include keyword
}

// Name returns the include prefix: the base name of Path without ".thrift".
func (i *Include) Name() string { return baseName(i.Path) }

// Decl is a top-level declaration: *Typedef, *Const, *Enum, *Struct or
// *Service.
type Decl interface {
	// DeclName returns the declared name.
	DeclName() string
	// DeclPos returns the position of the declared name.
	DeclPos() Pos
	decl()
}

// Typedef is "typedef Type Name".
type Typedef struct {
	Name        string      // the new name
	Type        *Type       // the aliased type
	Annotations Annotations // annotations after the name
	Doc         string      // doc comment
	Pos         Pos         // position of the name
}

// Const is "const Type Name = Value".
type Const struct {
	Name        string      // const name
	Type        *Type       // declared type
	Value       *ConstValue // value
	Annotations Annotations // annotations after the value
	Doc         string      // doc comment
	Pos         Pos         // position of the name
}

// Enum is an enum declaration.
type Enum struct {
	Name        string       // enum name
	Values      []*EnumValue // values in source order
	Annotations Annotations  // annotations after the closing brace
	Doc         string       // doc comment
	Pos         Pos          // position of the name
}

// Value returns the value named name, or nil.
func (e *Enum) Value(name string) *EnumValue {
	for _, v := range e.Values {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// EnumValue is one enum member.
type EnumValue struct {
	Name        string      // member name
	Value       int64       // explicit value, or previous value + 1 (0 for the first)
	Annotations Annotations // annotations
	Doc         string      // doc comment
	Pos         Pos         // position of the name
	Implicit    bool        // the value was not written
}

// StructKind tells a struct, a union and an exception apart.
type StructKind int

// Struct kinds.
const (
	StructKindStruct StructKind = iota
	StructKindUnion
	StructKindException
)

// String returns "struct", "union" or "exception".
func (k StructKind) String() string {
	switch k {
	case StructKindStruct:
		return "struct"
	case StructKindUnion:
		return "union"
	case StructKindException:
		return "exception"
	}
	return fmt.Sprintf("StructKind(%d)", int(k))
}

// Struct is a struct, union or exception.
type Struct struct {
	Name        string      // type name
	Kind        StructKind  // struct, union or exception
	Fields      []*Field    // fields in source order
	Annotations Annotations // annotations after the closing brace
	Doc         string      // doc comment
	Pos         Pos         // position of the name
}

// Requiredness is a field's requiredness.
type Requiredness int

// Requiredness values.
const (
	Default Requiredness = iota // neither required nor optional ("opt-in, req-out")
	Required
	Optional
)

// String returns "default", "required" or "optional".
func (r Requiredness) String() string {
	switch r {
	case Default:
		return "default"
	case Required:
		return "required"
	case Optional:
		return "optional"
	}
	return fmt.Sprintf("Requiredness(%d)", int(r))
}

// Field is a struct field, a function argument or a throws entry.
type Field struct {
	ID           int16        // field id; negative when implicit
	Name         string       // field name
	Type         *Type        // field type
	Requiredness Requiredness // default, required or optional
	Default      *ConstValue  // default value, or nil
	Annotations  Annotations  // annotations
	Doc          string       // doc comment
	Pos          Pos          // position of the field name
	IDImplicit   bool         // no id was written; ID was assigned like Apache does (-1, -2, ...)
}

// Service is a service declaration.
type Service struct {
	Name        string      // service name
	Extends     string      // base service as written, e.g. "shared.SharedService"; empty if none
	Base        *Service    // resolved base service, possibly in an included Document; nil if none
	BaseDoc     *Document   // document declaring Base
	Functions   []*Function // functions in source order
	Annotations Annotations // annotations after the closing brace
	Doc         string      // doc comment
	Pos         Pos         // position of the name
}

// Function is one service function.
type Function struct {
	Name        string      // function name
	Oneway      bool        // declared oneway
	Result      *Type       // result type; nil for void
	Args        []*Field    // arguments
	Throws      []*Field    // declared exceptions
	Annotations Annotations // annotations
	Doc         string      // doc comment
	Pos         Pos         // position of the name
}

// TypeKind is the kind of a Type.
type TypeKind int

// Type kinds.
const (
	Bool   TypeKind = iota // bool
	Byte                   // byte and i8
	I16                    // i16
	I32                    // i32
	I64                    // i64
	Double                 // double
	String                 // string
	Binary                 // binary
	UUID                   // uuid
	List                   // list<Elem>
	Set                    // set<Elem>
	Map                    // map<Key, Elem>
	Named                  // a typedef, enum, struct, union or exception, by name
)

var typeKindNames = [...]string{
	Bool: "bool", Byte: "byte", I16: "i16", I32: "i32", I64: "i64", Double: "double",
	String: "string", Binary: "binary", UUID: "uuid", List: "list", Set: "set", Map: "map", Named: "named",
}

// String returns the Thrift spelling of a base kind ("i32", "list", ...),
// or "named".
func (k TypeKind) String() string {
	if k >= 0 && int(k) < len(typeKindNames) {
		return typeKindNames[k]
	}
	return fmt.Sprintf("TypeKind(%d)", int(k))
}

// Type is a type reference.
type Type struct {
	Kind        TypeKind    // kind
	Name        string      // for Named: as written, e.g. "Foo" or "shared.Foo"
	Key         *Type       // Map key
	Elem        *Type       // Map value, List/Set element
	Annotations Annotations // e.g. list<i64> (go.type = "...")
	Pos         Pos         // position of the type

	// Set by resolution for Named: exactly one of Typedef, Enum and Struct,
	// plus the Document that declares it.
	Typedef *Typedef
	Enum    *Enum
	Struct  *Struct
	Decl    *Document
}

// Underlying follows typedef chains to a non-typedef type. An enum or struct
// stays Named. An unresolved Named type is returned as is. On a typedef
// cycle (reported as an error by the checks) it returns a type on the cycle
// instead of looping. It does not allocate.
func (t *Type) Underlying() *Type {
	slow := t // Floyd's cycle detection: slow moves at half speed
	for i := 0; t != nil && t.Kind == Named && t.Typedef != nil; i++ {
		t = t.Typedef.Type
		if i&1 == 1 {
			slow = slow.Typedef.Type
		}
		if t == slow {
			return t
		}
	}
	return t
}

// String returns the type as it would be written in IDL, without annotations.
func (t *Type) String() string {
	if t == nil {
		return "void"
	}
	switch t.Kind {
	case List, Set:
		return t.Kind.String() + "<" + t.Elem.String() + ">"
	case Map:
		return "map<" + t.Key.String() + "," + t.Elem.String() + ">"
	case Named:
		return t.Name
	}
	return t.Kind.String()
}

// ConstValueKind is the kind of a ConstValue literal.
type ConstValueKind int

// Const value kinds.
const (
	ConstInt    ConstValueKind = iota // integer literal, in Int
	ConstDouble                       // floating-point literal, in Double
	ConstString                       // string literal, unescaped, in Str
	ConstBool                         // true or false, in Bool
	ConstList                         // [a, b], in List
	ConstMap                          // {k: v}, in Map (also struct literals)
	ConstIdent                        // an identifier: Enum.VALUE, a const, in Ident
)

// String returns a short name for the kind.
func (k ConstValueKind) String() string {
	switch k {
	case ConstInt:
		return "int"
	case ConstDouble:
		return "double"
	case ConstString:
		return "string"
	case ConstBool:
		return "bool"
	case ConstList:
		return "list"
	case ConstMap:
		return "map"
	case ConstIdent:
		return "identifier"
	}
	return fmt.Sprintf("ConstValueKind(%d)", int(k))
}

// ConstMapEntry is one "key: value" entry of a map literal.
type ConstMapEntry struct {
	Key   *ConstValue // key
	Value *ConstValue // value
}

// ConstValue is a constant literal.
type ConstValue struct {
	Kind   ConstValueKind  // kind
	Int    int64           // ConstInt
	Double float64         // ConstDouble
	Str    string          // ConstString, unescaped
	Bool   bool            // ConstBool
	List   []*ConstValue   // ConstList
	Map    []ConstMapEntry // ConstMap, in source order
	Ident  string          // ConstIdent, as written

	// For ConstIdent, set by resolution: the enum value (and its Enum) or
	// the const it names.
	EnumValue *EnumValue
	Enum      *Enum
	Const     *Const

	Pos Pos // position of the literal
}

func (*Typedef) decl() {}
func (*Const) decl()   {}
func (*Enum) decl()    {}
func (*Struct) decl()  {}
func (*Service) decl() {}

// DeclName returns the typedef's name.
func (d *Typedef) DeclName() string { return d.Name }

// DeclName returns the const's name.
func (d *Const) DeclName() string { return d.Name }

// DeclName returns the enum's name.
func (d *Enum) DeclName() string { return d.Name }

// DeclName returns the struct's name.
func (d *Struct) DeclName() string { return d.Name }

// DeclName returns the service's name.
func (d *Service) DeclName() string { return d.Name }

// DeclPos returns the position of the typedef's name.
func (d *Typedef) DeclPos() Pos { return d.Pos }

// DeclPos returns the position of the const's name.
func (d *Const) DeclPos() Pos { return d.Pos }

// DeclPos returns the position of the enum's name.
func (d *Enum) DeclPos() Pos { return d.Pos }

// DeclPos returns the position of the struct's name.
func (d *Struct) DeclPos() Pos { return d.Pos }

// DeclPos returns the position of the service's name.
func (d *Service) DeclPos() Pos { return d.Pos }

// baseName returns the base name of path without a ".thrift" suffix.
func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		path = path[i+1:]
	}
	return strings.TrimSuffix(path, ".thrift")
}
