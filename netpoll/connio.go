package netpoll

import "github.com/kestrel-rpc/kestrel/linkbuf"

// connReader is the blocking linkbuf.Reader of a connection's input (Connection.Reader).
type connReader connection

// connWriter is the linkbuf.Writer of a connection's output (Connection.Writer); Flush sends.
type connWriter connection

var (
	_ linkbuf.Reader = (*connReader)(nil)
	_ linkbuf.Writer = (*connWriter)(nil)
)

// Next blocks until n bytes are buffered, then returns them (see linkbuf.Reader.Next).
func (r *connReader) Next(n int) ([]byte, error) {
	c := (*connection)(r)
	if !c.inGate.acquire() {
		return nil, c.readErr()
	}
	b, err := c.next(n)
	c.releaseIn()
	return b, err
}

func (c *connection) next(n int) ([]byte, error) {
	if err := c.waitReadable(n); err != nil {
		return nil, err
	}
	b, err := c.in.Next(n)
	if err == nil {
		c.consumed.Add(int64(n))
		c.inHeld = true
	}
	return b, err
}

// Peek blocks until n bytes are buffered, then returns them without consuming them.
func (r *connReader) Peek(n int) ([]byte, error) {
	return readOp((*connection)(r), n, false, true, (*linkbuf.Buffer).Peek)
}

// Skip blocks until n bytes are buffered, then drops them.
func (r *connReader) Skip(n int) error {
	_, err := readOp((*connection)(r), n, true, false, skipOp)
	return err
}

func skipOp(b *linkbuf.Buffer, n int) (struct{}, error) { return struct{}{}, b.Skip(n) }

// ReadString blocks until n bytes are buffered, then returns a copy of them as a string.
func (r *connReader) ReadString(n int) (string, error) {
	return readOp((*connection)(r), n, true, false, (*linkbuf.Buffer).ReadString)
}

// ReadBinary blocks until n bytes are buffered, then returns a copy of them.
func (r *connReader) ReadBinary(n int) ([]byte, error) {
	return readOp((*connection)(r), n, true, false, (*linkbuf.Buffer).ReadBinary)
}

// Slice blocks until n bytes are buffered, then returns a Reader sharing them (see
// linkbuf.Reader.Slice). The returned Reader does not block: it holds exactly n bytes.
func (r *connReader) Slice(n int) (linkbuf.Reader, error) {
	return readOp((*connection)(r), n, true, true, (*linkbuf.Buffer).Slice)
}

// readOp is the protocol every blocking read but Next follows: take the input gate, wait until n
// bytes are buffered, run op on the input buffer, and on success count the n bytes as consumed (if
// consume) and mark the input as held by the reader until Release (if hold: op returned memory that
// aliases the buffer, so the poller must not shrink it).
func readOp[T any](c *connection, n int, consume, hold bool, op func(*linkbuf.Buffer, int) (T, error)) (T, error) {
	var v T
	if !c.inGate.acquire() {
		return v, c.readErr()
	}
	err := c.waitReadable(n)
	if err == nil {
		if v, err = op(c.in, n); err == nil {
			if consume {
				c.consumed.Add(int64(n))
			}
			if hold {
				c.inHeld = true
			}
		}
	}
	c.releaseIn()
	return v, err
}

// Len returns the number of buffered input bytes; it does not block.
func (r *connReader) Len() int {
	c := (*connection)(r)
	if !c.inGate.acquire() {
		return 0
	}
	n := c.in.Len()
	c.releaseIn()
	return n
}

// Release returns the memory of the bytes read so far; slices from Next and Peek die.
func (r *connReader) Release() error {
	c := (*connection)(r)
	if !c.inGate.acquire() {
		return nil
	}
	err := c.in.Release()
	if err == nil {
		c.inHeld = false
	}
	c.releaseIn()
	return err
}

// Malloc returns n writable bytes at the end of the output (see linkbuf.Writer.Malloc).
func (w *connWriter) Malloc(n int) ([]byte, error) {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return nil, ErrConnClosed
	}
	b, err := c.out.Malloc(n)
	c.releaseOut()
	return b, err
}

// MallocLen returns the number of bytes written since the last Flush.
func (w *connWriter) MallocLen() int {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return 0
	}
	n := c.out.MallocLen()
	c.releaseOut()
	return n
}

// MallocAck keeps the first n bytes written since the last Flush and drops the rest.
func (w *connWriter) MallocAck(n int) error {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return ErrConnClosed
	}
	err := c.out.MallocAck(n)
	c.releaseOut()
	return err
}

// WriteDirect links p into the output without copying (see linkbuf.Writer.WriteDirect). p must not
// change until Flush returned and the bytes were sent, which for a connection means until a later Flush
// returned or the connection closed.
func (w *connWriter) WriteDirect(p []byte, remainCap int) error {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return ErrConnClosed
	}
	err := c.out.WriteDirect(p, remainCap)
	c.releaseOut()
	return err
}

// WriteString copies s into the output.
func (w *connWriter) WriteString(s string) (int, error) {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return 0, ErrConnClosed
	}
	n, err := c.out.WriteString(s)
	c.releaseOut()
	return n, err
}

// WriteBinary copies b into the output.
func (w *connWriter) WriteBinary(b []byte) (int, error) {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return 0, ErrConnClosed
	}
	n, err := c.out.WriteBinary(b)
	c.releaseOut()
	return n, err
}

// Append moves what was written to w onto the end of the output without copying (see
// linkbuf.Writer.Append).
func (w *connWriter) Append(other linkbuf.Writer) error {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return ErrConnClosed
	}
	err := c.out.Append(other)
	c.releaseOut()
	return err
}

// Flush sends everything written so far (see Connection for back-pressure and timeouts).
func (w *connWriter) Flush() error {
	c := (*connection)(w)
	if !c.outGate.acquire() {
		return ErrConnClosed
	}
	err := c.flush()
	c.releaseOut()
	return err
}
