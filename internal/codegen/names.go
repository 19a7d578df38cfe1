package codegen

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// goName turns a Thrift identifier into an exported Go identifier: underscores split words, each word
// starts upper case, the rest of each word is kept ("string_thing" -> "StringThing", "myID" -> "MyID").
func goName(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		switch {
		case r == '_' || r == '.':
			upper = true
		case upper:
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	n := b.String()
	if n == "" {
		return "X"
	}
	if r := rune(n[0]); !unicode.IsLetter(r) {
		n = "X" + n
	}
	return n
}

func isGoKeyword(s string) bool { return token.IsKeyword(s) }

// reservedMethods are the method names generated on structs; a field with one of these Go names gets a
// trailing underscore.
var reservedMethods = map[string]bool{
	"BLength": true, "FastWrite": true, "FastRead": true, "FastWriteNocopy": true, "FastWriteNocopyParts": true,
	"BLengthNocopy": true,
	"CompactLength": true, "CompactWrite": true, "CompactRead": true, "Validate": true,
	"CountSetFields": true, "String": true, "Error": true,
}

// quote returns a Go string literal.
func quote(s string) string { return strconv.Quote(s) }
