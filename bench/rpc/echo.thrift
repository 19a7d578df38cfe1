// The echo service of the RPC benchmarks (DESIGN.md §6, Echo): the request and the response are both
// {1: string msg}. echo.proto is its protobuf twin for grpc-go. Regenerate with `go generate`.
namespace go echo

struct EchoRequest {
  1: string msg
}

struct EchoResponse {
  1: string msg
}

service EchoService {
  EchoResponse Echo(1: EchoRequest req)
}
