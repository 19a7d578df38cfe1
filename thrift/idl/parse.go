package idl

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Options configures ParseFileWithOptions. The zero value resolves includes
// relative to the including file only.
type Options struct {
	// IncludeDirs are searched, in order, for an include not found relative
	// to the including file.
	IncludeDirs []string
}

// Parse parses one file from src. filename is used in positions and to
// derive Document.Name. Includes are recorded with a nil Doc and not loaded;
// names that go through an include prefix stay unresolved, and the checks
// that need them are skipped. Everything else is resolved and checked.
//
// On error Parse returns the Document as far as it was built (which may be
// incomplete) and either an *Error or, when several problems were found, an
// ErrorList sorted by position.
func Parse(filename string, src []byte) (*Document, error) {
	doc, errs := parseOne(filename, src)
	if len(errs) == 0 {
		c := checker{doc: doc}
		c.run(indexes{})
		errs = c.errs
		sortErrors(errs)
	}
	return doc, listErr(errs)
}

// parseOne runs the lexer and parser and returns the syntax errors sorted by
// position.
func parseOne(filename string, src []byte) (*Document, []*Error) {
	p := newParser(filename, src)
	p.parseDocument()
	errs := append(p.lex.errs, p.errs...)
	sortErrors(errs)
	return p.doc, errs
}

// ParseFile parses the file at path, loads its includes (recursively,
// relative to the including file), resolves names across files and runs all
// checks. Errors are reported as by Parse, with positions in the file where
// each problem is. If path itself cannot be read, the error wraps the
// os.ReadFile error (errors.Is(err, fs.ErrNotExist) works) and the Document
// is nil.
func ParseFile(path string) (*Document, error) {
	return ParseFileWithOptions(path, Options{})
}

// ParseFileWithOptions is ParseFile with include search directories. An
// include "x.thrift" in file dir/a.thrift is looked up as dir/x.thrift first,
// then in each of opts.IncludeDirs in order. An included file is parsed once
// even when several files include it; include cycles are errors.
func ParseFileWithOptions(path string, opts Options) (*Document, error) {
	l := &loader{opts: opts, docs: map[string]*Document{}, loading: map[string]bool{}}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("idl: %w", err)
	}
	doc := l.load(path, src)
	return doc, listErr(l.errs)
}

// loader loads a file and its includes.
type loader struct {
	opts    Options
	docs    map[string]*Document // by absolute path, once loaded
	loading map[string]bool      // absolute paths on the current include chain
	chain   []string             // paths on the current include chain
	ix      indexes
	errs    []*Error
}

func absPath(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return filepath.Clean(path)
}

// load parses src (the content of path), loads its includes and checks it.
func (l *loader) load(path string, src []byte) *Document {
	key := absPath(path)
	doc, errs := parseOne(path, src)
	l.docs[key] = doc
	l.loading[key] = true
	l.chain = append(l.chain, path)
	for _, inc := range doc.Includes {
		var ierr *Error
		inc.Doc, ierr = l.include(doc, inc)
		if ierr != nil {
			errs = append(errs, ierr)
		}
	}
	l.chain = l.chain[:len(l.chain)-1]
	delete(l.loading, key)
	if len(errs) == 0 || onlyIncludeErrors(errs, doc) {
		if l.ix == nil {
			l.ix = indexes{}
		}
		c := checker{doc: doc}
		c.run(l.ix)
		errs = append(errs, c.errs...)
	}
	sortErrors(errs)
	l.errs = append(l.errs, errs...)
	return doc
}

// onlyIncludeErrors reports whether every error in errs is about one of
// doc's include directives: the file itself parsed, so it is still checked
// (names through the failed includes stay unresolved).
func onlyIncludeErrors(errs []*Error, doc *Document) bool {
	at := make(map[Pos]bool, len(doc.Includes))
	for _, inc := range doc.Includes {
		at[inc.Pos] = true
	}
	for _, e := range errs {
		if !at[e.Pos] {
			return false
		}
	}
	return true
}

// include finds, loads and returns the document inc names, or an error at
// the include directive.
func (l *loader) include(from *Document, inc *Include) (*Document, *Error) {
	var tried []string
	candidates := []string{inc.Path}
	if !filepath.IsAbs(inc.Path) {
		candidates[0] = filepath.Join(filepath.Dir(from.Path), inc.Path)
		for _, d := range l.opts.IncludeDirs {
			candidates = append(candidates, filepath.Join(d, inc.Path))
		}
	}
	for _, cand := range candidates {
		key := absPath(cand)
		if l.loading[key] {
			chain := append(append([]string(nil), l.chain...), cand)
			return nil, &Error{Pos: inc.Pos, Msg: "include cycle: " + strings.Join(chain, " -> ")}
		}
		if d, ok := l.docs[key]; ok {
			return d, nil
		}
		src, err := os.ReadFile(cand)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, &Error{Pos: inc.Pos, Msg: fmt.Sprintf("cannot read include %q: %v", inc.Path, err)}
			}
			tried = append(tried, cand)
			continue
		}
		return l.load(cand, src), nil
	}
	return nil, &Error{Pos: inc.Pos, Msg: fmt.Sprintf("include %q not found (tried %s)", inc.Path, quoteList(tried))}
}

func sortErrors(errs []*Error) {
	slices.SortStableFunc(errs, func(a, b *Error) int {
		return cmp.Or(strings.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
}

// listErr returns nil, the single error, or the ErrorList.
func listErr(errs []*Error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return ErrorList(errs)
}
