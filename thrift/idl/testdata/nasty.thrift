#!/usr/local/bin/thrift --gen go
/**
 * nasty.thrift: a deliberately awkward IDL that exercises the corners of the
 * grammar Kestrel's parser must accept. Apache's compiler accepts it too.
 */
namespace go nasty   // trailing comment
namespace * nasty namespace py.twisted nasty.twisted
namespace java com.example.nasty(java.anno = "ns")
cpp_include "<unordered_map>"
include "shared.thrift"

/* a plain block comment: not a doc comment */
# a shell comment
// a line comment

/** Hex, negative and exponent constants. */
const i32 NEG = -42;
const i64 HEX = 0x7fffFFFF,
const i64 NEG_HEX = -0x10
const i8 SMALL = -128
const double EXP = 1.5e3; const double NEG_EXP = -2E-2; const double FRAC = .5
const double WHOLE = 3
const string SQ = 'it\'s "quoted"'
const string DQ = "tab\there\\ \"q\" 'single'"
const bool YES = true
const bool NO = 0

/// triple-slash doc
// runs of line comments
// directly above are kept
enum Color {
  /** the first value is 0 */
  RED,
  GREEN (color.hex = "#0f0"),
  BLUE = 0x10 ; VIOLET # implicit 17
  INFRA = -1, ULTRA
} (enum.anno = "yes", bare)

const Color DEFAULT_COLOR = Color.BLUE
const i32 REF = NEG
const list<Color> PALETTE = [Color.RED, Color.GREEN; Color.VIOLET]
const i32 HEX_I32 = 0x7fffffff
const map<string, list<i32>> MAP_OF_LISTS = {"a": [1, 2, 3], 'b': [], "c": [NEG, HEX_I32]}
const set<string> NAMES = ["x" "y", "z"]
const map<i32, map<string, list<double>>> DEEP_CONST = {1: {"pi": [3.14159, -1e-3]}}

typedef list<map<string, list<set<list<i32>>>>> FiveDeep (typedef.anno = "5")
typedef FiveDeep AliasOfAlias
typedef i64 (type.anno = "on the type") Timestamp (typedef.anno = "on the typedef")

/**
 * A recursive struct: it contains itself directly and through containers and
 * typedefs.
 */
struct Node {
  1: optional Node next_node (field.anno = "self");
  2: list<Node> children,
  3: map<string, NodeList> (map.anno = "x") by_name
  4: required string label = "root"
  5: optional Color color = Color.GREEN,
  6: optional AliasOfAlias deep
  7: optional list<i64> (go.type = "[]int64") stamps
}
typedef list<Node> NodeList

struct Point { 1: i32 x; 2: i32 y } (struct.anno)
const Point ORIGIN = {"x": 0, "y": -0x1}
const list<Point> PATH = [{"x": 1, "y": 2}, {"x": 3, "y": 4}]

union Shape {
  /** doc on a union field */
  1: Point point
  2: list<Point> polygon,
  3: string svg;
} (union.anno = "u")

exception Oops {
  1: i32 code = 500 (exc.field = "code"),
  2: string message
} (exc.anno = "e")

struct Implicit {
  string no_id_one
  string no_id_two
  10: i32 explicit_after
}

struct Empty {}
struct Spaced{1:i32 a,2:i32 b;3:i32 c 4:i32 d}

service Base extends shared.SharedService {
  void ping() (fn.anno = "p")
}

/** A service with every function form. */
service Nasty extends Base {
  /** doc before a oneway */
  oneway void fire(1: string event),

  Node walk(
    /** doc on an argument */
    1: Node root,
    2: i32 depth = 3
  ) throws (
    /* a block comment before a throws field */
    1: Oops oops
  )

  FiveDeep deep(1: FiveDeep input) (deep.anno = "d");
  map<Color, set<Timestamp>> colors();
  binary blob(1: binary data, 2: i8 small, 3: byte legacy);
} (service.anno = "s", bare.key)
