package codec

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/protobuf/proto"

	ab "github.com/kestrel-rpc/kestrel/bench/codec/apachebench"
	kb "github.com/kestrel-rpc/kestrel/bench/codec/kestrelgen/bench"
	pb "github.com/kestrel-rpc/kestrel/bench/codec/pbbench"
)

// message is one benchmark message, its value held in every codec's types.
type message struct {
	name       string
	apache     thrift.TStruct        // the value, in Apache's types; the others are derived from it
	newApache  func() thrift.TStruct // a fresh value to read into
	proto      proto.Message
	newProto   func() proto.Message
	wire       []byte      // Apache's Binary encoding of apache: the bytes every Thrift read decodes
	pbWire     []byte      // protobuf's encoding of proto
	kestrel    kmsg        // the value in Kestrel's types, decoded from wire
	newKestrel func() kmsg // a fresh value to read into
	i64        []int64     // for list<i64> messages: the list, for the copy and scalar baselines
	i32        []int32     // for list<i32> messages
}

// Sizes from DESIGN.md §6.
const (
	myTestNums = 131072
	mixedSize  = 1 << 10  // ~1 KB
	nestedSize = 20 << 10 // ~20 KB
	binarySize = 6 << 20  // 6 MB
)

var listLens = []struct {
	name string
	n    int
}{{"8", 8}, {"1k", 1024}, {"128k", 131072}}

// buildMessages returns every benchmark message, in the order the benchmarks run them.
func buildMessages(tb testing.TB) []*message {
	tb.Helper()
	var ms []*message
	add := func(name string, v thrift.TStruct, newA func() thrift.TStruct, newP func() proto.Message, newK func() kmsg) *message {
		m := &message{name: name, apache: v, newApache: newA, newProto: newP, newKestrel: newK}
		m.wire = apacheEncode(tb, v)
		m.kestrel = newK()
		if n, err := m.kestrel.FastRead(m.wire); err != nil || n != len(m.wire) {
			tb.Fatalf("%s: kestrel read of apache's %d bytes: %d, %v", name, len(m.wire), n, err)
		}
		m.proto = newP()
		if err := copyValue(reflect.ValueOf(m.proto), reflect.ValueOf(v)); err != nil {
			tb.Fatalf("%s: apache → protobuf: %v", name, err)
		}
		var err error
		if m.pbWire, err = proto.Marshal(m.proto); err != nil {
			tb.Fatalf("%s: proto.Marshal: %v", name, err)
		}
		ms = append(ms, m)
		return m
	}
	newMyTest := func() thrift.TStruct { return ab.NewMyTest() }
	add("mytest1m", buildMyTest(), newMyTest, func() proto.Message { return new(pb.MyTest) }, func() kmsg { return kb.NewMyTest() })

	newMixed := func() thrift.TStruct { return ab.NewMixed() }
	add("mixed1k", sized(tb, newMixed, mixedSize, false), newMixed, func() proto.Message { return new(pb.Mixed) }, func() kmsg { return kb.NewMixed() })
	newNested := func() thrift.TStruct { return ab.NewNested() }
	add("nested20k", sized(tb, newNested, nestedSize, true), newNested, func() proto.Message { return new(pb.Nested) }, func() kmsg { return kb.NewNested() })

	newBin := func() thrift.TStruct { return ab.NewBinaryPayload() }
	add("binary6m", &ab.BinaryPayload{Data: pattern(binarySize)}, newBin, func() proto.Message { return new(pb.BinaryPayload) }, func() kmsg { return kb.NewBinaryPayload() })
	add("binary6b", &ab.BinaryPayload{Data: pattern(6)}, newBin, func() proto.Message { return new(pb.BinaryPayload) }, func() kmsg { return kb.NewBinaryPayload() })

	for _, l := range listLens {
		v := make([]int64, l.n)
		for i := range v {
			v[i] = int64(uint64(i) * 0x9e3779b97f4a7c15) // all eight bytes busy, signs mixed
		}
		m := add("i64list"+l.name, &ab.I64List{V: v}, func() thrift.TStruct { return ab.NewI64List() },
			func() proto.Message { return new(pb.I64List) }, func() kmsg { return kb.NewI64List() })
		m.i64 = v
	}
	for _, l := range listLens {
		v := make([]int32, l.n)
		for i := range v {
			v[i] = int32(i) * -0x61c88647
		}
		m := add("i32list"+l.name, &ab.I32List{V: v}, func() thrift.TStruct { return ab.NewI32List() },
			func() proto.Message { return new(pb.I32List) }, func() kmsg { return kb.NewI32List() })
		m.i32 = v
	}
	newEcho := func() thrift.TStruct { return ab.NewEcho() }
	add("echo1k", &ab.Echo{Msg: string(pattern(1 << 10))}, newEcho, func() proto.Message { return new(pb.Echo) }, func() kmsg { return kb.NewEcho() })
	return ms
}

func buildMyTest() *ab.MyTest {
	v := &ab.MyTest{Num: 42, Ano: &ab.Ano{Num: -7}, Nums: make([]int64, myTestNums)}
	for i := range v.Nums {
		v.Nums[i] = int64(i) << 20
	}
	return v
}

// pattern returns n printable bytes.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}

