namespace go p
struct T { 1: i32 y }
