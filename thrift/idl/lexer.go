package idl

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokenKind is the lexical class of a token.
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokIdent
	tokInt
	tokDouble
	tokString
	tokLBrace   // {
	tokRBrace   // }
	tokLBracket // [
	tokRBracket // ]
	tokLParen   // (
	tokRParen   // )
	tokLAngle   // <
	tokRAngle   // >
	tokComma    // ,
	tokSemi     // ;
	tokColon    // :
	tokEquals   // =
	tokStar     // *
	tokAmp      // &
	tokIllegal
)

var tokenNames = [...]string{
	tokEOF: "end of file", tokIdent: "identifier", tokInt: "integer", tokDouble: "double",
	tokString: "string literal", tokLBrace: "'{'", tokRBrace: "'}'", tokLBracket: "'['",
	tokRBracket: "']'", tokLParen: "'('", tokRParen: "')'", tokLAngle: "'<'", tokRAngle: "'>'",
	tokComma: "','", tokSemi: "';'", tokColon: "':'", tokEquals: "'='", tokStar: "'*'",
	tokAmp: "'&'", tokIllegal: "illegal character",
}

func (k tokenKind) String() string { return tokenNames[k] }

// token is one lexical token. For tokString, text is the unescaped value;
// for every other kind it is the source text.
type token struct {
	kind tokenKind
	text string
	pos  Pos
	doc  string // doc comment directly before the token, cleaned
}

// describe returns the token for an error message.
func (t token) describe() string {
	switch t.kind {
	case tokIdent:
		return "'" + t.text + "'"
	case tokInt, tokDouble:
		return t.kind.String() + " " + t.text
	case tokString:
		return "string literal " + strconv.Quote(t.text)
	case tokIllegal:
		return "illegal character " + strconv.Quote(t.text)
	}
	return t.kind.String()
}

// docKind tells what kind of doc comment is pending.
type docKind uint8

const (
	docNone  docKind = iota
	docBlock         // a /** */ comment
	docLines         // a run of // comments on consecutive lines
)

// lexer turns Thrift source into tokens. It keeps the doc comment seen since
// the last token and hands it to the next one.
type lexer struct {
	file string
	src  string
	off  int // byte offset of the next unread byte
	line int // line of src[off]
	col  int // column of src[off]

	// The pending doc comment: a cleaned /** */ text, or the source range of
	// a run of // comments, cleaned only when a token takes it.
	docKind    docKind
	docText    string // docBlock: cleaned text
	docStart   int    // docLines: offset of the first comment of the run
	docEnd     int    // docLines: offset just past the last comment of the run
	docEndLine int    // line on which the pending doc comment ended
	tokEnd     int    // line on which the last token ended; comments there trail it

	errs []*Error
}

func newLexer(file string, src []byte) *lexer {
	return &lexer{file: file, src: string(src), line: 1, col: 1}
}

func (l *lexer) pos() Pos { return Pos{File: l.file, Line: l.line, Col: l.col} }

// errorf records a lexical error; after maxSyntaxErrors of them the rest
// are dropped, so the error list stays short on garbage input.
func (l *lexer) errorf(p Pos, msg string) {
	if len(l.errs) < maxSyntaxErrors {
		l.errs = append(l.errs, &Error{Pos: p, Msg: msg})
	}
}

// advance consumes n bytes, none of which may be a newline.
func (l *lexer) advance(n int) {
	l.off += n
	l.col += n
}

// consume consumes bytes up to end, tracking newlines.
func (l *lexer) consume(end int) {
	for l.off < end {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.off++
	}
}

// skipSpace skips white space and comments, recording doc comments.
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.advance(1)
		case c == '\n':
			l.consume(l.off + 1)
		case c == '#':
			l.skipLineComment(false)
		case c == '/' && l.off+1 < len(l.src) && l.src[l.off+1] == '/':
			l.skipLineComment(true)
		case c == '/' && l.off+1 < len(l.src) && l.src[l.off+1] == '*':
			l.skipBlockComment()
		default:
			return
		}
	}
}

func (l *lexer) skipLineComment(isDoc bool) {
	start := l.off
	end := strings.IndexByte(l.src[start:], '\n')
	if end < 0 {
		end = len(l.src)
	} else {
		end += start
	}
	line := l.line
	l.consume(end)
	if !isDoc || line == l.tokEnd {
		l.docKind = docNone
		return
	}
	if l.docKind != docLines || l.docEndLine != line-1 {
		l.docKind = docLines
		l.docStart = start
	}
	l.docEnd = end
	l.docEndLine = line
}

