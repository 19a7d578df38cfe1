package benchproc

import (
	"bytes"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestHelpers(t *testing.T) {
	if got, err := SplitInts(" 1, 1000 ,"); err != nil || len(got) != 2 || got[0] != 1 || got[1] != 1000 {
		t.Errorf("SplitInts = %v, %v", got, err)
	}
	if _, err := SplitInts("1,x"); err == nil {
		t.Errorf("SplitInts accepted x")
	}
	for n, want := range map[int]string{128: "128B", 1024: "1KB", 16384: "16KB", 1500: "1500B"} {
		if got := SizeName(n); got != want {
			t.Errorf("SizeName(%d) = %s, want %s", n, got, want)
		}
	}
	if m := Median([]float64{5, 1, 3}); m != 3 {
		t.Errorf("Median odd = %v", m)
	}
	if m := Median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("Median even = %v", m)
	}
}

func TestReport(t *testing.T) {
	s := Sample{Impl: "a", Point: Point{Conns: 100, Size: 1024}, QPS: 50000, P99: 2 * time.Millisecond,
		Requests: 150000, Window: 3 * time.Second, ServerCPU: 1500 * time.Millisecond, LoaderCPU: 2940 * time.Millisecond,
		OtherCPU: 150 * time.Millisecond}
	if got := s.UsPerReq(); got != 10 {
		t.Errorf("UsPerReq = %v, want 10", got)
	}
	var tb bytes.Buffer
	PrintTable(&tb, "callers", []string{"a", "b"}, []Point{{100, 1024}}, []Sample{s, s})
	if !regexp.MustCompile(`(?m)^\s*100\s+1KB\s+a\s+50000\s.*\s10\.00\s.*98%\*\s+5%\s+0\s+2\s*$`).MatchString(tb.String()) {
		t.Errorf("table:\n%s", tb.String())
	}
	if strings.Contains(tb.String(), " b ") {
		t.Errorf("table has a row for b, which has no sample:\n%s", tb.String())
	}
	lines := BenchLines("p", "RPC", "callers", []Sample{s})
	if !regexp.MustCompile(`(?m)^pkg: p$`).MatchString(lines) ||
		!regexp.MustCompile(`(?m)^BenchmarkRPC/impl=a/size=1KB/callers=100 150000 20000\.0 ns/op 50000 qps 10\.000 us/req-cpu .* 2000\.0 p99-us .* 5\.0 other-cpu-% .* 98\.0 loadgen-cpu-%$`).MatchString(lines) {
		t.Errorf("bench lines:\n%s", lines)
	}
}

func TestBusyCPU(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat")
	}
	b0, err := BusyCPU()
	if err != nil || b0 <= 0 {
		t.Fatalf("BusyCPU = %v, %v", b0, err)
	}
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	if b1, err := BusyCPU(); err != nil || b1 < b0 {
		t.Errorf("BusyCPU went from %v to %v (%v)", b0, b1, err)
	}
}

func TestServeCommands(t *testing.T) {
	inR, inW := io.Pipe()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- ServeCommands(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, inR, &out) }()
	_, _ = io.WriteString(inW, "stats\ngc\nbogus\n")
	_ = inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^listening 127\.0\.0\.1:9\n(stats mallocs=\d+ heap=\d+ goroutines=\d+\n){2}error unknown command "bogus"\n$`)
	if !want.MatchString(out.String()) {
		t.Errorf("ServeCommands wrote:\n%s", out.String())
	}
}
