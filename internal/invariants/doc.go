// Package invariants switches Kestrel's costly self-checks on and off at build time (STYLE.md guideline
// 12). Build with `-tags invariants` to turn them on: linkbuf then poisons released blocks and detects
// double releases, and pools verify what is put back. The checks add work but never change which
// implementation runs, so a race build exercises the same code as production.
package invariants
