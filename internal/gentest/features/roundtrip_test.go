package features_test

import (
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"testing"

	"github.com/kestrel-rpc/kestrel/internal/gentest/features"
	"github.com/kestrel-rpc/kestrel/internal/gentest/features/common"
	"github.com/kestrel-rpc/kestrel/internal/gentest/gentesting"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
)

// codec is what every struct generated with -protocol both implements.
type codec interface {
	gentesting.Codec
	thrift.CompactCodec
}

// fixtures lists every generated struct of the features packages with a constructor.
var fixtures = []struct {
	name string
	new  func() codec
}{
	{"Defaults", func() codec { return features.NewDefaults() }},
	{"Required", func() codec { return features.NewRequired() }},
	{"Choice", func() codec { return features.NewChoice() }},
	{"Oops", func() codec { return features.NewOops() }},
	{"V1", func() codec { return features.NewV1() }},
	{"V2", func() codec { return features.NewV2() }},
	{"Everything", func() codec { return features.NewEverything() }},
	{"Tree", func() codec { return features.NewTree() }},
	{"Big", func() codec { return features.NewBig() }},
	{"Echo", func() codec { return features.NewEcho() }},
	{"SvcEchoArgs", func() codec { return features.NewSvcEchoArgs() }},
	{"SvcEchoResult", func() codec { return features.NewSvcEchoResult() }},
	{"SvcNothingResult", func() codec { return features.NewSvcNothingResult() }},
	{"SvcAddResult", func() codec { return features.NewSvcAddResult() }},
	{"SvcPointsArgs", func() codec { return features.NewSvcPointsArgs() }},
	{"SvcPointsResult", func() codec { return features.NewSvcPointsResult() }},
	{"common.Point", func() codec { return common.NewPoint() }},
	{"common.NotFound", func() codec { return common.NewNotFound() }},
	{"common.BasePingResult", func() codec { return common.NewBasePingResult() }},
}

// zero returns a zero value of v's type (not NewX: defaults would survive a decode of absent fields).
func zero(v any) codec { return reflect.New(reflect.TypeOf(v).Elem()).Interface().(codec) }

func TestRoundTripRandom(t *testing.T) {
	seeds := 150
	if testing.Short() {
		seeds = 20
	}
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			for seed := 0; seed < seeds; seed++ {
				f := gentesting.NewFiller(uint64(seed))
				v := zero(fx.new())
				f.Fill(v)
				fresh := func() thrift.FastCodec { return zero(v) }
				gentesting.CheckBinary(t, v, fresh)
				gentesting.CheckCompact(t, v, func() thrift.CompactCodec { return zero(v) })
				gentesting.CheckNocopy(t, v, fresh, false)
			}
		})
	}
}

// TestNocopyLinksLargeValues checks that strings and binaries at or above thrift.NocopyThreshold, at
// any depth, are linked and that the bytes still equal FastWrite's.
func TestNocopyLinksLargeValues(t *testing.T) {
	big := make([]byte, thrift.NocopyThreshold+10)
	for i := range big {
		big[i] = byte(i)
	}
	cases := []*features.Big{
		{},
		{Small: "x", Payload: big, Texts: []string{"a", string(big), "b", string(big[:thrift.NocopyThreshold])}, Inner: &features.Echo{Msg: string(big)}},
		{Payload: big[:thrift.NocopyThreshold-1], Texts: []string{string(big[:thrift.NocopyThreshold-1])}},
	}
	for i, v := range cases {
		got := gentesting.CheckNocopy(t, v, func() thrift.FastCodec { return features.NewBig() }, true)
		dec := features.NewBig()
		if _, err := dec.FastRead(got); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		n, linked := v.FastWriteNocopyParts(make([]byte, v.BLength()), recorder{})
		wantLinked := 0
		if len(v.Payload) >= thrift.NocopyThreshold {
			wantLinked += len(v.Payload)
		}
		for _, s := range v.Texts {
			if len(s) >= thrift.NocopyThreshold {
				wantLinked += len(s)
			}
		}
		if v.Inner != nil && len(v.Inner.Msg) >= thrift.NocopyThreshold {
			wantLinked += len(v.Inner.Msg)
		}
		if linked != wantLinked || n+linked != v.BLength() || n != v.BLengthNocopy() {
			t.Errorf("case %d: FastWriteNocopyParts = (%d, %d), want linked %d, sum %d and BLengthNocopy %d",
				i, n, linked, wantLinked, v.BLength(), v.BLengthNocopy())
		}
		if n, linked := v.FastWriteNocopyParts(make([]byte, v.BLengthNocopy()), recorder{}); n != v.BLengthNocopy() || n+linked != v.BLength() {
			t.Errorf("case %d: FastWriteNocopyParts into BLengthNocopy bytes = (%d, %d)", i, n, linked)
		}
	}
}

