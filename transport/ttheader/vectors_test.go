package ttheader

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// cat concatenates bytes, byte slices and strings, so vectors can be written field by field.
func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case int:
			b = append(b, byte(v))
		case byte:
			b = append(b, v)
		case rune:
			b = append(b, byte(v))
		case []byte:
			b = append(b, v...)
		case string:
			b = append(b, v...)
		default:
			panic(fmt.Sprintf("cat: %T", p))
		}
	}
	return b
}

// echoCall is a strict Binary CALL message "Echo", seqID 1, with an empty args struct: 17 bytes.
var echoCall = cat(
	0x80, 0x01, 0x00, 0x01, // version 1, type CALL
	0x00, 0x00, 0x00, 0x04, "Echo", // method name
	0x00, 0x00, 0x00, 0x01, // seqID 1
	0x00, // STOP: empty Echo_args
)

// echoReply is the matching REPLY with an empty result struct (a business error's reply).
var echoReply = cat(
	0x80, 0x01, 0x00, 0x02, // version 1, type REPLY
	0x00, 0x00, 0x00, 0x04, "Echo",
	0x00, 0x00, 0x00, 0x01,
	0x00,
)

// framed prefixes msg with its 4-byte length (TTHeaderFramed payload).
func framed(msg []byte) []byte { return cat(0x00, 0x00, 0x00, byte(len(msg)), msg) }

// kitexEmptyRequest is what a KiteX v0.16 client writes with default settings: an empty header
// (protocol 0, no transforms, two padding bytes) and a TTHeaderFramed payload.
var kitexEmptyRequest = cat(
	0x00, 0x00, 0x00, 0x23, // LENGTH 35 = 10 + 4 (header info) + 21 (payload)
	0x10, 0x00, // MAGIC
	0x00, 0x00, // FLAGS
	0x00, 0x00, 0x00, 0x01, // SEQUENCE NUMBER 1
	0x00, 0x01, // HEADER SIZE 1 word = 4 bytes
	0x00,       // PROTOCOL ID binary
	0x00,       // NUM TRANSFORMS 0
	0x00, 0x00, // padding
	framed(echoCall), // 4 + 17 bytes
)

// kitexMetaRequest is a KiteX request with its TTHeader meta handlers on and metainfo set: the string
// key isn, RPC_TRANSIT_k, RPC_PERSIST_k, and the int keys 1, 3, 6, 9, 20, 22.
var kitexMetaRequest = cat(
	0x00, 0x00, 0x00, 0x8F, // LENGTH 143 = 10 + 112 + 21
	0x10, 0x00, 0x00, 0x00, // MAGIC, FLAGS
	0x00, 0x00, 0x00, 0x01, // SEQUENCE NUMBER 1
	0x00, 0x1C, // HEADER SIZE 28 words = 112 bytes
	0x00, 0x00, // PROTOCOL ID binary, NUM TRANSFORMS 0
	0x01, 0x00, 0x03, // INFO_KEYVALUE, 3 entries
	0x00, 0x03, "isn", 0x00, 0x07, "Service",
	0x00, 0x0D, "RPC_TRANSIT_k", 0x00, 0x01, "v",
	0x00, 0x0D, "RPC_PERSIST_k", 0x00, 0x01, "p",
	0x10, 0x00, 0x06, // INFO_INTKEYVALUE, 6 entries
	0x00, 0x01, 0x00, 0x06, "framed", // TransportType
	0x00, 0x03, 0x00, 0x06, "client", // FromService
	0x00, 0x06, 0x00, 0x06, "server", // ToService
	0x00, 0x09, 0x00, 0x04, "Echo", // ToMethod
	0x00, 0x14, 0x00, 0x04, "Echo", // FromMethod
	0x00, 0x16, 0x00, 0x01, "1", // MsgType CALL
	0x00, 0x00, 0x00, // padding: 109 → 112
	framed(echoCall),
)

