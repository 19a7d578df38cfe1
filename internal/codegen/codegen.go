package codegen

import (
	"errors"
	"fmt"
	"go/format"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

// Protocol selects which codec methods Generate emits.
type Protocol int

// Protocols.
const (
	// ProtocolBinary emits BLength, FastWrite, FastRead and FastWriteNocopy (the default).
	ProtocolBinary Protocol = iota
	// ProtocolCompact emits CompactLength, CompactWrite and CompactRead only. Services then get no
	// ServiceInfo, since thrift.MethodInfo builds Binary codecs.
	ProtocolCompact
	// ProtocolBoth emits both sets.
	ProtocolBoth
)

// String returns "binary", "compact" or "both".
func (p Protocol) String() string {
	switch p {
	case ProtocolBinary:
		return "binary"
	case ProtocolCompact:
		return "compact"
	case ProtocolBoth:
		return "both"
	}
	return fmt.Sprintf("Protocol(%d)", int(p))
}

// ParseProtocol parses the -protocol flag's value.
func ParseProtocol(s string) (Protocol, error) {
	switch s {
	case "binary", "":
		return ProtocolBinary, nil
	case "compact":
		return ProtocolCompact, nil
	case "both":
		return ProtocolBoth, nil
	}
	return 0, fmt.Errorf("unknown protocol %q (want binary, compact or both)", s)
}

func (p Protocol) binary() bool  { return p == ProtocolBinary || p == ProtocolBoth }
func (p Protocol) compact() bool { return p == ProtocolCompact || p == ProtocolBoth }

// Options configures Generate. The zero value generates the Binary codec with import paths equal to the
// namespace paths.
type Options struct {
	// Module is the import path prefix of the output directory: a file with `namespace go a.b` is
	// imported as Module/a/b. Empty means the namespace path alone.
	Module string
	// Protocol selects the codec methods (ProtocolBinary when zero).
	Protocol Protocol
}

// File is one generated Go source file.
type File struct {
	// Path is the file's path relative to the output directory, slash-separated, e.g. "echo/echo.kestrel.go".
	Path string
	// ImportPath is the Go import path of the file's package.
	ImportPath string
	// Source is the thrift file the Go file comes from, as the parser named it.
	Source string
	// Content is the formatted Go source.
	Content []byte
}

// Generate generates Go code for doc and every document it includes (directly or not), one file per
// document, sorted by Path. doc must come from idl.ParseFile (includes resolved).
func Generate(doc *idl.Document, opts Options) ([]*File, error) {
	if doc == nil {
		return nil, errors.New("codegen: nil document")
	}
	if opts.Protocol < ProtocolBinary || opts.Protocol > ProtocolBoth {
		return nil, fmt.Errorf("codegen: %v", opts.Protocol)
	}
	pl, err := plan(doc, opts)
	if err != nil {
		return nil, err
	}
	var files []*File
	for _, d := range pl.order {
		m, err := buildFile(pl, d)
		if err != nil {
			return nil, err
		}
		src := printFile(m, opts.Protocol)
		out, err := format.Source(src)
		if err != nil {
			// A bug in the generator: show the unformatted source to whoever debugs it.
			return nil, fmt.Errorf("codegen: %s: formatting generated code: %v\n%s", d.Path, err, src)
		}
		p := pl.pkgs[d]
		files = append(files, &File{
			Path:       path.Join(p.dir, p.fileName),
			ImportPath: p.importPath,
			Source:     d.Path,
			Content:    out,
		})
		for _, svc := range m.services {
			dir, name, src := serviceFile(m, svc)
			out, err := format.Source(src)
			if err != nil {
				return nil, fmt.Errorf("codegen: %s: formatting generated code: %v\n%s", d.Path, err, src)
			}
			files = append(files, &File{
				Path:       path.Join(dir, name),
				ImportPath: p.importPath + "/" + path.Base(dir),
				Source:     d.Path,
				Content:    out,
			})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for i := 1; i < len(files); i++ {
		if files[i].Path == files[i-1].Path {
			return nil, fmt.Errorf("codegen: %s and %s both generate %s", files[i-1].Source, files[i].Source, files[i].Path)
		}
	}
	return files, nil
}

// WriteFiles writes files under dir, creating directories as needed.
func WriteFiles(dir string, files []*File) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goPackage is where one Thrift document's Go code goes.
type goPackage struct {
	importPath string // full import path
	dir        string // output directory relative to -out, slash-separated
	name       string // package name
	fileName   string // "<doc name>.kestrel.go"
}

// planning holds the packages of every document reachable from the root.
type planning struct {
	root  *idl.Document
	order []*idl.Document // root first, then includes depth first, each once
	pkgs  map[*idl.Document]*goPackage
}

func plan(root *idl.Document, opts Options) (*planning, error) {
	pl := &planning{root: root, pkgs: map[*idl.Document]*goPackage{}}
	var visit func(d *idl.Document) error
	visit = func(d *idl.Document) error {
		if _, ok := pl.pkgs[d]; ok {
			return nil
		}
		p, err := packageOf(d, opts.Module)
		if err != nil {
			return err
		}
		pl.pkgs[d] = p
		pl.order = append(pl.order, d)
		for _, inc := range d.Includes {
			if inc.Doc == nil {
				return fmt.Errorf("%s: include %q was not resolved (parse with idl.ParseFile)", inc.Pos, inc.Path)
			}
			if err := visit(inc.Doc); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root); err != nil {
		return nil, err
	}
	// Documents sharing one import path must agree on the package name (they do: it is the path's last
	// element).
	return pl, nil
}

// packageOf derives a document's Go package from its `go` namespace (dots or slashes separate path
// elements), else from its file name.
func packageOf(d *idl.Document, module string) (*goPackage, error) {
	ns, ok := d.Namespaces["go"]
	if !ok || ns == "" {
		ns = strings.ToLower(d.Name)
	}
	var elems []string
	if strings.Contains(ns, "/") {
		elems = strings.Split(ns, "/")
	} else {
		elems = strings.Split(ns, ".")
	}
	for _, e := range elems {
		if e == "" || e == "." || e == ".." {
			return nil, fmt.Errorf("%s: bad go namespace %q", d.Path, ns)
		}
	}
	dir := strings.Join(elems, "/")
	ip := dir
	if module != "" {
		ip = strings.TrimSuffix(module, "/") + "/" + dir
	}
	return &goPackage{
		importPath: ip,
		dir:        dir,
		name:       packageName(elems[len(elems)-1]),
		fileName:   strings.ToLower(fileBase(d.Name)) + ".kestrel.go",
	}, nil
}

// packageName turns a path element into a valid Go package name.
func packageName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || (n[0] >= '0' && n[0] <= '9') || isGoKeyword(n) {
		n = "p" + n
	}
	return n
}

func fileBase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "thrift"
	}
	return b.String()
}
