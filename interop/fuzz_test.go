package interop

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kestrel-rpc/kestrel/interop/internal/randval"
)

// FuzzCrossRead decodes arbitrary bytes as one of the IDL's struct types with Kestrel. Kestrel must
// return an error or a value, never panic; and a value it accepts must survive the trip through
// Apache: Kestrel writes it, Apache reads and rewrites it, and Kestrel reads back an equal value.
// typ picks the struct type (modulo the number of types), compact the protocol.
func FuzzCrossRead(f *testing.F) {
	// The committed corpus (testdata/fuzz/FuzzCrossRead) holds encodings of random values; these add
	// the degenerate inputs.
	f.Add([]byte{}, uint8(0), false)
	f.Add([]byte{0}, uint8(1), true)
	f.Fuzz(func(t *testing.T, data []byte, typ uint8, compact bool) {
		c := structCases[int(typ)%len(structCases)]
		p := protos[0]
		if compact {
			p = protos[1]
		}
		v := c.newKestrel()
		if _, err := p.read(v, data); err != nil { // trailing bytes are allowed, as in a stream
			return // rejected, without a panic: fine
		}
		if c.fixKestrel != nil {
			c.fixKestrel(v)
		}
		kw, err := kWrite(p, v)
		if err != nil {
			t.Fatalf("%s: kestrel cannot write what it read: %v", c.name, err)
		}
		a := c.newApache()
		if err := apacheRead(p, kw, a); err != nil {
			t.Fatalf("%s: apache cannot read kestrel's re-encoding %s of accepted input: %v", c.name, hexs(kw), err)
		}
		aw, err := apacheWrite(p, a)
		if err != nil {
			// Apache's writers check what its readers do not (a union with other than one field
			// set, duplicate set elements); Kestrel's readers need not reject those either.
			return
		}
		back := c.newKestrel()
		if err := kRead(p, aw, back); err != nil {
			t.Fatalf("%s: kestrel cannot read apache's re-encoding %s: %v", c.name, hexs(aw), err)
		}
		canon := c.newKestrel()
		if err := kRead(p, kw, canon); err != nil {
			t.Fatalf("%s: kestrel cannot read its own encoding %s: %v", c.name, hexs(kw), err)
		}
		if ok, where := kestrelRand.Equal(canon, back); !ok {
			t.Fatalf("%s: the trip through apache changed the value at %s", c.name, where)
		}
	})
}

// TestWriteFuzzSeeds rewrites the seed corpus of FuzzCrossRead (encodings of random values of every
// struct type, in both protocols) when INTEROP_WRITE_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("INTEROP_WRITE_SEEDS") != "1" {
		t.Skip("set INTEROP_WRITE_SEEDS=1 to rewrite testdata/fuzz/FuzzCrossRead")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzCrossRead")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, c := range structCases {
		for _, p := range protos {
			v := c.newApache()
			randval.New(uint64(i), randval.Config{}).Fill(v)
			b, err := apacheWrite(p, v)
			if err != nil {
				t.Fatal(err)
			}
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\nuint8(%d)\nbool(%t)\n", strconv.Quote(string(b)), i, p.name == "compact")
			name := filepath.Join(dir, c.name+"-"+p.name)
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
