package idl

import (
	"os"
	"path/filepath"
	"testing"
)

func TestThriftTestIDL(t *testing.T) {
	doc, err := ParseFile("testdata/ThriftTest.thrift")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Namespaces["go"] != "thrifttest" || doc.Namespaces["py.twisted"] != "ThriftTest" || doc.Namespaces["*"] != "thrift.test" {
		t.Errorf("namespaces = %v", doc.Namespaces)
	}
	structs := map[string]*Struct{}
	for _, s := range doc.Structs {
		structs[s.Name] = s
	}
	for _, name := range []string{
		"Bonk", "Bools", "Xtruct", "Xtruct2", "Xtruct3", "Insanity", "CrazyNesting", "SomeUnion", "Xception",
		"Xception2", "EmptyStruct", "OneField", "VersioningTestV1", "VersioningTestV2", "ListTypeVersioningV1",
		"ListTypeVersioningV2", "GuessProtocolStruct", "LargeDeltas", "NestedListsI32x2", "NestedListsI32x3",
		"NestedMixedx2", "ListBonks", "NestedListsBonk", "BoolTest", "StructA", "StructB",
		"OptionalSetDefaultTest", "OptionalBinary",
	} {
		if structs[name] == nil {
			t.Errorf("struct %s missing", name)
		}
	}
	if structs["Xception"].Kind != StructKindException || structs["SomeUnion"].Kind != StructKindUnion {
		t.Errorf("struct kinds")
	}
	numberz := doc.Enums[0]
	wantValues := map[string]int64{"ONE": 1, "TWO": 2, "THREE": 3, "FIVE": 5, "SIX": 6, "EIGHT": 8}
	for _, v := range numberz.Values {
		if wantValues[v.Name] != v.Value {
			t.Errorf("Numberz.%s = %d, want %d", v.Name, v.Value, wantValues[v.Name])
		}
	}
	if numberz.Doc != "Docstring!" {
		t.Errorf("Numberz doc = %q", numberz.Doc)
	}
	if c := doc.Consts[0]; c.Name != "myNumberz" || c.Value.EnumValue != numberz.Values[0] {
		t.Errorf("myNumberz = %+v", c.Value)
	}
	if doc.Typedefs[0].Name != "UserId" || doc.Typedefs[0].Type.Kind != I64 {
		t.Errorf("UserId typedef")
	}

	svc := doc.Services[0]
	funcs := map[string]*Function{}
	for _, f := range svc.Functions {
		funcs[f.Name] = f
	}
	for _, name := range []string{
		"testVoid", "testString", "testBool", "testByte", "testI32", "testI64", "testDouble", "testBinary",
		"testUuid", "testStruct", "testNest", "testMap", "testStringMap", "testSet", "testList", "testEnum",
		"testTypedef", "testMapMap", "testInsanity", "testMulti", "testException", "testMultiException",
		"testOneway",
	} {
		if funcs[name] == nil {
			t.Errorf("function %s missing", name)
		}
	}
	if f := funcs["testOneway"]; !f.Oneway || f.Result != nil {
		t.Errorf("testOneway = %+v", f)
	}
	if f := funcs["testMultiException"]; len(f.Throws) != 2 || f.Throws[1].Type.Struct != structs["Xception2"] {
		t.Errorf("testMultiException throws = %+v", f.Throws)
	}
	if f := funcs["testInsanity"]; f.Result.String() != "map<UserId,map<Numberz,Insanity>>" {
		t.Errorf("testInsanity result = %s", f.Result)
	}
	if f := funcs["testTypedef"]; f.Result.Underlying().Kind != I64 {
		t.Errorf("testTypedef result underlying = %v", f.Result.Underlying().Kind)
	}
	if f := funcs["testUuid"]; f.Result.Kind != UUID {
		t.Errorf("testUuid result = %v", f.Result.Kind)
	}
	if funcs["testVoid"].Doc != `Prints "testVoid()" and returns nothing.` {
		t.Errorf("testVoid doc = %q", funcs["testVoid"].Doc)
	}

	crazy := structs["CrazyNesting"].Fields[2]
	if crazy.Requiredness != Required || crazy.Type.String() != "list<map<set<i32>,map<i32,set<list<map<Insanity,string>>>>>>" {
		t.Errorf("CrazyNesting.list_field = %v %s", crazy.Requiredness, crazy.Type)
	}
	if v, ok := crazy.Type.Elem.Key.Annotations.Get("python.immutable"); !ok || v != "" {
		t.Errorf("annotation on nested set key = %q %v", v, ok)
	}
	if v, ok := structs["Insanity"].Annotations.Get("python.immutable"); !ok || v != "" {
		t.Errorf("Insanity annotation = %q %v", v, ok)
	}
	ld := structs["LargeDeltas"].Fields
	if ld[len(ld)-1].ID != 4000 {
		t.Errorf("LargeDeltas last id = %d", ld[len(ld)-1].ID)
	}
	if b := structs["BoolTest"].Fields[0].Default; b.Kind != ConstBool || !b.Bool {
		t.Errorf("BoolTest.b default = %+v", b)
	}
	if d := structs["OptionalSetDefaultTest"].Fields[0].Default; len(d.List) != 1 || d.List[0].Str != "test" {
		t.Errorf("OptionalSetDefaultTest default = %+v", d)
	}
	if len(doc.Services) != 2 || doc.Services[1].Name != "SecondService" {
		t.Errorf("services")
	}
}

