package lint

import (
	"bufio"
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/kestrel-rpc/kestrel"

// layers is DESIGN.md §1 as data: a package path relative to the module (or a prefix ending in "/") and
// its layer. The longest matching entry wins. A package that matches nothing fails the test, so a new
// package must be placed on the map on purpose.
var layers = map[string]int{
	"linkbuf":   0,
	"internal/": 0, // internal helpers (unsafex, simd, invariants, ...) unless listed below

	"netpoll":    1,
	"thrift":     1,
	"thrift/idl": 1,
	"protobuf":   1,

	"transport":  2,
	"transport/": 2,
	"callinfo":   2,
	"metainfo":   2,
	"endpoint":   2,
	"codec":      2,
	"rpcerr":     2,

	"discovery":    3,
	"loadbalance":  3,
	"retry":        3,
	"circuitbreak": 3,
	"limit":        3,
	"stats":        3,

	"client":  4,
	"server":  4,
	"generic": 4,
	"stream":  4,

	"cmd/":             5,
	"examples/":        5,
	"internal/codegen": 5,
	"internal/loadgen": 5,
	"internal/lint":    5,
	"internal/gentest": 5,
}

// sameLayer lists the imports allowed between packages of one layer ("from" imports "to").
var sameLayer = map[string][]string{
	"thrift/idl": {"thrift"},
	"callinfo":   {"transport"}, // a call's record names its transport kind and protocol
	// the message codec frames Thrift messages with every transport
	"codec": {"transport", "transport/"},
}

// leafHelpers sit at the very bottom of L0: any package may import them, and they import no Kestrel
// package but each other.
var leafHelpers = map[string]bool{
	"internal/unsafex":    true,
	"internal/invariants": true,
	"internal/simd":       true,
}

// toolLayer is L5: tools, examples and generated fixtures may import each other.
const toolLayer = 5

// allowedModules are the only modules the core module may depend on (DESIGN.md §1).
var allowedModules = []string{
	"golang.org/x/sys",
	"golang.org/x/net",
	"golang.org/x/text", // required by golang.org/x/net
	"google.golang.org/protobuf",
}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
	Module     *struct{ Path string }
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	root := moduleRoot(t)
	cmd := exec.Command("go", "list", "-deps", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// layerOf returns the layer of a module-relative package path and whether the map places it.
func layerOf(rel string) (string, int, bool) {
	best, bestLen, layer := "", -1, 0
	for key, l := range layers {
		match := rel == key || (strings.HasSuffix(key, "/") && strings.HasPrefix(rel, key)) ||
			strings.HasPrefix(rel, key+"/")
		if match && len(key) > bestLen {
			best, bestLen, layer = key, len(key), l
		}
	}
	return best, layer, bestLen >= 0
}

func TestLayering(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.Standard || !strings.HasPrefix(p.ImportPath, module+"/") {
			continue
		}
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		fromKey, from, ok := layerOf(rel)
		if !ok {
			t.Errorf("%s is not on the layer map: add it to internal/lint and DESIGN.md §1", rel)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			irel := strings.TrimPrefix(imp, module+"/")
			toKey, to, ok := layerOf(irel)
			if !ok {
				continue // reported on its own
			}
			switch {
			case leafHelpers[rel] && !leafHelpers[irel]:
				t.Errorf("%s is a leaf helper and must not import %s", rel, irel)
			case leafHelpers[irel] && !leafHelpers[rel]:
			case to < from:
			case to == from && from == toolLayer:
			case to == from && allowedSame(fromKey, toKey, rel, irel):
			default:
				t.Errorf("%s (L%d) imports %s (L%d): imports must point down (DESIGN.md §1)", rel, from, irel, to)
			}
		}
	}
}

func allowedSame(fromKey, toKey, rel, irel string) bool {
	// Packages under one internal/ prefix entry are helpers of the same family; let them share.
	if fromKey == toKey && strings.HasSuffix(fromKey, "/") && fromKey != "internal/" {
		return true
	}
	for _, allowed := range sameLayer[fromKey] {
		if allowed == toKey {
			return true
		}
	}
	return false
}

func TestCoreDependencies(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.Standard || p.Module == nil || p.Module.Path == module {
			continue
		}
		ok := false
		for _, m := range allowedModules {
			if p.Module.Path == m {
				ok = true
			}
		}
		if !ok {
			t.Errorf("core module depends on %s (package %s): heavier integrations go in a nested module (DESIGN.md §1)",
				p.Module.Path, p.ImportPath)
		}
	}
}

