//go:build !race

package idl

import (
	"os"
	"testing"
)

// TestParseAllocBudget keeps the parser's allocations proportional to the
// declarations it builds: ThriftTest.thrift (about 12 KB, ~300 tree nodes)
// parses and checks in well under a thousand allocations.
func TestParseAllocBudget(t *testing.T) {
	src, err := os.ReadFile("testdata/ThriftTest.thrift")
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := Parse("ThriftTest.thrift", src); err != nil {
			t.Fatal(err)
		}
	})
	const budget = 900
	if allocs > budget {
		t.Errorf("Parse(ThriftTest.thrift) allocates %.0f times, budget %d", allocs, budget)
	}
}

// TestLexerTokensDoNotAllocate checks that scanning identifiers, numbers,
// punctuation and escape-free strings allocates nothing: token text is a
// substring of the source.
func TestLexerTokensDoNotAllocate(t *testing.T) {
	src := []byte(`struct Foo { 1: required list<i64> bar = [1, 0x2, -3.5e1], 2: string s = "plain" } // c` + "\n")
	l := newLexer("t.thrift", src)
	allocs := testing.AllocsPerRun(100, func() {
		l.off, l.line, l.col, l.tokEnd = 0, 1, 1, 0
		for l.next().kind != tokEOF {
		}
	})
	if allocs != 0 {
		t.Errorf("lexing allocates %.1f times per run, want 0", allocs)
	}
}
