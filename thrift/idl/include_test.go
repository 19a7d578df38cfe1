package idl

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes name -> content under a new temporary directory and
// returns the directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTutorialExtendsAcrossInclude(t *testing.T) {
	doc, err := ParseFile("testdata/tutorial.thrift")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Includes) != 1 || doc.Includes[0].Doc == nil {
		t.Fatalf("include not loaded: %+v", doc.Includes)
	}
	shared := doc.Includes[0].Doc
	if shared.Name != "shared" || shared.Path != filepath.Join("testdata", "shared.thrift") {
		t.Errorf("included doc Name %q Path %q", shared.Name, shared.Path)
	}
	calc := doc.Services[0]
	if calc.Name != "Calculator" || calc.Base != shared.Services[0] || calc.BaseDoc != shared {
		t.Errorf("Calculator.Base = %+v", calc.Base)
	}
	if calc.Base.Functions[0].Result.Struct != shared.Structs[0] {
		t.Errorf("SharedService.getStruct result not resolved")
	}
	if got := doc.Consts[1].Value.Map[1].Value.Str; got != "moon" {
		t.Errorf("MAPCONSTANT goodnight = %q", got)
	}
	if w := doc.Structs[0]; w.Fields[2].Type.Enum != doc.Enums[0] || w.Fields[0].Default.Int != 0 {
		t.Errorf("Work fields not resolved")
	}
}

func TestIncludeResolution(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.thrift": `include "sub/b.thrift"
include "lib.thrift"
struct M {
  1: b.T t
  2: b.E e = b.E.Y
  3: i32 k = b.K
  4: lib.L l
  5: list<b.Alias> as
}
service S extends b.Base {
  void f() throws (1: b.Ex ex)
}`,
		"sub/b.thrift": `include "c.thrift"
enum E { X, Y }
const i32 K = 7
struct T { 1: c.C c }
typedef c.C Alias
exception Ex {}
service Base extends c.Root {}`,
		"sub/c.thrift":     `struct C {} service Root { void root() }`,
		"inc/lib.thrift":   `struct L {}`,
		"other/lib.thrift": `struct WrongOne {}`,
	})
	doc, err := ParseFileWithOptions(filepath.Join(dir, "main.thrift"), Options{
		IncludeDirs: []string{filepath.Join(dir, "inc"), filepath.Join(dir, "other")},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, lib := doc.Includes[0].Doc, doc.Includes[1].Doc
	if b == nil || lib == nil {
		t.Fatalf("includes not loaded")
	}
	if lib.Path != filepath.Join(dir, "inc", "lib.thrift") {
		t.Errorf("lib resolved to %s, want the first search dir", lib.Path)
	}
	c := b.Includes[0].Doc
	if c == nil || c.Path != filepath.Join(dir, "sub", "c.thrift") {
		t.Fatalf("c.thrift must resolve relative to sub/b.thrift, got %+v", b.Includes[0])
	}
	f := doc.Structs[0].Fields
	if f[0].Type.Struct != b.Structs[0] || f[0].Type.Decl != b {
		t.Errorf("b.T not resolved: %+v", f[0].Type)
	}
	if v := f[1].Default; v.EnumValue != b.Enums[0].Values[1] || v.Enum != b.Enums[0] {
		t.Errorf("b.E.Y not resolved: %+v", v)
	}
	if v := f[2].Default; v.Const != b.Consts[0] {
		t.Errorf("b.K not resolved: %+v", v)
	}
	if f[3].Type.Struct != lib.Structs[0] {
		t.Errorf("lib.L not resolved")
	}
	if u := f[4].Type.Elem.Underlying(); u.Struct != c.Structs[0] || u.Decl != c {
		t.Errorf("typedef across two includes not followed: %+v", u)
	}
	s := doc.Services[0]
	if s.Base != b.Services[0] || s.Base.Base != c.Services[0] {
		t.Errorf("extends chain across files not resolved")
	}
	if s.Functions[0].Throws[0].Type.Struct != b.Structs[1] {
		t.Errorf("throws of an included exception not resolved")
	}
}

func TestIncludeDiamondParsedOnce(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.thrift": `include "b.thrift"
include "c.thrift"
struct A { 1: b.B b; 2: c.C c }`,
		"b.thrift": `include "d.thrift"
struct B { 1: d.D d }`,
		"c.thrift": `include "./d.thrift"
struct C { 1: d.D d }`,
		"d.thrift": `struct D {}`,
	})
	doc, err := ParseFile(filepath.Join(dir, "a.thrift"))
	if err != nil {
		t.Fatal(err)
	}
	d1 := doc.Includes[0].Doc.Includes[0].Doc
	d2 := doc.Includes[1].Doc.Includes[0].Doc
	if d1 == nil || d1 != d2 {
		t.Fatalf("d.thrift loaded twice: %p %p", d1, d2)
	}
	if doc.Includes[0].Doc.Structs[0].Fields[0].Type.Struct != doc.Includes[1].Doc.Structs[0].Fields[0].Type.Struct {
		t.Errorf("both paths must resolve to the same D")
	}
}

func TestIncludeErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		pos   string // relative to the temp dir
		msg   string
	}{
		{
			name:  "not found",
			files: map[string]string{"a.thrift": "namespace go a\ninclude \"missing.thrift\""},
			pos:   "a.thrift:2:1", msg: `include "missing.thrift" not found (tried "`,
		},
		{
			name: "cycle",
			files: map[string]string{
				"a.thrift": `include "b.thrift"`,
				"b.thrift": "\n  include \"a.thrift\"",
			},
			pos: "b.thrift:2:3", msg: "include cycle: ",
		},
		{
			name:  "self include",
			files: map[string]string{"a.thrift": `include "a.thrift"`},
			pos:   "a.thrift:1:1", msg: "include cycle: ",
		},
		{
			name: "error inside included file",
			files: map[string]string{
				"a.thrift": "include \"b.thrift\"\nstruct A { 1: b.B b }",
				"b.thrift": "struct B {\n  1: i32 x\n  1: i32 y\n}",
			},
			pos: "b.thrift:3:10", msg: "duplicate field id 1 in struct B",
		},
		{
			name: "unknown type in include",
			files: map[string]string{
				"a.thrift": "include \"b.thrift\"\nstruct A { 1: b.Missing m }",
				"b.thrift": "struct B {}",
			},
			pos: "a.thrift:2:15", msg: "unknown type b.Missing",
		},
		{
			name: "transitive prefix is not visible",
			files: map[string]string{
				"a.thrift": "include \"b.thrift\"\nstruct A { 1: c.C m }",
				"b.thrift": "include \"c.thrift\"",
				"c.thrift": "struct C {}",
			},
			pos: "a.thrift:2:15", msg: `unknown include prefix "c"`,
		},
		{
			name: "extends unknown included service",
			files: map[string]string{
				"a.thrift": "include \"b.thrift\"\nservice S extends b.Nope {}",
				"b.thrift": "service Other {}",
			},
			pos: "a.thrift:2:9", msg: "service S extends unknown service b.Nope",
		},
		{
			name: "unknown enum value in include",
			files: map[string]string{
				"a.thrift": "include \"b.thrift\"\nconst b.E X = b.E.NOPE",
				"b.thrift": "enum E { A }",
			},
			pos: "a.thrift:2:15", msg: "unknown enum value b.E.NOPE",
		},
		{
			name: "throws included non-exception",
			files: map[string]string{
				"a.thrift": "include \"b.thrift\"\nservice S { void f() throws (1: b.S s) }",
				"b.thrift": "struct S {}",
			},
			pos: "a.thrift:2:33", msg: "throws b.S, which is not an exception",
		},
		{
			name: "duplicate include prefix",
			files: map[string]string{
				"a.thrift":   "include \"x/s.thrift\"\ninclude \"y/s.thrift\"",
				"x/s.thrift": "", "y/s.thrift": "",
			},
			pos: "a.thrift:2:1", msg: `has the same prefix "s"`,
		},
		{
			name: "syntax error in include",
			files: map[string]string{
				"a.thrift": "include \"b.thrift\"",
				"b.thrift": "struct {",
			},
			pos: "b.thrift:1:8", msg: "expected a struct name",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			_, err := ParseFile(filepath.Join(dir, "a.thrift"))
			wantError(t, err, filepath.Join(dir, tt.pos), tt.msg)
		})
	}
}

