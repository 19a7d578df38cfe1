// Package kitex_test checks Kestrel against KiteX's TTHeader byte for byte, without KiteX (which cannot
// be installed here): it builds the frames a KiteX v0.16 client and server write, from the layout in
// shared/wire.md §1 and §7, by hand, sends them over loopback TCP to a Kestrel server, and parses
// Kestrel's answers by the same layout; and it plays the KiteX server to a Kestrel client the same way.
// The Thrift messages inside come from Apache Thrift's library, so nothing of Kestrel's own codec
// writes or reads the bytes these tests judge.
package kitex_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
)

// hang bounds every wait: a hang detector, never a synchronisation.
const hang = 10 * time.Second

// Integer info keys (wire.md §1).
const (
	keyTransportType = 1
	keyFromService   = 3
	keyToService     = 6
	keyToMethod      = 9
	keyRPCTimeout    = 12
	keyFromMethod    = 20
	keyMsgType       = 22
)

// Info block ids.
const (
	infoPadding  = 0x00
	infoKeyValue = 0x01
	infoIntKV    = 0x10
	infoACLToken = 0x11
)

type strKV struct{ k, v string }

type intKV struct {
	k uint16
	v string
}

// ttFrame is one TTHeader frame, as KiteX lays it out.
type ttFrame struct {
	flags    uint16
	seq      int32
	protocol byte
	acl      string // ACL_TOKEN block, written when not empty
	strs     []strKV
	ints     []intKV
	intFirst bool // write the int block before the string block (KiteX writes strings first)
	padMid   bool // put a padding byte between the blocks, which a reader must skip
	payload  []byte

	// Set by parseFrame only.
	headerSize int
	padding    []byte
}

// encode lays f out: LENGTH, MAGIC 0x1000, FLAGS, SEQUENCE NUMBER, HEADER SIZE, then the header-info
// area (PROTOCOL ID, NUM TRANSFORMS = 0, the info blocks, zero padding to 4 bytes), then the payload.
func (f *ttFrame) encode() []byte {
	info := []byte{f.protocol, 0}
	if f.acl != "" {
		info = append(info, infoACLToken)
		info = str16(info, f.acl)
	}
	strBlock := func() {
		if len(f.strs) == 0 {
			return
		}
		info = append(info, infoKeyValue)
		info = binary.BigEndian.AppendUint16(info, uint16(len(f.strs)))
		for _, kv := range f.strs {
			info = str16(str16(info, kv.k), kv.v)
		}
	}
	intBlock := func() {
		if len(f.ints) == 0 {
			return
		}
		info = append(info, infoIntKV)
		info = binary.BigEndian.AppendUint16(info, uint16(len(f.ints)))
		for _, kv := range f.ints {
			info = binary.BigEndian.AppendUint16(info, kv.k)
			info = str16(info, kv.v)
		}
	}
	first, second := strBlock, intBlock
	if f.intFirst {
		first, second = intBlock, strBlock
	}
	first()
	if f.padMid {
		info = append(info, infoPadding)
	}
	second()
	for len(info)%4 != 0 {
		info = append(info, 0)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(10+len(info)+len(f.payload)))
	b = binary.BigEndian.AppendUint16(b, 0x1000)
	b = binary.BigEndian.AppendUint16(b, f.flags)
	b = binary.BigEndian.AppendUint32(b, uint32(f.seq))
	b = binary.BigEndian.AppendUint16(b, uint16(len(info)/4))
	b = append(b, info...)
	return append(b, f.payload...)
}

func str16(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint16(b, uint16(len(s))), s...)
}

// readTTFrame reads one frame from c: the LENGTH word and the LENGTH bytes after it.
func readTTFrame(c net.Conn) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(hang))
	var n [4]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return nil, err
	}
	length := binary.BigEndian.Uint32(n[:])
	if length > 1<<24 {
		return nil, fmt.Errorf("LENGTH %#x", length)
	}
	b := make([]byte, 4+length)
	copy(b, n[:])
	_, err := io.ReadFull(c, b[4:])
	return b, err
}

