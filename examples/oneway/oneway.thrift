// Oneway calls: fire-and-forget events, then an ordinary call that reads the tally.
namespace go events

struct Event {
  1: string kind
  2: i64 value
}

service Collector {
  // Record adds an event. The caller does not wait for it: no reply is sent.
  oneway void Record(1: Event event)
  // Total returns the sum of the values recorded so far for kind.
  i64 Total(1: string kind)
}
