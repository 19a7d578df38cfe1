namespace go containers

struct Item {
  1: string name,
}

struct Bag {
  1: list<i64> ids,
  2: list<i32> small,
  3: set<string> tags,
  4: map<string, list<Item>> groups,
  5: list<Item> items,
  6: map<binary, bool> seen,
  7: map<set<i32>, double> weird,
  8: list<list<byte>> nested,
}
