// Package rpcerr holds the errors a caller of a Kestrel client branches on, whatever the transport:
// the call timed out, the connection could not be made, the connection failed during the call, or the
// peer sent bytes that are not a valid reply.
//
// Each is a sentinel matched with errors.Is. The error a call returns wraps the sentinel and the cause
// together, so errors.Is also finds the cause: a timeout matches both ErrTimeout and
// context.DeadlineExceeded when the context's deadline fired, a refused dial matches ErrConnect and
// syscall.ECONNREFUSED, a reset matches ErrConnection and syscall.ECONNRESET.
//
// Errors the peer reports are not here: a remote application exception is a
// *thrift.ApplicationException (errors.As), and an exception declared in the IDL's throws clause is
// returned as its generated type.
package rpcerr
