package interop

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const (
	sourceIDL    = "../thrift/idl/testdata/ThriftTest.thrift"
	filteredIDL  = "testdata/ThriftTest.thrift"
	apacheDir    = "internal/apache/thrifttest"
	apacheOption = "go:package_prefix=github.com/kestrel-rpc/kestrel/interop/internal/apache/,skip_remote"
)

// dropLine matches the lines generate.go's grep drops from the source IDL.
var dropLine = regexp.MustCompile(`list.*map.*list.*map|uuid`)

// TestIDLInSync fails when the parser's ThriftTest.thrift changed and `go generate` was not rerun.
func TestIDLInSync(t *testing.T) {
	src, err := os.ReadFile(sourceIDL)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for _, line := range strings.SplitAfter(string(src), "\n") {
		if !dropLine.MatchString(line) {
			want.WriteString(line)
		}
	}
	got, err := os.ReadFile(filteredIDL)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("%s is not %s filtered as generate.go says: run `go generate` in interop/", filteredIDL, sourceIDL)
	}
}

// TestApacheGenerated regenerates Apache's code into a temporary directory and compares it with what
// is checked in.
func TestApacheGenerated(t *testing.T) {
	thriftBin, err := exec.LookPath("thrift")
	if err != nil {
		t.Skip("the thrift compiler is not on PATH, so the checked-in Apache code cannot be compared with a " +
			"fresh generation; `make deps` installs it (Debian package thrift-compiler 0.17)")
	}
	ver, err := exec.Command(thriftBin, "--version").Output()
	if err != nil {
		t.Fatalf("thrift --version: %v", err)
	}
	if !strings.Contains(string(ver), "0.17.0") {
		t.Skipf("the checked-in code comes from thrift 0.17.0, PATH has %s", strings.TrimSpace(string(ver)))
	}
	out := t.TempDir()
	cmd := exec.Command(thriftBin, "-out", out, "--gen", apacheOption, filteredIDL)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd, err, msg)
	}
	fresh := readGoDir(t, filepath.Join(out, "thrifttest"), true)
	have := readGoDir(t, apacheDir, false)
	for name, src := range fresh {
		if h, ok := have[name]; !ok {
			t.Errorf("%s/%s is missing: run `go generate` in interop/", apacheDir, name)
		} else if !bytes.Equal(h, src) {
			t.Errorf("%s/%s differs from a fresh generation: run `go generate` in interop/", apacheDir, name)
		}
	}
	for name := range have {
		if _, ok := fresh[name]; !ok {
			t.Errorf("%s/%s is not generated any more: run `go generate` in interop/", apacheDir, name)
		}
	}
}

// readGoDir returns the .go files of dir by name, gofmt-ed when gofmt is set (as go:generate does).
func readGoDir(t *testing.T, dir string, gofmt bool) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if gofmt {
			if src, err = format.Source(src); err != nil {
				t.Fatalf("gofmt %s: %v", e.Name(), err)
			}
		}
		files[e.Name()] = src
	}
	return files
}

// TestKestrelGenerated regenerates Kestrel's code with the repository's own `kestrel gen` into a
// temporary directory and compares it with what is checked in — the types and the service stubs in
// the sub-packages alike — so that a change to the generator cannot leave the interop tests running
// stale code.
func TestKestrelGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/kestrel")
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./cmd/kestrel", "gen", "-out", out,
		"-module", "github.com/kestrel-rpc/kestrel/interop/internal/kestrel", "-protocol", "both",
		filepath.Join("interop", filteredIDL))
	cmd.Dir = ".."
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd, err, msg)
	}
	const kestrelDir = "internal/kestrel/thrifttest"
	fresh := readGoTree(t, filepath.Join(out, "thrifttest"))
	have := readGoTree(t, kestrelDir)
	for name, src := range fresh {
		if h, ok := have[name]; !ok {
			t.Errorf("%s/%s is missing: run `go generate` in interop/", kestrelDir, name)
		} else if !bytes.Equal(h, src) {
			t.Errorf("%s/%s differs from a fresh `kestrel gen`: run `go generate` in interop/", kestrelDir, name)
		}
	}
	for name := range have {
		if _, ok := fresh[name]; !ok {
			t.Errorf("%s/%s is not generated any more: run `go generate` in interop/", kestrelDir, name)
		}
	}
}

// readGoTree returns the .go files under dir, in every sub-directory, by path relative to dir.
func readGoTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = src
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