func (l *lexer) skipBlockComment() {
	p := l.pos()
	start := l.off
	end := strings.Index(l.src[start+2:], "*/")
	if end < 0 {
		l.errorf(p, "comment not terminated")
		l.consume(len(l.src))
		l.docKind = docNone
		return
	}
	end += start + 2 + 2
	text := l.src[start:end]
	trailing := p.Line == l.tokEnd
	l.consume(end)
	if !trailing && strings.HasPrefix(text, "/**") && text != "/**/" {
		l.docKind = docBlock
		l.docText = cleanBlockDoc(text[3 : len(text)-2])
		l.docEndLine = l.line
	} else {
		l.docKind = docNone
	}
}

// cleanLineDoc turns a run of // comment lines into doc text.
func cleanLineDoc(run string) string {
	lines := strings.Split(run, "\n")
	for i, ln := range lines {
		ln = strings.TrimLeft(strings.TrimSpace(ln), "/")
		lines[i] = strings.TrimRight(strings.TrimPrefix(ln, " "), " \t\r")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// cleanBlockDoc strips the leading " * " decoration of a /** */ comment body.
func cleanBlockDoc(body string) string {
	lines := strings.Split(body, "\n")
	out := lines[:0]
	for _, ln := range lines {
		ln = strings.TrimSpace(ln)
		if strings.HasPrefix(ln, "*") {
			ln = strings.TrimPrefix(ln[1:], " ")
		}
		out = append(out, ln)
	}
	for len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// takeDoc returns the pending doc comment if it belongs to a token starting
// at line, and clears it.
func (l *lexer) takeDoc(line int) string {
	kind := l.docKind
	l.docKind = docNone
	switch kind {
	case docBlock:
		// A /** */ comment belongs to the next token wherever it is.
		return l.docText
	case docLines:
		// A run of // comments must end directly above the token.
		if l.docEndLine == line-1 {
			return cleanLineDoc(l.src[l.docStart:l.docEnd])
		}
	}
	return ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// next returns the next token.
func (l *lexer) next() token {
	t := l.scan()
	l.tokEnd = l.line
	return t
}

func (l *lexer) scan() token {
	l.skipSpace()
	p := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tokEOF, pos: p, doc: l.takeDoc(p.Line)}
	}
	doc := l.takeDoc(p.Line)
	c := l.src[l.off]
	switch {
	case isLetter(c):
		return l.ident(p, doc)
	case isDigit(c) || (c == '+' || c == '-' || c == '.') && l.off+1 < len(l.src) &&
		(isDigit(l.src[l.off+1]) || l.src[l.off+1] == '.' && c != '.'):
		return l.number(p, doc)
	case c == '"' || c == '\'':
		return l.str(p, doc)
	}
	var k tokenKind
	switch c {
	case '{':
		k = tokLBrace
	case '}':
		k = tokRBrace
	case '[':
		k = tokLBracket
	case ']':
		k = tokRBracket
	case '(':
		k = tokLParen
	case ')':
		k = tokRParen
	case '<':
		k = tokLAngle
	case '>':
		k = tokRAngle
	case ',':
		k = tokComma
	case ';':
		k = tokSemi
	case ':':
		k = tokColon
	case '=':
		k = tokEquals
	case '*':
		k = tokStar
	case '&':
		k = tokAmp
	default:
		r, n := utf8.DecodeRuneInString(l.src[l.off:])
		l.advance(n)
		return token{kind: tokIllegal, text: string(r), pos: p, doc: doc}
	}
	l.advance(1)
	return token{kind: k, text: l.src[l.off-1 : l.off], pos: p, doc: doc}
}

func (l *lexer) ident(p Pos, doc string) token {
	start := l.off
	i := start
	for i < len(l.src) && (isLetter(l.src[i]) || isDigit(l.src[i]) || l.src[i] == '.') {
		i++
	}
	text := l.src[start:i]
	l.advance(i - start)
	if strings.HasSuffix(text, ".") || strings.Contains(text, "..") {
		l.errorf(p, "malformed identifier "+strconv.Quote(text))
	}
	return token{kind: tokIdent, text: text, pos: p, doc: doc}
}

func (l *lexer) number(p Pos, doc string) token {
	start := l.off
	i := start
	if l.src[i] == '+' || l.src[i] == '-' {
		i++
	}
	if i+1 < len(l.src) && l.src[i] == '0' && (l.src[i+1] == 'x' || l.src[i+1] == 'X') {
		i += 2
		j := i
		for i < len(l.src) && isHex(l.src[i]) {
			i++
		}
		l.advance(i - start)
		if i == j {
			l.errorf(p, "malformed hex literal "+strconv.Quote(l.src[start:i]))
		}
		return token{kind: tokInt, text: l.src[start:i], pos: p, doc: doc}
	}
	kind := tokInt
	for i < len(l.src) && isDigit(l.src[i]) {
		i++
	}
	if i+1 < len(l.src) && l.src[i] == '.' && isDigit(l.src[i+1]) {
		kind = tokDouble
		i++
		for i < len(l.src) && isDigit(l.src[i]) {
			i++
		}
	}
	if i < len(l.src) && (l.src[i] == 'e' || l.src[i] == 'E') {
		j := i + 1
		if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
			j++
		}
		if j < len(l.src) && isDigit(l.src[j]) {
			kind = tokDouble
			i = j
			for i < len(l.src) && isDigit(l.src[i]) {
				i++
			}
		}
	}
	l.advance(i - start)
	if i < len(l.src) && isLetter(l.src[i]) {
		l.errorf(l.pos(), "unexpected "+strconv.Quote(string(l.src[i]))+" after number")
	}
	return token{kind: kind, text: l.src[start:i], pos: p, doc: doc}
}

// str lexes a string literal in '…' or "…" with backslash escapes.
func (l *lexer) str(p Pos, doc string) token {
	quote := l.src[l.off]
	i := l.off + 1
	var b strings.Builder
	plainStart := i
	for {
		if i >= len(l.src) {
			l.errorf(p, "string literal not terminated")
			l.consume(len(l.src))
			return token{kind: tokString, text: b.String(), pos: p, doc: doc}
		}
		c := l.src[i]
		if c == '\n' {
			// Like Apache Thrift: a string ends on its line. This also keeps
			// an unterminated quote from swallowing the rest of the file.
			l.errorf(p, "newline in string literal")
			b.WriteString(l.src[plainStart:i])
			break
		}
		if c == quote {
			if b.Len() == 0 && plainStart == l.off+1 {
				// No escapes: the value is a substring of the source.
				text := l.src[plainStart:i]
				l.consume(i + 1)
				return token{kind: tokString, text: text, pos: p, doc: doc}
			}
			b.WriteString(l.src[plainStart:i])
			i++
			break
		}
		if c != '\\' {
			i++
			continue
		}
		b.WriteString(l.src[plainStart:i])
		if i+1 >= len(l.src) {
			i++
			plainStart = i
			continue
		}
		e := l.src[i+1]
		i += 2
		switch e {
		case '\\', '"', '\'', '/':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case '0':
			b.WriteByte(0)
		case 'u':
			r, n := l.unicodeEscape(i)
			if n < 0 {
				l.errorf(l.posAt(i-2), `malformed \u escape in string literal`)
				break
			}
			i += n
			b.WriteRune(r)
		default:
			l.errorf(l.posAt(i-2), "unknown escape sequence \\"+string(e)+" in string literal")
		}
		plainStart = i
	}
	l.consume(i)
	return token{kind: tokString, text: b.String(), pos: p, doc: doc}
}

// unicodeEscape decodes the 4 hex digits at src[i:], and a following
// \uXXXX low surrogate if the first is a high one. It returns the rune and
// the bytes used, or n < 0.
func (l *lexer) unicodeEscape(i int) (rune, int) {
	hex4 := func(i int) (rune, bool) {
		if i+4 > len(l.src) {
			return 0, false
		}
		v, err := strconv.ParseUint(l.src[i:i+4], 16, 32)
		return rune(v), err == nil
	}
	r, ok := hex4(i)
	if !ok {
		return 0, -1
	}
	if r >= 0xD800 && r < 0xDC00 && i+10 <= len(l.src) && l.src[i+4] == '\\' && l.src[i+5] == 'u' {
		if lo, ok := hex4(i + 6); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (r-0xD800)<<10 | (lo - 0xDC00) + 0x10000, 10
		}
	}
	return r, 4
}

