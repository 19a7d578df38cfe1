package idl_test

import (
	"fmt"

	"github.com/kestrel-rpc/kestrel/thrift/idl"
)

func ExampleParse() {
	src := `
namespace go example.com/x/echo

/** A message. */
struct Message {
  1: required string text
  2: optional list<i64> (go.type = "[]int64") stamps
}

service Echo {
  Message echo(1: Message req)
  oneway void ping()
}
`
	doc, err := idl.Parse("echo.thrift", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("package:", doc.Namespaces["go"])
	for _, s := range doc.Structs {
		fmt.Printf("struct %s // %s\n", s.Name, s.Doc)
		for _, f := range s.Fields {
			fmt.Printf("  %d: %s %s %s", f.ID, f.Requiredness, f.Type, f.Name)
			if goType, ok := f.Type.Annotations.Get("go.type"); ok {
				fmt.Printf(" (go.type %s)", goType)
			}
			fmt.Println()
		}
	}
	for _, fn := range doc.Services[0].Functions {
		fmt.Printf("func %s oneway=%v result=%s\n", fn.Name, fn.Oneway, fn.Result)
	}
	// Output:
	// package: example.com/x/echo
	// struct Message // A message.
	//   1: required string text
	//   2: optional list<i64> stamps (go.type []int64)
	// func echo oneway=false result=Message
	// func ping oneway=true result=void
}

func ExampleParse_errors() {
	src := `struct S {
  1: i32 a
  1: string b
}
const i8 SMALL = 300
`
	_, err := idl.Parse("bad.thrift", []byte(src))
	fmt.Println(err)
	// Output:
	// bad.thrift:3:13: duplicate field id 1 in struct S (a and b)
	// bad.thrift:5:18: const SMALL: value 300 out of range for byte
}

func ExampleParseFile() {
	doc, err := idl.ParseFile("testdata/tutorial.thrift")
	if err != nil {
		fmt.Println(err)
		return
	}
	calc := doc.Services[0]
	fmt.Printf("%s extends %s from %s.thrift\n", calc.Name, calc.Base.Name, calc.BaseDoc.Name)
	fmt.Println("inherited:", calc.Base.Functions[0].Name)
	// Output:
	// Calculator extends SharedService from shared.thrift
	// inherited: getStruct
}
