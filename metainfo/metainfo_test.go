package metainfo_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/metainfo"
)

func TestTransient(t *testing.T) {
	ctx := context.Background()
	if _, ok := metainfo.GetValue(ctx, "a"); ok {
		t.Fatal("value in empty context")
	}
	c1 := metainfo.WithValue(ctx, "a", "1")
	c2 := metainfo.WithValue(c1, "b", "2")
	c3 := metainfo.WithValue(c2, "a", "3")
	for _, tt := range []struct {
		ctx  context.Context
		want map[string]string
	}{
		{ctx, nil},
		{c1, map[string]string{"a": "1"}},
		{c2, map[string]string{"a": "1", "b": "2"}},
		{c3, map[string]string{"a": "3", "b": "2"}},
		{metainfo.DelValue(c3, "a"), map[string]string{"b": "2"}},
		{metainfo.DelValue(metainfo.DelValue(c3, "a"), "b"), nil},
	} {
		if got := metainfo.GetAllValues(tt.ctx); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("GetAllValues = %v, want %v", got, tt.want)
		}
		for k, v := range tt.want {
			if got, ok := metainfo.GetValue(tt.ctx, k); !ok || got != v {
				t.Errorf("GetValue(%q) = %q, %v; want %q", k, got, ok, v)
			}
		}
		if got := metainfo.GetAllPersistentValues(tt.ctx); got != nil {
			t.Errorf("transient values leak into persistent: %v", got)
		}
	}
	if metainfo.DelValue(c3, "missing") != c3 {
		t.Error("DelValue of a missing key made a new context")
	}
	if metainfo.WithValue(c1, "", "x") != c1 || metainfo.WithValue(c1, "x", "") != c1 {
		t.Error("empty key or value not ignored")
	}
}

func TestPersistent(t *testing.T) {
	ctx := metainfo.WithPersistentValue(context.Background(), "p", "1")
	ctx = metainfo.WithValue(ctx, "p", "transient")
	ctx = metainfo.WithPersistentValue(ctx, "q", "2")
	ctx = metainfo.WithPersistentValue(ctx, "p", "3")
	if got, want := metainfo.GetAllPersistentValues(ctx), map[string]string{"p": "3", "q": "2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("GetAllPersistentValues = %v, want %v", got, want)
	}
	if v, _ := metainfo.GetValue(ctx, "p"); v != "transient" {
		t.Fatalf("transient p = %q", v)
	}
	ctx = metainfo.DelPersistentValue(ctx, "p")
	if _, ok := metainfo.GetPersistentValue(ctx, "p"); ok {
		t.Fatal("p not deleted")
	}
	if v, ok := metainfo.GetValue(ctx, "p"); !ok || v != "transient" {
		t.Fatal("DelPersistentValue removed the transient value")
	}
}

func TestManyKeys(t *testing.T) {
	ctx := context.Background()
	want := map[string]string{}
	for i := range 20 {
		k, v := fmt.Sprint("k", i%7), fmt.Sprint(i)
		ctx = metainfo.WithValue(ctx, k, v)
		want[k] = v
		if i%5 == 4 {
			ctx = metainfo.DelValue(ctx, "k1")
			delete(want, "k1")
		}
	}
	if got := metainfo.GetAllValues(ctx); !reflect.DeepEqual(got, want) {
		t.Fatalf("GetAllValues = %v, want %v", got, want)
	}
}

