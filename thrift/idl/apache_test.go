package idl

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestApacheCompilerAgrees cross-checks the testdata files that need no
// newer-than-0.17 features against Apache's compiler when it is installed
// (Debian package thrift-compiler). It is skipped otherwise.
func TestApacheCompilerAgrees(t *testing.T) {
	thrift, err := exec.LookPath("thrift")
	if err != nil {
		t.Skip("thrift compiler not installed")
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	for _, name := range []string{"nasty.thrift", "tutorial.thrift", "shared.thrift"} {
		out, err := exec.Command(thrift, "--gen", "go", "-out", t.TempDir(), filepath.Join("testdata", name)).CombinedOutput()
		if err != nil {
			t.Errorf("thrift --gen go %s: %v\n%s", name, err, out)
		}
	}
}
