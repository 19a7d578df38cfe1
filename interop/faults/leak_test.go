package faults_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// settle bounds how long leakCheck waits for goroutines and descriptors to go away: connections close
// and goroutines exit asynchronously, but well within it.
const settle = 5 * time.Second

// leakCheck counts goroutines and open descriptors, and returns a PollerGroup of the test's own for its
// Kestrel clients and servers. Its cleanup, registered before any other of the test and so run after
// them all, waits until the descriptors are back to the count plus the group's own (every socket of
// the test closed), closes the group, and then waits until both counts are back to the start.
//
// The test's clients and servers use this group rather than netpoll.Default(), whose idle workers
// linger for seconds and would blur the count.
func leakCheck(t *testing.T) *netpoll.PollerGroup {
	t.Helper()
	g0, f0 := runtime.NumGoroutine(), openFDs()
	group, err := netpoll.NewPollerGroup(netpoll.PollerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fGroup := openFDs()
	t.Cleanup(func() {
		if !waitFor(func() bool { return openFDs() <= fGroup }) {
			t.Errorf("descriptors leaked: %d open with the poller group, %d before the test\n%s", openFDs(), fGroup, listFDs())
		}
		if err := group.Close(); err != nil {
			t.Errorf("closing the poller group: %v", err)
		}
		if !waitFor(func() bool { return runtime.NumGoroutine() <= g0 && openFDs() <= f0 }) {
			t.Errorf("leaked: %d goroutines (%d before), %d descriptors (%d before)\n%s\n%s",
				runtime.NumGoroutine(), g0, openFDs(), f0, goroutines(), listFDs())
		}
	})
	return group
}

// waitFor polls cond until it holds or settle passes.
func waitFor(cond func() bool) bool {
	deadline := time.Now().Add(settle)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// openFDs returns the number of open descriptors of the process, from /proc/self/fd; 0 where that
// does not exist (not Linux), which turns the descriptor checks off.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(ents)
}

func listFDs() string {
	ents, _ := os.ReadDir("/proc/self/fd")
	var b strings.Builder
	for _, e := range ents {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		fmt.Fprintf(&b, "fd %s -> %s\n", e.Name(), target)
	}
	return b.String()
}

func goroutines() string {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}
