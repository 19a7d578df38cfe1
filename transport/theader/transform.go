package theader

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"sync"
)

// inflater is a reusable zlib reader and its source.
type inflater struct {
	src bytes.Reader
	zr  io.ReadCloser
}

var inflaters = sync.Pool{New: func() any { return new(inflater) }}

// deflater is a reusable zlib writer and its output buffer.
type deflater struct {
	out bytes.Buffer
	zw  *zlib.Writer
}

var deflaters = sync.Pool{New: func() any { return new(deflater) }}

// supported checks that every transform of h is None or Zlib and counts the zlib ones.
func supported(h *Header) (zlibs int, err error) {
	for _, t := range h.Transforms {
		switch t {
		case TransformNone:
		case TransformZlib:
			zlibs++
		default:
			return 0, errorf(ErrUnsupportedTransform, "transform id %d (only none and zlib are supported)", t)
		}
	}
	return zlibs, nil
}

// Untransform undoes h.Transforms on payload (as Decode returned it), last applied first, and returns
// the message. Without transforms (or with only TransformNone) it returns payload itself, without
// copying or allocating. Otherwise the message is appended to dst[:0] (pass a reused buffer to avoid
// growing a new one) and never allowed to exceed maxSize bytes (DefaultMaxFrameSize if maxSize ≤ 0),
// whatever the compressed stream claims, so a small frame cannot inflate into a memory bomb.
//
// Errors wrap ErrUnsupportedTransform (a transform other than none and zlib), ErrTooLarge (the
// message would exceed maxSize) or ErrBadPayload (a corrupt zlib stream or checksum).
func Untransform(dst []byte, h *Header, payload []byte, maxSize int) ([]byte, error) {
	zlibs, err := supported(h)
	if err != nil || zlibs == 0 {
		if err != nil {
			return nil, err
		}
		return payload, nil
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxFrameSize
	}
	cur := payload
	for k := range zlibs {
		var out []byte
		if k == zlibs-1 {
			out = dst[:0]
		}
		if cur, err = inflate(out, cur, maxSize); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

func inflate(dst, src []byte, maxSize int) ([]byte, error) {
	in := inflaters.Get().(*inflater)
	defer inflaters.Put(in)
	in.src.Reset(src)
	if in.zr == nil {
		zr, err := zlib.NewReader(&in.src)
		if err != nil {
			return nil, errorf(ErrBadPayload, "zlib: %v", err)
		}
		in.zr = zr
	} else if err := in.zr.(zlib.Resetter).Reset(&in.src, nil); err != nil {
		return nil, errorf(ErrBadPayload, "zlib: %v", err)
	}
	out := dst[:0]
	if cap(out) == 0 {
		out = make([]byte, 0, min(max(4*len(src), 512), maxSize+1))
	}
	for {
		if len(out) == cap(out) {
			if len(out) > maxSize {
				break
			}
			grow := min(max(cap(out), 512), maxSize+1-len(out))
			out = append(out, make([]byte, grow)...)[:len(out)]
		}
		n, err := in.zr.Read(out[len(out):min(cap(out), maxSize+1)])
		out = out[:len(out)+n]
		if len(out) > maxSize {
			break
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, errorf(ErrBadPayload, "zlib: %v", err)
		}
	}
	return nil, errorf(ErrTooLarge, "zlib payload of %d bytes inflates past the limit of %d", len(src), maxSize)
}

// Transform applies h.Transforms to msg, first listed first (Apache's order), and appends the result
// (the payload to put on the wire after Encode's header) to dst. Without transforms it appends msg as
// is. zlib uses compress/zlib's default level. Errors wrap ErrUnsupportedTransform.
func Transform(dst []byte, h *Header, msg []byte) ([]byte, error) {
	zlibs, err := supported(h)
	if err != nil {
		return dst, err
	}
	if zlibs == 0 {
		return append(dst, msg...), nil
	}
	d := deflaters.Get().(*deflater)
	defer deflaters.Put(d)
	cur := msg
	var scratch []byte
	for k := range zlibs {
		d.out.Reset()
		if d.zw == nil {
			d.zw = zlib.NewWriter(&d.out)
		} else {
			d.zw.Reset(&d.out)
		}
		if _, err := d.zw.Write(cur); err != nil {
			return dst, errorf(ErrBadPayload, "zlib: %v", err)
		}
		if err := d.zw.Close(); err != nil {
			return dst, errorf(ErrBadPayload, "zlib: %v", err)
		}
		if k == zlibs-1 {
			dst = append(dst, d.out.Bytes()...)
			break
		}
		scratch = append(scratch[:0], d.out.Bytes()...)
		cur = scratch
	}
	if d.out.Cap() > 1<<20 {
		d.out = bytes.Buffer{} // do not pin large buffers in the pool
	}
	return dst, nil
}
