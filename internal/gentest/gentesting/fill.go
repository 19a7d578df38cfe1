package gentesting

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
)

// Filler sets the fields of generated structs to random values, deterministically for a seed. It
// follows the generated code's conventions: unions get exactly one field set, required fields are
// always set, optional ones are set half of the time, lists, sets and maps are never nil (a nil one
// would read back as empty), and maps whose keys are pointers (container keys) stay empty because
// reflect.DeepEqual compares such keys by address.
type Filler struct {
	r *rand.Rand
	// MaxLen bounds the length of strings, binaries, lists, sets and maps.
	MaxLen int
	// MaxDepth bounds the nesting of structs; deeper optional or default struct fields stay nil and
	// deeper lists of structs stay empty.
	MaxDepth int
}

// NewFiller returns a Filler seeded with seed, with MaxLen 8 and MaxDepth 4.
func NewFiller(seed uint64) *Filler {
	return &Filler{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), MaxLen: 8, MaxDepth: 4}
}

// Fill fills the struct that ptr points to.
func (f *Filler) Fill(ptr any) {
	f.fillStruct(reflect.ValueOf(ptr).Elem(), 0)
}

// Intn returns a random int in [0, n).
func (f *Filler) Intn(n int) int { return f.r.IntN(n) }

func isUnion(v reflect.Value) bool {
	_, ok := v.Addr().Interface().(interface{ CountSetFields() int })
	return ok
}

func (f *Filler) fillStruct(v reflect.Value, depth int) {
	t := v.Type()
	union := isUnion(v)
	pick := -1
	if union && t.NumField() > 0 {
		pick = f.r.IntN(t.NumField())
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("thrift")
		fv := v.Field(i)
		switch {
		case union:
			if i == pick {
				f.fillValue(fv, depth+1, true)
			}
		case strings.HasSuffix(tag, ",required"):
			f.fillValue(fv, depth+1, true)
		case strings.HasSuffix(tag, ",optional"):
			if f.r.IntN(2) == 0 {
				f.fillValue(fv, depth+1, true)
			}
		default:
			f.fillValue(fv, depth+1, false)
		}
	}
}

// fillValue sets v; must says that a pointer must not stay nil.
func (f *Filler) fillValue(v reflect.Value, depth int, must bool) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := v.Type().Bits()
		x := int64(f.r.Uint64())
		switch f.r.IntN(4) {
		case 0:
			x %= 100 // small values: short varints
		case 1:
			x = -x % 1000
		}
		if _, ok := v.Addr().Interface().(fmt.Stringer); ok && bits == 64 {
			bits = 32 // an enum: int64 in Go, i32 on the wire
		}
		v.SetInt(x << (64 - bits) >> (64 - bits))
	case reflect.Float64:
		v.SetFloat(f.r.NormFloat64() * 1e6)
	case reflect.String:
		v.SetString(f.str())
	case reflect.Array: // thrift.UUID
		for i := 0; i < v.Len(); i++ {
			v.Index(i).SetUint(uint64(f.r.IntN(256)))
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, 1+f.r.IntN(f.MaxLen))
			for i := range b {
				b[i] = byte(f.r.IntN(256))
			}
			v.SetBytes(b)
			return
		}
		n := f.r.IntN(f.MaxLen + 1)
		if depth >= f.MaxDepth && v.Type().Elem().Kind() == reflect.Pointer {
			n = 0
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			f.fillValue(s.Index(i), depth+1, true)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		if v.Type().Key().Kind() != reflect.Pointer {
			n := f.r.IntN(f.MaxLen + 1)
			for i := 0; i < n; i++ {
				k := reflect.New(v.Type().Key()).Elem()
				f.fillValue(k, depth+1, true)
				e := reflect.New(v.Type().Elem()).Elem()
				f.fillValue(e, depth+1, true)
				m.SetMapIndex(k, e)
			}
		}
		v.Set(m)
	case reflect.Pointer:
		et := v.Type().Elem()
		if et.Kind() == reflect.Struct {
			if !must && (depth >= f.MaxDepth || f.r.IntN(4) == 0) {
				return
			}
			if depth >= f.MaxDepth+2 && !must {
				return
			}
			p := reflect.New(et)
			f.fillStruct(p.Elem(), depth)
			v.Set(p)
			return
		}
		p := reflect.New(et)
		f.fillValue(p.Elem(), depth, true)
		v.Set(p)
	}
}

func (f *Filler) str() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-é☃"
	n := f.r.IntN(f.MaxLen + 1)
	var b strings.Builder
	rs := []rune(alphabet)
	for i := 0; i < n; i++ {
		b.WriteRune(rs[f.r.IntN(len(rs))])
	}
	return b.String()
}
