package randval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
)

// Config says how to read a family of generated types. The zero Config reads Apache Thrift Go code.
type Config struct {
	// Field reports whether f is a Thrift field and whether it is optional (nil or default means unset).
	// Nil means: a field has a `thrift:"name,id[,required|optional]"` tag, and it is optional if the tag
	// says so, its JSON tag has omitempty, or it is a pointer to a non-struct type.
	Field func(f reflect.StructField) (isField, optional bool)
	// IsUnion reports whether struct type t is a Thrift union. Nil means: *t has a method named
	// CountSetFields<t's name>, as Apache Thrift Go generates for unions.
	IsUnion func(t reflect.Type) bool
	// IsEnum reports whether integer type t is a Thrift enum, whose values travel as i32. Nil means: t is
	// a named integer type with a String method.
	IsEnum func(t reflect.Type) bool
}

// Gen generates values. It is not safe for concurrent use.
type Gen struct {
	cfg    Config
	r      *rand.Rand
	depth  int
	budget int // container elements left for the value being filled
}

// elementBudget bounds the container elements of one Fill, so that nested containers (a list of lists
// of lists) stay small enough to check every truncated prefix of their encodings.
const elementBudget = 200

// New returns a generator seeded with seed: the same seed, Config and types give the same values.
func New(seed uint64, cfg Config) *Gen {
	return &Gen{cfg: cfg, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Fill sets every Thrift field of the struct that ptr points to.
func (g *Gen) Fill(ptr any) {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic("randval: Fill needs a pointer to a struct, got " + v.Type().String())
	}
	g.budget = elementBudget
	g.fillStruct(v.Elem())
}

// maxDepth bounds nesting: below it containers are short, and past it they are empty.
const maxDepth = 6

func (g *Gen) field(f reflect.StructField) (isField, optional bool) {
	if g.cfg.Field != nil {
		return g.cfg.Field(f)
	}
	tag, ok := f.Tag.Lookup("thrift")
	if !ok || !f.IsExported() {
		return false, false
	}
	parts := strings.Split(tag, ",")
	for _, p := range parts[min(2, len(parts)):] {
		switch p {
		case "optional":
			return true, true
		case "required":
			return true, false
		}
	}
	if strings.Contains(f.Tag.Get("json"), ",omitempty") {
		return true, true
	}
	return true, f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() != reflect.Struct
}

func (g *Gen) isUnion(t reflect.Type) bool {
	if g.cfg.IsUnion != nil {
		return g.cfg.IsUnion(t)
	}
	_, ok := reflect.PointerTo(t).MethodByName("CountSetFields" + t.Name())
	return ok
}

func (g *Gen) isEnum(t reflect.Type) bool {
	if g.cfg.IsEnum != nil {
		return g.cfg.IsEnum(t)
	}
	if t.Name() == "" || t.PkgPath() == "" {
		return false
	}
	_, ok := t.MethodByName("String")
	return ok
}

func (g *Gen) fillStruct(v reflect.Value) {
	g.depth++
	defer func() { g.depth-- }()
	t := v.Type()
	var fields []int
	var optional []bool
	for i := range t.NumField() {
		if ok, opt := g.field(t.Field(i)); ok {
			fields = append(fields, i)
			optional = append(optional, opt)
		}
	}
	if g.isUnion(t) {
		if len(fields) == 0 {
			return
		}
		pick := g.r.IntN(len(fields))
		for k, i := range fields {
			fv := v.Field(i)
			fv.SetZero()
			if k == pick {
				g.set(fv, false)
				if isNilable(fv) && fv.IsNil() {
					// A union member must count as set: give a nil container a value.
					g.setNonNil(fv)
				}
			}
		}
		return
	}
	for k, i := range fields {
		fv := v.Field(i)
		if optional[k] && (g.depth > maxDepth || g.r.IntN(3) == 0) {
			fv.SetZero() // unset
			continue
		}
		g.set(fv, !optional[k])
	}
}

func isNilable(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return true
	}
	return false
}

// setNonNil gives a nil pointer, slice or map a non-nil value.
func (g *Gen) setNonNil(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		g.set(v.Elem(), false)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	}
}

