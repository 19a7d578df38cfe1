//go:build !linux

package loadgen

var testEngines = []struct {
	name string
	run  engineFunc
}{
	{"net", runNet},
}
