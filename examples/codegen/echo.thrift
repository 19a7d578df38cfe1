// The IDL of the code generation example.
namespace go echo

enum Priority {
  LOW = 1,
  HIGH = 2,
}

struct Request {
  1: string msg,
  2: i64 seq,
  3: optional Priority priority,
  4: list<i64> samples,
}

struct Response {
  1: string msg,
  2: i64 seq,
}

service Echo {
  Response echo(1: Request req),
}
