// Codec benchmark fixtures: the same IDL the benchmark suite uses (DESIGN.md §6).
namespace go bench

struct Ano {
  1: i64 Num
}

struct MyTest {
  1: i64 Num,
  2: Ano Ano,
  3: list<i64> Nums,
}

enum Status {
  UNKNOWN = 0,
  ACTIVE = 1,
  SUSPENDED = 2,
}

struct Address {
  1: string street,
  2: string city,
  3: string country,
  4: i32 zip,
}

// Mixed is the ~1 KB "mixed" request: strings, numbers, a map, a list, a nested struct, an optional
// field and an enum.
struct Mixed {
  1: i64 id,
  2: string name,
  3: string email,
  4: i32 age,
  5: double score,
  6: bool active,
  7: map<string, string> labels,
  8: list<string> tags,
  9: Address address,
  10: optional string nickname,
  11: Status status,
  12: i64 created_at,
  13: string bio,
}

struct Item {
  1: i64 id,
  2: string name,
  3: double price,
  4: i32 quantity,
  5: list<i32> codes,
}

// Nested is the ~20 KB "nested" struct: about a hundred Items.
struct Nested {
  1: i64 id,
  2: list<Item> items,
  3: string owner,
}

struct BinaryPayload {
  1: binary Data
}

struct I64List {
  1: list<i64> V
}

struct I32List {
  1: list<i32> V
}

struct Echo {
  1: string msg
}

service EchoService {
  Echo echo(1: Echo req),
}
