package randval

import (
	"math"
	"reflect"
	"testing"
	"unicode/utf8"
)

type inner struct {
	N int64  `thrift:"n,1" json:"n"`
	S string `thrift:"s,2" json:"s"`
}

type outer struct {
	I8       int8             `thrift:"i8,1" json:"i8"`
	I16      int16            `thrift:"i16,2" json:"i16"`
	I32      int32            `thrift:"i32,3" json:"i32"`
	I64      int64            `thrift:"i64,4" json:"i64"`
	D        float64          `thrift:"d,5" json:"d"`
	B        bool             `thrift:"b,6" json:"b"`
	S        string           `thrift:"s,7" json:"s"`
	Bin      []byte           `thrift:"bin,8" json:"bin"`
	In       *inner           `thrift:"in,9" json:"in"`
	OptIn    *inner           `thrift:"opt_in,10" json:"opt_in,omitempty"`
	OptI32   *int32           `thrift:"opt_i32,11" json:"opt_i32,omitempty"`
	List     []int32          `thrift:"list,12" json:"list"`
	Structs  []*inner         `thrift:"structs,13" json:"structs"`
	Map      map[string]int64 `thrift:"map,14" json:"map"`
	OptList  []string         `thrift:"opt_list,15" json:"opt_list,omitempty"`
	Req      *inner           `thrift:"req,16,required" json:"req"`
	Enum     color            `thrift:"enum,17" json:"enum"`
	U        *union           `thrift:"u,18" json:"u"`
	notField int
	NoTag    int
}

type color int64

func (c color) String() string { return "color" }

type union struct {
	A *int32          `thrift:"a,1" json:"a,omitempty"`
	B map[int32]int32 `thrift:"b,2" json:"b,omitempty"`
	C *inner          `thrift:"c,3" json:"c,omitempty"`
}

func (u *union) CountSetFieldsunion() int { return 0 }

func gen(seed uint64) *outer {
	v := &outer{}
	New(seed, Config{}).Fill(v)
	return v
}

func TestDeterministic(t *testing.T) {
	for seed := range uint64(20) {
		if a, b := gen(seed), gen(seed); !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: two runs differ:\n%+v\n%+v", seed, a, b)
		}
	}
	if reflect.DeepEqual(gen(1), gen(2)) {
		t.Fatal("seeds 1 and 2 gave the same value")
	}
}

func TestConstraints(t *testing.T) {
	for seed := range uint64(500) {
		v := gen(seed)
		if v.In == nil || v.Req == nil || v.U == nil {
			t.Fatalf("seed %d: a struct field that is not optional is nil: %+v", seed, v)
		}
		if v.notField != 0 || v.NoTag != 0 {
			t.Fatalf("seed %d: a non-Thrift field was set", seed)
		}
		set := 0
		if v.U.A != nil {
			set++
		}
		if v.U.B != nil {
			set++
		}
		if v.U.C != nil {
			set++
		}
		if set != 1 {
			t.Fatalf("seed %d: union has %d fields set, want 1", seed, set)
		}
		if math.IsNaN(v.D) {
			t.Fatalf("seed %d: NaN", seed)
		}
		if v.Enum != color(int32(v.Enum)) {
			t.Fatalf("seed %d: enum %d is out of the i32 range", seed, v.Enum)
		}
		for i := range v.List {
			for j := range i {
				if v.List[i] == v.List[j] {
					t.Fatalf("seed %d: duplicate list element %d", seed, v.List[i])
				}
			}
		}
		for _, s := range v.Structs {
			if s == nil {
				t.Fatalf("seed %d: nil struct in a list", seed)
			}
		}
	}
}