// unsafeAllowed lists, as module-relative path patterns (filepath.Match), the only non-test files that
// may import "unsafe" (STYLE.md guideline 10). Each such file explains at its top why.
var unsafeAllowed = []string{
	"internal/unsafex/*.go",
	"netpoll/sys_*.go",
	"netpoll/poll_*.go",
	"linkbuf/link_unsafe.go",
}

// Forbidden imports by package prefix: hot L0–L1 packages stay reflection-free, and raw system calls go
// through golang.org/x/sys/unix except in netpoll (which needs syscall.RawConn to adopt net.Listeners).
var forbidden = []struct {
	prefix, imp, why string
}{
	{"linkbuf", "reflect", "hot path stays reflection-free"},
	{"netpoll", "reflect", "hot path stays reflection-free"},
	{"thrift", "reflect", "hot path stays reflection-free"},
	{"internal/simd", "reflect", "hot path stays reflection-free"},
	{"linkbuf", "syscall", "use golang.org/x/sys/unix"},
	{"thrift", "syscall", "use golang.org/x/sys/unix"},
	{"internal/simd", "syscall", "use golang.org/x/sys/unix"},
}

var (
	reEmptyIface = regexp.MustCompile(`\binterface\{\}`)
	reTimeAfter  = regexp.MustCompile(`\btime\.After\(`)
)

// TestSourceRules walks every non-generated Go file of the core module.
func TestSourceRules(t *testing.T) {
	root := moduleRoot(t)
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			// Nested modules are checked by their own rules; testdata is not code.
			if rel != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if isGenerated(src) {
			return nil
		}
		isTest := strings.HasSuffix(path, "_test.go")
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		for _, is := range f.Imports {
			imp := strings.Trim(is.Path.Value, `"`)
			if imp == "unsafe" && !isTest && !matchesAny(filepath.ToSlash(rel), unsafeAllowed) {
				t.Errorf("%s imports unsafe: only %v may (STYLE.md 10); use internal/unsafex", rel, unsafeAllowed)
			}
			for _, fb := range forbidden {
				if !isTest && (dir == fb.prefix || strings.HasPrefix(dir, fb.prefix+"/")) && imp == fb.imp {
					t.Errorf("%s imports %s: %s", rel, imp, fb.why)
				}
			}
		}
		if reEmptyIface.Match(src) {
			t.Errorf("%s spells the empty interface out: write any", rel)
		}
		if !isTest && reTimeAfter.Match(src) {
			t.Errorf("%s uses time.After outside tests: it leaks a timer until it fires; use time.NewTimer and Stop", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func matchesAny(rel string, patterns []string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, rel); ok {
			return true
		}
	}
	return false
}

var generatedRE = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

func isGenerated(src []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		if generatedRE.MatchString(line) {
			return true
		}
		if strings.HasPrefix(line, "package ") {
			return false
		}
	}
	return false
}

// TestLayerMapPrefixes checks that every exact key of the layer map resolves to its own entry, so a
// prefix key can never shadow it.
func TestLayerMapPrefixes(t *testing.T) {
	var keys []string
	for k := range layers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasSuffix(k, "/") {
			continue
		}
		if _, l, _ := layerOf(k); l != layers[k] {
			t.Errorf("layer key %q resolves to L%d but is listed as L%d", k, l, layers[k])
		}
	}
}