// TestNocopyFailedLink checks what thrift.NocopyCodec promises when WriteDirect fails: into a region of
// BLength bytes the value is copied and the message is whole; into one of BLengthNocopy bytes it is left
// out, and the MallocAck of the wire size fails, so the caller knows not to flush it.
func TestNocopyFailedLink(t *testing.T) {
	big := make([]byte, thrift.NocopyThreshold+10)
	v := &features.Big{Small: "x", Payload: big}
	for _, exact := range []bool{false, true} {
		buf := linkbuf.New()
		size := v.BLength()
		if exact {
			size = v.BLengthNocopy()
		}
		mem, err := buf.Malloc(size)
		if err != nil {
			t.Fatal(err)
		}
		if n := v.FastWriteNocopy(mem, failingLinker{buf}); n != v.BLength() {
			t.Fatalf("exact %v: FastWriteNocopy returned %d, BLength %d", exact, n, v.BLength())
		}
		err = buf.MallocAck(v.BLength())
		if exact != (err != nil) {
			t.Fatalf("exact %v: MallocAck of the wire size: %v", exact, err)
		}
		if !exact && !bytes.Equal(mem[:v.BLength()], encode(v)) {
			t.Fatalf("the copied fallback differs from FastWrite's bytes")
		}
	}
}

// failingLinker is a writer whose WriteDirect always fails, like a connection closed meanwhile.
type failingLinker struct{ *linkbuf.Buffer }

func (failingLinker) WriteDirect([]byte, int) error { return errors.New("closed") }

type recorder struct{}

func (recorder) WriteDirect(p []byte, remainCap int) error { return nil }

func encode(v thrift.FastCodec) []byte {
	b := make([]byte, v.BLength())
	return b[:v.FastWrite(b)]
}

func TestUnknownFieldsSkipped(t *testing.T) {
	f := gentesting.NewFiller(7)
	for i := 0; i < 100; i++ {
		v2 := &features.V2{}
		f.Fill(v2)
		v1 := features.NewV1()
		b := encode(v2)
		if n, err := v1.FastRead(b); err != nil || n != len(b) {
			t.Fatalf("V1.FastRead(V2) = %d, %v; want %d, nil", n, err, len(b))
		}
		if v1.Id != v2.Id || v1.Name != v2.Name {
			t.Fatalf("V1 = %+v, want id %d name %q", v1, v2.Id, v2.Name)
		}
		cb := make([]byte, v2.CompactLength())
		cb = cb[:v2.CompactWrite(cb)]
		c1 := features.NewV1()
		if n, err := c1.CompactRead(cb); err != nil || n != len(cb) || c1.Id != v2.Id || c1.Name != v2.Name {
			t.Fatalf("V1.CompactRead(V2) = %d, %v, %+v", n, err, c1)
		}
	}
}

func TestTypeMismatchSkipped(t *testing.T) {
	// Field 1 of V1 is an i64; here it travels as a string and must be skipped, like Apache does.
	b := make([]byte, 64)
	off := thrift.Binary.WriteFieldBegin(b, thrift.STRING, 1)
	off += thrift.Binary.WriteString(b[off:], "not a number")
	off += thrift.Binary.WriteFieldBegin(b[off:], thrift.STRING, 3)
	off += thrift.Binary.WriteString(b[off:], "name")
	off += thrift.Binary.WriteFieldStop(b[off:])
	v := features.NewV1()
	if n, err := v.FastRead(b[:off]); err != nil || n != off {
		t.Fatalf("FastRead = %d, %v", n, err)
	}
	if v.Id != 0 || v.Name != "name" {
		t.Fatalf("got %+v", v)
	}
}