func TestIncludeCycleNamesTheChain(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.thrift": `include "b.thrift"`,
		"b.thrift": `include "c.thrift"`,
		"c.thrift": `include "a.thrift"`,
	})
	_, err := ParseFile(filepath.Join(dir, "a.thrift"))
	errs := errorsOf(t, err)
	if len(errs) != 1 {
		t.Fatalf("got %v", err)
	}
	want := "include cycle: " + strings.Join([]string{
		filepath.Join(dir, "a.thrift"), filepath.Join(dir, "b.thrift"),
		filepath.Join(dir, "c.thrift"), filepath.Join(dir, "a.thrift"),
	}, " -> ")
	if errs[0].Msg != want {
		t.Errorf("message %q\nwant    %q", errs[0].Msg, want)
	}
}

func TestParseFileMissingRoot(t *testing.T) {
	_, err := ParseFile(filepath.Join(t.TempDir(), "nope.thrift"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestIncludeErrorAndCheckErrorsTogether(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.thrift": "include \"missing.thrift\"\nstruct S {\n  1: missing.T t\n  2: Nope n\n}",
	})
	_, err := ParseFile(filepath.Join(dir, "a.thrift"))
	errs := errorsOf(t, err)
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want the include error and the unknown type:\n%v", len(errs), err)
	}
	if errs[0].Pos.Line != 1 || !strings.Contains(errs[0].Msg, "not found") {
		t.Errorf("first error %v", errs[0])
	}
	// missing.T goes through the failed include: no second error for it.
	if errs[1].Pos.Line != 4 || !strings.Contains(errs[1].Msg, "unknown type Nope") {
		t.Errorf("second error %v", errs[1])
	}
}
