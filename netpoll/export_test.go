package netpoll

// OutputPending returns the flushed but unsent output bytes of a connection.
func OutputPending(c Connection) int64 { return c.(*connection).outPending() }
