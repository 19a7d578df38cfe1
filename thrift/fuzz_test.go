package thrift

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds returns encoder-made inputs for each fuzz target. The committed corpus under
// testdata/fuzz/ is written from them by TestWriteFuzzSeeds (KESTREL_WRITE_SEEDS=1).
func fuzzSeeds() map[string][][]byte {
	rng := rand.New(rand.NewPCG(11, 12))
	seeds := map[string][][]byte{}
	for _, proto := range []string{"binary", "compact"} {
		name := "FuzzBinarySkip"
		if proto == "compact" {
			name = "FuzzCompactSkip"
		}
		for i := range 8 {
			typ := allTypes[i%len(allTypes)]
			if i < 4 {
				typ = STRUCT
			}
			seeds[name] = append(seeds[name], append([]byte{byte(typ)}, encode(proto, randNode(rng, typ, 4))...))
		}
		seeds[name] = append(seeds[name], append([]byte{byte(LIST)}, nest(proto, MaxDepth+1)...))
	}
	body := encode("binary", &node{t: STRUCT, kids: []*node{{t: STRING, id: 1, s: "hi"}}})
	for _, h := range []struct {
		name string
		t    MessageType
		seq  int32
	}{{"echo", CALL, 1}, {"", REPLY, -1}, {"getUser", EXCEPTION, 1 << 20}, {"x", ONEWAY, 0}} {
		b := make([]byte, Binary.MessageBeginLength(h.name))
		Binary.WriteMessageBegin(b, h.name, h.t, h.seq)
		seeds["FuzzBinaryReadMessage"] = append(seeds["FuzzBinaryReadMessage"], append(b, body...))
		c := make([]byte, Compact.MessageBeginLength(h.name, h.seq))
		Compact.WriteMessageBegin(c, h.name, h.t, h.seq)
		seeds["FuzzCompactReadMessage"] = append(seeds["FuzzCompactReadMessage"], append(c, encode("compact", &node{t: STRUCT, kids: []*node{{t: STRING, id: 1, s: "hi"}}})...))
	}
	nonStrict := hx(0, 0, 0, 3, "foo", 1, 0, 0, 0, 9, 0)
	seeds["FuzzBinaryReadMessage"] = append(seeds["FuzzBinaryReadMessage"], nonStrict)
	for _, e := range []*ApplicationException{NewApplicationException(UnknownMethod, "no method"), {}, NewApplicationException(20, "unknown service , method x")} {
		b := make([]byte, e.BLength())
		e.FastWrite(b)
		c := make([]byte, e.CompactLength())
		e.CompactWrite(c)
		seeds["FuzzApplicationException"] = append(seeds["FuzzApplicationException"], append([]byte{0}, b...), append([]byte{1}, c...))
	}
	return seeds
}

