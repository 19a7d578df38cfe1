// Package testserver implements service ThriftTest twice, on Kestrel's generated types and on Apache
// Thrift's, the way Apache's own cross-language test server does (test/go/src/common/printing_handler.go
// in Apache Thrift), so that either side of the interop tests answers like the reference server:
//
//   - every test<Type> method echoes its argument;
//   - testMapMap returns {-4: {-4: -4, -3: -3, -2: -2, -1: -1}, 4: {1: 1, 2: 2, 3: 3, 4: 4}};
//   - testInsanity returns {1: {TWO: argument, THREE: argument}, 2: {SIX: empty Insanity}};
//   - testMulti returns Xtruct{"Hello2", arg0, arg1, arg2};
//   - testException("Xception") throws Xception{1001, "Xception"}, testException("TException") fails
//     with an undeclared error (which the server answers with TApplicationException INTERNAL_ERROR);
//   - testMultiException("Xception", _) throws Xception{1001, "This is an Xception"},
//     testMultiException("Xception2", _) throws Xception2{2002, {string_thing: "This is an Xception2"}},
//     and otherwise returns Xtruct{string_thing: arg1};
//   - testOneway sends its argument on the handler's Oneway channel instead of sleeping.
package testserver

import (
	"context"
	"errors"

	apache "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	kestrel "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest"
)

// ErrTException is the undeclared error testException("TException") returns, as Apache's test server
// does ("Just TException").
var ErrTException = errors.New("Just TException")

// Kestrel serves ThriftTest on Kestrel's generated types.
type Kestrel struct {
	// Oneway receives the argument of each testOneway call; nil drops it.
	Oneway chan int32
	// Seen, if set, is called with the context of every call before it is answered.
	Seen func(ctx context.Context, method string)
}

var _ kestrel.ThriftTest = (*Kestrel)(nil)

func (h *Kestrel) seen(ctx context.Context, method string) {
	if h.Seen != nil {
		h.Seen(ctx, method)
	}
}

func (h *Kestrel) TestVoid(ctx context.Context) error { h.seen(ctx, "testVoid"); return nil }
func (h *Kestrel) TestString(ctx context.Context, v string) (string, error) {
	h.seen(ctx, "testString")
	return v, nil
}
func (h *Kestrel) TestBool(ctx context.Context, v bool) (bool, error) {
	h.seen(ctx, "testBool")
	return v, nil
}
func (h *Kestrel) TestByte(ctx context.Context, v int8) (int8, error) {
	h.seen(ctx, "testByte")
	return v, nil
}
func (h *Kestrel) TestI32(ctx context.Context, v int32) (int32, error) {
	h.seen(ctx, "testI32")
	return v, nil
}
func (h *Kestrel) TestI64(ctx context.Context, v int64) (int64, error) {
	h.seen(ctx, "testI64")
	return v, nil
}
func (h *Kestrel) TestDouble(ctx context.Context, v float64) (float64, error) {
	h.seen(ctx, "testDouble")
	return v, nil
}
func (h *Kestrel) TestBinary(ctx context.Context, v []byte) ([]byte, error) {
	h.seen(ctx, "testBinary")
	return v, nil
}
func (h *Kestrel) TestStruct(ctx context.Context, v *kestrel.Xtruct) (*kestrel.Xtruct, error) {
	h.seen(ctx, "testStruct")
	return v, nil
}
func (h *Kestrel) TestNest(ctx context.Context, v *kestrel.Xtruct2) (*kestrel.Xtruct2, error) {
	h.seen(ctx, "testNest")
	return v, nil
}
func (h *Kestrel) TestMap(ctx context.Context, v map[int32]int32) (map[int32]int32, error) {
	h.seen(ctx, "testMap")
	return v, nil
}
func (h *Kestrel) TestStringMap(ctx context.Context, v map[string]string) (map[string]string, error) {
	h.seen(ctx, "testStringMap")
	return v, nil
}
func (h *Kestrel) TestSet(ctx context.Context, v []int32) ([]int32, error) {
	h.seen(ctx, "testSet")
	return v, nil
}
func (h *Kestrel) TestList(ctx context.Context, v []int32) ([]int32, error) {
	h.seen(ctx, "testList")
	return v, nil
}
func (h *Kestrel) TestEnum(ctx context.Context, v kestrel.Numberz) (kestrel.Numberz, error) {
	h.seen(ctx, "testEnum")
	return v, nil
}
func (h *Kestrel) TestTypedef(ctx context.Context, v kestrel.UserId) (kestrel.UserId, error) {
	h.seen(ctx, "testTypedef")
	return v, nil
}

