package main

import (
	"bytes"
	"errors"
	"flag"
	"regexp"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	for _, args := range [][]string{
		{"-transport", "ttheader", "-protocol", "binary"},
		{"-transport", "framed", "-protocol", "compact", "-size", "0"},
		{"-transport", "buffered", "-protocol", "binary"},
		{"-transport", "theader", "-protocol", "compact"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			err := runDemo(append([]string{"-duration", "300ms", "-conns", "8", "-size", "128"}, args...), &out, &errb)
			if err != nil {
				t.Fatalf("runDemo: %v\nstderr: %s", err, errb.String())
			}
			if !strings.Contains(out.String(), `Echo("hello, kestrel") = "hello, kestrel"`) {
				t.Errorf("output lacks the first call's reply:\n%s", out.String())
			}
			// The table: a header, then QPS, four latencies and the error count, which must be 0.
			re := regexp.MustCompile(`QPS\s+avg\s+p50\s+p99\s+p999\s+errors\s*\n\s*([1-9][0-9]*)\s+\S+s\s+\S+s\s+\S+s\s+\S+s\s+0\s*\n`)
			if !re.MatchString(out.String()) {
				t.Errorf("output has no result row with QPS > 0 and 0 errors:\n%s", out.String())
			}
		})
	}
}

func TestDemoFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string // substring of the error; "" for flag.ErrHelp
	}{
		{[]string{"-h"}, ""},
		{[]string{"-duration", "0"}, "-duration"},
		{[]string{"-conns", "0"}, "-conns"},
		{[]string{"-size", "-1"}, "-size"},
		{[]string{"-transport", "carrier-pigeon"}, "unknown -transport"},
		{[]string{"-protocol", "json"}, "unknown -protocol"},
		{[]string{"extra"}, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			err := runDemo(tt.args, &out, &errb)
			switch {
			case tt.want == "" && !errors.Is(err, flag.ErrHelp):
				t.Errorf("err = %v, want flag.ErrHelp", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