func addSeeds(f *testing.F, name string) {
	for _, s := range fuzzSeeds()[name] {
		f.Add(s)
	}
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/<target>/seed-N when KESTREL_WRITE_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("KESTREL_WRITE_SEEDS") != "1" {
		t.Skip("set KESTREL_WRITE_SEEDS=1 to rewrite the seed corpus")
	}
	for name, list := range fuzzSeeds() {
		dir := filepath.Join("testdata", "fuzz", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range list {
			data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkSkip is the property both Skip fuzzers check: no panic; on success the measured prefix alone
// skips to the same size, and on failure the error is a *ProtocolError.
func checkSkip(t *testing.T, data []byte, skip func([]byte, TType) (int, error)) {
	if len(data) == 0 {
		return
	}
	typ, b := TType(data[0]), data[1:]
	n, err := skip(b, typ)
	if err != nil {
		var pe *ProtocolError
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *ProtocolError", err)
		}
		return
	}
	if n < 0 || n > len(b) {
		t.Fatalf("Skip = %d of %d bytes", n, len(b))
	}
	if m, err := skip(b[:n:n], typ); m != n || err != nil {
		t.Fatalf("Skip of its own %d bytes = %d, %v", n, m, err)
	}
}

func FuzzBinarySkip(f *testing.F) {
	addSeeds(f, "FuzzBinarySkip")
	f.Fuzz(func(t *testing.T, data []byte) { checkSkip(t, data, Binary.Skip) })
}

func FuzzCompactSkip(f *testing.F) {
	addSeeds(f, "FuzzCompactSkip")
	f.Fuzz(func(t *testing.T, data []byte) { checkSkip(t, data, Compact.Skip) })
}

func FuzzBinaryReadMessage(f *testing.F) {
	addSeeds(f, "FuzzBinaryReadMessage")
	f.Fuzz(func(t *testing.T, data []byte) {
		name, typ, seq, n, err := Binary.ReadMessageBegin(data)
		name0, typ0, seq0, n0, err0 := Binary.ReadMessageBeginNocopy(data)
		if name0 != name || typ0 != typ || seq0 != seq || n0 != n || (err0 == nil) != (err == nil) {
			t.Fatalf("Nocopy disagrees: %q %v %d %d %v", name0, typ0, seq0, n0, err0)
		}
		if err != nil {
			return
		}
		// Rewriting the header (strict) and reading it back gives the same header.
		b := make([]byte, Binary.MessageBeginLength(name))
		if w := Binary.WriteMessageBegin(b, name, typ, seq); w != len(b) {
			t.Fatalf("wrote %d, length %d", w, len(b))
		}
		name2, typ2, seq2, n2, err := Binary.ReadMessageBegin(b)
		if err != nil || name2 != name || typ2 != typ || seq2 != seq || n2 != len(b) {
			t.Fatalf("reread %q %v %d %d %v; want %q %v %d", name2, typ2, seq2, n2, err, name, typ, seq)
		}
		if m, err := Binary.SkipMessage(data); err == nil && m < n {
			t.Fatalf("SkipMessage = %d < header %d", m, n)
		}
	})
}

func FuzzCompactReadMessage(f *testing.F) {
	addSeeds(f, "FuzzCompactReadMessage")
	f.Fuzz(func(t *testing.T, data []byte) {
		name, typ, seq, n, err := Compact.ReadMessageBegin(data)
		name0, typ0, seq0, n0, err0 := Compact.ReadMessageBeginNocopy(data)
		if name0 != name || typ0 != typ || seq0 != seq || n0 != n || (err0 == nil) != (err == nil) {
			t.Fatalf("Nocopy disagrees: %q %v %d %d %v", name0, typ0, seq0, n0, err0)
		}
		if err != nil {
			return
		}
		b := make([]byte, Compact.MessageBeginLength(name, seq))
		if w := Compact.WriteMessageBegin(b, name, typ, seq); w != len(b) {
			t.Fatalf("wrote %d, length %d", w, len(b))
		}
		name2, typ2, seq2, n2, err := Compact.ReadMessageBegin(b)
		if err != nil || name2 != name || typ2 != typ || seq2 != seq || n2 != len(b) {
			t.Fatalf("reread %q %v %d %d %v; want %q %v %d", name2, typ2, seq2, n2, err, name, typ, seq)
		}
		if n2 > n {
			t.Fatalf("canonical header %d bytes longer than the input's %d", n2, n)
		}
		if m, err := Compact.SkipMessage(data); err == nil && m < n {
			t.Fatalf("SkipMessage = %d < header %d", m, n)
		}
	})
}

func FuzzApplicationException(f *testing.F) {
	addSeeds(f, "FuzzApplicationException")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		compact, b := data[0]&1 == 1, data[1:]
		var e1, e2 ApplicationException
		var n int
		var err error
		if compact {
			n, err = e1.CompactRead(b)
		} else {
			n, err = e1.FastRead(b)
		}
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("read %d of %d bytes", n, len(b))
		}
		// read, write, read: both reads agree, and the writer fills exactly its Length.
		var w []byte
		if compact {
			w = make([]byte, e1.CompactLength())
			if m := e1.CompactWrite(w); m != len(w) {
				t.Fatalf("CompactWrite = %d, CompactLength %d", m, len(w))
			}
			n, err = e2.CompactRead(w)
		} else {
			w = make([]byte, e1.BLength())
			if m := e1.FastWrite(w); m != len(w) {
				t.Fatalf("FastWrite = %d, BLength %d", m, len(w))
			}
			n, err = e2.FastRead(w)
		}
		if err != nil || n != len(w) || e1 != e2 {
			t.Fatalf("reread %+v (%d, %v), want %+v", e2, n, err, e1)
		}
	})
}
