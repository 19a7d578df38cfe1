module github.com/kestrel-rpc/kestrel/bench

go 1.26.0

replace github.com/kestrel-rpc/kestrel => ../

require (
	github.com/apache/thrift v0.17.0
	github.com/cloudwego/netpoll v0.7.2
	github.com/kestrel-rpc/kestrel v0.0.0
	google.golang.org/protobuf v1.36.10
)

require (
	github.com/bytedance/gopkg v0.1.1 // indirect
	github.com/cloudwego/gopkg v0.1.4 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
