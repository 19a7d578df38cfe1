package interop

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestRoundTrips: for every struct type, in Binary and Compact, random values make the trip
// Apache → Kestrel → Apache and Kestrel → Apache → Kestrel unchanged; the precomputed lengths equal
// the bytes written; every truncated prefix of the encodings is an error.
func TestRoundTrips(t *testing.T) {
	n := *seeds
	if testing.Short() {
		n = 5
	}
	runRoundTrips(t, structCases, kestrelRand, n)
}

// TestEveryStructCovered fails when a struct type generated on both sides is missing from structCases.
func TestEveryStructCovered(t *testing.T) {
	apache := structTypes(t, "internal/apache/thrifttest")
	kestrel := structTypes(t, "internal/kestrel/thrifttest")
	listed := map[string]bool{}
	for _, c := range structCases {
		listed[c.name] = true
	}
	var missing []string
	for name := range kestrel {
		if !apache[name] {
			t.Errorf("kestrel generates struct %s, Apache does not", name)
			continue
		}
		if !listed[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("structCases lacks %s", strings.Join(missing, ", "))
	}
	for name := range listed {
		if !kestrel[name] {
			t.Errorf("structCases lists %s, which kestrel does not generate", name)
		}
	}
	if len(listed) < 28 {
		t.Errorf("only %d struct types: ThriftTest.thrift alone declares 28", len(listed))
	}
}

// structTypes returns the exported struct types declared in dir, except Apache's service plumbing.
func structTypes(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s (%v)", dir, err)
	}
	names := map[string]bool{}
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				if _, ok := ts.Type.(*ast.StructType); !ok || !ts.Name.IsExported() {
					continue
				}
				if n := ts.Name.Name; strings.HasSuffix(n, "Client") || strings.HasSuffix(n, "Processor") {
					continue
				}
				names[ts.Name.Name] = true
			}
		}
	}
	return names
}
