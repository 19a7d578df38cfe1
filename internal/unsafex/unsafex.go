// This file uses unsafe because Go has no other way to view the same memory as both a string and a byte
// slice without copying. The invariants are in the package comment: bytes behind a string never change.
package unsafex

import "unsafe"

// BytesToString returns a string that shares b's memory. b must not be modified while the string lives.
func BytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// StringToBytes returns a slice that shares s's memory, with len and cap equal to len(s). The slice must
// never be written to.
func StringToBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