// kitexMetaRequestShuffled is kitexMetaRequest as another call may write it: KiteX fills the blocks
// from Go maps, so the entries come in another order.
var kitexMetaRequestShuffled = cat(
	0x00, 0x00, 0x00, 0x8F,
	0x10, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x1C,
	0x00, 0x00,
	0x01, 0x00, 0x03,
	0x00, 0x0D, "RPC_PERSIST_k", 0x00, 0x01, "p",
	0x00, 0x03, "isn", 0x00, 0x07, "Service",
	0x00, 0x0D, "RPC_TRANSIT_k", 0x00, 0x01, "v",
	0x10, 0x00, 0x06,
	0x00, 0x16, 0x00, 0x01, "1",
	0x00, 0x09, 0x00, 0x04, "Echo",
	0x00, 0x01, 0x00, 0x06, "framed",
	0x00, 0x14, 0x00, 0x04, "Echo",
	0x00, 0x06, 0x00, 0x06, "server",
	0x00, 0x03, 0x00, 0x06, "client",
	0x00, 0x00, 0x00,
	framed(echoCall),
)

var kitexMetaHeader = Header{
	SeqID: 1,
	StrInfo: []StrPair{
		{KeyIDLServiceName, "Service"},
		{PrefixTransient + "k", "v"},
		{PrefixPersistent + "k", "p"},
	},
	IntInfo: []IntPair{
		{TransportType, "framed"},
		{FromService, "client"},
		{ToService, "server"},
		{ToMethod, "Echo"},
		{FromMethod, "Echo"},
		{MsgType, "1"},
	},
}

// kitexBizErrorReply is a KiteX server's reply to a business error: an empty result struct, the
// error in biz-status/biz-message, and MsgType 2.
var kitexBizErrorReply = cat(
	0x00, 0x00, 0x00, 0x53, // LENGTH 83 = 10 + 52 + 21
	0x10, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x0D, // 13 words = 52 bytes
	0x00, 0x00,
	0x01, 0x00, 0x02, // INFO_KEYVALUE, 2 entries
	0x00, 0x0A, "biz-status", 0x00, 0x05, "10001",
	0x00, 0x0B, "biz-message", 0x00, 0x03, "bad",
	0x10, 0x00, 0x01, // INFO_INTKEYVALUE, 1 entry
	0x00, 0x16, 0x00, 0x01, "2", // MsgType REPLY
	0x00, 0x00, // padding: 50 → 52
	framed(echoReply),
)

var kitexBizErrorHeader = Header{
	SeqID:   1,
	StrInfo: []StrPair{{KeyBizStatus, "10001"}, {KeyBizMessage, "bad"}},
	IntInfo: []IntPair{{MsgType, "2"}},
}

// aclUnframed has every block kind, a flag, a transform id, a Compact protocol id and an unframed
// payload: ACL token first, then string and int key-values (KiteX's order).
var aclUnframed = cat(
	0x00, 0x00, 0x00, 0x2B, // LENGTH 43 = 10 + 16 + 17
	0x10, 0x00, 0x00, 0x01, // MAGIC, FLAGS SupportOutOfOrder
	0xFF, 0xFF, 0xFF, 0xFE, // SEQUENCE NUMBER -2
	0x00, 0x04, // 16 bytes
	0x02, 0x01, 0x01, // PROTOCOL ID compact, 1 transform: zlib
	0x11, 0x00, 0x02, "tk", // ACL_TOKEN
	0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // one string entry "" → ""
	0x00, // padding: 15 → 16
	echoCall,
)

var aclHeader = Header{
	Flags:      FlagSupportOutOfOrder,
	SeqID:      -2,
	Protocol:   ProtocolCompact,
	Transforms: []uint8{TransformZlib},
	ACLToken:   "tk",
	StrInfo:    []StrPair{{"", ""}},
}

type vector struct {
	name    string
	frame   []byte
	want    *Header
	payload []byte
	exact   bool // Encode(want) reproduces frame byte for byte
}

var vectors = []vector{
	{"kitex empty request", kitexEmptyRequest, &Header{SeqID: 1}, framed(echoCall), true},
	{"kitex meta request", kitexMetaRequest, &kitexMetaHeader, framed(echoCall), true},
	{"kitex meta request shuffled", kitexMetaRequestShuffled, &kitexMetaHeader, framed(echoCall), false},
	{"kitex biz error reply", kitexBizErrorReply, &kitexBizErrorHeader, framed(echoReply), true},
	{"acl token unframed", aclUnframed, &aclHeader, echoCall, true},
}