func TestListElementTypeMismatch(t *testing.T) {
	// Everything.l64 (id 10) is list<i64>; a list of strings must fail, not be misread.
	b := make([]byte, 64)
	off := thrift.Binary.WriteFieldBegin(b, thrift.LIST, 13) // lstr: list<string>
	off += thrift.Binary.WriteListBegin(b[off:], thrift.I32, 1)
	off += thrift.Binary.WriteI32(b[off:], 5)
	off += thrift.Binary.WriteFieldStop(b[off:])
	_, err := features.NewEverything().FastRead(b[:off])
	if !errors.Is(err, thrift.ErrBadType) {
		t.Fatalf("err = %v, want ErrBadType", err)
	}
	// The SIMD path checks its element type too.
	off = thrift.Binary.WriteFieldBegin(b, thrift.LIST, 10)
	off += thrift.Binary.WriteListBegin(b[off:], thrift.I32, 1)
	off += thrift.Binary.WriteI32(b[off:], 5)
	off += thrift.Binary.WriteFieldStop(b[off:])
	if _, err := features.NewEverything().FastRead(b[:off]); !errors.Is(err, thrift.ErrBadType) {
		t.Fatalf("fast list: err = %v, want ErrBadType", err)
	}
}

func TestRequired(t *testing.T) {
	full := &features.Required{Id: 1, Name: "n", Where: &common.Point{X: 1, Y: 2}}
	if err := full.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if _, err := features.NewRequired().FastRead(encode(full)); err != nil {
		t.Fatalf("FastRead: %v", err)
	}
	tests := []struct {
		name    string
		enc     []byte
		missing string
	}{
		{"no name", encode(&features.V1{Id: 1}), "features.Required.name"}, // V1 has id (1) but a string at 3
		{"no where", encode(&features.Required{Id: 1, Name: "n"}), "where"},
		{"empty", []byte{0}, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := features.NewRequired().FastRead(tt.enc)
			if !errors.Is(err, thrift.ErrMissingRequired) {
				t.Fatalf("err = %v, want ErrMissingRequired", err)
			}
			cb := make([]byte, 0)
			_ = cb
		})
	}
	if err := (&features.Required{Id: 1, Name: "n"}).Validate(); !errors.Is(err, thrift.ErrMissingRequired) {
		t.Fatalf("Validate without where = %v", err)
	}
	// The Compact reader tracks required fields the same way.
	v := &features.Required{Id: 1, Name: "n"}
	cb := make([]byte, v.CompactLength())
	if _, err := features.NewRequired().CompactRead(cb[:v.CompactWrite(cb)]); !errors.Is(err, thrift.ErrMissingRequired) {
		t.Fatalf("CompactRead err = %v", err)
	}
}