// set gives v a random value. mayNil says whether a nil slice or map is allowed (it is, for a field
// that is not optional: it is written as an empty container).
func (g *Gen) set(v reflect.Value, mayNil bool) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(g.r.IntN(2) == 0)
	case reflect.Int8:
		v.SetInt(g.intN(8))
	case reflect.Int16:
		v.SetInt(g.intN(16))
	case reflect.Int32:
		v.SetInt(g.intN(32))
	case reflect.Int64, reflect.Int:
		if g.isEnum(v.Type()) {
			v.SetInt(g.intN(32))
		} else {
			v.SetInt(g.intN(64))
		}
	case reflect.Float64:
		v.SetFloat(g.float())
	case reflect.String:
		v.SetString(g.str())
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		if v.Type().Elem().Kind() == reflect.Struct {
			g.fillStruct(v.Elem())
		} else {
			g.set(v.Elem(), false)
		}
	case reflect.Struct:
		g.fillStruct(v)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			g.bytes(v, mayNil)
			return
		}
		g.slice(v, mayNil)
	case reflect.Map:
		g.mapv(v, mayNil)
	default:
		panic("randval: unsupported kind " + v.Kind().String() + " of " + v.Type().String())
	}
}

// length picks a container length: often 0, mostly short, now and then past 14 (the Compact protocol's
// long list header), never long deep down.
func (g *Gen) length() (n int) {
	switch {
	case g.depth > maxDepth || g.budget <= 0:
		return 0
	case g.r.IntN(4) == 0:
		return 0
	case g.depth <= 2 && g.budget >= elementBudget/2 && g.r.IntN(6) == 0:
		n = 15 + g.r.IntN(20)
	case g.depth > 3:
		n = 1 + g.r.IntN(2)
	default:
		n = 1 + g.r.IntN(4)
	}
	n = min(n, g.budget)
	g.budget -= n
	return n
}

func (g *Gen) slice(v reflect.Value, mayNil bool) {
	n := g.length()
	if n == 0 {
		if mayNil && g.r.IntN(2) == 0 {
			v.SetZero()
		} else {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
		return
	}
	s := reflect.MakeSlice(v.Type(), 0, n)
	for tries := 0; s.Len() < n && tries < 4*n; tries++ {
		e := reflect.New(v.Type().Elem()).Elem()
		g.set(e, false)
		dup := false
		for j := range s.Len() {
			if g.same(s.Index(j), e) {
				dup = true
				break
			}
		}
		if !dup {
			s = reflect.Append(s, e)
		}
	}
	v.Set(s)
}

// same reports whether two elements would count as duplicates in a set: equal as Thrift values, or
// equal by the type's own Equals method, in either order. (Apache's set writers call Equals, which
// takes a missing map key for a zero value, so {1: 0} "equals" {2: 5}.)
func (g *Gen) same(a, b reflect.Value) bool {
	if ok, _ := g.equal(a, b, false, ""); ok {
		return true
	}
	if m := a.MethodByName("Equals"); m.IsValid() && m.Type().NumIn() == 1 && m.Type().In(0) == b.Type() {
		if m.Call([]reflect.Value{b})[0].Bool() || b.MethodByName("Equals").Call([]reflect.Value{a})[0].Bool() {
			return true
		}
	}
	return false
}

func (g *Gen) mapv(v reflect.Value, mayNil bool) {
	n := g.length()
	if n == 0 && mayNil && g.r.IntN(2) == 0 {
		v.SetZero()
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), n)
	for tries := 0; m.Len() < n && tries < 4*n; tries++ {
		k := reflect.New(v.Type().Key()).Elem()
		g.set(k, false)
		e := reflect.New(v.Type().Elem()).Elem()
		g.set(e, false)
		m.SetMapIndex(k, e)
	}
	v.Set(m)
}

func (g *Gen) bytes(v reflect.Value, mayNil bool) {
	var b []byte
	switch g.r.IntN(5) {
	case 0:
		if !mayNil || g.r.IntN(2) == 0 {
			b = []byte{}
		}
	case 1:
		b = make([]byte, 128+g.r.IntN(200))
	default:
		b = make([]byte, g.r.IntN(16))
	}
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	v.SetBytes(b)
	if b == nil {
		v.SetZero()
	}
}

