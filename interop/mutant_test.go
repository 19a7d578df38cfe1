package interop

import (
	"regexp"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	kt "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest"
)

// mutant is Kestrel's Xtruct with one deliberate bug, to show that the round-trip checks catch it.
type mutant struct {
	*kt.Xtruct
	bug string
}

func (m mutant) BLength() int {
	if m.bug == "length" {
		return m.Xtruct.BLength() + 1
	}
	return m.Xtruct.BLength()
}

func (m mutant) CompactLength() int {
	if m.bug == "length" {
		return m.Xtruct.CompactLength() + 1
	}
	return m.Xtruct.CompactLength()
}

func (m mutant) FastWrite(b []byte) int {
	n := m.Xtruct.FastWrite(b)
	if m.bug == "value" {
		b[n-2] ^= 1 // the last byte of the last field, before STOP
	}
	return n
}

func (m mutant) FastRead(b []byte) (int, error) {
	n, err := m.Xtruct.FastRead(b)
	switch {
	case err != nil && m.bug == "lenient":
		return len(b), nil
	case err != nil && m.bug == "panic":
		panic("index out of range")
	}
	return n, err
}

func TestChecksCatchBugs(t *testing.T) {
	bin := protos[0]
	tests := []struct {
		bug, want string
	}{
		{"length", "precomputed length"},
		{"value", "Equals fails|apache read of kestrel bytes"},
		{"lenient", "succeeded, want an error"},
		{"panic", "panicked"},
	}
	for _, tt := range tests {
		t.Run(tt.bug, func(t *testing.T) {
			c := structCase{
				name:       "Xtruct",
				newApache:  func() thrift.TStruct { return at.NewXtruct() },
				newKestrel: func() kcodec { return mutant{new(kt.Xtruct), tt.bug} },
			}
			err := checkApacheToKestrel(c, bin, 20)
			if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Fatalf("a Kestrel codec with a %q bug: got %v, want an error containing %q", tt.bug, err, tt.want)
			}
		})
	}
}
