package idl

import (
	"math"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := Parse("t.thrift", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

func TestNamespaces(t *testing.T) {
	doc := mustParse(t, `
namespace go example.com/x/echo
namespace * echo
namespace py.twisted a.b.c // trailing comment
namespace java "com.example.quoted"
namespace xsd test (uri = 'http://example.com/ns')
namespace cpp foo.bar#comment right after
namespace rb first
namespace rb second
`)
	want := map[string]string{
		"go": "example.com/x/echo", "*": "echo", "py.twisted": "a.b.c",
		"java": "com.example.quoted", "xsd": "test", "cpp": "foo.bar", "rb": "second",
	}
	if len(doc.Namespaces) != len(want) {
		t.Errorf("got %d namespaces %v, want %d", len(doc.Namespaces), doc.Namespaces, len(want))
	}
	for k, v := range want {
		if doc.Namespaces[k] != v {
			t.Errorf("namespace %q = %q, want %q", k, doc.Namespaces[k], v)
		}
	}
	if ns, ok := doc.Namespace("netstd"); !ok || ns != "echo" {
		t.Errorf(`Namespace("netstd") = %q, %v; want the "*" fallback`, ns, ok)
	}
	if ns, _ := doc.Namespace("go"); ns != "example.com/x/echo" {
		t.Errorf(`Namespace("go") = %q`, ns)
	}
}

func TestIncludesRecorded(t *testing.T) {
	doc := mustParse(t, `include "shared.thrift"
include 'dir/other.thrift'
cpp_include "<vector>"
struct S { 1: shared.SharedStruct a; 2: other.Thing b }
service X extends shared.SharedService {}
`)
	if len(doc.Includes) != 2 || doc.Includes[0].Path != "shared.thrift" || doc.Includes[1].Path != "dir/other.thrift" {
		t.Fatalf("includes = %+v", doc.Includes)
	}
	if doc.Includes[0].Doc != nil {
		t.Errorf("Parse must not load includes")
	}
	if got := doc.Includes[1].Name(); got != "other" {
		t.Errorf("Include.Name() = %q, want other", got)
	}
	if doc.Includes[0].Pos.String() != "t.thrift:1:1" {
		t.Errorf("include pos = %s", doc.Includes[0].Pos)
	}
	if len(doc.CppIncludes) != 1 || doc.CppIncludes[0] != "<vector>" {
		t.Errorf("cpp includes = %v", doc.CppIncludes)
	}
	// Names through an unloaded include stay unresolved, without error.
	ft := doc.Structs[0].Fields[0].Type
	if ft.Kind != Named || ft.Name != "shared.SharedStruct" || ft.Struct != nil || ft.Decl != nil {
		t.Errorf("field type = %+v", ft)
	}
	if s := doc.Services[0]; s.Extends != "shared.SharedService" || s.Base != nil {
		t.Errorf("service = %+v", s)
	}
}

func TestDocumentName(t *testing.T) {
	for path, want := range map[string]string{
		"a/b/shared.thrift": "shared", "echo.thrift": "echo", `c:\x\y.thrift`: "y", "noext": "noext",
	} {
		doc, err := Parse(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Name != want || doc.Path != path {
			t.Errorf("Parse(%q): Name %q Path %q, want Name %q", path, doc.Name, doc.Path, want)
		}
	}
}

func TestTypes(t *testing.T) {
	doc := mustParse(t, `
struct S {
  1: bool a
  2: byte b
  3: i8 c
  4: i16 d
  5: i32 e
  6: i64 f
  7: double g
  8: string h
  9: binary i
  10: uuid j
  11: list<i32> k
  12: set<string> l
  13: map<string, list<i64>> m
  14: list<i64> (go.type = "[]int64", bare) n
  15: S o
  16: map cpp_type "std::unordered_map<int, int>" <i32, i32> p
}`)
	fields := doc.Structs[0].Fields
	wantKinds := []TypeKind{Bool, Byte, Byte, I16, I32, I64, Double, String, Binary, UUID, List, Set, Map, List, Named, Map}
	for i, k := range wantKinds {
		if fields[i].Type.Kind != k {
			t.Errorf("field %s: kind %v, want %v", fields[i].Name, fields[i].Type.Kind, k)
		}
	}
	if got := fields[12].Type.String(); got != "map<string,list<i64>>" {
		t.Errorf("String() = %q", got)
	}
	m := fields[12].Type
	if m.Key.Kind != String || m.Elem.Kind != List || m.Elem.Elem.Kind != I64 {
		t.Errorf("map type = %+v", m)
	}
	n := fields[13].Type
	if v, ok := n.Annotations.Get("go.type"); !ok || v != "[]int64" {
		t.Errorf("type annotation go.type = %q, %v", v, ok)
	}
	if v, ok := n.Annotations.Get("bare"); !ok || v != "" {
		t.Errorf("bare annotation = %q, %v", v, ok)
	}
	if _, ok := n.Annotations.Get("missing"); ok {
		t.Errorf("Get(missing) found something")
	}
	if o := fields[14].Type; o.Struct != doc.Structs[0] || o.Decl != doc {
		t.Errorf("self-reference not resolved: %+v", o)
	}
	if v, _ := fields[15].Type.Annotations.Get("cpp_type"); v != "std::unordered_map<int, int>" {
		t.Errorf("cpp_type = %q", v)
	}
	if fields[10].Type.Pos.String() != "t.thrift:13:7" {
		t.Errorf("type pos = %s", fields[10].Type.Pos)
	}
}

func TestTypedefUnderlying(t *testing.T) {
	doc := mustParse(t, `
typedef C B
typedef i64 A
typedef A C (td = "1")
enum E { X }
typedef E F
struct S {}
typedef S T
typedef list<B> L
`)
	td := map[string]*Typedef{}
	for _, x := range doc.Typedefs {
		td[x.Name] = x
	}
	if u := td["B"].Type.Underlying(); u.Kind != I64 {
		t.Errorf("B underlying = %v, want i64", u.Kind)
	}
	if td["B"].Type.Typedef != td["C"] || td["C"].Type.Typedef != td["A"] {
		t.Errorf("typedef chain not resolved")
	}
	if v, _ := td["C"].Annotations.Get("td"); v != "1" {
		t.Errorf("typedef annotation = %q", v)
	}
	if u := td["F"].Type.Underlying(); u.Kind != Named || u.Enum != doc.Enums[0] {
		t.Errorf("F underlying = %+v, want the enum", u)
	}
	if u := td["T"].Type.Underlying(); u.Kind != Named || u.Struct != doc.Structs[0] {
		t.Errorf("T underlying = %+v, want the struct", u)
	}
	if u := td["L"].Type.Underlying(); u.Kind != List || u.Elem.Underlying().Kind != I64 {
		t.Errorf("L underlying = %+v", u)
	}
	var nilType *Type
	if nilType.Underlying() != nil || nilType.String() != "void" {
		t.Errorf("nil type")
	}
}

func TestConsts(t *testing.T) {
	doc := mustParse(t, `
enum Color { RED, GREEN = 5, BLUE }
const i32 DEC = 42
const i32 NEG = -42
const i64 HEX = 0x7FfF
const i64 NEGHEX = -0x10
const i64 MIN = -9223372036854775808
const i64 MAX = 9223372036854775807
const i8 PLUS = +7
const double D1 = 1.5e3
const double D2 = -2E-2
const double D3 = .25
const double D4 = 7
const string S1 = 'it\'s'
const string S2 = "tab\t\"q\" \\ \n \u00e9 \ud83d\ude00"
const bool T = true
const bool F = false
const bool B1 = 1
const list<i32> L = [1, 2; 3 4,]
const set<string> SET = ["a", "b"]
const map<string, list<i32>> M = {"a": [1], 'b': [], "c": [DEC, NEG]}
const Color C1 = Color.GREEN
const Color C2 = BLUE
const Color C3 = 5
const i32 CI = Color.BLUE
const i32 REF = DEC
const double DREF = DEC
struct P { 1: i32 x, 2: list<P> kids, 3: Color c }
const P ORIGIN = {"x": 0, "kids": [{"x": 1}], "c": Color.RED}
const uuid U = "00112233-4455-6677-8899-aabbccddeeff"
const uuid U2 = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
const list<i32> EMPTY = {}
`)
	c := map[string]*Const{}
	for _, x := range doc.Consts {
		c[x.Name] = x
	}
	ints := map[string]int64{"DEC": 42, "NEG": -42, "HEX": 0x7fff, "NEGHEX": -16, "MIN": math.MinInt64, "MAX": math.MaxInt64, "PLUS": 7}
	for name, want := range ints {
		if v := c[name].Value; v.Kind != ConstInt || v.Int != want {
			t.Errorf("%s = %+v, want int %d", name, v, want)
		}
	}
	doubles := map[string]float64{"D1": 1500, "D2": -0.02, "D3": 0.25}
	for name, want := range doubles {
		if v := c[name].Value; v.Kind != ConstDouble || v.Double != want {
			t.Errorf("%s = %+v, want double %v", name, v, want)
		}
	}
	if v := c["D4"].Value; v.Kind != ConstInt || v.Int != 7 {
		t.Errorf("D4 = %+v (an int literal stays ConstInt)", v)
	}
	if got := c["S1"].Value.Str; got != "it's" {
		t.Errorf("S1 = %q", got)
	}
	if got := c["S2"].Value.Str; got != "tab\t\"q\" \\ \n é 😀" {
		t.Errorf("S2 = %q", got)
	}
	if v := c["T"].Value; v.Kind != ConstBool || !v.Bool {
		t.Errorf("T = %+v", v)
	}
	if v := c["F"].Value; v.Kind != ConstBool || v.Bool {
		t.Errorf("F = %+v", v)
	}
	if l := c["L"].Value; l.Kind != ConstList || len(l.List) != 4 || l.List[3].Int != 4 {
		t.Errorf("L = %+v", l)
	}
	m := c["M"].Value
	if m.Kind != ConstMap || len(m.Map) != 3 || m.Map[1].Key.Str != "b" || len(m.Map[1].Value.List) != 0 {
		t.Fatalf("M = %+v", m)
	}
	if ref := m.Map[2].Value.List[1]; ref.Kind != ConstIdent || ref.Ident != "NEG" || ref.Const != c["NEG"] {
		t.Errorf("const reference inside a map = %+v", ref)
	}
	color := doc.Enums[0]
	if v := c["C1"].Value; v.Kind != ConstIdent || v.Enum != color || v.EnumValue != color.Values[1] {
		t.Errorf("C1 = %+v", v)
	}
	if v := c["C2"].Value; v.EnumValue != color.Values[2] || v.EnumValue.Value != 6 {
		t.Errorf("C2 (bare value name) = %+v", v)
	}
	if v := c["CI"].Value; v.EnumValue == nil || v.EnumValue.Value != 6 {
		t.Errorf("CI = %+v", v)
	}
	if v := c["REF"].Value; v.Const != c["DEC"] || v.EnumValue != nil {
		t.Errorf("REF = %+v", v)
	}
	o := c["ORIGIN"].Value
	if o.Kind != ConstMap || len(o.Map) != 3 || o.Map[2].Value.EnumValue != color.Values[0] {
		t.Errorf("ORIGIN = %+v", o)
	}
	if c["ORIGIN"].Value.Map[1].Value.List[0].Map[0].Value.Int != 1 {
		t.Errorf("nested struct literal not kept")
	}
	if c["DEC"].Value.Pos.String() != "t.thrift:3:17" {
		t.Errorf("value pos = %s", c["DEC"].Value.Pos)
	}
}

func TestEnums(t *testing.T) {
	doc := mustParse(t, `
enum E {
  A,
  B = 10
  C;
  D = -5, E
  F = 0x7ffffffe
  G (a = "b")
}(enum.anno = "x")
`)
	e := doc.Enums[0]
	want := []struct {
		name     string
		value    int64
		implicit bool
	}{{"A", 0, true}, {"B", 10, false}, {"C", 11, true}, {"D", -5, false}, {"E", -4, true}, {"F", math.MaxInt32 - 1, false}, {"G", math.MaxInt32, true}}
	if len(e.Values) != len(want) {
		t.Fatalf("got %d values", len(e.Values))
	}
	for i, w := range want {
		v := e.Values[i]
		if v.Name != w.name || v.Value != w.value || v.Implicit != w.implicit {
			t.Errorf("value %d = %s=%d implicit=%v, want %s=%d implicit=%v", i, v.Name, v.Value, v.Implicit, w.name, w.value, w.implicit)
		}
	}
	if e.Value("C") != e.Values[2] || e.Value("Z") != nil {
		t.Errorf("Enum.Value lookup")
	}
	if v, _ := e.Values[6].Annotations.Get("a"); v != "b" {
		t.Errorf("enum value annotation = %q", v)
	}
	if v, _ := e.Annotations.Get("enum.anno"); v != "x" {
		t.Errorf("enum annotation = %q", v)
	}
}

func TestEnumImplicitOverflow(t *testing.T) {
	// An implicit value continuing past MaxInt32 is out of range too.
	_, err := Parse("t.thrift", []byte("enum E { F = 0x7fffffff, G }"))
	wantError(t, err, "t.thrift:1:26", "enum value E.G = 2147483648 is out of the i32 range")
}

func TestStructFields(t *testing.T) {
	doc := mustParse(t, `
struct S {
  1: required i32 a = 1 (f.anno = "x"),
  2: optional string b;
  3: list<S> c
  string d
  7: i32 e
  i64 f,
} (s.anno = "y")
union U { 1: i32 a; 2: string b }
exception X { 1: string message }
`)
	s, u, x := doc.Structs[0], doc.Structs[1], doc.Structs[2]
	if s.Kind != StructKindStruct || u.Kind != StructKindUnion || x.Kind != StructKindException {
		t.Errorf("kinds = %v %v %v", s.Kind, u.Kind, x.Kind)
	}
	if s.Kind.String() != "struct" || u.Kind.String() != "union" || x.Kind.String() != "exception" {
		t.Errorf("kind names")
	}
	type fw struct {
		id       int16
		name     string
		req      Requiredness
		implicit bool
	}
	want := []fw{{1, "a", Required, false}, {2, "b", Optional, false}, {3, "c", Default, false},
		{-1, "d", Default, true}, {7, "e", Default, false}, {-2, "f", Default, true}}
	if len(s.Fields) != len(want) {
		t.Fatalf("got %d fields", len(s.Fields))
	}
	for i, w := range want {
		f := s.Fields[i]
		if f.ID != w.id || f.Name != w.name || f.Requiredness != w.req || f.IDImplicit != w.implicit {
			t.Errorf("field %d = {%d %s %v %v}, want %+v", i, f.ID, f.Name, f.Requiredness, f.IDImplicit, w)
		}
	}
	a := s.Fields[0]
	if a.Default == nil || a.Default.Int != 1 {
		t.Errorf("default = %+v", a.Default)
	}
	if v, _ := a.Annotations.Get("f.anno"); v != "x" {
		t.Errorf("field annotation = %q", v)
	}
	if v, _ := s.Annotations.Get("s.anno"); v != "y" {
		t.Errorf("struct annotation = %q", v)
	}
	if a.Pos.String() != "t.thrift:3:19" || s.Pos.String() != "t.thrift:2:8" {
		t.Errorf("positions: field %s struct %s", a.Pos, s.Pos)
	}
	if Required.String() != "required" || Optional.String() != "optional" || Default.String() != "default" {
		t.Errorf("requiredness names")
	}
}

func TestServices(t *testing.T) {
	doc := mustParse(t, `
exception E { 1: string why }
service Base { void ping() }
service S extends Base {
  oneway void fire(1: string e),
  i32 add(1: i32 a, 2: i32 b = 2) throws (1: E e) (fn.anno = "f");
  list<map<string, i32>> lists()
  async void old()
  void noargs_no_sep() i64 next_on_same_line()
} (svc.anno = "s")
`)
	base, s := doc.Services[0], doc.Services[1]
	if s.Extends != "Base" || s.Base != base || s.BaseDoc != doc {
		t.Errorf("extends not resolved: %+v", s)
	}
	if len(s.Functions) != 6 {
		t.Fatalf("got %d functions", len(s.Functions))
	}
	fire, add, lists, old := s.Functions[0], s.Functions[1], s.Functions[2], s.Functions[3]
	if !fire.Oneway || fire.Result != nil || len(fire.Args) != 1 {
		t.Errorf("fire = %+v", fire)
	}
	if add.Oneway || add.Result.Kind != I32 || len(add.Args) != 2 || len(add.Throws) != 1 {
		t.Errorf("add = %+v", add)
	}
	if add.Throws[0].Type.Struct != doc.Structs[0] {
		t.Errorf("throws type not resolved")
	}
	if add.Args[1].Default.Int != 2 {
		t.Errorf("arg default")
	}
	if v, _ := add.Annotations.Get("fn.anno"); v != "f" {
		t.Errorf("function annotation = %q", v)
	}
	if lists.Result.String() != "list<map<string,i32>>" {
		t.Errorf("lists result = %s", lists.Result)
	}
	if !old.Oneway {
		t.Errorf("async is a synonym of oneway")
	}
	if v, _ := s.Annotations.Get("svc.anno"); v != "s" {
		t.Errorf("service annotation = %q", v)
	}
	if add.Pos.String() != "t.thrift:6:7" {
		t.Errorf("function pos = %s", add.Pos)
	}
}

func TestComments(t *testing.T) {
	doc := mustParse(t, `# shell comment
// line comment
/* block
   comment */ struct A { 1: i32 x /* inline */, # trailing
  2: i32 y // trailing
}
/**/ struct B {}
`)
	if len(doc.Structs) != 2 || len(doc.Structs[0].Fields) != 2 {
		t.Fatalf("structs = %+v", doc.Structs)
	}
	for _, s := range doc.Structs {
		if s.Doc != "" {
			t.Errorf("struct %s has doc %q from a non-doc comment", s.Name, s.Doc)
		}
	}
	if f := doc.Structs[0].Fields[1]; f.Doc != "" {
		t.Errorf("a trailing comment on the previous line became doc %q", f.Doc)
	}
}

func TestDocComments(t *testing.T) {
	doc := mustParse(t, `/** File doc. */
namespace go x

/**
 * Struct doc,
 *   indented line.
 */
struct S {
  /** field doc */
  1: i32 a,
  // line doc one
  // line doc two
  2: i32 b
  // separated by a blank line

  3: i32 c
  /// triple
  4: i32 d
  5: i32 e // trailing, not doc for f
  6: i32 f
  /** doc */ 7: i32 g
}

// enum doc
enum E {
  /** value doc */
  A
}

/** const doc */
const i32 K = 1
/** typedef doc */
typedef i32 T

/** service doc */
service X {
  /** function doc */
  void f(
    /** arg doc */
    1: i32 a
  ) throws (
    // throws doc
    1: Ex e
  )
}
exception Ex {}
/** dangling doc at end of file */
`)
	if doc.Doc != "File doc." {
		t.Errorf("document doc = %q", doc.Doc)
	}
	s := doc.Structs[0]
	if s.Doc != "Struct doc,\n  indented line." {
		t.Errorf("struct doc = %q", s.Doc)
	}
	wantField := []string{"field doc", "line doc one\nline doc two", "", "triple", "", "", "doc"}
	for i, w := range wantField {
		if got := s.Fields[i].Doc; got != w {
			t.Errorf("field %s doc = %q, want %q", s.Fields[i].Name, got, w)
		}
	}
	if doc.Enums[0].Doc != "enum doc" || doc.Enums[0].Values[0].Doc != "value doc" {
		t.Errorf("enum docs %q %q", doc.Enums[0].Doc, doc.Enums[0].Values[0].Doc)
	}
	if doc.Consts[0].Doc != "const doc" || doc.Typedefs[0].Doc != "typedef doc" {
		t.Errorf("const/typedef docs %q %q", doc.Consts[0].Doc, doc.Typedefs[0].Doc)
	}
	svc := doc.Services[0]
	fn := svc.Functions[0]
	if svc.Doc != "service doc" || fn.Doc != "function doc" || fn.Args[0].Doc != "arg doc" || fn.Throws[0].Doc != "throws doc" {
		t.Errorf("service docs %q %q %q %q", svc.Doc, fn.Doc, fn.Args[0].Doc, fn.Throws[0].Doc)
	}
}

func TestSeparators(t *testing.T) {
	doc := mustParse(t, `struct A{1:i32 a,2:i32 b;3:i32 c 4:i32 d}struct B{};enum E{X;Y,Z}
const list<i32> L=[1;2,3 4];service S{void a();void b(),void c()}`)
	if len(doc.Structs[0].Fields) != 4 || len(doc.Enums[0].Values) != 3 || len(doc.Services[0].Functions) != 3 {
		t.Errorf("separators mis-parsed: %+v", doc.Decls)
	}
	if len(doc.Consts[0].Value.List) != 4 {
		t.Errorf("list = %+v", doc.Consts[0].Value.List)
	}
}

func TestDeclsInFileOrder(t *testing.T) {
	doc := mustParse(t, `typedef i32 A
struct B {}
const i32 C = 1
enum D { X }
service E {}
union F {}
exception G {}
`)
	var names []string
	for _, d := range doc.Decls {
		names = append(names, d.DeclName())
	}
	if got := strings.Join(names, ","); got != "A,B,C,D,E,F,G" {
		t.Errorf("Decls order = %s", got)
	}
	if _, ok := doc.Decls[1].(*Struct); !ok {
		t.Errorf("Decls[1] is %T", doc.Decls[1])
	}
	if len(doc.Structs) != 3 || doc.Structs[1].Name != "F" {
		t.Errorf("Structs = %d", len(doc.Structs))
	}
	if doc.Decls[2].DeclPos().String() != "t.thrift:3:11" {
		t.Errorf("DeclPos = %s", doc.Decls[2].DeclPos())
	}
}

func TestRecursiveTypesAreLegal(t *testing.T) {
	doc := mustParse(t, `
struct Node {
  1: optional Node next
  2: list<Node> kids
  3: NodeMap byName
  4: optional Tree tree
}
typedef map<string, NodeList> NodeMap
typedef list<Node> NodeList
struct Tree { 1: Node root; 2: optional Tree left; 3: optional Tree right }
const Node N = {"next": {"next": {}}, "kids": [{}, {"kids": []}]}
`)
	n := doc.Structs[0]
	if n.Fields[0].Type.Struct != n || n.Fields[1].Type.Elem.Struct != n {
		t.Errorf("self references not resolved")
	}
	u := n.Fields[2].Type.Underlying()
	if u.Kind != Map || u.Elem.Underlying().Elem.Struct != n {
		t.Errorf("recursion through typedefs not resolved: %v", u)
	}
}

func TestFieldIDsImplicitLikeApache(t *testing.T) {
	doc := mustParse(t, `service S { void f(i32 a, i32 b, 5: i32 c, i32 d) }`)
	args := doc.Services[0].Functions[0].Args
	want := []int16{-1, -2, 5, -3}
	for i, w := range want {
		if args[i].ID != w || args[i].IDImplicit != (w < 0) {
			t.Errorf("arg %s: id %d implicit %v, want %d", args[i].Name, args[i].ID, args[i].IDImplicit, w)
		}
	}
}

func TestStringers(t *testing.T) {
	if Map.String() != "map" || Byte.String() != "byte" || TypeKind(99).String() != "TypeKind(99)" {
		t.Errorf("TypeKind.String")
	}
	if ConstIdent.String() != "identifier" || ConstValueKind(42).String() != "ConstValueKind(42)" {
		t.Errorf("ConstValueKind.String")
	}
	if StructKind(7).String() != "StructKind(7)" || Requiredness(9).String() != "Requiredness(9)" {
		t.Errorf("enum stringers")
	}
	if (Pos{File: "f", Line: 1, Col: 2}).String() != "f:1:2" {
		t.Errorf("Pos.String")
	}
}

func TestEmptyAndWhitespaceOnly(t *testing.T) {
	for _, src := range []string{"", "   \n\t\r\n", "// only a comment", "/** only doc */", "#!/usr/bin/thrift\n"} {
		doc, err := Parse("t.thrift", []byte(src))
		if err != nil || doc == nil || len(doc.Decls) != 0 {
			t.Errorf("Parse(%q) = %v, %v", src, doc, err)
		}
	}
}

func TestCRLF(t *testing.T) {
	doc := mustParse(t, "struct S {\r\n  1: i32 a\r\n  // doc\r\n  2: i32 b\r\n}\r\n")
	if f := doc.Structs[0].Fields[1]; f.Doc != "doc" || f.Pos.String() != "t.thrift:4:10" {
		t.Errorf("CRLF field = doc %q pos %s", f.Doc, f.Pos)
	}
}

func TestConstReferencesAcrossCompatibleTypes(t *testing.T) {
	doc := mustParse(t, `
typedef list<i32> L
typedef i32 MyInt
enum E { X }
struct P { 1: MyInt n }
const list<i32> A = [1]
const L B = A
const list<MyInt> C = B
const map<string, L> M = {"a": A}
const map<string, list<i32>> M2 = M
const i64 WIDE = 1
const i8 NARROW = WIDE
const double D = NARROW
const E EV = E.X
const E EV2 = EV
const P O = {"n": 1}
const P O2 = O
const list<P> PS = [O, {"n": NARROW}]
const set<E> ES = [EV, E.X, X]
`)
	for _, c := range doc.Consts[1:] {
		if c.Value.Kind == ConstIdent && c.Value.Const == nil && c.Value.EnumValue == nil {
			t.Errorf("const %s: reference %s not resolved", c.Name, c.Value.Ident)
		}
	}
}