// TestCoverage checks that a few hundred seeds reach every case the generator promises.
func TestCoverage(t *testing.T) {
	seen := map[string]bool{}
	for seed := range uint64(300) {
		v := gen(seed)
		seen["nil list"] = seen["nil list"] || v.List == nil
		seen["empty list"] = seen["empty list"] || (v.List != nil && len(v.List) == 0)
		seen["long list"] = seen["long list"] || len(v.List) >= 15
		seen["nil map"] = seen["nil map"] || v.Map == nil
		seen["empty map"] = seen["empty map"] || (v.Map != nil && len(v.Map) == 0)
		seen["optional unset"] = seen["optional unset"] || v.OptI32 == nil
		seen["optional set"] = seen["optional set"] || v.OptI32 != nil
		seen["optional struct unset"] = seen["optional struct unset"] || v.OptIn == nil
		seen["optional list set empty"] = seen["optional list set empty"] || (v.OptList != nil && len(v.OptList) == 0)
		seen["empty string"] = seen["empty string"] || v.S == ""
		seen["long string"] = seen["long string"] || len(v.S) >= 128
		seen["multi-byte utf-8"] = seen["multi-byte utf-8"] || (utf8.ValidString(v.S) && utf8.RuneCountInString(v.S) < len(v.S))
		seen["invalid utf-8"] = seen["invalid utf-8"] || !utf8.ValidString(v.S)
		seen["max i64"] = seen["max i64"] || v.I64 == math.MaxInt64
		seen["min i64"] = seen["min i64"] || v.I64 == math.MinInt64
		seen["min i8"] = seen["min i8"] || v.I8 == math.MinInt8
		seen["max i16"] = seen["max i16"] || v.I16 == math.MaxInt16
		seen["infinity"] = seen["infinity"] || math.IsInf(v.D, 0)
		seen["nil binary"] = seen["nil binary"] || v.Bin == nil
		seen["empty binary"] = seen["empty binary"] || (v.Bin != nil && len(v.Bin) == 0)
		seen["union map"] = seen["union map"] || v.U.B != nil
	}
	for _, want := range []string{"nil list", "empty list", "long list", "nil map", "empty map", "optional unset",
		"optional set", "optional struct unset", "optional list set empty", "empty string", "long string",
		"multi-byte utf-8", "invalid utf-8", "max i64", "min i64", "min i8", "max i16", "infinity", "nil binary",
		"empty binary", "union map"} {
		if !seen[want] {
			t.Errorf("300 seeds never produced: %s", want)
		}
	}
}

func TestFillRejectsNonStruct(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Fill(int) did not panic")
		}
	}()
	n := 0
	New(1, Config{}).Fill(&n)
}

func TestEqual(t *testing.T) {
	base := func() *outer { return gen(7) }
	tests := []struct {
		name   string
		change func(v *outer)
		equal  bool
	}{
		{"same", func(v *outer) {}, true},
		{"nil list equals empty list", func(v *outer) { v.List = nil; v.Structs = []*inner{} }, true},
		{"nil map equals empty map", func(v *outer) { v.Map = nil }, true},
		{"nil binary equals empty binary", func(v *outer) { v.Bin = nil }, true},
		{"optional nil differs from empty", func(v *outer) { v.OptList = nil }, false},
		{"scalar", func(v *outer) { v.I32++ }, false},
		{"nested", func(v *outer) { v.In.S += "x" }, false},
		{"optional pointer", func(v *outer) { v.OptI32 = nil }, false},
		{"map value", func(v *outer) { v.Map["extra"] = 1 }, false},
		{"list element", func(v *outer) { v.List = append(v.List, 1<<30+7) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := base(), base()
			// Normalise the base so that each case changes exactly what it names.
			for _, v := range []*outer{a, b} {
				v.List = []int32{}
				v.Map = map[string]int64{}
				v.Bin = []byte{}
				v.OptList = []string{}
				x := int32(3)
				v.OptI32 = &x
				v.Structs = nil
			}
			tt.change(b)
			if ok, where := (Config{}).Equal(a, b); ok != tt.equal {
				t.Fatalf("Equal = %v (%s), want %v", ok, where, tt.equal)
			}
		})
	}
}
