// Package randval fills Thrift-generated Go structs with seeded random values, for round-trip tests
// between codecs. It works on any generated code through reflection, guided by struct tags, so the same
// generator feeds Apache Thrift's types and Kestrel's.
//
// The values stay inside what every Thrift implementation must accept: a union has exactly one field
// set; a field that is not optional and holds a struct is never nil (Apache's writers would dereference
// it); set and list elements are distinct (Apache rejects duplicate set elements, and the Go types do
// not say which slices are sets); doubles are never NaN (NaN != NaN defeats any equality check). Inside
// those bounds it favours the values codecs get wrong: empty and nil containers, containers of 15 or
// more elements (the long list header of the Compact protocol), strings of 128 bytes or more (two-byte
// varint lengths), multi-byte UTF-8 and invalid UTF-8, zero, ±1 and the extremes of every integer
// width, infinities and the smallest subnormal double, and optional fields both unset and set.
package randval
