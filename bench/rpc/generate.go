package rpc

// Regenerate the three implementations' code: Apache Thrift's and Kestrel's from echo.thrift, grpc-go's
// from echo.proto. Needs Debian's thrift-compiler 0.17 and protobuf-compiler (protoc 3.21) with
// protoc-gen-go v1.36.10 and protoc-gen-go-grpc v1.6.2 on PATH:
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.10
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
//
//go:generate rm -rf apacheecho
//go:generate thrift -out . --gen go:package=apacheecho,skip_remote echo.thrift
//go:generate gofmt -w apacheecho
//go:generate rm -rf pbecho
//go:generate protoc --go_out=. --go_opt=module=github.com/kestrel-rpc/kestrel/bench/rpc --go-grpc_out=. --go-grpc_opt=module=github.com/kestrel-rpc/kestrel/bench/rpc echo.proto
//go:generate rm -rf kestrelgen
//go:generate sh -c "cd ../.. && go run ./cmd/kestrel gen -out bench/rpc/kestrelgen -module github.com/kestrel-rpc/kestrel/bench/rpc/kestrelgen bench/rpc/echo.thrift"
