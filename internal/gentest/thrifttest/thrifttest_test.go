package thrifttest_test

import (
	"reflect"
	"testing"

	"github.com/kestrel-rpc/kestrel/internal/gentest/gentesting"
	"github.com/kestrel-rpc/kestrel/internal/gentest/thrifttest"
	"github.com/kestrel-rpc/kestrel/thrift"
)

type codec interface {
	gentesting.Codec
	thrift.CompactCodec
}

// all lists every struct generated from Apache's ThriftTest.thrift.
var all = []codec{
	new(thrifttest.Bonk),
	new(thrifttest.Bools),
	new(thrifttest.Xtruct),
	new(thrifttest.Xtruct2),
	new(thrifttest.Xtruct3),
	new(thrifttest.Insanity),
	new(thrifttest.CrazyNesting),
	new(thrifttest.SomeUnion),
	new(thrifttest.Xception),
	new(thrifttest.Xception2),
	new(thrifttest.EmptyStruct),
	new(thrifttest.OneField),
	new(thrifttest.ThriftTestTestVoidArgs),
	new(thrifttest.ThriftTestTestVoidResult),
	new(thrifttest.ThriftTestTestStringArgs),
	new(thrifttest.ThriftTestTestStringResult),
	new(thrifttest.ThriftTestTestBoolArgs),
	new(thrifttest.ThriftTestTestBoolResult),
	new(thrifttest.ThriftTestTestByteArgs),
	new(thrifttest.ThriftTestTestByteResult),
	new(thrifttest.ThriftTestTestI32Args),
	new(thrifttest.ThriftTestTestI32Result),
	new(thrifttest.ThriftTestTestI64Args),
	new(thrifttest.ThriftTestTestI64Result),
	new(thrifttest.ThriftTestTestDoubleArgs),
	new(thrifttest.ThriftTestTestDoubleResult),
	new(thrifttest.ThriftTestTestBinaryArgs),
	new(thrifttest.ThriftTestTestBinaryResult),
	new(thrifttest.ThriftTestTestUuidArgs),
	new(thrifttest.ThriftTestTestUuidResult),
	new(thrifttest.ThriftTestTestStructArgs),
	new(thrifttest.ThriftTestTestStructResult),
	new(thrifttest.ThriftTestTestNestArgs),
	new(thrifttest.ThriftTestTestNestResult),
	new(thrifttest.ThriftTestTestMapArgs),
	new(thrifttest.ThriftTestTestMapResult),
	new(thrifttest.ThriftTestTestStringMapArgs),
	new(thrifttest.ThriftTestTestStringMapResult),
	new(thrifttest.ThriftTestTestSetArgs),
	new(thrifttest.ThriftTestTestSetResult),
	new(thrifttest.ThriftTestTestListArgs),
	new(thrifttest.ThriftTestTestListResult),
	new(thrifttest.ThriftTestTestEnumArgs),
	new(thrifttest.ThriftTestTestEnumResult),
	new(thrifttest.ThriftTestTestTypedefArgs),
	new(thrifttest.ThriftTestTestTypedefResult),
	new(thrifttest.ThriftTestTestMapMapArgs),
	new(thrifttest.ThriftTestTestMapMapResult),
	new(thrifttest.ThriftTestTestInsanityArgs),
	new(thrifttest.ThriftTestTestInsanityResult),
	new(thrifttest.ThriftTestTestMultiArgs),
	new(thrifttest.ThriftTestTestMultiResult),
	new(thrifttest.ThriftTestTestExceptionArgs),
	new(thrifttest.ThriftTestTestExceptionResult),
	new(thrifttest.ThriftTestTestMultiExceptionArgs),
	new(thrifttest.ThriftTestTestMultiExceptionResult),
	new(thrifttest.ThriftTestTestOnewayArgs),
	new(thrifttest.SecondServiceSecondtestStringArgs),
	new(thrifttest.SecondServiceSecondtestStringResult),
	new(thrifttest.VersioningTestV1),
	new(thrifttest.VersioningTestV2),
	new(thrifttest.ListTypeVersioningV1),
	new(thrifttest.ListTypeVersioningV2),
	new(thrifttest.GuessProtocolStruct),
	new(thrifttest.LargeDeltas),
	new(thrifttest.NestedListsI32x2),
	new(thrifttest.NestedListsI32x3),
	new(thrifttest.NestedMixedx2),
	new(thrifttest.ListBonks),
	new(thrifttest.NestedListsBonk),
	new(thrifttest.BoolTest),
	new(thrifttest.StructA),
	new(thrifttest.StructB),
	new(thrifttest.OptionalSetDefaultTest),
	new(thrifttest.OptionalBinary),
}

func TestRoundTripRandom(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 10
	}
	for _, proto := range all {
		typ := reflect.TypeOf(proto).Elem()
		t.Run(typ.Name(), func(t *testing.T) {
			fresh := func() codec { return reflect.New(typ).Interface().(codec) }
			for seed := 0; seed < seeds; seed++ {
				v := fresh()
				gentesting.NewFiller(uint64(seed)).Fill(v)
				gentesting.CheckBinary(t, v, func() thrift.FastCodec { return fresh() })
				gentesting.CheckCompact(t, v, func() thrift.CompactCodec { return fresh() })
				gentesting.CheckNocopy(t, v, func() thrift.FastCodec { return fresh() }, false)
			}
		})
	}
}

// TestVersioning decodes VersioningTestV2 as V1 (unknown fields skipped) and V1 as V2.
func TestVersioning(t *testing.T) {
	f := gentesting.NewFiller(1)
	for i := 0; i < 50; i++ {
		v2 := new(thrifttest.VersioningTestV2)
		f.Fill(v2)
		b := make([]byte, v2.BLength())
		v2.FastWrite(b)
		v1 := new(thrifttest.VersioningTestV1)
		if _, err := v1.FastRead(b); err != nil {
			t.Fatal(err)
		}
		if v1.BeginInBoth != v2.BeginInBoth || v1.EndInBoth != v2.EndInBoth {
			t.Fatalf("v1 %+v from v2 %+v", v1, v2)
		}
	}
}

func TestServiceInfo(t *testing.T) {
	si := thrifttest.SecondServiceServiceInfo
	if si.Base != "" || len(si.Methods) != 1 || si.Methods[0].Name != "secondtestString" {
		t.Fatalf("%+v", si)
	}
	m := thrifttest.ThriftTestServiceInfo.Method("testOneway")
	if m == nil || !m.Oneway || m.NewResult != nil {
		t.Fatalf("testOneway: %+v", m)
	}
}