func sortPairs(p []metainfo.Pair) []metainfo.Pair {
	slices.SortFunc(p, func(a, b metainfo.Pair) int {
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	return p
}

// TestHops follows values over client → server A → server B.
func TestHops(t *testing.T) {
	client := metainfo.WithValue(context.Background(), "t", "1")
	client = metainfo.WithPersistentValue(client, "p", "2")
	wire := metainfo.AppendWire(nil, client)
	want := []metainfo.Pair{{"RPC_PERSIST_p", "2"}, {"RPC_TRANSIT_t", "1"}}
	if got := sortPairs(wire); !reflect.DeepEqual(got, want) {
		t.Fatalf("client sends %v, want %v", got, want)
	}

	// Server A receives both, plus keys that are not metainfo.
	wire = append(wire, metainfo.Pair{Key: "isn", Value: "x"}, metainfo.Pair{Key: "RPC_TRANSIT_", Value: "no key"},
		metainfo.Pair{Key: "RPC_TRANSIT_e", Value: ""})
	a := metainfo.FromWire(context.Background(), wire)
	if v, ok := metainfo.GetValue(a, "t"); !ok || v != "1" {
		t.Fatalf("A: GetValue(t) = %q, %v", v, ok)
	}
	if v, ok := metainfo.GetPersistentValue(a, "p"); !ok || v != "2" {
		t.Fatalf("A: GetPersistentValue(p) = %q, %v", v, ok)
	}
	if got, want := metainfo.GetAllValues(a), map[string]string{"t": "1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("A: GetAllValues = %v", got)
	}
	// A's downstream call forwards p, not t; A adds its own transient value.
	a2 := metainfo.WithValue(a, "mine", "3")
	wire = sortPairs(metainfo.AppendWire(nil, a2))
	want = []metainfo.Pair{{"RPC_PERSIST_p", "2"}, {"RPC_TRANSIT_mine", "3"}}
	if !reflect.DeepEqual(wire, want) {
		t.Fatalf("A sends %v, want %v", wire, want)
	}
	b := metainfo.FromWire(context.Background(), wire)
	if _, ok := metainfo.GetValue(b, "t"); ok {
		t.Fatal("B sees A's upstream value")
	}
	if got, want := metainfo.GetAllValues(b), map[string]string{"mine": "3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("B: GetAllValues = %v", got)
	}

	// A transient value set on the server shadows the upstream one, and is forwarded.
	a3 := metainfo.WithValue(a, "t", "override")
	if v, _ := metainfo.GetValue(a3, "t"); v != "override" {
		t.Fatalf("shadowed value = %q", v)
	}
	if got := metainfo.GetAllValues(a3); !reflect.DeepEqual(got, map[string]string{"t": "override"}) {
		t.Fatalf("GetAllValues with shadow = %v", got)
	}
	if got := metainfo.AppendWire(nil, a3); !slices.Contains(got, metainfo.Pair{Key: "RPC_TRANSIT_t", Value: "override"}) {
		t.Fatalf("override not sent: %v", got)
	}
	// DelValue removes the upstream value too.
	if _, ok := metainfo.GetValue(metainfo.DelValue(a, "t"), "t"); ok {
		t.Fatal("DelValue left the upstream value")
	}
}

func TestFromWireMerge(t *testing.T) {
	ctx := metainfo.WithPersistentValue(context.Background(), "p", "old")
	ctx = metainfo.FromWire(ctx, []metainfo.Pair{{"RPC_PERSIST_p", "new"}, {"RPC_PERSIST_q", "1"}, {"RPC_PERSIST_q", "2"}})
	if got, want := metainfo.GetAllPersistentValues(ctx), map[string]string{"p": "new", "q": "2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("GetAllPersistentValues = %v, want %v", got, want)
	}
	bg := context.Background()
	if metainfo.FromWire(bg, []metainfo.Pair{{"isn", "x"}}) != bg || metainfo.FromWire(bg, nil) != bg {
		t.Fatal("FromWire without metainfo made a new context")
	}
}

type otherKey struct{}

func TestContextBehaviour(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "x"))
	ctx := metainfo.WithValue(parent, "a", "1")
	if ctx.Value(otherKey{}) != "x" {
		t.Fatal("parent value lost")
	}
	child, cancelChild := context.WithTimeout(ctx, time.Hour)
	defer cancelChild()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(time.Second):
		t.Fatal("cancel did not propagate through the metainfo context")
	}
	if v, _ := metainfo.GetValue(child, "a"); v != "1" {
		t.Fatal("value lost under a child context")
	}
	if s := fmt.Sprint(metainfo.WithValue(context.Background(), "a", "1")); s != "context.Background.WithMetainfo" {
		t.Fatalf("String = %q", s)
	}
}

func TestRangeStops(t *testing.T) {
	ctx := metainfo.FromWire(context.Background(), []metainfo.Pair{{"RPC_TRANSIT_u", "1"}, {"RPC_PERSIST_p", "1"}, {"RPC_PERSIST_q", "1"}})
	ctx = metainfo.WithValue(ctx, "t", "1")
	for _, rng := range []func(context.Context, func(k, v string) bool){metainfo.RangeValues, metainfo.RangePersistentValues} {
		n := 0
		rng(ctx, func(k, v string) bool { n++; return false })
		if n != 1 {
			t.Fatalf("range went on after false: %d calls", n)
		}
	}
}

