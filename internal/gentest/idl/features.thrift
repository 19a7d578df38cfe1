// Features exercised by the round-trip tests: includes, typedefs, consts, defaults, requiredness,
// unions, exceptions, versioned structs, uuid, containers of every kind, a recursive struct and a
// service that extends a service of another package.
namespace go features

include "common.thrift"

typedef list<i64> IDs
typedef map<string, common.Point> PointMap
typedef common.Point Pt
typedef binary Blob

const i32 Answer = 42
const double Pi = 3.25
const string Greeting = "hello \"world\""
const list<string> Words = ["a", "b"]
const map<string, i32> Counts = {"one": 1, "two": 2}
const common.Color Favorite = common.Color.BLUE
const set<i16> Small = [1, 2, 3]
const Pt Origin = {"x": 0, "y": 0}

enum Kind {
  A,
  B = 5,
  C,
}

struct Defaults {
  1: i32 num = 7,
  2: string str = "dflt",
  3: optional i64 opt_num = 9,
  4: optional string opt_str,
  5: list<i32> nums = [1, 2],
  6: Kind kind = Kind.C,
  7: common.Color color = common.DefaultColor,
  8: bool flag = true,
  9: double ratio = 0.5,
}

struct Required {
  1: required i64 id,
  2: required string name,
  3: optional i32 age,
  4: required common.Point where,
  5: i32 plain,
}

union Choice {
  1: i64 num,
  2: string str,
  3: common.Point point,
  4: list<string> words,
  5: bool flag,
}

exception Oops {
  1: i32 code,
  2: string message,
}

// V1 and V2: V2 adds fields; a V1 reader skips them.
struct V1 {
  1: i64 id,
  3: string name,
}

struct V2 {
  1: i64 id,
  2: list<map<string, list<i32>>> extra,
  3: string name,
  4: Choice choice,
  5: set<string> tags,
  6: double d,
  7: uuid u,
  8: map<i32, common.Point> pts,
  9: bool b,
}

struct Everything {
  1: bool b,
  2: byte i8v,
  3: i16 i16v,
  4: i32 i32v,
  5: i64 i64v,
  6: double dbl,
  7: string str,
  8: binary bin,
  9: uuid id,
  10: list<i64> l64,
  11: list<i32> l32,
  12: set<i64> s64,
  13: list<string> lstr,
  14: list<common.Point> lpts,
  15: map<string, string> mss,
  16: map<i64, list<string>> mil,
  17: map<common.Color, Kind> menum,
  18: map<binary, i32> mbin,
  19: map<list<i32>, string> mlist,
  20: common.UserId uid,
  21: common.Name uname,
  22: IDs ids,
  23: PointMap pmap,
  24: Pt pt,
  25: Blob blob,
  26: optional bool ob,
  27: optional byte oi8v,
  28: optional double odbl,
  29: optional uuid oid,
  30: optional Kind okind,
  31: optional common.UserId ouid,
  32: optional binary obin,
  33: optional list<i64> ol64,
  34: list<bool> lbool,
  35: list<double> ldbl,
  36: list<list<i32>> lli,
  37: set<Kind> skind,
  38: list<Blob> lblob,
  39: optional Choice choice,
  40: list<byte> lbyte,
  41: list<i16> li16,
  i32 implicit_id,
  300: i64 big_id,
}

struct Tree {
  1: string label,
  2: list<Tree> children,
}

struct Big {
  1: string small,
  2: binary payload,
  3: list<string> texts,
  4: Echo inner,
}

struct Echo {
  1: string msg
}

service Svc extends common.Base {
  Echo echo(1: Echo req) throws (1: Oops oops, 2: common.NotFound nf),
  void nothing(),
  i64 add(1: i64 a, 2: i64 b),
  oneway void fire(1: string what),
  list<common.Point> points(1: IDs ids, 2: required string name),
}

service Child extends Svc {
  bool alive(),
}
