package idl

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPathologicalInputs feeds inputs built to make a naive parser recurse
// without bound, go quadratic or loop; each must finish quickly with a
// sensible result.
func TestPathologicalInputs(t *testing.T) {
	chain := func(n int, line func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(line(i))
			b.WriteByte('\n')
		}
		return b.String()
	}
	tests := []struct {
		name    string
		src     string
		wantErr string // substring; empty means success
	}{
		{"deep list literal", "const list<i32> X = " + strings.Repeat("[", 100000), "nesting deeper than 100 levels"},
		{"deep map literal", "const i32 X = " + strings.Repeat("{1:", 100000), "nesting deeper than 100 levels"},
		{"deep type", "typedef " + strings.Repeat("map<i32,", 100000) + " T", "nesting deeper than 100 levels"},
		{"long typedef chain", chain(20000, func(i int) string { return fmt.Sprintf("typedef T%d T%d", i+1, i) }) + "typedef i32 T20000", ""},
		{"long typedef cycle", chain(20000, func(i int) string { return fmt.Sprintf("typedef T%d T%d", (i+1)%20000, i) }), "typedef cycle"},
		{"long service chain", chain(20000, func(i int) string { return fmt.Sprintf("service S%d extends S%d {}", i, i+1) }) + "service S20000 {}", ""},
		{"long const chain", chain(20000, func(i int) string { return fmt.Sprintf("const i32 C%d = C%d", i, i+1) }) + "const i32 C20000 = 1", ""},
		{"big enum and big list", "enum E {" + chain(20000, func(i int) string { return fmt.Sprintf("V%d,", i) }) + "}\nconst list<E> L = [" +
			chain(20000, func(i int) string { return fmt.Sprintf("%d,", i) }) + "]", ""},
		{"typedef recursion through containers", "typedef list<A> B\ntypedef map<string, B> A\nconst A X = {\"k\": [{}, {\"j\": []}]}\nconst B Y = [[1]]", "const Y: cannot use list literal as A"},
		{"long run of line comments", strings.Repeat("// doc line\n", 200000) + "struct S {}", ""},
		{"many doc comments", strings.Repeat("/** doc */\n", 200000) + "struct S {}", ""},
		{"many const cycles", chain(20000, func(i int) string { return fmt.Sprintf("const list<i32> C%d = [C0, C%d]", i, i+1) }) + "const list<i32> C20000 = []", "const cycle"},
		{"many include prefixes", chain(20000, func(i int) string { return fmt.Sprintf("include \"f%d.thrift\"", i) }) +
			chain(20000, func(i int) string { return fmt.Sprintf("typedef f%d.T T%d", i, i) }), ""},
		{"many syntax errors", strings.Repeat("struct { ", 100000), "expected a struct name"},
		{"many illegal characters", strings.Repeat("@", 200000), "illegal character"},
		{"unterminated strings", strings.Repeat("const string S = \"x\n", 20000), "newline in string literal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The bound detects a hang (or blow-up), not a speed target: these inputs parse in well
			// under a second on a quiet machine, and speed is measured by BenchmarkParse.
			start := time.Now()
			doc, err := Parse("t.thrift", []byte(tt.src))
			if d := time.Since(start); d > time.Minute {
				t.Errorf("took %v: the parser blows up on this input", d)
			}
			if doc == nil {
				t.Fatal("nil document")
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %.500v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %.300v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestUnderlyingLongChainAndCycle(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&b, "typedef T%d T%d\n", i+1, i)
	}
	b.WriteString("typedef string T5000\n")
	doc := mustParse(t, b.String())
	if u := doc.Typedefs[0].Type.Underlying(); u.Kind != String {
		t.Errorf("Underlying of a 5000-long chain = %v, want string", u)
	}
	doc, err := Parse("t.thrift", []byte("typedef A B\ntypedef B C\ntypedef C A\ntypedef A D"))
	if err == nil {
		t.Fatal("typedef cycle accepted")
	}
	u := doc.Typedefs[3].Type.Underlying()
	if u == nil || u.Kind != Named || u.Typedef == nil {
		t.Errorf("Underlying on a cycle = %+v, want a typedef on the cycle", u)
	}
}

func TestLexicalErrorsCapped(t *testing.T) {
	_, err := Parse("t.thrift", []byte(strings.Repeat("const string S = \"x\n", 1000)))
	if n := len(errorsOf(t, err)); n > 2*maxSyntaxErrors {
		t.Errorf("got %d errors for 1000 bad lines, want at most %d", n, 2*maxSyntaxErrors)
	}
}