func (h *Kestrel) TestMapMap(ctx context.Context, hello int32) (map[int32]map[int32]int32, error) {
	h.seen(ctx, "testMapMap")
	return map[int32]map[int32]int32{
		-4: {-4: -4, -3: -3, -2: -2, -1: -1},
		4:  {1: 1, 2: 2, 3: 3, 4: 4},
	}, nil
}

func (h *Kestrel) TestInsanity(ctx context.Context, argument *kestrel.Insanity) (map[kestrel.UserId]map[kestrel.Numberz]*kestrel.Insanity, error) {
	h.seen(ctx, "testInsanity")
	return map[kestrel.UserId]map[kestrel.Numberz]*kestrel.Insanity{
		1: {kestrel.Numberz_TWO: argument, kestrel.Numberz_THREE: argument},
		2: {kestrel.Numberz_SIX: kestrel.NewInsanity()},
	}, nil
}

func (h *Kestrel) TestMulti(ctx context.Context, arg0 int8, arg1 int32, arg2 int64, _ map[int16]string, _ kestrel.Numberz, _ kestrel.UserId) (*kestrel.Xtruct, error) {
	h.seen(ctx, "testMulti")
	return &kestrel.Xtruct{StringThing: "Hello2", ByteThing: arg0, I32Thing: arg1, I64Thing: arg2}, nil
}

func (h *Kestrel) TestException(ctx context.Context, arg string) error {
	h.seen(ctx, "testException")
	switch arg {
	case "Xception":
		return &kestrel.Xception{ErrorCode: 1001, Message: arg}
	case "TException":
		return ErrTException
	}
	return nil
}

func (h *Kestrel) TestMultiException(ctx context.Context, arg0, arg1 string) (*kestrel.Xtruct, error) {
	h.seen(ctx, "testMultiException")
	switch arg0 {
	case "Xception":
		return nil, &kestrel.Xception{ErrorCode: 1001, Message: "This is an Xception"}
	case "Xception2":
		return nil, &kestrel.Xception2{ErrorCode: 2002, StructThing: &kestrel.Xtruct{StringThing: "This is an Xception2"}}
	}
	return &kestrel.Xtruct{StringThing: arg1}, nil
}

func (h *Kestrel) TestOneway(ctx context.Context, secondsToSleep int32) error {
	h.seen(ctx, "testOneway")
	if h.Oneway != nil {
		h.Oneway <- secondsToSleep
	}
	return nil
}

// Apache serves ThriftTest on Apache Thrift's generated types.
type Apache struct {
	// Oneway receives the argument of each testOneway call; nil drops it.
	Oneway chan int32
	// Seen, if set, is called with the context of every call before it is answered.
	Seen func(ctx context.Context, method string)
}

var _ apache.ThriftTest = (*Apache)(nil)

func (h *Apache) seen(ctx context.Context, method string) {
	if h.Seen != nil {
		h.Seen(ctx, method)
	}
}

