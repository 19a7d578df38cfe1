package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kestrel-rpc/kestrel/internal/codegen"
	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

// runGen implements `kestrel gen [-out DIR] [-module M] [-protocol binary|compact|both] [-I DIR]... FILE.thrift`:
// it parses FILE with its includes and writes one Go package per Thrift file under DIR.
func runGen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", ".", "output `directory`; a file with `namespace go a.b` goes to DIR/a/b")
	module := fs.String("module", "", "import path of the output directory (`prefix` of generated import paths)")
	protocol := fs.String("protocol", "binary", "codec methods to generate: binary, compact or both")
	verbose := fs.Bool("v", false, "print the files written")
	var includeDirs stringList
	fs.Var(&includeDirs, "I", "extra include search `directory` (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kestrel gen [-out DIR] [-module M] [-protocol binary|compact|both] [-I DIR] FILE.thrift")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%v (see kestrel gen -h)", err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("want exactly one .thrift file")
	}
	proto, err := codegen.ParseProtocol(*protocol)
	if err != nil {
		return err
	}
	file := fs.Arg(0)
	if _, err := os.Stat(file); err != nil {
		return err
	}
	doc, err := idl.ParseFileWithOptions(file, idl.Options{IncludeDirs: includeDirs})
	if err != nil {
		return err
	}
	files, err := codegen.Generate(doc, codegen.Options{Module: *module, Protocol: proto})
	if err != nil {
		return err
	}
	if err := codegen.WriteFiles(*out, files); err != nil {
		return err
	}
	if *verbose {
		for _, f := range files {
			fmt.Fprintf(stdout, "%s -> %s\n", f.Source, f.Path)
		}
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return fmt.Sprint([]string(*s)) }

func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}
