package ttheader

import (
	"fmt"
	"strings"
	"testing"
)

// benchHeader is a request header with n bytes of metainfo spread over string entries.
func benchHeader(n int) *Header {
	h := &Header{SeqID: 1}
	*h = Header{SeqID: 1, IntInfo: append([]IntPair(nil), kitexMetaHeader.IntInfo...), StrInfo: append([]StrPair(nil), kitexMetaHeader.StrInfo...)}
	for i := 0; n > 0; i++ {
		v := strings.Repeat("v", min(n, 64))
		h.StrInfo = append(h.StrInfo, StrPair{fmt.Sprintf("%s%d", PrefixTransient, i), v})
		n -= len(v)
	}
	return h
}

var benchSizes = []struct {
	name string
	meta int
}{{"size=100B", 0}, {"size=1KB", 900}, {"size=16KB", 16000}}

func BenchmarkDecode(b *testing.B) {
	for _, bs := range benchSizes {
		b.Run(bs.name, func(b *testing.B) {
			h := benchHeader(bs.meta)
			size, _ := Size(h)
			frame := make([]byte, size+len(echoCall)+4)
			n := Encode(frame, h, len(echoCall)+4)
			copy(frame[n+PutPayloadLength(frame[n:], len(echoCall)):], echoCall)
			var got Header
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				if _, err := Decode(frame, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, bs := range benchSizes {
		b.Run(bs.name, func(b *testing.B) {
			h := benchHeader(bs.meta)
			size, _ := Size(h)
			buf := make([]byte, size)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				n, err := Size(h)
				if err != nil {
					b.Fatal(err)
				}
				Encode(buf[:n], h, 21)
			}
		})
	}
}

func BenchmarkPayloadKind(b *testing.B) {
	p := framed(echoCall)
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if PayloadKind(p) != KindThriftBinary {
			b.Fatal("kind")
		}
	}
}