func apacheEncode(tb testing.TB, v thrift.TStruct) []byte {
	tb.Helper()
	mem := thrift.NewTMemoryBuffer()
	if err := v.Write(context.Background(), thrift.NewTBinaryProtocolConf(mem, nil)); err != nil {
		tb.Fatalf("apache write %T: %v", v, err)
	}
	return bytes.Clone(mem.Bytes())
}

func apacheDecode(b []byte, v thrift.TStruct) error {
	mem := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(b)}
	if err := v.Read(context.Background(), thrift.NewTBinaryProtocolConf(mem, nil)); err != nil {
		return err
	}
	if mem.Len() != 0 {
		return fmt.Errorf("%d bytes left after the struct", mem.Len())
	}
	return nil
}

// sized fills a fresh value of newV with deterministic values, growing its strings (or, when byCount,
// its outermost list) until the Binary encoding reaches target bytes. It needs no knowledge of the
// struct's fields, so it follows bench.thrift whatever the fixture's exact shape.
func sized(tb testing.TB, newV func() thrift.TStruct, target int, byCount bool) thrift.TStruct {
	tb.Helper()
	f := filler{str: 8, list: 4, top: 4}
	for range 10000 {
		v := newV()
		f.fill(reflect.ValueOf(v).Elem(), 0)
		if n := len(apacheEncode(tb, v)); n >= target {
			return v
		}
		if byCount {
			f.top++
		} else {
			f.str++
		}
	}
	tb.Fatalf("%T never reached %d bytes", newV(), target)
	return nil
}

// filler sets every field deterministically: strings of str bytes, containers of list elements (top
// elements for the outermost list), every optional field set.
type filler struct {
	str, list, top int
	seq            int
}

func (f *filler) next() int { f.seq++; return f.seq }

func (f *filler) fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(f.next()%2 == 0)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, isEnum := v.Type().MethodByName("String"); isEnum {
			v.SetInt(1)
			return
		}
		bits := v.Type().Bits()
		n := int64(f.next())
		v.SetInt((n * n * 7919) % (int64(1) << (bits - 2))) // varied magnitude, in range
	case reflect.Float64:
		v.SetFloat(float64(f.next()) * math.Pi)
	case reflect.String:
		v.SetString(f.text())
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), depth)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte(f.text()))
			return
		}
		n := f.list
		if depth <= 1 && v.Type().Elem().Kind() == reflect.Pointer {
			n = f.top
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMapWithSize(v.Type(), f.list)
		for m.Len() < f.list {
			k := reflect.New(v.Type().Key()).Elem()
			f.fill(k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		panic("filler: unsupported kind " + v.Kind().String())
	}
}

func (f *filler) text() string {
	s := "k" + strconv.Itoa(f.next()) + "-"
	for len(s) < f.str {
		s += "kestrel/"
	}
	return s[:f.str]
}

// fieldByName finds a field by name regardless of case: Apache writes an initialism in capitals (ID),
// protoc-gen-go and Kestrel do not (Id).
func fieldByName(v reflect.Value, name string) reflect.Value {
	return v.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
}

// copyValue copies src into dst field by field, matching fields by name: it turns Apache's values
// into protobuf's and back. Every exported field of each side must have a twin on the other.
func copyValue(dst, src reflect.Value) error {
	if dst.Kind() == reflect.Pointer {
		if src.Kind() == reflect.Pointer {
			if src.IsNil() {
				dst.SetZero()
				return nil
			}
			src = src.Elem()
		}
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		return copyValue(dst.Elem(), src)
	}
	if src.Kind() == reflect.Pointer {
		if src.IsNil() {
			dst.SetZero()
			return nil
		}
		src = src.Elem()
	}
	switch dst.Kind() {
	case reflect.Bool:
		dst.SetBool(src.Bool())
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		dst.SetInt(src.Int())
	case reflect.Float64:
		dst.SetFloat(src.Float())
	case reflect.String:
		dst.SetString(src.String())
	case reflect.Struct:
		for i := range dst.NumField() {
			f := dst.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			sf := fieldByName(src, f.Name)
			if !sf.IsValid() {
				return fmt.Errorf("%s has no field %s", src.Type(), f.Name)
			}
			if err := copyValue(dst.Field(i), sf); err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
		}
		for i := range src.NumField() {
			if f := src.Type().Field(i); f.IsExported() && !fieldByName(dst, f.Name).IsValid() {
				return fmt.Errorf("%s has no field %s", dst.Type(), f.Name)
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return nil
		}
		if dst.Type().Elem().Kind() == reflect.Uint8 {
			dst.SetBytes(bytes.Clone(src.Bytes()))
			return nil
		}
		s := reflect.MakeSlice(dst.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			if err := copyValue(s.Index(i), src.Index(i)); err != nil {
				return err
			}
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return nil
		}
		m := reflect.MakeMapWithSize(dst.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			k := reflect.New(dst.Type().Key()).Elem()
			e := reflect.New(dst.Type().Elem()).Elem()
			if err := copyValue(k, it.Key()); err != nil {
				return err
			}
			if err := copyValue(e, it.Value()); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	default:
		return fmt.Errorf("unsupported kind %s", dst.Kind())
	}
	return nil
}