// intN returns a random integer of the given width: a fifth of the time one of the edges.
func (g *Gen) intN(bits uint) int64 {
	if g.r.IntN(5) == 0 {
		maxV := int64(1)<<(bits-1) - 1
		edges := [...]int64{0, 1, -1, maxV, -maxV - 1, 63, -64, 64, -65}
		return edges[g.r.IntN(len(edges))]
	}
	// Random magnitude, so small and large varints both occur.
	shift := g.r.UintN(bits)
	return int64(g.r.Uint64()<<(64-bits)) >> (64 - bits) >> shift
}

func (g *Gen) float() float64 {
	switch g.r.IntN(8) {
	case 0:
		edges := [...]float64{0, math.Copysign(0, -1), 1, -1, math.MaxFloat64, -math.MaxFloat64,
			math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.Pi}
		return edges[g.r.IntN(len(edges))]
	case 1:
		for {
			f := math.Float64frombits(g.r.Uint64())
			if !math.IsNaN(f) {
				return f
			}
		}
	default:
		return (g.r.Float64() - 0.5) * math.Pow(10, float64(g.r.IntN(20)-10))
	}
}

// pieces are what random strings are made of: ASCII, two-, three- and four-byte UTF-8, a NUL, and bytes
// that are not UTF-8 at all (Thrift strings are bytes on the wire).
var pieces = []string{"a", "Z", "0", " ", "\x00", "é", "ß", "Ж", "中", "文", "€", "\u2028", "😀", "🦅", "\xff", "\xc3"}

func (g *Gen) str() string {
	var n int
	switch g.r.IntN(6) {
	case 0:
		return ""
	case 1:
		n = 40 + g.r.IntN(60) // 128+ bytes with multi-byte pieces
	default:
		n = 1 + g.r.IntN(12)
	}
	var b strings.Builder
	for range n {
		b.WriteString(pieces[g.r.IntN(len(pieces))])
	}
	return b.String()
}

// Equal reports whether a and b (values of one type, usually pointers to structs) hold the same Thrift
// value, and if not, where they first differ. It is reflect.DeepEqual except that a nil slice, map or
// binary equals an empty one where the field is not optional (such a field is always written, and
// readers may give back either; in an optional field nil means "unset" and differs from empty), and
// that NaN equals NaN.
func (c Config) Equal(a, b any) (bool, string) {
	g := &Gen{cfg: c}
	return g.equal(reflect.ValueOf(a), reflect.ValueOf(b), false, "")
}

func (g *Gen) equal(a, b reflect.Value, optional bool, path string) (bool, string) {
	if a.Type() != b.Type() {
		return false, path + ": types " + a.Type().String() + " and " + b.Type().String()
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return false, path + ": one is nil"
			}
			return true, ""
		}
		return g.equal(a.Elem(), b.Elem(), false, path)
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			isField, opt := g.field(f)
			if !isField {
				continue
			}
			if ok, where := g.equal(a.Field(i), b.Field(i), opt, path+"."+f.Name); !ok {
				return false, where
			}
		}
		return true, ""
	case reflect.Slice, reflect.Map:
		if a.IsNil() != b.IsNil() && (optional || a.Len() != 0 || b.Len() != 0) {
			return false, path + ": nil and non-nil"
		}
		if a.Len() != b.Len() {
			return false, path + ": lengths " + strconv.Itoa(a.Len()) + " and " + strconv.Itoa(b.Len())
		}
		if a.Kind() == reflect.Slice {
			for i := range a.Len() {
				if ok, where := g.equal(a.Index(i), b.Index(i), false, path+"["+strconv.Itoa(i)+"]"); !ok {
					return false, where
				}
			}
			return true, ""
		}
		for it := a.MapRange(); it.Next(); {
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() {
				return false, path + ": key " + fmt.Sprint(it.Key()) + " missing"
			}
			if ok, where := g.equal(it.Value(), bv, false, path+"["+fmt.Sprint(it.Key())+"]"); !ok {
				return false, where
			}
		}
		return true, ""
	case reflect.Float32, reflect.Float64:
		if x, y := a.Float(), b.Float(); x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
			return false, path + ": " + fmt.Sprint(x) + " != " + fmt.Sprint(y)
		}
		return true, ""
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return false, path + ": " + fmt.Sprint(a.Interface()) + " != " + fmt.Sprint(b.Interface())
		}
		return true, ""
	}
}