// sameHeader compares two headers with their info entries as sets.
func sameHeader(got, want *Header) error {
	if got.Flags != want.Flags || got.SeqID != want.SeqID || got.Protocol != want.Protocol || got.ACLToken != want.ACLToken {
		return fmt.Errorf("fixed fields: got flags=%#x seq=%d proto=%#x acl=%q, want flags=%#x seq=%d proto=%#x acl=%q",
			got.Flags, got.SeqID, got.Protocol, got.ACLToken, want.Flags, want.SeqID, want.Protocol, want.ACLToken)
	}
	if !bytes.Equal(got.Transforms, want.Transforms) {
		return fmt.Errorf("transforms %v, want %v", got.Transforms, want.Transforms)
	}
	cmpInt := func(a, b IntPair) int {
		if a.Key != b.Key {
			return int(a.Key) - int(b.Key)
		}
		return cmpString(a.Value, b.Value)
	}
	cmpStr := func(a, b StrPair) int {
		if c := cmpString(a.Key, b.Key); c != 0 {
			return c
		}
		return cmpString(a.Value, b.Value)
	}
	gi, wi := slices.SortedFunc(slices.Values(got.IntInfo), cmpInt), slices.SortedFunc(slices.Values(want.IntInfo), cmpInt)
	if !slices.Equal(gi, wi) {
		return fmt.Errorf("int info %v, want %v", gi, wi)
	}
	gs, ws := slices.SortedFunc(slices.Values(got.StrInfo), cmpStr), slices.SortedFunc(slices.Values(want.StrInfo), cmpStr)
	if !slices.Equal(gs, ws) {
		return fmt.Errorf("string info %q, want %q", gs, ws)
	}
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			var h Header
			payload, err := Decode(v.frame, &h)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if err := sameHeader(&h, v.want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(payload, v.payload) {
				t.Fatalf("payload % x, want % x", payload, v.payload)
			}
			n, err := FrameLength(v.frame[:PrefixSize], 0)
			if err != nil || n != len(v.frame) {
				t.Fatalf("FrameLength = %d, %v; want %d", n, err, len(v.frame))
			}
			if !IsTTHeader(v.frame) {
				t.Fatal("IsTTHeader = false")
			}

			// Encode the decoded header: same bytes when the entries keep the vector's order.
			size, err := Size(&h)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(v.frame) - len(v.payload); size != want {
				t.Fatalf("Size = %d, want %d", size, want)
			}
			out := make([]byte, size+len(payload))
			if n := Encode(out, &h, len(payload)); n != size {
				t.Fatalf("Encode wrote %d, Size said %d", n, size)
			}
			copy(out[size:], payload)
			if !bytes.Equal(out, v.frame) {
				t.Fatalf("re-encoded\n% x\nwant\n% x", out, v.frame)
			}
			if v.exact {
				size, _ := Size(v.want)
				out := make([]byte, size+len(v.payload))
				copy(out[Encode(out, v.want, len(v.payload)):], v.payload)
				if !bytes.Equal(out, v.frame) {
					t.Fatalf("Encode(want)\n% x\nwant\n% x", out, v.frame)
				}
			}
		})
	}
}

// TestTruncatedPrefixes cuts every vector at every length: each prefix must be an error, never a
// panic. With LENGTH patched to the prefix, a cut inside the header-info area must still fail.
func TestTruncatedPrefixes(t *testing.T) {
	for _, v := range vectors {
		var h Header
		for n := range len(v.frame) {
			p := v.frame[:n]
			if _, err := Decode(p, &h); !errors.Is(err, ErrTruncated) {
				t.Errorf("%s: prefix %d: err = %v, want ErrTruncated", v.name, n, err)
			}
			if n < FixedSize {
				continue
			}
			patched := bytes.Clone(p)
			patched[0], patched[1], patched[2], patched[3] = 0, 0, byte((n-4)>>8), byte(n-4)
			headerEnd := len(v.frame) - len(v.payload)
			_, err := Decode(patched, &h)
			if n < headerEnd && !errors.Is(err, ErrTruncated) {
				t.Errorf("%s: patched prefix %d: err = %v, want ErrTruncated", v.name, n, err)
			}
			if n >= headerEnd && err != nil {
				t.Errorf("%s: patched prefix %d (shorter payload): %v", v.name, n, err)
			}
		}
	}
}
