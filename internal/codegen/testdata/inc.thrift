namespace go example.com.shared

typedef i64 Id

struct Ref {
  1: Id id,
}

service Base {
  void ping(),
}
