package idl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics or hangs, that every error it
// returns carries a position, and that the returned Document can be walked
// (Underlying, String) without running away on recursive or cyclic types.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.thrift")
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Parse("f.thrift", src)
		if err != nil {
			var list ErrorList
			var one *Error
			switch {
			case errors.As(err, &list):
				if len(list) < 2 {
					t.Fatalf("ErrorList with %d elements", len(list))
				}
				for _, e := range list {
					checkErrorPos(t, e)
				}
			case errors.As(err, &one):
				checkErrorPos(t, one)
			default:
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
		if doc == nil {
			t.Fatal("nil Document")
		}
		for _, d := range doc.Decls {
			walkDecl(d)
		}
	})
}

func checkErrorPos(t *testing.T, e *Error) {
	if e.Pos.File != "f.thrift" || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
		t.Fatalf("bad error %q at %+v", e.Msg, e.Pos)
	}
}

// walkDecl touches every type of a declaration the way a generator would.
func walkDecl(d Decl) {
	visit := func(t *Type) {
		if t != nil {
			_ = t.String()
			_ = t.Underlying().String()
		}
	}
	switch d := d.(type) {
	case *Typedef:
		visit(d.Type)
	case *Const:
		visit(d.Type)
	case *Struct:
		for _, f := range d.Fields {
			visit(f.Type)
		}
	case *Service:
		for b, n := d.Base, 0; b != nil && n < 1000; b, n = b.Base, n+1 {
		}
		for _, fn := range d.Functions {
			visit(fn.Result)
			for _, f := range fn.Args {
				visit(f.Type)
			}
			for _, f := range fn.Throws {
				visit(f.Type)
			}
		}
	}
}
