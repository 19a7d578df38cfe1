package ttheader

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteSeeds regenerates testdata/fuzz/*/ from the vectors when KESTREL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("KESTREL_WRITE_SEEDS") != "1" {
		t.Skip("set KESTREL_WRITE_SEEDS=1 to regenerate the fuzz seed corpus")
	}
	write := func(target, name string, b []byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range vectors {
		write("FuzzDecode", strings.ReplaceAll(v.name, " ", "_"), v.frame)
	}
	write("FuzzDecode", "unknown_info_id", frameWith(cat(0, 0, 0x02, 0), nil))
	write("FuzzDecode", "int_count_beyond_area", frameWith(cat(0, 0, 0x10, 0xFF, 0xFF, 0, 0, 0), nil))
	write("FuzzDecodeProtobuf", "echo_call", protobufPayload(t, "Echo", []byte{0x0A, 0x02, 'h', 'i'}))
	write("FuzzDecodeProtobuf", "empty_name", []byte{0, 0, 0, 12, 0x90, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1})
}
