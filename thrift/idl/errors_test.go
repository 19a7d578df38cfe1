package idl

import (
	"errors"
	"strings"
	"testing"
)

// errorsOf flattens the error returned by Parse or ParseFile.
func errorsOf(t *testing.T, err error) []*Error {
	t.Helper()
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	if err != nil {
		t.Fatalf("error %v (%T) is neither *Error nor ErrorList", err, err)
	}
	return nil
}

// wantError asserts that err holds an error at pos whose message contains msg.
func wantError(t *testing.T, err error, pos, msg string) {
	t.Helper()
	errs := errorsOf(t, err)
	if len(errs) == 0 {
		t.Fatalf("no error; want %s: ...%s...", pos, msg)
	}
	for _, e := range errs {
		if e.Pos.String() == pos && strings.Contains(e.Msg, msg) {
			return
		}
	}
	t.Fatalf("want an error %s: ...%s...; got:\n%v", pos, msg, err)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		pos  string
		msg  string
	}{
		// Syntax.
		{"missing brace", "struct S { 1: i32 a", "t.thrift:1:20", "expected '}', found end of file"},
		{"missing type", "struct S { 1: a }", "t.thrift:1:17", "expected a field name, found '}'"},
		{"missing field name", "struct S { 1: i32 }", "t.thrift:1:19", "expected a field name"},
		{"missing colon", "struct S { 1 i32 a }", "t.thrift:1:14", "expected ':'"},
		{"bad top level", "1: i32 a", "t.thrift:1:1", "expected a definition, found integer 1"},
		{"unknown keyword", "structure S {}", "t.thrift:1:1", "expected a definition, found 'structure'"},
		{"illegal character", "struct S { 1: i32 a @ }", "t.thrift:1:21", "illegal character \"@\""},
		{"unterminated string", "const string S = \"abc", "t.thrift:1:18", "string literal not terminated"},
		{"newline in string", "const string S = 'ab\ncd'", "t.thrift:1:18", "newline in string literal"},
		{"bad escape", `const string S = "a\qb"`, "t.thrift:1:20", `unknown escape sequence \q`},
		{"bad unicode escape", `const string S = "\u12"`, "t.thrift:1:19", `malformed \u escape`},
		{"unterminated comment", "struct S {}\n/* never ends", "t.thrift:2:1", "comment not terminated"},
		{"field id zero", "struct S { 0: i32 a }", "t.thrift:1:12", "field id 0 must be positive"},
		{"field id negative", "struct S { -3: i32 a }", "t.thrift:1:12", "field id -3 must be positive"},
		{"field id too large", "struct S { 40000: i32 a }", "t.thrift:1:12", "field id 40000 is larger than 32767"},
		{"int overflow", "const i64 X = 9223372036854775808", "t.thrift:1:15", "does not fit in 64 bits"},
		{"hex overflow", "const i64 X = 0x10000000000000000", "t.thrift:1:15", "does not fit in 64 bits"},
		{"malformed hex", "const i64 X = 0x", "t.thrift:1:15", "malformed hex literal"},
		{"keyword as name", "struct S { 1: i32 required }", "t.thrift:1:19", `cannot use keyword "required" as a field name`},
		{"keyword as struct name", "struct list {}", "t.thrift:1:8", `cannot use keyword "list"`},
		{"void field", "struct S { 1: void a }", "t.thrift:1:15", "void is only allowed as a function result"},
		{"header after definition", "struct S {}\nnamespace go x", "t.thrift:2:1", "namespace must come before all definitions"},
		{"include after definition", "struct S {}\ninclude \"a.thrift\"", "t.thrift:2:1", "include must come before all definitions"},
		{"malformed identifier", "struct S { 1: a..b c }", "t.thrift:1:15", `malformed identifier "a..b"`},
		{"deep nesting", "typedef " + strings.Repeat("list<", 200) + "i32" + strings.Repeat(">", 200) + " T",
			"t.thrift:1:509", "nesting deeper than 100 levels"},
		{"enum value not int", "enum E { A = \"x\" }", "t.thrift:1:14", "expected an integer enum value"},
		{"enum value out of range", "enum E { A = 0x80000000 }", "t.thrift:1:10", "out of the i32 range"},
		{"map without comma", "typedef map<i32 i32> M", "t.thrift:1:17", "expected ','"},
		{"annotation without name", "struct S {} (= \"x\")", "t.thrift:1:14", "expected an annotation name"},

		// Deprecated constructs.
		{"senum", "senum S { \"a\" }", "t.thrift:1:1", "senum is deprecated"},
		{"slist", "struct S { 1: slist a }", "t.thrift:1:15", "slist is deprecated"},
		{"xsd_optional", "struct S { 1: i32 a xsd_optional }", "t.thrift:1:21", "xsd_optional is deprecated"},
		{"xsd_all", "struct S xsd_all { 1: i32 a }", "t.thrift:1:10", "xsd_all is deprecated"},
		{"php_namespace", "php_namespace Foo", "t.thrift:1:1", "php_namespace is deprecated"},
		{"cpp_namespace", "cpp_namespace foo", "t.thrift:1:1", "use \"namespace <scope> <name>\""},
		{"xsd_namespace", "xsd_namespace \"x\"", "t.thrift:1:1", "xsd_namespace is deprecated"},

		// Duplicates.
		{"duplicate field id", "struct S {\n  1: i32 a\n  1: i32 b\n}", "t.thrift:3:10", "duplicate field id 1 in struct S (a and b)"},
		{"duplicate field name", "struct S {\n  1: i32 a\n  2: i64 a\n}", "t.thrift:3:10", "duplicate field name a in struct S"},
		{"duplicate arg id", "service X { void f(1: i32 a, 1: i32 b) }", "t.thrift:1:37", "duplicate field id 1 in arguments of function X.f"},
		{"duplicate throws name", "exception E {}\nservice X { void f() throws (1: E e, 2: E e) }", "t.thrift:2:43", "duplicate field name e in throws of function X.f"},
		{"duplicate declaration", "struct A {}\nenum A { X }", "t.thrift:2:6", "duplicate declaration of A (previous declaration at t.thrift:1:8)"},
		{"duplicate across kinds", "typedef i32 T\nconst i32 T = 1", "t.thrift:2:11", "duplicate declaration of T"},
		{"duplicate enum value name", "enum E {\n  A,\n  B,\n  A = 7\n}", "t.thrift:4:3", "duplicate enum value name E.A"},
		{"duplicate function", "service X {\n  void f()\n  i32 f()\n}", "t.thrift:3:7", "duplicate function f in service X"},

		// Unknown names.
		{"unknown type", "struct S { 1: Missing m }", "t.thrift:1:15", "unknown type Missing"},
		{"unknown type in container", "struct S { 1: map<string, list<Missing>> m }", "t.thrift:1:32", "unknown type Missing"},
		{"unknown include prefix", "struct S { 1: other.T t }", "t.thrift:1:15", `unknown include prefix "other" in type other.T`},
		{"unknown type in result", "service X { Nope f() }", "t.thrift:1:13", "unknown type Nope"},
		{"service as type", "service X {}\nstruct S { 1: X x }", "t.thrift:2:15", "X is a service, not a type"},
		{"const as type", "const i32 C = 1\nstruct S { 1: C c }", "t.thrift:2:15", "C is a const, not a type"},
		{"extends unknown", "service X extends Y {}", "t.thrift:1:9", "service X extends unknown service Y"},
		{"extends non-service", "struct Y {}\nservice X extends Y {}", "t.thrift:2:9", "extends Y, which is not a service"},
		{"extends unknown prefix", "service X extends shared.Y {}", "t.thrift:1:9", `unknown include prefix "shared"`},

		// Const and default values.
		{"string for i32", "const i32 X = \"one\"", "t.thrift:1:15", "const X: cannot use string literal as i32"},
		{"i8 out of range", "const i8 X = 128", "t.thrift:1:14", "const X: value 128 out of range for byte"},
		{"i8 negative out of range", "const byte X = -129", "t.thrift:1:16", "value -129 out of range for byte"},
		{"i16 out of range", "const i16 X = 0x8000", "t.thrift:1:15", "value 32768 out of range for i16"},
		{"i32 out of range", "const i32 X = 2147483648", "t.thrift:1:15", "value 2147483648 out of range for i32"},
		{"int for string", "const string X = 1", "t.thrift:1:18", "cannot use int literal as string"},
		{"double for i64", "const i64 X = 1.5", "t.thrift:1:15", "cannot use double literal as i64"},
		{"int for bool", "const bool X = 2", "t.thrift:1:16", "cannot use int literal as bool"},
		{"list for map", "const map<string, i32> X = [1, 2]", "t.thrift:1:28", "cannot use list literal as map<string,i32>"},
		{"map for list", "const list<i32> X = {1: 2}", "t.thrift:1:21", "cannot use map literal as list<i32>"},
		{"bad list element", "const list<i32> X = [1, \"two\"]", "t.thrift:1:25", "cannot use string literal as i32"},
		{"bad map value", "const map<string, i16> X = {\"a\": 70000}", "t.thrift:1:34", "value 70000 out of range for i16"},
		{"bad uuid", "const uuid U = \"not-a-uuid\"", "t.thrift:1:16", "is not a valid uuid"},
		{"unknown enum value", "enum Color { RED }\nconst Color C = Color.PURPLE", "t.thrift:2:17", "unknown enum value Color.PURPLE"},
		{"unknown enum int", "enum Color { RED = 1 }\nconst Color C = 7", "t.thrift:2:17", "enum Color has no value 7"},
		{"wrong enum", "enum A { X }\nenum B { Y }\nconst A C = B.Y", "t.thrift:3:13", "cannot use value of enum B as enum A"},
		{"enum value for string", "enum A { X }\nconst string C = A.X", "t.thrift:2:18", "cannot use enum value A.X as string"},
		{"unknown const", "const i32 X = NOPE", "t.thrift:1:15", "const X: unknown const NOPE"},
		{"const of wrong type", "const string S = \"a\"\nconst i32 X = S", "t.thrift:2:15", "cannot use const S of type string as i32"},
		{"const list of wrong element type", "const list<i32> A = [1]\nconst list<string> B = A", "t.thrift:2:24", "cannot use const A of type list<i32> as list<string>"},
		{"const map of wrong value type", "const map<string, list<i32>> A = {}\nconst map<string, list<i64>> B = A", "t.thrift:2:34", "cannot use const A of type map<string,list<i32>> as map<string,list<i64>>"},
		{"const map of wrong key type", "const map<i32, i32> A = {}\nconst map<i64, i32> B = A", "t.thrift:2:25", "cannot use const A"},
		{"const of other struct", "struct P {}\nstruct Q {}\nconst P A = {}\nconst Q B = A", "t.thrift:4:13", "cannot use const A of type P as Q"},
		{"const of other enum", "enum E { X }\nenum F { Y }\nconst E A = E.X\nconst F B = A", "t.thrift:4:13", "cannot use const A of type E as F"},
		{"unknown struct field", "struct P { 1: i32 x }\nconst P O = {\"z\": 1}", "t.thrift:2:14", "struct P has no field z"},
		{"struct literal wrong field type", "struct P { 1: i32 x }\nconst P O = {\"x\": \"s\"}", "t.thrift:2:19", "cannot use string literal as i32"},
		{"struct from list", "struct P { 1: i32 x }\nconst P O = [1]", "t.thrift:2:13", "cannot use list literal as struct P"},
		{"union literal two fields", "union U { 1: i32 a, 2: i32 b }\nconst U X = {\"a\": 1, \"b\": 2}", "t.thrift:2:13", "union U literal sets 2 fields"},
		{"bad default", "struct S { 1: i32 a = \"x\" }", "t.thrift:1:23", "default value of a: cannot use string literal as i32"},
		{"bad default through typedef", "typedef i8 Small\nstruct S { 1: Small a = 300 }", "t.thrift:2:25", "value 300 out of range for byte"},
		{"const cycle", "const i32 A = B\nconst i32 B = A", "t.thrift:1:11", "const cycle: A -> B -> A"},
		{"const self reference", "const list<i32> A = [1, A]", "t.thrift:1:17", "const cycle: A -> A"},

		// Services and structs.
		{"oneway with result", "service X { oneway i32 f() }", "t.thrift:1:24", "oneway function X.f must return void"},
		{"oneway with throws", "exception E {}\nservice X { oneway void f() throws (1: E e) }", "t.thrift:2:25", "oneway function X.f cannot throw exceptions"},
		{"throws non-exception", "struct S {}\nservice X { void f() throws (1: S s) }", "t.thrift:2:33", "function X.f throws S, which is not an exception"},
		{"throws base type", "service X { void f() throws (1: i32 s) }", "t.thrift:1:33", "throws i32, which is not an exception"},
		{"union required", "union U {\n  1: required i32 a\n}", "t.thrift:2:19", "union field a of union U cannot be required"},
		{"typedef cycle", "typedef A B\ntypedef B A", "t.thrift:1:11", "typedef cycle: B -> A -> B"},
		{"typedef self cycle", "typedef T T", "t.thrift:1:11", "typedef cycle: T -> T"},
		{"service cycle", "service A extends B {}\nservice B extends A {}", "t.thrift:1:9", "service inheritance cycle: A -> B -> A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.thrift", []byte(tt.src))
			wantError(t, err, tt.pos, tt.msg)
		})
	}
}

