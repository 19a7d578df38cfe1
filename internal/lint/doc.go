// Package lint holds the tests that keep Kestrel's architecture true as it grows: the layer map of
// DESIGN.md §1 checked against `go list -deps`, the core module's allowed dependencies, where `unsafe`
// and `syscall` may appear, and project rules no linter knows. It has no non-test code.
package lint