// posAt returns the position of byte offset off, which must lie between
// l.off and the end of the current line run (used for escapes inside the
// current token).
func (l *lexer) posAt(off int) Pos {
	line, col := l.line, l.col
	for i := l.off; i < off && i < len(l.src); i++ {
		if l.src[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return Pos{File: l.file, Line: line, Col: col}
}

// rawWord lexes a namespace name: a run of characters other than white
// space, quotes, parentheses, separators and comment starts. It lets
// "namespace go example.com/x/echo" through although the value is not an
// identifier.
func (l *lexer) rawWord() token {
	l.skipSpace()
	i := l.off
	for i < len(l.src) {
		c := l.src[i]
		if c <= ' ' || c == '(' || c == ')' || c == ',' || c == ';' || c == '"' || c == '\'' || c == '#' ||
			c == '{' || c == '}' || c == '/' && i+1 < len(l.src) && (l.src[i+1] == '/' || l.src[i+1] == '*') {
			break
		}
		i++
	}
	if i == l.off {
		return l.next()
	}
	p := l.pos()
	doc := l.takeDoc(p.Line)
	text := l.src[l.off:i]
	l.advance(i - l.off)
	l.tokEnd = l.line
	return token{kind: tokIdent, text: text, pos: p, doc: doc}
}
