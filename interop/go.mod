module github.com/kestrel-rpc/kestrel/interop

go 1.26.0

replace github.com/kestrel-rpc/kestrel => ../

require (
	github.com/apache/thrift v0.17.0
	github.com/kestrel-rpc/kestrel v0.0.0
)

require golang.org/x/sys v0.49.0 // indirect
