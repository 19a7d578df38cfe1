package interop

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"reflect"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/interop/internal/randval"
)

var seeds = flag.Int("interop.seeds", 30, "random values per struct type, protocol and direction")

// kcodec is what Kestrel generates with `-protocol both`: thrift.FastCodec, thrift.Appender and
// thrift.CompactCodec.
type kcodec interface {
	BLength() int
	FastWrite(b []byte) int
	FastRead(b []byte) (int, error)
	FastAppend(b []byte) []byte
	CompactLength() int
	CompactWrite(b []byte) int
	CompactRead(b []byte) (int, error)
}

// structCase is one struct type of the IDL in both implementations.
type structCase struct {
	name       string
	newApache  func() thrift.TStruct
	newKestrel func() kcodec
	// fixKestrel, if set, adjusts a random Kestrel value to what Apache Go can represent.
	fixKestrel func(kcodec)
}

// wireProto is one Thrift protocol as each implementation spells it.
type wireProto struct {
	name   string
	apache func(thrift.TTransport) thrift.TProtocol
	length func(kcodec) int
	write  func(kcodec, []byte) int
	read   func(kcodec, []byte) (int, error)
}

var protos = []wireProto{
	{
		name:   "binary",
		apache: func(t thrift.TTransport) thrift.TProtocol { return thrift.NewTBinaryProtocolConf(t, nil) },
		length: kcodec.BLength,
		write:  kcodec.FastWrite,
		read:   kcodec.FastRead,
	},
	{
		// Binary again, written by the one-pass FastAppend (fields holding maps come last).
		name:   "binary-append",
		apache: func(t thrift.TTransport) thrift.TProtocol { return thrift.NewTBinaryProtocolConf(t, nil) },
		length: kcodec.BLength,
		write: func(v kcodec, b []byte) int {
			a := v.FastAppend(nil)
			copy(b, a)
			return len(a)
		},
		read: kcodec.FastRead,
	},
	{
		name:   "compact",
		apache: func(t thrift.TTransport) thrift.TProtocol { return thrift.NewTCompactProtocolConf(t, nil) },
		length: kcodec.CompactLength,
		write:  kcodec.CompactWrite,
		read:   kcodec.CompactRead,
	},
}

func apacheWrite(p wireProto, v thrift.TStruct) ([]byte, error) {
	mem := thrift.NewTMemoryBuffer()
	if err := v.Write(context.Background(), p.apache(mem)); err != nil {
		return nil, err
	}
	return mem.Bytes(), nil
}

// apacheRead decodes b into v and requires it to use every byte.
func apacheRead(p wireProto, b []byte, v thrift.TStruct) error {
	mem := thrift.NewTMemoryBuffer()
	mem.Write(b)
	if err := v.Read(context.Background(), p.apache(mem)); err != nil {
		return err
	}
	if mem.Len() != 0 {
		return fmt.Errorf("apache read left %d of %d bytes", mem.Len(), len(b))
	}
	return nil
}

// kWrite encodes v into a buffer of exactly the precomputed length and requires the writer to fill
// it: a writer that writes more than the length panics on the slice bound, and that is reported.
func kWrite(p wireProto, v kcodec) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kestrel %s write panicked (the precomputed length %d is too short?): %v", p.name, len(b), r)
		}
	}()
	b = make([]byte, p.length(v))
	if n := p.write(v, b); n != len(b) {
		return b, fmt.Errorf("kestrel %s write wrote %d bytes, the precomputed length is %d", p.name, n, len(b))
	}
	return b, nil
}

// panicError is a panic turned into an error; a decoder must never panic, whatever its input.
type panicError struct{ msg string }

func (e *panicError) Error() string { return e.msg }

// kRead decodes b into v, turning a panic into an error, and requires it to use every byte.
func kRead(p wireProto, b []byte, v kcodec) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{fmt.Sprintf("kestrel %s read of %d bytes panicked: %v", p.name, len(b), r)}
		}
	}()
	n, err := p.read(v, b)
	if err != nil {
		return err
	}
	if n != len(b) {
		return fmt.Errorf("kestrel %s read used %d of %d bytes", p.name, n, len(b))
	}
	return nil
}

// apacheEquals calls Apache's generated (*T).Equals(*T); service argument and result structs have
// none, and count as equal here (randval's Equal still compares them).
func apacheEquals(a, b thrift.TStruct) bool {
	m := reflect.ValueOf(a).MethodByName("Equals")
	if !m.IsValid() {
		return true
	}
	return m.Call([]reflect.Value{reflect.ValueOf(b)})[0].Bool()
}

func seedFor(name string, proto wireProto, dir string, i int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s/%s", name, proto.name, dir)
	return h.Sum64() + uint64(i)
}

