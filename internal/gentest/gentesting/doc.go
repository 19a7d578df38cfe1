// Package gentesting holds the helpers the tests of the generated fixture packages share: a seeded
// generator of random values for any generated struct (Filler) and the checks every generated codec
// must pass (CheckBinary, CheckCompact, CheckNocopy).
package gentesting
