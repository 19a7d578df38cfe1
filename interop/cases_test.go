package interop

import (
	"reflect"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/interop/internal/randval"

	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	kt "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest"
)

// kestrelRand reads Kestrel's generated types: a union is a struct with a CountSetFields method, and
// the thrift tag says which fields are optional (the default rules).
var kestrelRand = randval.Config{
	IsUnion: func(t reflect.Type) bool {
		_, ok := reflect.PointerTo(t).MethodByName("CountSetFields")
		return ok
	},
}

// structCases lists every struct, union and exception of testdata/ThriftTest.thrift and the argument
// and result structs of its services, in both implementations. Apache reads into its constructors'
// values (its optional scalars with defaults need them); Kestrel reads into zero values, so that what
// comes back is exactly what was on the wire (Kestrel's constructors set optional fields that have
// defaults, as Apache's Java code does and its Go code does not). TestEveryStructCovered keeps the list
// complete.
var structCases = []structCase{
	{"Bonk", func() thrift.TStruct { return at.NewBonk() }, func() kcodec { return new(kt.Bonk) }, nil},
	{"BoolTest", func() thrift.TStruct { return at.NewBoolTest() }, func() kcodec { return new(kt.BoolTest) }, fixBoolTest},
	{"Bools", func() thrift.TStruct { return at.NewBools() }, func() kcodec { return new(kt.Bools) }, nil},
	{"CrazyNesting", func() thrift.TStruct { return at.NewCrazyNesting() }, func() kcodec { return new(kt.CrazyNesting) }, nil},
	{"EmptyStruct", func() thrift.TStruct { return at.NewEmptyStruct() }, func() kcodec { return new(kt.EmptyStruct) }, nil},
	{"GuessProtocolStruct", func() thrift.TStruct { return at.NewGuessProtocolStruct() }, func() kcodec { return new(kt.GuessProtocolStruct) }, nil},
	{"Insanity", func() thrift.TStruct { return at.NewInsanity() }, func() kcodec { return new(kt.Insanity) }, nil},
	{"LargeDeltas", func() thrift.TStruct { return at.NewLargeDeltas() }, func() kcodec { return new(kt.LargeDeltas) }, nil},
	{"ListBonks", func() thrift.TStruct { return at.NewListBonks() }, func() kcodec { return new(kt.ListBonks) }, nil},
	{"ListTypeVersioningV1", func() thrift.TStruct { return at.NewListTypeVersioningV1() }, func() kcodec { return new(kt.ListTypeVersioningV1) }, nil},
	{"ListTypeVersioningV2", func() thrift.TStruct { return at.NewListTypeVersioningV2() }, func() kcodec { return new(kt.ListTypeVersioningV2) }, nil},
	{"NestedListsBonk", func() thrift.TStruct { return at.NewNestedListsBonk() }, func() kcodec { return new(kt.NestedListsBonk) }, nil},
	{"NestedListsI32x2", func() thrift.TStruct { return at.NewNestedListsI32x2() }, func() kcodec { return new(kt.NestedListsI32x2) }, nil},
	{"NestedListsI32x3", func() thrift.TStruct { return at.NewNestedListsI32x3() }, func() kcodec { return new(kt.NestedListsI32x3) }, nil},
	{"NestedMixedx2", func() thrift.TStruct { return at.NewNestedMixedx2() }, func() kcodec { return new(kt.NestedMixedx2) }, nil},
	{"OneField", func() thrift.TStruct { return at.NewOneField() }, func() kcodec { return new(kt.OneField) }, nil},
	{"OptionalBinary", func() thrift.TStruct { return at.NewOptionalBinary() }, func() kcodec { return new(kt.OptionalBinary) }, nil},
	{"OptionalSetDefaultTest", func() thrift.TStruct { return at.NewOptionalSetDefaultTest() }, func() kcodec { return new(kt.OptionalSetDefaultTest) }, nil},
	{"SecondServiceSecondtestStringArgs", func() thrift.TStruct { return at.NewSecondServiceSecondtestStringArgs() }, func() kcodec { return new(kt.SecondServiceSecondtestStringArgs) }, nil},
	{"SecondServiceSecondtestStringResult", func() thrift.TStruct { return at.NewSecondServiceSecondtestStringResult() }, func() kcodec { return new(kt.SecondServiceSecondtestStringResult) }, nil},
	{"SomeUnion", func() thrift.TStruct { return at.NewSomeUnion() }, func() kcodec { return new(kt.SomeUnion) }, nil},
	{"StructA", func() thrift.TStruct { return at.NewStructA() }, func() kcodec { return new(kt.StructA) }, nil},
	{"StructB", func() thrift.TStruct { return at.NewStructB() }, func() kcodec { return new(kt.StructB) }, nil},
	{"ThriftTestTestBinaryArgs", func() thrift.TStruct { return at.NewThriftTestTestBinaryArgs() }, func() kcodec { return new(kt.ThriftTestTestBinaryArgs) }, nil},
	{"ThriftTestTestBinaryResult", func() thrift.TStruct { return at.NewThriftTestTestBinaryResult() }, func() kcodec { return new(kt.ThriftTestTestBinaryResult) }, nil},
	{"ThriftTestTestBoolArgs", func() thrift.TStruct { return at.NewThriftTestTestBoolArgs() }, func() kcodec { return new(kt.ThriftTestTestBoolArgs) }, nil},
	{"ThriftTestTestBoolResult", func() thrift.TStruct { return at.NewThriftTestTestBoolResult() }, func() kcodec { return new(kt.ThriftTestTestBoolResult) }, nil},
	{"ThriftTestTestByteArgs", func() thrift.TStruct { return at.NewThriftTestTestByteArgs() }, func() kcodec { return new(kt.ThriftTestTestByteArgs) }, nil},
	{"ThriftTestTestByteResult", func() thrift.TStruct { return at.NewThriftTestTestByteResult() }, func() kcodec { return new(kt.ThriftTestTestByteResult) }, nil},
	{"ThriftTestTestDoubleArgs", func() thrift.TStruct { return at.NewThriftTestTestDoubleArgs() }, func() kcodec { return new(kt.ThriftTestTestDoubleArgs) }, nil},
	{"ThriftTestTestDoubleResult", func() thrift.TStruct { return at.NewThriftTestTestDoubleResult() }, func() kcodec { return new(kt.ThriftTestTestDoubleResult) }, nil},
	{"ThriftTestTestEnumArgs", func() thrift.TStruct { return at.NewThriftTestTestEnumArgs() }, func() kcodec { return new(kt.ThriftTestTestEnumArgs) }, nil},
	{"ThriftTestTestEnumResult", func() thrift.TStruct { return at.NewThriftTestTestEnumResult() }, func() kcodec { return new(kt.ThriftTestTestEnumResult) }, nil},
	{"ThriftTestTestExceptionArgs", func() thrift.TStruct { return at.NewThriftTestTestExceptionArgs() }, func() kcodec { return new(kt.ThriftTestTestExceptionArgs) }, nil},
	{"ThriftTestTestExceptionResult", func() thrift.TStruct { return at.NewThriftTestTestExceptionResult() }, func() kcodec { return new(kt.ThriftTestTestExceptionResult) }, nil},
	{"ThriftTestTestI32Args", func() thrift.TStruct { return at.NewThriftTestTestI32Args() }, func() kcodec { return new(kt.ThriftTestTestI32Args) }, nil},
	{"ThriftTestTestI32Result", func() thrift.TStruct { return at.NewThriftTestTestI32Result() }, func() kcodec { return new(kt.ThriftTestTestI32Result) }, nil},
	{"ThriftTestTestI64Args", func() thrift.TStruct { return at.NewThriftTestTestI64Args() }, func() kcodec { return new(kt.ThriftTestTestI64Args) }, nil},
	{"ThriftTestTestI64Result", func() thrift.TStruct { return at.NewThriftTestTestI64Result() }, func() kcodec { return new(kt.ThriftTestTestI64Result) }, nil},
	{"ThriftTestTestInsanityArgs", func() thrift.TStruct { return at.NewThriftTestTestInsanityArgs() }, func() kcodec { return new(kt.ThriftTestTestInsanityArgs) }, nil},
	{"ThriftTestTestInsanityResult", func() thrift.TStruct { return at.NewThriftTestTestInsanityResult() }, func() kcodec { return new(kt.ThriftTestTestInsanityResult) }, nil},
	{"ThriftTestTestListArgs", func() thrift.TStruct { return at.NewThriftTestTestListArgs() }, func() kcodec { return new(kt.ThriftTestTestListArgs) }, nil},
	{"ThriftTestTestListResult", func() thrift.TStruct { return at.NewThriftTestTestListResult() }, func() kcodec { return new(kt.ThriftTestTestListResult) }, nil},
	{"ThriftTestTestMapArgs", func() thrift.TStruct { return at.NewThriftTestTestMapArgs() }, func() kcodec { return new(kt.ThriftTestTestMapArgs) }, nil},
	{"ThriftTestTestMapMapArgs", func() thrift.TStruct { return at.NewThriftTestTestMapMapArgs() }, func() kcodec { return new(kt.ThriftTestTestMapMapArgs) }, nil},
	{"ThriftTestTestMapMapResult", func() thrift.TStruct { return at.NewThriftTestTestMapMapResult() }, func() kcodec { return new(kt.ThriftTestTestMapMapResult) }, nil},
	{"ThriftTestTestMapResult", func() thrift.TStruct { return at.NewThriftTestTestMapResult() }, func() kcodec { return new(kt.ThriftTestTestMapResult) }, nil},
	{"ThriftTestTestMultiArgs", func() thrift.TStruct { return at.NewThriftTestTestMultiArgs() }, func() kcodec { return new(kt.ThriftTestTestMultiArgs) }, nil},
	{"ThriftTestTestMultiExceptionArgs", func() thrift.TStruct { return at.NewThriftTestTestMultiExceptionArgs() }, func() kcodec { return new(kt.ThriftTestTestMultiExceptionArgs) }, nil},
	{"ThriftTestTestMultiExceptionResult", func() thrift.TStruct { return at.NewThriftTestTestMultiExceptionResult() }, func() kcodec { return new(kt.ThriftTestTestMultiExceptionResult) }, nil},
	{"ThriftTestTestMultiResult", func() thrift.TStruct { return at.NewThriftTestTestMultiResult() }, func() kcodec { return new(kt.ThriftTestTestMultiResult) }, nil},
	{"ThriftTestTestNestArgs", func() thrift.TStruct { return at.NewThriftTestTestNestArgs() }, func() kcodec { return new(kt.ThriftTestTestNestArgs) }, nil},
	{"ThriftTestTestNestResult", func() thrift.TStruct { return at.NewThriftTestTestNestResult() }, func() kcodec { return new(kt.ThriftTestTestNestResult) }, nil},
	{"ThriftTestTestOnewayArgs", func() thrift.TStruct { return at.NewThriftTestTestOnewayArgs() }, func() kcodec { return new(kt.ThriftTestTestOnewayArgs) }, nil},
	{"ThriftTestTestSetArgs", func() thrift.TStruct { return at.NewThriftTestTestSetArgs() }, func() kcodec { return new(kt.ThriftTestTestSetArgs) }, nil},
	{"ThriftTestTestSetResult", func() thrift.TStruct { return at.NewThriftTestTestSetResult() }, func() kcodec { return new(kt.ThriftTestTestSetResult) }, nil},
	{"ThriftTestTestStringArgs", func() thrift.TStruct { return at.NewThriftTestTestStringArgs() }, func() kcodec { return new(kt.ThriftTestTestStringArgs) }, nil},
	{"ThriftTestTestStringMapArgs", func() thrift.TStruct { return at.NewThriftTestTestStringMapArgs() }, func() kcodec { return new(kt.ThriftTestTestStringMapArgs) }, nil},
	{"ThriftTestTestStringMapResult", func() thrift.TStruct { return at.NewThriftTestTestStringMapResult() }, func() kcodec { return new(kt.ThriftTestTestStringMapResult) }, nil},
	{"ThriftTestTestStringResult", func() thrift.TStruct { return at.NewThriftTestTestStringResult() }, func() kcodec { return new(kt.ThriftTestTestStringResult) }, nil},
	{"ThriftTestTestStructArgs", func() thrift.TStruct { return at.NewThriftTestTestStructArgs() }, func() kcodec { return new(kt.ThriftTestTestStructArgs) }, nil},
	{"ThriftTestTestStructResult", func() thrift.TStruct { return at.NewThriftTestTestStructResult() }, func() kcodec { return new(kt.ThriftTestTestStructResult) }, nil},
	{"ThriftTestTestTypedefArgs", func() thrift.TStruct { return at.NewThriftTestTestTypedefArgs() }, func() kcodec { return new(kt.ThriftTestTestTypedefArgs) }, nil},
	{"ThriftTestTestTypedefResult", func() thrift.TStruct { return at.NewThriftTestTestTypedefResult() }, func() kcodec { return new(kt.ThriftTestTestTypedefResult) }, nil},
	{"ThriftTestTestVoidArgs", func() thrift.TStruct { return at.NewThriftTestTestVoidArgs() }, func() kcodec { return new(kt.ThriftTestTestVoidArgs) }, nil},
	{"ThriftTestTestVoidResult", func() thrift.TStruct { return at.NewThriftTestTestVoidResult() }, func() kcodec { return new(kt.ThriftTestTestVoidResult) }, nil},
	{"VersioningTestV1", func() thrift.TStruct { return at.NewVersioningTestV1() }, func() kcodec { return new(kt.VersioningTestV1) }, nil},
	{"VersioningTestV2", func() thrift.TStruct { return at.NewVersioningTestV2() }, func() kcodec { return new(kt.VersioningTestV2) }, nil},
	{"Xception", func() thrift.TStruct { return at.NewXception() }, func() kcodec { return new(kt.Xception) }, nil},
	{"Xception2", func() thrift.TStruct { return at.NewXception2() }, func() kcodec { return new(kt.Xception2) }, nil},
	{"Xtruct", func() thrift.TStruct { return at.NewXtruct() }, func() kcodec { return new(kt.Xtruct) }, nil},
	{"Xtruct2", func() thrift.TStruct { return at.NewXtruct2() }, func() kcodec { return new(kt.Xtruct2) }, nil},
	{"Xtruct3", func() thrift.TStruct { return at.NewXtruct3() }, func() kcodec { return new(kt.Xtruct3) }, nil},
}

// fixBoolTest unsets BoolTest's optional fields where they hold their IDL default: Apache Go keeps such
// a field as a plain value that counts as set only when it differs from the default, so it cannot carry
// "set to the default" and would turn it into "unset".
func fixBoolTest(v kcodec) {
	b := v.(*kt.BoolTest)
	if b.B != nil && *b.B == at.BoolTest_B_DEFAULT {
		b.B = nil
	}
	if b.S != nil && *b.S == at.BoolTest_S_DEFAULT {
		b.S = nil
	}
}
