package codegen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kestrel-rpc/kestrel/internal/codegen"
)

// TestGeneratedCodeCompiles generates every testdata IDL (each protocol) into a temporary module that
// points at this repository and runs go vet on it.
func TestGeneratedCodeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module x.io/gen\n\ngo 1.25\n\nrequire github.com/kestrel-rpc/kestrel v0.0.0\n\nreplace github.com/kestrel-rpc/kestrel => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	idls := []string{"enum.thrift", "struct.thrift", "union.thrift", "containers.thrift", "service.thrift", "aliases.thrift", "clash.thrift"}
	for _, proto := range []codegen.Protocol{codegen.ProtocolBinary, codegen.ProtocolCompact, codegen.ProtocolBoth} {
		for _, name := range idls {
			files := generate(t, filepath.Join("testdata", name), codegen.Options{Module: "x.io/gen/" + proto.String(), Protocol: proto})
			if err := codegen.WriteFiles(filepath.Join(dir, proto.String()), files); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command("go", "vet", "-mod=mod", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet of the generated code: %v\n%s", err, out)
	}
}
