namespace go structs

/** A user. */
struct User {
  1: required i64 id,
  /** The display name. */
  2: required string name,
  3: optional i32 age,
  4: optional string email = "none",
  5: bool active = true,
  6: double score,
  7: binary avatar,
  8: uuid key,
}
