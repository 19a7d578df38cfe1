// Included packages named like generated locals (v1, p) must get other aliases.
namespace go aliases
include "alias_v1.thrift"
include "alias_p.thrift"
struct U { 1: alias_v1.S s, 2: list<alias_p.T> ts, 3: map<string, alias_v1.S> m }
