// Types shared by features.thrift, generated into their own package.
namespace go features.common

typedef i64 UserId
typedef string Name

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 4,
}

struct Point {
  1: i32 x,
  2: i32 y,
}

const Color DefaultColor = Color.GREEN

exception NotFound {
  1: string what,
  2: UserId id,
}

service Base {
  string ping(1: string msg),
  oneway void notify(1: i64 id),
}
