package thrift

import "github.com/kestrel-rpc/kestrel/internal/simd"

// The bulk big-endian conversions behind the fixed-size list fast paths: internal/simd (AVX2 on amd64,
// a portable twin elsewhere).

func putInt64s(dst []byte, src []int64) { simd.PutInt64s(dst, src) }
func int64s(dst []int64, src []byte)    { simd.Int64s(dst, src) }
func putInt32s(dst []byte, src []int32) { simd.PutInt32s(dst, src) }
func int32s(dst []int32, src []byte)    { simd.Int32s(dst, src) }
