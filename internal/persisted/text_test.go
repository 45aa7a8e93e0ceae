package persisted

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTokens(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"indentation and line breaks", "query Q {\n  a\n  b {\n    c\n  }\n}", "query Q{a b{c}}"},
		{"one line", "query Q { a b { c } }", "query Q{a b{c}}"},
		{"comments", "# the query\nquery Q { a # the a\n b { c } }", "query Q{a b{c}}"},
		{"commas", "query Q($x: Int = 1, $y: [Int] = [1, 2]) { a(x: $x, y: $y) }", "query Q($x:Int=1$y:[Int]=[1 2]){a(x:$x y:$y)}"},
		{"spread", "{ ... F ...on T { a } }", "{...F...on T{a}}"},
		{"byte order mark and tabs", "\uFEFF{\ta\r\n}", "{a}"},
		{"strings kept", `{ a(s: "x  # y, z") }`, `{a(s:"x  # y, z")}`},
		{"escaped quote", `{ a(s: "x\" # y") b }`, `{a(s:"x\" # y")b}`},
		{"block string kept", "{ a(s: \"\"\"x\n  \\\"\"\" # y\n\"\"\") }", "{a(s:\"\"\"x\n  \\\"\"\" # y\n\"\"\")}"},
		{"unclosed string", `{ a(s: "x`, `{a(s:"x`},
		{"names stay apart", "{ a b }", "{a b}"},
		{"names joined differ", "{ ab }", "{ab}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tokens(tt.in))
		})
	}
}

// urql's stringifyDocument (@urql/core 6.0.3) of the same texts, run in
// Node.
func TestURQLText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"blank line between definitions", "query Q {\n  ...F\n}\n\nfragment F on T {\n  a\n}", "query Q {\n  ...F\n}\nfragment F on T {\n  a\n}"},
		{"comments", "# c\nquery Q {\n  a # d\n}\n", "query Q {\n  a \n}"},
		// Before a string, urql's expression also matches the empty end of
		// the text between strings: a line break is added there.
		{"strings kept", "{\n  a(s: \"x\n\n# y\")\n}", "{\n  a(s: \n\"x\n\n# y\")\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, urqlText(tt.in))
		})
	}
}
