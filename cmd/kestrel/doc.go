// Command kestrel is Kestrel's one tool: `kestrel gen` turns Thrift IDL into Go code, `kestrel demo`
// runs the demo that README.md's `make demo` starts. Each subcommand lives in its own file.
package main
