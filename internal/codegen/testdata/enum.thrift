namespace go enums

/** Colours, with a gap and an implicit value. */
enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 4,
  ALSO_BLUE = 4,
  NEXT,
}
