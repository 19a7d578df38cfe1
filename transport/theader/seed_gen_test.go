package theader

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteSeeds regenerates testdata/fuzz/FuzzDecode from the vectors when KESTREL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("KESTREL_WRITE_SEEDS") != "1" {
		t.Skip("set KESTREL_WRITE_SEEDS=1 to regenerate the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range vectors {
		write(strings.ReplaceAll(v.name, " ", "_"), v.frame)
	}
	write("zlib_bomb", frameWith(cat(0, 1, 1, 0), zlibOf(t, make([]byte, 1<<18))))
	write("varint_over_32_bits", frameWith(cat(0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0), nil))
}
