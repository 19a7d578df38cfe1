package ttheader

import "github.com/kestrel-rpc/kestrel/internal/unsafex"

// ProtocolID is the PROTOCOL ID byte of a TTHeader: how the payload is encoded.
type ProtocolID uint8

// Protocol ids. KiteX writes ProtocolBinary for Thrift and, deliberately, for Kitex-Protobuf too;
// decide the payload's real encoding with PayloadKind.
const (
	ProtocolBinary         ProtocolID = 0x00 // Thrift Binary (strict), KiteX's default
	ProtocolCompact        ProtocolID = 0x02 // Thrift Compact (KiteX does not support it)
	ProtocolCompactV2      ProtocolID = 0x03 // accepted for compatibility; old KiteX used it for protobuf
	ProtocolKitexProtobuf  ProtocolID = 0x04 // Kitex-Protobuf
	ProtocolThriftStruct   ProtocolID = 0x10 // TTHeader Streaming: a bare Thrift struct, no message header
	ProtocolProtobufStruct ProtocolID = 0x11 // TTHeader Streaming: a bare protobuf message
)

// Flag bits of the FLAGS field.
const (
	FlagSupportOutOfOrder uint16 = 0x01
	FlagStreaming         uint16 = 0x02 // TTHeader Streaming frame; SeqID is the stream id
	FlagDuplexReverse     uint16 = 0x08
	FlagSASL              uint16 = 0x10
)

// Transform ids. They are reserved: KiteX writes no transforms and implements none. Decode reports
// them in Header.Transforms and leaves the payload as it is.
const (
	TransformZlib   uint8 = 0x01
	TransformSnappy uint8 = 0x03
)

// IntKey is the key of an INFO_INTKEYVALUE entry.
type IntKey uint16

// Integer info keys, as KiteX numbers them (gopkg/protocol/ttheader/metakey.go).
const (
	MeshVersion     IntKey = 0
	TransportType   IntKey = 1 // "framed" or "unframed"
	LogID           IntKey = 2
	FromService     IntKey = 3
	FromCluster     IntKey = 4
	FromIDC         IntKey = 5
	ToService       IntKey = 6
	ToCluster       IntKey = 7
	ToIDC           IntKey = 8
	ToMethod        IntKey = 9
	Env             IntKey = 10
	DestAddress     IntKey = 11
	RPCTimeout      IntKey = 12 // milliseconds, decimal string
	ReadTimeout     IntKey = 13
	RingHashKey     IntKey = 14
	DDPTag          IntKey = 15
	WithMeshHeader  IntKey = 16
	ConnectTimeout  IntKey = 17 // milliseconds, decimal string
	SpanContext     IntKey = 18
	ShortConnection IntKey = 19
	FromMethod      IntKey = 20
	StressTag       IntKey = 21
	MsgType         IntKey = 22
	HTTPContentType IntKey = 23
	RawRingHashKey  IntKey = 24
	LBType          IntKey = 25
	ClusterShardID  IntKey = 26
	FrameType       IntKey = 27 // TTHeader Streaming: "1" meta, "2" header, "3" data, "4" trailer, "5" rst
)

// Well-known string info keys.
const (
	KeyIDLServiceName = "isn"         // IDL service name, for multi-service routing
	KeyBizStatus      = "biz-status"  // business error code (decimal)
	KeyBizMessage     = "biz-message" // business error message
	KeyBizExtra       = "biz-extra"   // business error extra data (JSON)
	KeyConnReset      = "crrst"       // server is shutting down: close this connection
	KeyRemoteIP       = "rip"
	KeyTransCode      = "tc"
	KeyTransInfo      = "ti"
	KeyProcessAtTime  = "K_ProcessAtTime"
	KeyCRC32C         = "crc32c"     // payload checksum
	KeyCancelPath     = "ttscp"      // TTHeader Streaming cascade cancel path
	KeyACLToken       = "gdpr-token" // how KiteX exposes the ACL token block as metainfo
	// Timing keys.
	KeyClientSendTime    = "pcs"
	KeyClientEndTime     = "pce"
	KeyServerSendTime    = "pss"
	KeyServerRecvTime    = "prs"
	KeyServerRecvEndTime = "pre"
)

// Metainfo key prefixes (bytedance/gopkg/cloud/metainfo). Transient values travel one hop, persistent
// values every hop, backward values from server to client.
const (
	PrefixTransient         = "RPC_TRANSIT_"
	PrefixTransientUpstream = "RPC_TRANSIT_UPSTREAM_"
	PrefixPersistent        = "RPC_PERSIST_"
	PrefixBackward          = "RPC_BACKWARD_"
)

// IntPair is one INFO_INTKEYVALUE entry.
type IntPair struct {
	Key   IntKey
	Value string
}

