package metainfo

import (
	"context"
	"strings"
)

// Wire key prefixes, compatible with KiteX.
const (
	// PrefixTransient marks a value for the next hop only.
	PrefixTransient = "RPC_TRANSIT_"
	// PrefixPersistent marks a value for every hop.
	PrefixPersistent = "RPC_PERSIST_"
	// PrefixBackward marks a value sent from a server back to its caller.
	PrefixBackward = "RPC_BACKWARD_"
)

// Pair is one key-value as it travels on the wire: Key carries its prefix ("RPC_TRANSIT_k").
type Pair struct {
	Key, Value string
}

// kind is the class of a forward entry.
type kind uint8

const (
	transient  kind = iota // set here, sent to the next hop
	upstream               // received as transient, visible here, not forwarded
	persistent             // set here or received, sent to every hop
)

// entry is one forward value. wire is the key with its prefix; the key is wire[len(prefix):], so a
// value received from the wire is forwarded without building its key again.
type entry struct {
	kind  kind
	wire  string
	value string
}

func (e *entry) key() string {
	if e.kind == persistent {
		return e.wire[len(PrefixPersistent):]
	}
	return e.wire[len(PrefixTransient):]
}

// metaKey is the context key of the forward values' snapshot.
type metaKey struct{}

// metaCtx is a context holding a snapshot of the forward values. It is itself the context node, so a
// With costs one allocation, and it embeds room for two entries.
type metaCtx struct {
	context.Context
	entries []entry
	small   [2]entry
}