// show formats v for a failure message, cut short: random values can be large.
func show(v any) string {
	s := fmt.Sprintf("%+v", v)
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// hexs formats b as hex for a failure message, cut short.
func hexs(b []byte) string {
	if len(b) > 256 {
		return fmt.Sprintf("% x… (%d bytes)", b[:256], len(b))
	}
	return fmt.Sprintf("% x", b)
}

// truncationSeeds is how many of the random values per case also have every prefix of their
// encodings decoded (quadratic in the size, so only a few).
const truncationSeeds = 4

// checkApacheToKestrel: random Apache value → Apache bytes → Kestrel read → Kestrel write → Apache read
// → the original value.
func checkApacheToKestrel(c structCase, p wireProto, n int) error {
	for i := range n {
		seed := seedFor(c.name, p, "a2k", i)
		orig := c.newApache()
		randval.New(seed, randval.Config{}).Fill(orig)
		wire, err := apacheWrite(p, orig)
		if err != nil {
			return fmt.Errorf("seed %d: apache write: %v (value %s)", seed, err, show(orig))
		}
		canon := c.newApache()
		if err := apacheRead(p, wire, canon); err != nil {
			return fmt.Errorf("seed %d: apache read of its own bytes: %v", seed, err)
		}
		k := c.newKestrel()
		if err := kRead(p, wire, k); err != nil {
			return fmt.Errorf("seed %d: kestrel read of apache bytes %s: %v", seed, hexs(wire), err)
		}
		kw, err := kWrite(p, k)
		if err != nil {
			return fmt.Errorf("seed %d: %v", seed, err)
		}
		back := c.newApache()
		if err := apacheRead(p, kw, back); err != nil {
			return fmt.Errorf("seed %d: apache read of kestrel bytes: %v\napache: %s\nkestrel: %s", seed, err, hexs(wire), hexs(kw))
		}
		if !apacheEquals(orig, back) {
			return fmt.Errorf("seed %d: Equals fails after the trip through kestrel:\nsent %s\ngot  %s", seed, show(orig), show(back))
		}
		if ok, where := (randval.Config{}).Equal(canon, back); !ok {
			return fmt.Errorf("seed %d: the trip through kestrel changed the value at %s:\nwant %s\ngot  %s", seed, where, show(canon), show(back))
		}
		if i < truncationSeeds {
			if err := checkTruncated(c, p, "apache", wire); err != nil {
				return fmt.Errorf("seed %d: %w", seed, err)
			}
			if err := checkTruncated(c, p, "kestrel", kw); err != nil {
				return fmt.Errorf("seed %d: %w", seed, err)
			}
		}
	}
	return nil
}

// checkKestrelToApache: random Kestrel value → Kestrel bytes → Apache read → Apache write → Kestrel
// read → the original value.
func checkKestrelToApache(c structCase, p wireProto, kcfg randval.Config, n int) error {
	for i := range n {
		seed := seedFor(c.name, p, "k2a", i)
		orig := c.newKestrel()
		randval.New(seed, kcfg).Fill(orig)
		if c.fixKestrel != nil {
			c.fixKestrel(orig)
		}
		kw, err := kWrite(p, orig)
		if err != nil {
			return fmt.Errorf("seed %d: %v (value %s)", seed, err, show(orig))
		}
		canon := c.newKestrel()
		if err := kRead(p, kw, canon); err != nil {
			return fmt.Errorf("seed %d: kestrel read of its own bytes %s: %v", seed, hexs(kw), err)
		}
		a := c.newApache()
		if err := apacheRead(p, kw, a); err != nil {
			return fmt.Errorf("seed %d: apache read of kestrel bytes %s: %v", seed, hexs(kw), err)
		}
		wire, err := apacheWrite(p, a)
		if err != nil {
			return fmt.Errorf("seed %d: apache write: %v", seed, err)
		}
		back := c.newKestrel()
		if err := kRead(p, wire, back); err != nil {
			return fmt.Errorf("seed %d: kestrel read of apache bytes %s: %v", seed, hexs(wire), err)
		}
		if ok, where := kcfg.Equal(orig, canon); !ok {
			return fmt.Errorf("seed %d: kestrel's own round trip changed the value at %s:\nsent %s\ngot  %s", seed, where, show(orig), show(canon))
		}
		if ok, where := kcfg.Equal(orig, back); !ok {
			return fmt.Errorf("seed %d: the trip through apache changed the value at %s:\nsent %s\ngot  %s", seed, where, show(orig), show(back))
		}
		if i < truncationSeeds {
			if err := checkTruncated(c, p, "kestrel", kw); err != nil {
				return fmt.Errorf("seed %d: %w", seed, err)
			}
		}
	}
	return nil
}

// checkTruncated requires every proper prefix of a valid encoding to be an error, never a panic.
func checkTruncated(c structCase, p wireProto, from string, wire []byte) error {
	for i := range len(wire) {
		err := kRead(p, wire[:i], c.newKestrel())
		var pe *panicError
		switch {
		case err == nil:
			return fmt.Errorf("kestrel %s read of the first %d of %d bytes (written by %s) succeeded, want an error", p.name, i, len(wire), from)
		case errors.As(err, &pe):
			return fmt.Errorf("first %d of %d bytes (written by %s): %w", i, len(wire), from, err)
		}
	}
	return nil
}

// runRoundTrips runs both directions for every case and protocol.
func runRoundTrips(t *testing.T, cases []structCase, kcfg randval.Config, n int) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, p := range protos {
				if err := checkApacheToKestrel(c, p, n); err != nil {
					t.Errorf("%s apache → kestrel → apache: %v", p.name, err)
				}
				if err := checkKestrelToApache(c, p, kcfg, n); err != nil {
					t.Errorf("%s kestrel → apache → kestrel: %v", p.name, err)
				}
			}
		})
	}
}
