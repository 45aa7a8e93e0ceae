package persisted

import (
	"regexp"
	"strings"
)

// tokens returns a document's significant text: its tokens, separated by a
// space only where two names or numbers meet. Comments, commas and white
// space are ignored tokens in GraphQL (spec §2.1.7), so two texts with the
// same tokens are the same document, whichever client printed it and
// however it was indented. Strings and block strings are kept as written.
func tokens(doc string) string {
	var b strings.Builder
	b.Grow(len(doc))
	gap := false // ignored tokens since the last significant character
	for i := 0; i < len(doc); {
		c := doc[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			gap = true
			i++
		case c == 0xEF && strings.HasPrefix(doc[i:], "\uFEFF"):
			gap = true
			i += len("\uFEFF")
		case c == '#':
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
			gap = true
		case c == '"':
			n := stringLen(doc[i:])
			b.WriteString(doc[i : i+n])
			i += n
			gap = false
		default:
			if gap && b.Len() > 0 && wordByte(b.String()[b.Len()-1]) && wordByte(c) {
				b.WriteByte(' ')
			}
			b.WriteByte(c)
			i++
			gap = false
		}
	}
	return b.String()
}

// stringLen is the length of the string or block string s starts with (all
// of s when it is not closed).
func stringLen(s string) int {
	if strings.HasPrefix(s, `"""`) {
		for i := 3; i < len(s); i++ {
			switch {
			case strings.HasPrefix(s[i:], `\"""`):
				i += 3
			case strings.HasPrefix(s[i:], `"""`):
				return i + 3
			}
		}
		return len(s)
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"', '\n', '\r':
			return i + 1
		}
	}
	return len(s)
}

// wordByte reports whether c belongs to a name or a number.
func wordByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c >= 0x80
}

// urqlStrings and urqlBreaks are the expressions of urql's sanitizeDocument
// (@urql/core, utils/request.ts).
var (
	urqlStrings = regexp.MustCompile(`("{3}[\s\S]*"{3}|"(?:\\.|[^"])*")`)
	urqlBreaks  = regexp.MustCompile(`(?:#[^\n\r]+)?(?:[\r\n]+|$)`)
)

// urqlText is doc as urql's stringifyDocument sends it: outside strings,
// each comment and run of line breaks becomes one line break, then the
// whole is trimmed. Applied to graphql-js's print, it only drops the blank
// lines between definitions.
func urqlText(doc string) string {
	var b strings.Builder
	last := 0
	for _, m := range urqlStrings.FindAllStringIndex(doc, -1) {
		b.WriteString(urqlBreaks.ReplaceAllString(doc[last:m[0]], "\n"))
		b.WriteString(doc[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(urqlBreaks.ReplaceAllString(doc[last:], "\n"))
	return strings.TrimSpace(b.String())
}