func TestUnion(t *testing.T) {
	one, two := int64(1), "two"
	tests := []struct {
		name string
		v    *features.Choice
		set  int
	}{
		{"none", &features.Choice{}, 0},
		{"num", &features.Choice{Num: &one}, 1},
		{"point", &features.Choice{Point: &common.Point{}}, 1},
		{"empty words", &features.Choice{Words: []string{}}, 1},
		{"two", &features.Choice{Num: &one, Str: &two}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.CountSetFields(); got != tt.set {
				t.Fatalf("CountSetFields = %d, want %d", got, tt.set)
			}
			err := tt.v.Validate()
			_, rerr := features.NewChoice().FastRead(encode(tt.v))
			cb := make([]byte, tt.v.CompactLength())
			_, cerr := features.NewChoice().CompactRead(cb[:tt.v.CompactWrite(cb)])
			for _, e := range []error{err, rerr, cerr} {
				if (tt.set == 1) != (e == nil) {
					t.Fatalf("set=%d: error %v", tt.set, e)
				}
				if e != nil && !errors.Is(e, thrift.ErrBadUnion) {
					t.Fatalf("error %v does not wrap ErrBadUnion", e)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	d := features.NewDefaults()
	want := &features.Defaults{Num: 7, Str: "dflt", Nums: []int32{1, 2}, Kind: features.Kind_C,
		Color: common.Color_GREEN, Flag: true, Ratio: 0.5}
	nine := int64(9)
	want.OptNum = &nine
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("NewDefaults() = %+v, want %+v", d, want)
	}
	var empty features.Defaults
	if empty.GetOptNum() != 9 || empty.GetOptStr() != "" || empty.GetNum() != 0 {
		t.Fatalf("getters on an empty struct: %d %q %d", empty.GetOptNum(), empty.GetOptStr(), empty.GetNum())
	}
	var nilp *features.Defaults
	if nilp.GetOptNum() != 9 || nilp.IsSetOptNum() || nilp.GetStr() != "dflt" || !nilp.GetFlag() || nilp.GetOptStr() != "" {
		t.Fatal("getters on a nil pointer")
	}
	// Absent fields keep the defaults NewDefaults put there.
	got := features.NewDefaults()
	if _, err := got.FastRead([]byte{0}); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("FastRead of an empty struct: %v, %+v", err, got)
	}
	// Kind C follows B = 5.
	if features.Kind_A != 0 || features.Kind_B != 5 || features.Kind_C != 6 {
		t.Fatal("enum values")
	}
}

func TestEnumStrings(t *testing.T) {
	for _, c := range []common.Color{common.Color_RED, common.Color_GREEN, common.Color_BLUE} {
		back, err := common.ColorFromString(c.String())
		if err != nil || back != c {
			t.Fatalf("%v: ColorFromString = %v, %v", c, back, err)
		}
	}
	if s := common.Color(3).String(); s != "Color(3)" {
		t.Fatalf("unknown value: %q", s)
	}
	if _, err := common.ColorFromString("PURPLE"); err == nil {
		t.Fatal("ColorFromString accepted PURPLE")
	}
}

func TestConsts(t *testing.T) {
	if features.Answer != 42 || features.Pi != 3.25 || features.Greeting != `hello "world"` {
		t.Fatal("scalar consts")
	}
	if !reflect.DeepEqual(features.Words, []string{"a", "b"}) || !reflect.DeepEqual(features.Counts, map[string]int32{"one": 1, "two": 2}) {
		t.Fatal("container consts")
	}
	if features.Favorite != common.Color_BLUE || common.DefaultColor != common.Color_GREEN {
		t.Fatal("enum consts")
	}
	if !reflect.DeepEqual(features.Small, []int16{1, 2, 3}) || !reflect.DeepEqual(features.Origin, &common.Point{}) {
		t.Fatal("set and struct consts")
	}
}

func TestTypedefs(t *testing.T) {
	var e features.Everything
	e.Uid = common.UserId(5)
	e.Ids = features.IDs{1, 2, 3}
	e.Pt = &common.Point{X: 1}
	e.Blob = features.Blob("xyz")
	e.Pmap = features.PointMap{"a": {X: 2}}
	got := features.NewEverything()
	if _, err := got.FastRead(encode(&e)); err != nil {
		t.Fatal(err)
	}
	if got.Uid != 5 || !reflect.DeepEqual(got.Ids, e.Ids) || got.Pt.X != 1 || string(got.Blob) != "xyz" || got.Pmap["a"].X != 2 {
		t.Fatalf("got %+v", got)
	}
}

func TestContainerKeys(t *testing.T) {
	// map<list<i32>, string> has pointer keys (Go map keys must be comparable).
	k1, k2 := []int32{1, 2}, []int32{}
	e := &features.Everything{Mlist: map[*[]int32]string{&k1: "one-two", &k2: "empty"}, Mbin: map[string]int32{"\x00\xff": 3}}
	got := features.NewEverything()
	if _, err := got.FastRead(encode(e)); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for k, v := range got.Mlist {
		seen[reflectString(*k)] = v
	}
	if len(seen) != 2 || seen["[1 2]"] != "one-two" || seen["[]"] != "empty" || got.Mbin["\x00\xff"] != 3 {
		t.Fatalf("got %v %v", seen, got.Mbin)
	}
}

func reflectString(v []int32) string {
	s := "["
	for i, x := range v {
		if i > 0 {
			s += " "
		}
		s += string(rune('0' + x))
	}
	return s + "]"
}

func TestDepthLimit(t *testing.T) {
	tree := &features.Tree{Label: "leaf"}
	for i := 0; i < 200; i++ {
		tree = &features.Tree{Children: []*features.Tree{tree}}
	}
	b := encode(tree)
	if _, err := features.NewTree().FastRead(b); !errors.Is(err, thrift.ErrDepth) {
		t.Fatalf("FastRead of a 200-deep tree: %v, want ErrDepth", err)
	}
	cb := make([]byte, tree.CompactLength())
	if _, err := features.NewTree().CompactRead(cb[:tree.CompactWrite(cb)]); !errors.Is(err, thrift.ErrDepth) {
		t.Fatalf("CompactRead of a 200-deep tree: %v, want ErrDepth", err)
	}
	// 30 levels are fine.
	tree = &features.Tree{Label: "leaf", Children: []*features.Tree{}}
	for i := 0; i < 30; i++ {
		tree = &features.Tree{Label: "n", Children: []*features.Tree{tree, {Label: "x", Children: []*features.Tree{}}}}
	}
	gentesting.CheckBinary(t, tree, func() thrift.FastCodec { return features.NewTree() })
}

func TestException(t *testing.T) {
	var err error = &features.Oops{Code: 3, Message: "bad"}
	if got := err.Error(); got != "Oops({Code:3 Message:bad})" {
		t.Fatalf("Error() = %q", got)
	}
	var nf *common.NotFound
	if !errors.As(error(&common.NotFound{What: "x"}), &nf) || nf.What != "x" {
		t.Fatal("errors.As")
	}
}

func TestServiceInfo(t *testing.T) {
	si := features.SvcServiceInfo
	if si.Name != "Svc" || si.Base != "common.Base" {
		t.Fatalf("Name %q Base %q", si.Name, si.Base)
	}
	var names []string
	for _, m := range si.Methods {
		names = append(names, m.Name)
		if m.NewArgs == nil || (m.NewResult == nil) != m.Oneway {
			t.Fatalf("%s: NewArgs %v, NewResult %v, oneway %v", m.Name, m.NewArgs != nil, m.NewResult != nil, m.Oneway)
		}
	}
	want := []string{"echo", "nothing", "add", "fire", "points", "ping", "notify"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("methods %v, want %v (own first, then the base's)", names, want)
	}
	if _, ok := si.Method("echo").NewArgs().(*features.SvcEchoArgs); !ok {
		t.Fatal("echo args type")
	}
	if _, ok := si.Method("ping").NewResult().(*common.BasePingResult); !ok {
		t.Fatal("inherited ping result type")
	}
	if got := len(features.ChildServiceInfo.Methods); got != 8 {
		t.Fatalf("Child has %d methods, want 8 (alive + Svc's 5 + Base's 2)", got)
	}
	// A result carries the success value or one exception.
	r := &features.SvcEchoResult{Oops: &features.Oops{Code: 1}}
	got := features.NewSvcEchoResult()
	if _, err := got.FastRead(encode(r)); err != nil || got.Success != nil || got.Oops.Code != 1 {
		t.Fatalf("result round trip: %v %+v", err, got)
	}
	a := features.NewSvcAddResult()
	if a.IsSetSuccess() || a.GetSuccess() != 0 {
		t.Fatal("unset i64 success")
	}
}

// TestLargeStructList decodes large lists of structs (one backing array each).
func TestLargeStructList(t *testing.T) {
	for _, n := range []int{1023, 1024, 1025, 3000} {
		v := &features.Everything{Lpts: make([]*common.Point, n)}
		for i := range v.Lpts {
			v.Lpts[i] = &common.Point{X: int32(i), Y: -int32(i)}
		}
		got := features.NewEverything()
		if _, err := got.FastRead(encode(v)); err != nil {
			t.Fatal(err)
		}
		if len(got.Lpts) != n || got.Lpts[n-1].X != int32(n-1) || got.Lpts[0].Y != 0 {
			t.Fatalf("n=%d: got %d points", n, len(got.Lpts))
		}
	}
}

// TestForgedListSize: a list header claiming as many structs as the input has bytes, followed by empty
// structs and then nothing, must fail, and allocate in proportion to the input, not more.
func TestForgedListSize(t *testing.T) {
	b := make([]byte, 1<<16)
	off := thrift.Binary.WriteFieldBegin(b, thrift.LIST, 14) // lpts: list<common.Point>
	off += thrift.Binary.WriteListBegin(b[off:], thrift.STRUCT, len(b)-off-5)
	// The elements are empty structs (one STOP byte each) until the input ends: a truncated list.
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	_, err := features.NewEverything().FastRead(b)
	runtime.ReadMemStats(&ms1)
	if err == nil {
		t.Fatal("truncated list decoded")
	}
	// 65 K claimed elements: 8 B of pointer and 8 B of Point each, about 1 MB.
	if got := ms1.TotalAlloc - ms0.TotalAlloc; got > 3<<20 {
		t.Fatalf("decoding allocated %d bytes", got)
	}
}