// parseFrame checks b against the TTHeader layout, strictly, and returns its fields. Only what KiteX
// writes passes: magic 0x1000, a header size that fits, no transforms, only the known info blocks, and
// zero padding.
func parseFrame(b []byte) (*ttFrame, error) {
	if len(b) < 18 {
		return nil, fmt.Errorf("%d bytes, shorter than the smallest frame", len(b))
	}
	if n := binary.BigEndian.Uint32(b); int(n) != len(b)-4 {
		return nil, fmt.Errorf("LENGTH %d, but %d bytes follow it", n, len(b)-4)
	}
	if m := binary.BigEndian.Uint16(b[4:]); m != 0x1000 {
		return nil, fmt.Errorf("magic %#04x, want 0x1000", m)
	}
	f := &ttFrame{flags: binary.BigEndian.Uint16(b[6:]), seq: int32(binary.BigEndian.Uint32(b[8:]))}
	f.headerSize = int(binary.BigEndian.Uint16(b[12:]))
	end := 14 + 4*f.headerSize
	if f.headerSize == 0 || end > len(b) {
		return nil, fmt.Errorf("header size %d words in a %d-byte frame", f.headerSize, len(b))
	}
	info := b[14:end]
	f.payload = b[end:]
	f.protocol = info[0]
	if info[1] != 0 {
		return nil, fmt.Errorf("%d transforms: KiteX writes none", info[1])
	}
	i := 2
	u16 := func() (int, error) {
		if i+2 > len(info) {
			return 0, fmt.Errorf("info area ends inside a length at %d", i)
		}
		v := int(binary.BigEndian.Uint16(info[i:]))
		i += 2
		return v, nil
	}
	str := func() (string, error) {
		n, err := u16()
		if err != nil {
			return "", err
		}
		if i+n > len(info) {
			return "", fmt.Errorf("a %d-byte string at %d runs past the info area", n, i)
		}
		s := string(info[i : i+n])
		i += n
		return s, nil
	}
	for i < len(info) {
		id := info[i]
		i++
		switch id {
		case infoPadding:
			f.padding = append(f.padding, id)
		case infoKeyValue, infoIntKV:
			if len(f.padding) > 0 {
				return nil, fmt.Errorf("info block %#x after padding: KiteX pads only at the end", id)
			}
			n, err := u16()
			if err != nil {
				return nil, err
			}
			for range n {
				if id == infoKeyValue {
					k, err := str()
					if err != nil {
						return nil, err
					}
					v, err := str()
					if err != nil {
						return nil, err
					}
					f.strs = append(f.strs, strKV{k, v})
				} else {
					k, err := u16()
					if err != nil {
						return nil, err
					}
					v, err := str()
					if err != nil {
						return nil, err
					}
					f.ints = append(f.ints, intKV{uint16(k), v})
				}
			}
		case infoACLToken:
			var err error
			if f.acl, err = str(); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unknown info id %#x at %d", id, i-1)
		}
	}
	if len(f.padding) > 3 {
		return nil, fmt.Errorf("%d padding bytes: more than reach a 4-byte boundary", len(f.padding))
	}
	return f, nil
}

func (f *ttFrame) str(k string) (string, bool) {
	for _, kv := range f.strs {
		if kv.k == k {
			return kv.v, true
		}
	}
	return "", false
}

func (f *ttFrame) int(k uint16) (string, bool) {
	for _, kv := range f.ints {
		if kv.k == k {
			return kv.v, true
		}
	}
	return "", false
}

// framedPayload prefixes msg with its length: KiteX's TTHeaderFramed payload.
func framedPayload(msg []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(msg))), msg...)
}

// unframe returns the message of a TTHeaderFramed payload, checking its inner length.
func unframe(payload []byte) ([]byte, error) {
	if len(payload) < 4 {
		return nil, fmt.Errorf("a %d-byte payload has no inner length", len(payload))
	}
	if n := binary.BigEndian.Uint32(payload); int(n) != len(payload)-4 {
		return nil, fmt.Errorf("inner length %d, but %d bytes follow", n, len(payload)-4)
	}
	return payload[4:], nil
}

// writeMessage encodes a message with Apache's strict TBinaryProtocol (what KiteX writes).
func writeMessage(name string, typ thrift.TMessageType, seq int32, body thrift.TStruct) ([]byte, error) {
	ctx := context.Background()
	buf := thrift.NewTMemoryBuffer()
	p := thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{})
	if err := p.WriteMessageBegin(ctx, name, typ, seq); err != nil {
		return nil, err
	}
	if err := body.Write(ctx, p); err != nil {
		return nil, err
	}
	if err := p.WriteMessageEnd(ctx); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// readMessage decodes a strict-Binary message with Apache's library into body (chosen by the message
// type: body for REPLY or CALL, a TApplicationException for EXCEPTION, returned as ae).
func readMessage(msg []byte, body thrift.TStruct) (name string, typ thrift.TMessageType, seq int32, ae thrift.TApplicationException, err error) {
	ctx := context.Background()
	if len(msg) < 2 || msg[0] != 0x80 || msg[1] != 0x01 {
		return "", 0, 0, nil, fmt.Errorf("message starts % x, not a strict Binary header", msg[:min(len(msg), 4)])
	}
	buf := thrift.NewTMemoryBuffer()
	buf.Write(msg)
	p := thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{TBinaryStrictRead: thrift.BoolPtr(true)})
	if name, typ, seq, err = p.ReadMessageBegin(ctx); err != nil {
		return
	}
	if typ == thrift.EXCEPTION {
		ae = thrift.NewTApplicationException(0, "")
		err = ae.Read(ctx, p)
	} else {
		err = body.Read(ctx, p)
	}
	if err == nil && buf.Len() != 0 {
		err = fmt.Errorf("%d bytes left after the message", buf.Len())
	}
	return
}
