package codegen_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kestrel-rpc/kestrel/internal/codegen"
	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// render joins generated files into one text: "-- path --" then the content of each.
func render(files []*codegen.File) []byte {
	var b bytes.Buffer
	for _, f := range files {
		b.WriteString("-- " + f.Path + " (" + f.ImportPath + ") --\n")
		b.Write(f.Content)
	}
	return b.Bytes()
}

func generate(t *testing.T, path string, opts codegen.Options) []*codegen.File {
	t.Helper()
	doc, err := idl.ParseFile(path)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	files, err := codegen.Generate(doc, opts)
	if err != nil {
		t.Fatalf("generate %s: %v", path, err)
	}
	return files
}

func TestGolden(t *testing.T) {
	tests := []struct {
		idl   string
		proto codegen.Protocol
	}{
		{"enum.thrift", codegen.ProtocolBinary},
		{"struct.thrift", codegen.ProtocolBinary},
		{"union.thrift", codegen.ProtocolBoth},
		{"containers.thrift", codegen.ProtocolBinary},
		{"service.thrift", codegen.ProtocolBinary},
		{"struct.thrift", codegen.ProtocolCompact},
	}
	for _, tt := range tests {
		name := strings.TrimSuffix(tt.idl, ".thrift") + "." + tt.proto.String()
		t.Run(name, func(t *testing.T) {
			files := generate(t, filepath.Join("testdata", tt.idl), codegen.Options{Module: "example.com/gen", Protocol: tt.proto})
			got := render(files)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update after checking the change):\n%s", golden, firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows the first differing line.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// TestDeterministic generates the same input many times and expects identical bytes.
func TestDeterministic(t *testing.T) {
	var first []byte
	for i := 0; i < 5; i++ {
		got := render(generate(t, "testdata/service.thrift", codegen.Options{Protocol: codegen.ProtocolBoth}))
		got = append(got, render(generate(t, "../gentest/idl/features.thrift", codegen.Options{Protocol: codegen.ProtocolBoth}))...)
		if first == nil {
			first = got
		} else if !bytes.Equal(first, got) {
			t.Fatalf("run %d differs: %s", i, firstDiff(got, first))
		}
	}
}

// TestFixturesUpToDate regenerates the checked-in packages of internal/gentest and fails on any
// difference: run `go generate ./internal/gentest/...` after changing the generator.
func TestFixturesUpToDate(t *testing.T) {
	const module = "github.com/kestrel-rpc/kestrel/internal/gentest"
	for _, name := range []string{"bench", "ThriftTest", "features"} {
		src := filepath.Join("..", "gentest", "idl", name+".thrift")
		if name == "ThriftTest" { // the parser's copy of Apache's test IDL, shared rather than duplicated
			src = filepath.Join("..", "..", "thrift", "idl", "testdata", "ThriftTest.thrift")
		}
		files := generate(t, src, codegen.Options{Module: module, Protocol: codegen.ProtocolBoth})
		dir := t.TempDir()
		if err := codegen.WriteFiles(dir, files); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("..", "gentest", filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatalf("%v: run go generate ./internal/gentest/...", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("internal/gentest/%s is stale: run go generate ./internal/gentest/...\n%s", f.Path, firstDiff(got, want))
			}
		}
	}
}

func TestHeader(t *testing.T) {
	for _, f := range generate(t, "testdata/service.thrift", codegen.Options{}) {
		lines := strings.SplitN(string(f.Content), "\n", 3)
		if lines[0] != codegen.Header || !strings.HasPrefix(lines[1], "// source: ") {
			t.Errorf("%s starts with %q", f.Path, lines[:2])
		}
		// A service's client/server sub-package builds on its types package, which has the handshake.
		stub := bytes.Contains(f.Content, []byte(`"github.com/kestrel-rpc/kestrel/server"`))
		if !stub && !bytes.Contains(f.Content, []byte("const _ = thrift.SupportPackageIsVersion1")) {
			t.Errorf("%s lacks the runtime version handshake", f.Path)
		}
	}
}

func TestPackagePaths(t *testing.T) {
	files := generate(t, "testdata/service.thrift", codegen.Options{Module: "m.io/x"})
	var got []string
	for _, f := range files {
		got = append(got, f.Path+" "+f.ImportPath)
	}
	want := []string{
		"example/com/shared/base/base.kestrel.go m.io/x/example/com/shared/base",
		"example/com/shared/inc.kestrel.go m.io/x/example/com/shared",
		"svc/service.kestrel.go m.io/x/svc",
		"svc/store/store.kestrel.go m.io/x/svc/store",
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %q, want %q", got, want)
	}
	svc := string(files[2].Content)
	if !strings.Contains(svc, `shared "m.io/x/example/com/shared"`) && !strings.Contains(svc, `"m.io/x/example/com/shared"`) {
		t.Fatalf("service.kestrel.go does not import the included package:\n%s", svc[:400])
	}
}

func TestErrors(t *testing.T) {
	_, err := idl.ParseFile("testdata/bad.thrift")
	if err == nil {
		t.Fatal("bad.thrift parsed")
	}
	var e *idl.Error
	var l idl.ErrorList
	if !errors.As(err, &e) && !errors.As(err, &l) {
		t.Fatalf("error %T is not an idl error", err)
	}
	if !strings.Contains(err.Error(), "bad.thrift:5:") {
		t.Fatalf("error %q lacks file:line:col", err)
	}
	if _, err := codegen.Generate(nil, codegen.Options{}); err == nil {
		t.Fatal("Generate(nil) succeeded")
	}
	doc, _ := idl.ParseFile("testdata/enum.thrift")
	if _, err := codegen.Generate(doc, codegen.Options{Protocol: 9}); err == nil {
		t.Fatal("bad protocol accepted")
	}
}

func TestParseProtocol(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want codegen.Protocol
		ok   bool
	}{{"binary", codegen.ProtocolBinary, true}, {"", codegen.ProtocolBinary, true}, {"compact", codegen.ProtocolCompact, true},
		{"both", codegen.ProtocolBoth, true}, {"json", 0, false}} {
		got, err := codegen.ParseProtocol(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseProtocol(%q) = %v, %v", tt.in, got, err)
		}
	}
}

// TestNameCollision: two declarations that map to one Go name are an error with a position.
func TestNameCollision(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.thrift")
	if err := os.WriteFile(p, []byte("struct foo_bar {}\nstruct FooBar {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := idl.ParseFile(p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = codegen.Generate(doc, codegen.Options{})
	if err == nil || !strings.Contains(err.Error(), "c.thrift:2:") {
		t.Fatalf("err = %v, want a collision at c.thrift:2", err)
	}
}

// TestImportAliases: an included package whose name looks like a generated local (v1, p) gets another
// alias, and the result still formats (a clash would make go/format fail or the code not compile).
func TestImportAliases(t *testing.T) {
	files := generate(t, "testdata/aliases.thrift", codegen.Options{Module: "x.io"})
	var main string
	for _, f := range files {
		if strings.HasSuffix(f.Path, "aliases.kestrel.go") {
			main = string(f.Content)
		}
	}
	for _, want := range []string{`v1pkg "x.io/api/v1"`, `ppkg "x.io/p"`, "v1pkg.NewS()", "[]ppkg.T"} {
		if !strings.Contains(main, want) {
			t.Errorf("aliases.kestrel.go lacks %q", want)
		}
	}
}

// TestStructArena: Binary FastRead uses a struct arena exactly for structs that hold strings (directly,
// in containers, in same-package structs) and no bulk data that the arena would copy twice.
func TestStructArena(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		arena bool
	}{
		{"string field", "struct S { 1: string a, 2: i64 n }", true},
		{"strings in a map", "struct S { 1: map<string, string> m }", true},
		{"strings in a nested struct", "struct In { 1: string a }\nstruct S { 1: In in, 2: i32 n }", true},
		{"strings in a list of structs", "struct In { 1: string a }\nstruct S { 1: list<In> l }", true},
		{"recursive struct", "struct S { 1: string a, 2: optional S next }", true},
		{"no strings", "struct S { 1: i64 n, 2: double d }", false},
		{"binary", "struct S { 1: string a, 2: binary data }", false},
		{"list of numbers", "struct S { 1: string a, 2: list<i64> v }", false},
		{"map of numbers", "struct S { 1: string a, 2: map<i32, i64> m }", false},
		{"bulk in a nested struct", "struct In { 1: list<i32> codes }\nstruct S { 1: string a, 2: list<In> l }", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.thrift")
			if err := os.WriteFile(path, []byte("namespace go a\n"+tt.body+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			files := generate(t, path, codegen.Options{Module: "example.com/gen"})
			src := string(render(files))
			got := strings.Contains(src, "func (p *S) FastRead(b []byte) (int, error) {\n\treturn p.fastRead(b, 0, thrift.Binary.StructArena(b))")
			none := strings.Contains(src, "func (p *S) FastRead(b []byte) (int, error) {\n\treturn p.fastRead(b, 0, \"\")")
			if got == none {
				t.Fatalf("FastRead of S not found as expected in:\n%s", src)
			}
			if got != tt.arena {
				t.Errorf("struct arena = %v, want %v", got, tt.arena)
			}
		})
	}
}
