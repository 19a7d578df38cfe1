namespace go api.v1
struct S { 1: i32 x }
