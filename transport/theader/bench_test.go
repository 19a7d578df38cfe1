package theader

import (
	"fmt"
	"strings"
	"testing"
)

func benchHeader(meta int) *Header {
	h := &Header{SeqID: 1, Info: []Pair{{"client", "kestrel"}, {"method", "Echo"}}}
	for i := 0; meta > 0; i++ {
		v := strings.Repeat("v", min(meta, 64))
		h.Info = append(h.Info, Pair{fmt.Sprintf("key%d", i), v})
		meta -= len(v)
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
			frame := make([]byte, size+len(echoCall))
			copy(frame[Encode(frame, h, len(echoCall)):], echoCall)
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
				Encode(buf[:n], h, 17)
			}
		})
	}
}

func BenchmarkZlib(b *testing.B) {
	h := &Header{Transforms: []TransformID{TransformZlib}}
	for _, size := range []int{1 << 10, 16 << 10} {
		msg := []byte(strings.Repeat("kestrel rpc ", size/12+1)[:size])
		payload, _ := Transform(nil, h, msg)
		b.Run(fmt.Sprintf("op=inflate/size=%dKB", size>>10), func(b *testing.B) {
			dst := make([]byte, 0, size)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := Untransform(dst, h, payload, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("op=deflate/size=%dKB", size>>10), func(b *testing.B) {
			dst := make([]byte, 0, size)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := Transform(dst[:0], h, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
