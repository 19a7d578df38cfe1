// The echo service of `kestrel demo` (DESIGN.md §6: request and response {1: string msg}).
namespace go echo

struct EchoRequest {
  1: string msg
}

struct EchoResponse {
  1: string msg
}

service EchoService {
  // Echo returns the request's message.
  EchoResponse Echo(1: EchoRequest req)
}
