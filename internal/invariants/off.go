//go:build !invariants

package invariants

// Enabled is true when the build carries the invariants tag. Code guarded by `if invariants.Enabled`
// is removed entirely by the compiler when it is false.
const Enabled = false
