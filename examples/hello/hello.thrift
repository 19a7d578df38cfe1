// A greeter: the hello-world of Kestrel.
namespace go hello

struct HelloRequest {
  1: string name
}

struct HelloReply {
  1: string message
}

// NoName is thrown for an empty name.
exception NoName {
  1: string reason
}

service Greeter {
  // SayHello greets req.name.
  HelloReply SayHello(1: HelloRequest req) throws (1: NoName noName)
}
