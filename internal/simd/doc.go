// Package simd converts between native integer slices and big-endian byte
// arrays at close to memory-copy speed.
//
// Kestrel's Thrift codecs encode list<i64> and list<i32> as contiguous
// big-endian arrays. Converting element by element through a codec call costs
// far more than the bytes themselves; this package does the whole array in one
// call: on amd64 with AVX2 byte shuffles (zmm shuffles for runs of 256 bytes
// or more where the CPU has AVX-512BW), elsewhere with a portable Go loop
// that the compiler lowers to BSWAP/MOVBE or REV. Performance is close to
// copy for the same bytes; see the benchmarks in bench_test.go.
//
// The functions are total over correctly sized arguments. They panic only
// when the destination or source is too short, which is a programming error of
// the caller: the codecs validate lengths from the wire before calling, so no
// wire input can reach the panic.
//
// Build with the purego tag to force the portable kernels on every
// architecture; the tests cross-check the assembly against them.
//
// # Concurrency
//
// The functions keep no state; concurrent calls are safe as long as no other
// goroutine writes the slices being read or touches the slice being written.
package simd