func TestNastyIDL(t *testing.T) {
	doc, err := ParseFile("testdata/nasty.thrift")
	if err != nil {
		t.Fatal(err)
	}
	c := map[string]*Const{}
	for _, x := range doc.Consts {
		c[x.Name] = x
	}
	if c["NEG"].Value.Int != -42 || c["HEX"].Value.Int != 0x7fffffff || c["NEG_HEX"].Value.Int != -16 || c["SMALL"].Value.Int != -128 {
		t.Errorf("int consts wrong")
	}
	if c["EXP"].Value.Double != 1500 || c["NEG_EXP"].Value.Double != -0.02 || c["FRAC"].Value.Double != 0.5 {
		t.Errorf("double consts wrong")
	}
	if c["SQ"].Value.Str != `it's "quoted"` || c["DQ"].Value.Str != "tab\there\\ \"q\" 'single'" {
		t.Errorf("strings: %q %q", c["SQ"].Value.Str, c["DQ"].Value.Str)
	}
	color := doc.Enums[0]
	want := []int64{0, 1, 16, 17, -1, 0}
	for i, w := range want {
		if color.Values[i].Value != w {
			t.Errorf("Color.%s = %d, want %d", color.Values[i].Name, color.Values[i].Value, w)
		}
	}
	if color.Doc != "triple-slash doc\nruns of line comments\ndirectly above are kept" {
		t.Errorf("Color doc = %q", color.Doc)
	}
	if color.Values[0].Doc != "the first value is 0" {
		t.Errorf("RED doc = %q", color.Values[0].Doc)
	}
	if _, ok := color.Annotations.Get("bare"); !ok {
		t.Errorf("bare enum annotation missing")
	}
	var five *Typedef
	for _, td := range doc.Typedefs {
		if td.Name == "FiveDeep" {
			five = td
		}
	}
	depth := 0
	for ty := five.Type; ty != nil; ty = ty.Elem {
		depth++
	}
	if depth != 6 { // five containers plus i32
		t.Errorf("FiveDeep depth = %d", depth)
	}
	node := doc.Structs[0]
	if node.Fields[0].Type.Struct != node || node.Fields[2].Type.Elem.Underlying().Elem.Struct != node {
		t.Errorf("recursive Node not resolved")
	}
	if implicit := doc.Structs[4]; implicit.Fields[0].ID != -1 || implicit.Fields[1].ID != -2 || !implicit.Fields[1].IDImplicit {
		t.Errorf("implicit ids = %+v", implicit.Fields)
	}
	nasty := doc.Services[1]
	if nasty.Base != doc.Services[0] || nasty.Base.Base == nil || nasty.Base.Base.Name != "SharedService" {
		t.Errorf("Nasty -> Base -> shared.SharedService chain not resolved")
	}
	walk := nasty.Functions[1]
	if walk.Args[0].Doc != "doc on an argument" || walk.Args[1].Default.Int != 3 {
		t.Errorf("walk args = %+v", walk.Args)
	}
	if v := c["MAP_OF_LISTS"].Value.Map[2].Value.List[1]; v.Const != c["HEX_I32"] {
		t.Errorf("const ref inside a const map of lists not resolved")
	}
	if o := c["ORIGIN"].Value; o.Map[1].Value.Int != -1 {
		t.Errorf("ORIGIN.y = %d", o.Map[1].Value.Int)
	}
}

// TestTestdataParsesAlone checks that Parse (without include loading)
// accepts every testdata file too.
func TestTestdataParsesAlone(t *testing.T) {
	files, err := filepath.Glob("testdata/*.thrift")
	if err != nil || len(files) < 4 {
		t.Fatalf("glob: %v %v", files, err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(f, src); err != nil {
			t.Errorf("Parse(%s): %v", f, err)
		}
	}
}

func TestParseConcurrently(t *testing.T) {
	done := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := ParseFile("testdata/nasty.thrift")
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
