package theader

import "github.com/kestrel-rpc/kestrel/internal/unsafex"

// ProtocolID is the PROTOCOL ID of a THeader: how the payload's Thrift message is encoded. It is a
// varint32 on the wire; any value is decoded, and Known tells the ones Apache Thrift defines.
type ProtocolID int32

// Protocol ids.
const (
	ProtocolBinary  ProtocolID = 0
	ProtocolCompact ProtocolID = 2
)

// Known reports whether p is Binary or Compact, the protocols Apache Thrift Go accepts.
func (p ProtocolID) Known() bool { return p == ProtocolBinary || p == ProtocolCompact }

// TransformID identifies a payload transform (a varint32 on the wire).
type TransformID int32

// Transform ids. Kestrel, like Apache Thrift Go, implements None and Zlib; the others are fbthrift's
// and are reported as ErrUnsupportedTransform.
const (
	TransformNone   TransformID = 0
	TransformZlib   TransformID = 1
	TransformHMAC   TransformID = 2
	TransformSnappy TransformID = 3
	TransformQLZ    TransformID = 4
	TransformZstd   TransformID = 5
)

// InfoKeyValue is the id of the one info block Apache Thrift defines: string key-value pairs.
const InfoKeyValue = 1

// Pair is one key-value entry of the INFO_KEYVALUE block.
type Pair struct {
	Key   string
	Value string
}

// Header is a decoded or to-be-encoded THeader (everything but LENGTH, MAGIC and the payload).
//
// # Ownership
//
// Decode fills Info with views of the frame's bytes, not copies: they are valid only while those
// bytes are neither modified nor released. Call CopyStrings or Clone to keep them longer.
//
// Transforms and Info keep their capacity across Reset and Decode, so a Header reused for every frame
// of a connection decodes without allocating. Keys may repeat on the wire (Apache decodes into a map):
// Get returns the last entry for a key.
//
// A Header is not safe for concurrent use.
type Header struct {
	Flags      uint16
	SeqID      int32
	Protocol   ProtocolID
	Transforms []TransformID // in the order they were applied when writing
	Info       []Pair
}

// Reset empties h, keeping the capacity of its slices.
func (h *Header) Reset() {
	h.Flags = 0
	h.SeqID = 0
	h.Protocol = 0
	h.Transforms = h.Transforms[:0]
	clear(h.Info)
	h.Info = h.Info[:0]
}

// Get returns the value of the last entry with key k.
func (h *Header) Get(k string) (string, bool) {
	for i := len(h.Info) - 1; i >= 0; i-- {
		if h.Info[i].Key == k {
			return h.Info[i].Value, true
		}
	}
	return "", false
}

// Set sets the value for k, replacing the last entry with that key or appending one.
func (h *Header) Set(k, v string) {
	for i := len(h.Info) - 1; i >= 0; i-- {
		if h.Info[i].Key == k {
			h.Info[i].Value = v
			return
		}
	}
	h.Info = append(h.Info, Pair{Key: k, Value: v})
}

// CopyStrings replaces every string of h by a copy that does not alias the frame it was decoded from.
// All copies share one new allocation.
func (h *Header) CopyStrings() {
	n := 0
	for _, p := range h.Info {
		n += len(p.Key) + len(p.Value)
	}
	buf := make([]byte, 0, n)
	cp := func(s string) string {
		if s == "" {
			return ""
		}
		start := len(buf)
		buf = append(buf, s...)
		return unsafex.BytesToString(buf[start:len(buf):len(buf)])
	}
	for i := range h.Info {
		h.Info[i].Key = cp(h.Info[i].Key)
		h.Info[i].Value = cp(h.Info[i].Value)
	}
}

// Clone returns a deep copy of h that shares no memory with h or with the frame h was decoded from.
func (h *Header) Clone() *Header {
	c := &Header{Flags: h.Flags, SeqID: h.SeqID, Protocol: h.Protocol}
	if len(h.Transforms) > 0 {
		c.Transforms = append([]TransformID(nil), h.Transforms...)
	}
	if len(h.Info) > 0 {
		c.Info = append([]Pair(nil), h.Info...)
	}
	c.CopyStrings()
	return c
}