// Value returns the snapshot for metaKey and defers every other key to the parent.
func (c *metaCtx) Value(key any) any {
	if _, ok := key.(metaKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// String describes the context for debugging, like the context package's own contexts, without
// listing the values.
func (c *metaCtx) String() string {
	if s, ok := c.Context.(interface{ String() string }); ok {
		return s.String() + ".WithMetainfo"
	}
	return "metainfo.WithMetainfo"
}

// index returns the position of the entry of kind k and key key, or -1.
func (c *metaCtx) index(k kind, key string) int {
	for i := range c.entries {
		if c.entries[i].kind == k && c.entries[i].key() == key {
			return i
		}
	}
	return -1
}

func entriesOf(ctx context.Context) []entry {
	if c, ok := ctx.Value(metaKey{}).(*metaCtx); ok {
		return c.entries
	}
	return nil
}

// newMeta returns a metaCtx under parent with room for n entries (in small when n ≤ 2).
func newMeta(parent context.Context, n int) *metaCtx {
	c := &metaCtx{Context: parent}
	if n <= len(c.small) {
		c.entries = c.small[:0]
	} else {
		c.entries = make([]entry, 0, n)
	}
	return c
}

// set returns a context whose snapshot is ctx's with e added, replacing an entry of the same kind and
// key.
func set(ctx context.Context, e entry) context.Context {
	old := entriesOf(ctx)
	k := e.key()
	c := newMeta(ctx, len(old)+1)
	for i := range old {
		if !(old[i].kind == e.kind && old[i].key() == k) {
			c.entries = append(c.entries, old[i])
		}
	}
	c.entries = append(c.entries, e)
	return c
}

// del returns a context whose snapshot is ctx's without the entries of kinds a or b with key k, or
// ctx itself if there are none.
func del(ctx context.Context, k string, a, b kind) context.Context {
	old := entriesOf(ctx)
	found := 0
	for i := range old {
		if (old[i].kind == a || old[i].kind == b) && old[i].key() == k {
			found++
		}
	}
	if found == 0 {
		return ctx
	}
	c := newMeta(ctx, len(old)-found)
	for i := range old {
		if !((old[i].kind == a || old[i].kind == b) && old[i].key() == k) {
			c.entries = append(c.entries, old[i])
		}
	}
	return c
}

func get(ctx context.Context, k string, kinds ...kind) (string, bool) {
	es := entriesOf(ctx)
	for _, want := range kinds {
		for i := range es {
			if es[i].kind == want && es[i].key() == k {
				return es[i].value, true
			}
		}
	}
	return "", false
}

// WithValue returns a context carrying the transient value k=v, which the next call made with it sends
// to its server (and no further). It replaces a transient value of the same key; an upstream value of
// that key stays but is hidden. An empty k or v returns ctx unchanged.
func WithValue(ctx context.Context, k, v string) context.Context {
	if k == "" || v == "" {
		return ctx
	}
	return set(ctx, entry{kind: transient, wire: PrefixTransient + k, value: v})
}

// WithPersistentValue returns a context carrying the persistent value k=v, which every call made with
// it, and every call its servers make in turn, carries on. An empty k or v returns ctx unchanged.
func WithPersistentValue(ctx context.Context, k, v string) context.Context {
	if k == "" || v == "" {
		return ctx
	}
	return set(ctx, entry{kind: persistent, wire: PrefixPersistent + k, value: v})
}

// GetValue returns the transient value of k: one set with WithValue, or else one received from the
// caller (an upstream value).
func GetValue(ctx context.Context, k string) (string, bool) {
	return get(ctx, k, transient, upstream)
}

// GetPersistentValue returns the persistent value of k.
func GetPersistentValue(ctx context.Context, k string) (string, bool) {
	return get(ctx, k, persistent)
}

// DelValue returns a context without the transient value of k, whether set here or received from the
// caller. It returns ctx itself when there is none.
func DelValue(ctx context.Context, k string) context.Context {
	return del(ctx, k, transient, upstream)
}

// DelPersistentValue returns a context without the persistent value of k (so it is not forwarded). It
// returns ctx itself when there is none.
func DelPersistentValue(ctx context.Context, k string) context.Context {
	return del(ctx, k, persistent, persistent)
}

// RangeValues calls f for each transient value (set here first, then received ones not shadowed by
// them) until f returns false. It does not allocate.
func RangeValues(ctx context.Context, f func(k, v string) bool) {
	es := entriesOf(ctx)
	for i := range es {
		if es[i].kind == transient && !f(es[i].key(), es[i].value) {
			return
		}
	}
	for i := range es {
		if es[i].kind != upstream {
			continue
		}
		k := es[i].key()
		if _, shadowed := get(ctx, k, transient); !shadowed && !f(k, es[i].value) {
			return
		}
	}
}

// RangePersistentValues calls f for each persistent value until f returns false. It does not allocate.
func RangePersistentValues(ctx context.Context, f func(k, v string) bool) {
	es := entriesOf(ctx)
	for i := range es {
		if es[i].kind == persistent && !f(es[i].key(), es[i].value) {
			return
		}
	}
}

// GetAllValues returns the transient values as GetValue sees them, or nil if there are none.
func GetAllValues(ctx context.Context) map[string]string {
	var m map[string]string
	RangeValues(ctx, func(k, v string) bool {
		if m == nil {
			m = make(map[string]string)
		}
		m[k] = v
		return true
	})
	return m
}

// GetAllPersistentValues returns the persistent values, or nil if there are none.
func GetAllPersistentValues(ctx context.Context) map[string]string {
	var m map[string]string
	RangePersistentValues(ctx, func(k, v string) bool {
		if m == nil {
			m = make(map[string]string)
		}
		m[k] = v
		return true
	})
	return m
}

// AppendWire appends to dst the values a call made with ctx sends: each transient value set here as
// "RPC_TRANSIT_k" and each persistent value as "RPC_PERSIST_k". Values received as transient from the
// caller are not sent. AppendWire allocates only to grow dst.
func AppendWire(dst []Pair, ctx context.Context) []Pair {
	es := entriesOf(ctx)
	for i := range es {
		if es[i].kind != upstream {
			dst = append(dst, Pair{Key: es[i].wire, Value: es[i].value})
		}
	}
	return dst
}

// FromWire returns ctx with the values a server received: "RPC_TRANSIT_k" become upstream values
// (GetValue sees them; AppendWire does not forward them) and "RPC_PERSIST_k" persistent values. Other
// keys, and empty keys or values, are ignored; a later pair replaces an earlier one of the same key.
// FromWire keeps the strings of pairs (they must not be built over memory that is reused) and returns
// ctx itself when no pair is a metainfo value.
func FromWire(ctx context.Context, pairs []Pair) context.Context {
	n := 0
	for i := range pairs {
		if _, ok := wireKind(pairs[i]); ok {
			n++
		}
	}
	if n == 0 {
		return ctx
	}
	old := entriesOf(ctx)
	c := newMeta(ctx, len(old)+n)
	c.entries = append(c.entries, old...)
	for i := range pairs {
		k, ok := wireKind(pairs[i])
		if !ok {
			continue
		}
		e := entry{kind: k, wire: pairs[i].Key, value: pairs[i].Value}
		if j := c.index(k, e.key()); j >= 0 {
			c.entries[j] = e // a later value replaces an earlier one in place
		} else {
			c.entries = append(c.entries, e)
		}
	}
	return c
}

// wireKind classifies a received pair.
func wireKind(p Pair) (kind, bool) {
	switch {
	case p.Value == "":
		return 0, false
	case len(p.Key) > len(PrefixTransient) && strings.HasPrefix(p.Key, PrefixTransient):
		return upstream, true
	case len(p.Key) > len(PrefixPersistent) && strings.HasPrefix(p.Key, PrefixPersistent):
		return persistent, true
	}
	return 0, false
}
