module github.com/kestrel-rpc/kestrel/bench

go 1.25

replace github.com/kestrel-rpc/kestrel => ../

require (
	github.com/apache/thrift v0.17.0
	github.com/cloudwego/netpoll v0.7.2
	github.com/kestrel-rpc/kestrel v0.0.0
	google.golang.org/protobuf v1.36.10
)
