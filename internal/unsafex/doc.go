// Package unsafex holds Kestrel's zero-copy conversions between string and []byte. It is the one place
// the rest of the code goes for them (STYLE.md guideline 10), so every use of unsafe outside netpoll's
// system-call files and linkbuf's linking file is reached through these few functions.
//
// # Contract
//
// A string made by BytesToString shares the slice's memory: the caller must not change the bytes while
// the string is alive. A slice made by StringToBytes shares the string's memory: it must never be
// written to.
package unsafex
