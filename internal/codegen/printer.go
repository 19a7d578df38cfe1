package codegen

import (
	"bytes"
	"fmt"
	"strings"
)

// printer accumulates Go source, one line per call.
type printer struct {
	buf bytes.Buffer
	tmp int // counter for unique temporaries within one function
}

// P prints its arguments (strings or anything fmt prints with %v) followed by a newline.
func (p *printer) P(args ...any) {
	for _, a := range args {
		switch x := a.(type) {
		case string:
			p.buf.WriteString(x)
		default:
			fmt.Fprint(&p.buf, x)
		}
	}
	p.buf.WriteByte('\n')
}

// Pf prints a formatted line.
func (p *printer) Pf(format string, args ...any) {
	fmt.Fprintf(&p.buf, format, args...)
	p.buf.WriteByte('\n')
}

// fresh returns a new temporary name with prefix.
func (p *printer) fresh(prefix string) string {
	p.tmp++
	return fmt.Sprintf("%s%d", prefix, p.tmp)
}

// comment prints a doc comment, one // line per line of text.
func (p *printer) comment(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			p.P("//")
		} else {
			p.P("// ", line)
		}
	}
}
