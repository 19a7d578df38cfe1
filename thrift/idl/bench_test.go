package idl

import (
	"os"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"ThriftTest", "nasty", "tutorial"} {
		src, err := os.ReadFile("testdata/" + name + ".thrift")
		if err != nil {
			b.Fatal(err)
		}
		b.Run("file="+name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Parse(name+".thrift", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseFile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFile("testdata/tutorial.thrift"); err != nil {
			b.Fatal(err)
		}
	}
}
