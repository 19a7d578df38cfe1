namespace go unions

struct Pair {
  1: i32 a,
  2: i32 b,
}

union Value {
  1: i64 num,
  2: string str,
  3: Pair pair,
  4: bool flag,
}

exception Failure {
  1: i32 code,
  2: string message,
}