func TestBackward(t *testing.T) {
	// Server side.
	srv := metainfo.WithBackwardValuesToSend(context.Background())
	if !metainfo.SendBackwardValue(srv, "b", "1") || !metainfo.SendBackwardValue(srv, "b", "2") ||
		!metainfo.SendBackwardValue(srv, "c", "3") {
		t.Fatal("SendBackwardValue refused")
	}
	if metainfo.SendBackwardValue(srv, "", "x") || metainfo.SendBackwardValue(context.Background(), "b", "1") {
		t.Fatal("SendBackwardValue accepted an empty key or a context without a store")
	}
	wire := sortPairs(metainfo.AppendBackwardWire(nil, srv))
	want := []metainfo.Pair{{"RPC_BACKWARD_b", "2"}, {"RPC_BACKWARD_c", "3"}}
	if !reflect.DeepEqual(wire, want) {
		t.Fatalf("server sends %v, want %v", wire, want)
	}
	// The handler's own downstream call does not leak into its reply.
	if metainfo.SetBackwardFromWire(srv, []metainfo.Pair{{"RPC_BACKWARD_x", "leak"}}) {
		t.Fatal("SetBackwardFromWire wrote into a send store")
	}

	// Client side.
	cli := metainfo.WithBackwardValues(context.Background())
	if !metainfo.SetBackwardFromWire(cli, append(wire, metainfo.Pair{Key: "RPC_TRANSIT_t", Value: "no"})) {
		t.Fatal("SetBackwardFromWire refused")
	}
	if v, ok := metainfo.RecvBackwardValue(cli, "b"); !ok || v != "2" {
		t.Fatalf("RecvBackwardValue(b) = %q, %v", v, ok)
	}
	if got := metainfo.RecvAllBackwardValues(cli); !maps.Equal(got, map[string]string{"b": "2", "c": "3"}) {
		t.Fatalf("RecvAllBackwardValues = %v", got)
	}
	if _, ok := metainfo.RecvBackwardValue(context.Background(), "b"); ok {
		t.Fatal("value without a store")
	}
	if metainfo.RecvAllBackwardValues(metainfo.WithBackwardValues(context.Background())) != nil {
		t.Fatal("empty store returns a map")
	}
}

func TestConcurrent(t *testing.T) {
	ctx := metainfo.WithPersistentValue(metainfo.WithValue(context.Background(), "a", "1"), "p", "2")
	ctx = metainfo.WithBackwardValuesToSend(ctx)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				c := metainfo.WithValue(ctx, "g", fmt.Sprint(i))
				if v, _ := metainfo.GetValue(c, "a"); v != "1" {
					t.Error("lost a")
				}
				_ = metainfo.AppendWire(nil, c)
				metainfo.SendBackwardValue(ctx, fmt.Sprint("k", j%4), "v")
				_ = metainfo.AppendBackwardWire(nil, ctx)
			}
		})
	}
	wg.Wait()
}

func FuzzFromWire(f *testing.F) {
	f.Add("RPC_TRANSIT_a", "1", "RPC_PERSIST_b", "2", "x", "y")
	f.Add("RPC_PERSIST_a", "1", "RPC_PERSIST_a", "2", "RPC_TRANSIT_", "z")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		pairs := []metainfo.Pair{{k1, v1}, {k2, v2}, {k3, v3}}
		ctx := metainfo.FromWire(context.Background(), pairs)
		trans, pers := map[string]string{}, map[string]string{}
		for _, p := range pairs {
			if p.Value == "" {
				continue
			}
			if k, ok := cutPrefix(p.Key, metainfo.PrefixTransient); ok {
				trans[k] = p.Value
			} else if k, ok := cutPrefix(p.Key, metainfo.PrefixPersistent); ok {
				pers[k] = p.Value
			}
		}
		if got := metainfo.GetAllValues(ctx); !maps.Equal(got, trans) {
			t.Fatalf("transient %v, want %v", got, trans)
		}
		if got := metainfo.GetAllPersistentValues(ctx); !maps.Equal(got, pers) {
			t.Fatalf("persistent %v, want %v", got, pers)
		}
		if got := metainfo.AppendWire(nil, ctx); len(got) != len(pers) {
			t.Fatalf("forwards %v, want the %d persistent values", got, len(pers))
		}
	})
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}