func (h *Apache) TestVoid(ctx context.Context) error { h.seen(ctx, "testVoid"); return nil }
func (h *Apache) TestString(ctx context.Context, v string) (string, error) {
	h.seen(ctx, "testString")
	return v, nil
}
func (h *Apache) TestBool(ctx context.Context, v bool) (bool, error) {
	h.seen(ctx, "testBool")
	return v, nil
}
func (h *Apache) TestByte(ctx context.Context, v int8) (int8, error) {
	h.seen(ctx, "testByte")
	return v, nil
}
func (h *Apache) TestI32(ctx context.Context, v int32) (int32, error) {
	h.seen(ctx, "testI32")
	return v, nil
}
func (h *Apache) TestI64(ctx context.Context, v int64) (int64, error) {
	h.seen(ctx, "testI64")
	return v, nil
}
func (h *Apache) TestDouble(ctx context.Context, v float64) (float64, error) {
	h.seen(ctx, "testDouble")
	return v, nil
}
func (h *Apache) TestBinary(ctx context.Context, v []byte) ([]byte, error) {
	h.seen(ctx, "testBinary")
	return v, nil
}
func (h *Apache) TestStruct(ctx context.Context, v *apache.Xtruct) (*apache.Xtruct, error) {
	h.seen(ctx, "testStruct")
	return v, nil
}
func (h *Apache) TestNest(ctx context.Context, v *apache.Xtruct2) (*apache.Xtruct2, error) {
	h.seen(ctx, "testNest")
	return v, nil
}
func (h *Apache) TestMap(ctx context.Context, v map[int32]int32) (map[int32]int32, error) {
	h.seen(ctx, "testMap")
	return v, nil
}
func (h *Apache) TestStringMap(ctx context.Context, v map[string]string) (map[string]string, error) {
	h.seen(ctx, "testStringMap")
	return v, nil
}
func (h *Apache) TestSet(ctx context.Context, v []int32) ([]int32, error) {
	h.seen(ctx, "testSet")
	return v, nil
}
func (h *Apache) TestList(ctx context.Context, v []int32) ([]int32, error) {
	h.seen(ctx, "testList")
	return v, nil
}
func (h *Apache) TestEnum(ctx context.Context, v apache.Numberz) (apache.Numberz, error) {
	h.seen(ctx, "testEnum")
	return v, nil
}
func (h *Apache) TestTypedef(ctx context.Context, v apache.UserId) (apache.UserId, error) {
	h.seen(ctx, "testTypedef")
	return v, nil
}

func (h *Apache) TestMapMap(ctx context.Context, hello int32) (map[int32]map[int32]int32, error) {
	h.seen(ctx, "testMapMap")
	return map[int32]map[int32]int32{
		-4: {-4: -4, -3: -3, -2: -2, -1: -1},
		4:  {1: 1, 2: 2, 3: 3, 4: 4},
	}, nil
}

func (h *Apache) TestInsanity(ctx context.Context, argument *apache.Insanity) (map[apache.UserId]map[apache.Numberz]*apache.Insanity, error) {
	h.seen(ctx, "testInsanity")
	return map[apache.UserId]map[apache.Numberz]*apache.Insanity{
		1: {apache.Numberz_TWO: argument, apache.Numberz_THREE: argument},
		2: {apache.Numberz_SIX: apache.NewInsanity()},
	}, nil
}

func (h *Apache) TestMulti(ctx context.Context, arg0 int8, arg1 int32, arg2 int64, _ map[int16]string, _ apache.Numberz, _ apache.UserId) (*apache.Xtruct, error) {
	h.seen(ctx, "testMulti")
	return &apache.Xtruct{StringThing: "Hello2", ByteThing: arg0, I32Thing: arg1, I64Thing: arg2}, nil
}

func (h *Apache) TestException(ctx context.Context, arg string) error {
	h.seen(ctx, "testException")
	switch arg {
	case "Xception":
		return &apache.Xception{ErrorCode: 1001, Message: arg}
	case "TException":
		return ErrTException
	}
	return nil
}

func (h *Apache) TestMultiException(ctx context.Context, arg0, arg1 string) (*apache.Xtruct, error) {
	h.seen(ctx, "testMultiException")
	switch arg0 {
	case "Xception":
		return nil, &apache.Xception{ErrorCode: 1001, Message: "This is an Xception"}
	case "Xception2":
		return nil, &apache.Xception2{ErrorCode: 2002, StructThing: &apache.Xtruct{StringThing: "This is an Xception2"}}
	}
	return &apache.Xtruct{StringThing: arg1}, nil
}

func (h *Apache) TestOneway(ctx context.Context, secondsToSleep int32) error {
	h.seen(ctx, "testOneway")
	if h.Oneway != nil {
		h.Oneway <- secondsToSleep
	}
	return nil
}
