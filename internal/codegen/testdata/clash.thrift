namespace go clash
struct C {
  1: string name,
  2: i32 get_name,
  3: optional i32 is_set_name,
  4: string error,
  5: i64 b_length,
}
exception E { 1: string error }