// StrPair is one INFO_KEYVALUE entry.
type StrPair struct {
	Key   string
	Value string
}

// Header is a decoded or to-be-encoded TTHeader (everything but LENGTH, MAGIC and the payload).
//
// # Ownership
//
// Decode fills the strings of a Header (IntInfo and StrInfo values and keys, ACLToken) with views of
// the frame's bytes, not copies: they are valid only while those bytes are neither modified nor
// released (for a linkbuf frame, until Release). Call CopyStrings or Clone to keep them longer.
//
// The info slices keep their capacity across Reset and Decode, so a Header reused for every frame of
// a connection decodes without allocating. Keys may repeat (TTHeader is decoded into a map by KiteX):
// Int and Str return the last entry for a key, like a map filled in wire order would.
//
// A Header is not safe for concurrent use.
type Header struct {
	Flags      uint16
	SeqID      int32
	Protocol   ProtocolID
	Transforms []uint8
	IntInfo    []IntPair
	StrInfo    []StrPair
	ACLToken   string // written as an ACL_TOKEN block when not empty
}

// Reset empties h, keeping the capacity of its slices.
func (h *Header) Reset() {
	h.Flags = 0
	h.SeqID = 0
	h.Protocol = 0
	h.Transforms = h.Transforms[:0]
	clear(h.IntInfo) // drop references to old frames
	h.IntInfo = h.IntInfo[:0]
	clear(h.StrInfo)
	h.StrInfo = h.StrInfo[:0]
	h.ACLToken = ""
}

// Int returns the value of the last integer-keyed entry with key k.
func (h *Header) Int(k IntKey) (string, bool) {
	for i := len(h.IntInfo) - 1; i >= 0; i-- {
		if h.IntInfo[i].Key == k {
			return h.IntInfo[i].Value, true
		}
	}
	return "", false
}

// Str returns the value of the last string-keyed entry with key k.
func (h *Header) Str(k string) (string, bool) {
	for i := len(h.StrInfo) - 1; i >= 0; i-- {
		if h.StrInfo[i].Key == k {
			return h.StrInfo[i].Value, true
		}
	}
	return "", false
}

// SetInt sets the value for k, replacing the last entry with that key or appending one.
func (h *Header) SetInt(k IntKey, v string) {
	for i := len(h.IntInfo) - 1; i >= 0; i-- {
		if h.IntInfo[i].Key == k {
			h.IntInfo[i].Value = v
			return
		}
	}
	h.IntInfo = append(h.IntInfo, IntPair{Key: k, Value: v})
}

// SetStr sets the value for k, replacing the last entry with that key or appending one.
func (h *Header) SetStr(k, v string) {
	for i := len(h.StrInfo) - 1; i >= 0; i-- {
		if h.StrInfo[i].Key == k {
			h.StrInfo[i].Value = v
			return
		}
	}
	h.StrInfo = append(h.StrInfo, StrPair{Key: k, Value: v})
}

// stringBytes is the number of string bytes h refers to.
func (h *Header) stringBytes() int {
	n := len(h.ACLToken)
	for _, p := range h.IntInfo {
		n += len(p.Value)
	}
	for _, p := range h.StrInfo {
		n += len(p.Key) + len(p.Value)
	}
	return n
}

// CopyStrings replaces every string of h by a copy that does not alias the frame it was decoded from,
// so h stays valid after the frame's bytes are released. All copies share one new allocation.
func (h *Header) CopyStrings() {
	buf := make([]byte, 0, h.stringBytes())
	cp := func(s string) string {
		if s == "" {
			return ""
		}
		start := len(buf)
		buf = append(buf, s...)
		return unsafex.BytesToString(buf[start:len(buf):len(buf)])
	}
	h.ACLToken = cp(h.ACLToken)
	for i := range h.IntInfo {
		h.IntInfo[i].Value = cp(h.IntInfo[i].Value)
	}
	for i := range h.StrInfo {
		h.StrInfo[i].Key = cp(h.StrInfo[i].Key)
		h.StrInfo[i].Value = cp(h.StrInfo[i].Value)
	}
}

// Clone returns a deep copy of h that shares no memory with h or with the frame h was decoded from.
func (h *Header) Clone() *Header {
	c := &Header{
		Flags:    h.Flags,
		SeqID:    h.SeqID,
		Protocol: h.Protocol,
		ACLToken: h.ACLToken,
	}
	if len(h.Transforms) > 0 {
		c.Transforms = append([]uint8(nil), h.Transforms...)
	}
	if len(h.IntInfo) > 0 {
		c.IntInfo = append([]IntPair(nil), h.IntInfo...)
	}
	if len(h.StrInfo) > 0 {
		c.StrInfo = append([]StrPair(nil), h.StrInfo...)
	}
	c.CopyStrings()
	return c
}