func TestErrorListReportsSeveral(t *testing.T) {
	src := `struct S {
  1: i32 a
  1: i32 b
}
struct T { 1: Missing m }
const i8 C = 1000
service X { oneway i32 f() }
`
	_, err := Parse("t.thrift", []byte(src))
	errs := errorsOf(t, err)
	if len(errs) != 4 {
		t.Fatalf("got %d errors, want 4:\n%v", len(errs), err)
	}
	want := []string{"t.thrift:3:10", "t.thrift:5:15", "t.thrift:6:14", "t.thrift:7:24"}
	for i, e := range errs {
		if e.Pos.String() != want[i] {
			t.Errorf("error %d at %s, want %s (sorted by position)", i, e.Pos, want[i])
		}
	}
	if _, ok := err.(ErrorList); !ok {
		t.Errorf("err is %T, want ErrorList", err)
	}
	if got := strings.Count(err.Error(), "\n"); got != 3 {
		t.Errorf("ErrorList.Error() has %d newlines, want 3", got)
	}
	var e *Error
	if !errors.As(err, &e) || e != errs[0] {
		t.Errorf("errors.As(ErrorList, *Error) did not find the first error")
	}
}

func TestSyntaxErrorRecovery(t *testing.T) {
	// Each broken definition is reported; parsing resumes at the next one.
	src := "struct A { 1: i32 }\nstruct B { 1: i32 ok }\nenum C { = }\nservice D { void f( }\n"
	doc, err := Parse("t.thrift", []byte(src))
	errs := errorsOf(t, err)
	if len(errs) != 3 {
		t.Fatalf("got %d errors, want 3:\n%v", len(errs), err)
	}
	for i, line := range []int{1, 3, 4} {
		if errs[i].Pos.Line != line {
			t.Errorf("error %d on line %d, want %d: %v", i, errs[i].Pos.Line, line, errs[i])
		}
	}
	if doc == nil || len(doc.Structs) != 1 || doc.Structs[0].Name != "B" {
		t.Errorf("partial document should hold struct B; got %+v", doc)
	}
}

func TestSyntaxErrorLimit(t *testing.T) {
	src := strings.Repeat("struct { }\n", 50)
	_, err := Parse("t.thrift", []byte(src))
	if n := len(errorsOf(t, err)); n != maxSyntaxErrors {
		t.Fatalf("got %d errors, want the cap %d", n, maxSyntaxErrors)
	}
}

func TestErrorFormatting(t *testing.T) {
	e := &Error{Pos: Pos{File: "a.thrift", Line: 3, Col: 7}, Msg: "boom"}
	if got := e.Error(); got != "a.thrift:3:7: boom" {
		t.Errorf("Error() = %q", got)
	}
	l := ErrorList{e, {Pos: Pos{File: "b.thrift", Line: 1, Col: 1}, Msg: "bang"}}
	if got := l.Error(); got != "a.thrift:3:7: boom\nb.thrift:1:1: bang" {
		t.Errorf("ErrorList.Error() = %q", got)
	}
	if got := (ErrorList{}).Error(); got != "no errors" {
		t.Errorf("empty ErrorList.Error() = %q", got)
	}
}
