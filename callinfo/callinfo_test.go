package callinfo_test

import (
	"context"
	"errors"
	"net"
	"reflect"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
)

// fillAll sets every field of ci to a non-zero value, whatever fields Info has: a field added later is
// covered without editing this test, and one of a kind it cannot fill fails it.
func fillAll(t *testing.T, ci *callinfo.Info) {
	t.Helper()
	v := reflect.ValueOf(ci).Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		if !v.Type().Field(i).IsExported() {
			continue // internal bookkeeping, not call data
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("x-" + name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.SetInt(int64(i + 1))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.SetUint(uint64(i + 1))
		case reflect.Struct:
			if f.Type() != reflect.TypeFor[time.Time]() {
				t.Fatalf("field %s: cannot fill %v; extend fillAll", name, f.Type())
			}
			f.Set(reflect.ValueOf(time.Unix(1700000000, 1)))
		case reflect.Interface:
			switch f.Type() {
			case reflect.TypeFor[net.Addr]():
				f.Set(reflect.ValueOf(&net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 8888}))
			case reflect.TypeFor[error]():
				f.Set(reflect.ValueOf(errors.New("boom")))
			default:
				t.Fatalf("field %s: cannot fill %v; extend fillAll", name, f.Type())
			}
		default:
			t.Fatalf("field %s: cannot fill kind %v; extend fillAll", name, f.Kind())
		}
		if f.IsZero() {
			t.Fatalf("field %s still zero", name)
		}
	}
}

func TestResetClearsEveryField(t *testing.T) {
	ci := new(callinfo.Info)
	fillAll(t, ci)
	ci.Reset()
	if !reflect.ValueOf(*ci).IsZero() { // every field, unexported ones included
		t.Fatalf("Reset left fields set: %+v", *ci)
	}
}

func TestPoolReuseIsZero(t *testing.T) {
	for range 100 {
		ci := callinfo.New()
		if !reflect.ValueOf(*ci).IsZero() {
			t.Fatalf("New returned a used Info: %+v", *ci)
		}
		fillAll(t, ci)
		ci.Release()
	}
}

func TestContext(t *testing.T) {
	if callinfo.FromContext(context.Background()) != nil {
		t.Fatal("Info in an empty context")
	}
	ci := callinfo.New()
	defer ci.Release()
	ctx := callinfo.NewContext(context.Background(), ci)
	ctx = context.WithValue(ctx, struct{ k int }{1}, "other")
	if got := callinfo.FromContext(ctx); got != ci {
		t.Fatalf("FromContext = %p, want %p", got, ci)
	}
}
