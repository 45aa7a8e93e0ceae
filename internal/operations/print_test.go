package operations

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// The expected texts are graphql-js 16's print, and print after Apollo
// Client's addTypenameToDocument, of the same source (produced with the
// packages of test/clients). A persisted document's hash is of these bytes.
func TestPrintMatchesGraphQLJS(t *testing.T) {
	tests := []struct{ name, source, printed, withTypename string }{
		{"anonymous", "{ a }", "{\n  a\n}", "{\n  a\n}"},
		{"named", "query Q { a }", "query Q {\n  a\n}", "query Q {\n  a\n}"},
		{"aliasArgs", "query Q($x: Int = 3, $y: [ID!]! = [\"a\", \"b\"], $z: In = {a: 1, b: \"c\\n\"}) @dir(a: 1) { me: user(id: $x, f: 1.5, e: ENUM, n: null, b: true) @include(if: $b) { name } }", "query Q($x: Int = 3, $y: [ID!]! = [\"a\", \"b\"], $z: In = {a: 1, b: \"c\\n\"}) @dir(a: 1) {\n  me: user(id: $x, f: 1.5, e: ENUM, n: null, b: true) @include(if: $b) {\n    name\n  }\n}", "query Q($x: Int = 3, $y: [ID!]! = [\"a\", \"b\"], $z: In = {a: 1, b: \"c\\n\"}) @dir(a: 1) {\n  me: user(id: $x, f: 1.5, e: ENUM, n: null, b: true) @include(if: $b) {\n    name\n    __typename\n  }\n}"},
		{"wrap", "{ someLongField(firstArgument: \"aaaaaaaaaaaaaaaa\", secondArgument: \"bbbbbbbbbbbbbbbbbbbbb\", third: 3) { x } }", "{\n  someLongField(\n    firstArgument: \"aaaaaaaaaaaaaaaa\"\n    secondArgument: \"bbbbbbbbbbbbbbbbbbbbb\"\n    third: 3\n  ) {\n    x\n  }\n}", "{\n  someLongField(\n    firstArgument: \"aaaaaaaaaaaaaaaa\"\n    secondArgument: \"bbbbbbbbbbbbbbbbbbbbb\"\n    third: 3\n  ) {\n    x\n    __typename\n  }\n}"},
		{"fragments", "subscription S { ...F ... on T { a } ... @skip(if: true) { b } } fragment F on T @d { c { d } }", "subscription S {\n  ...F\n  ... on T {\n    a\n  }\n  ... @skip(if: true) {\n    b\n  }\n}\n\nfragment F on T @d {\n  c {\n    d\n  }\n}", "subscription S {\n  ...F\n  ... on T {\n    a\n    __typename\n  }\n  ... @skip(if: true) {\n    b\n    __typename\n  }\n}\n\nfragment F on T @d {\n  c {\n    d\n    __typename\n  }\n  __typename\n}"},
		{"blockString", "{ a(s: \"\"\"\n  hello\n    world\n\"\"\") }", "{\n  a(s: \"\"\"\n  hello\n    world\n  \"\"\")\n}", "{\n  a(s: \"\"\"\n  hello\n    world\n  \"\"\")\n}"},
		{"escapes", "{ a(s: \"q\\\"b\\\\c\\u0001d\\t\u00e9\") }", "{\n  a(s: \"q\\\"b\\\\c\\u0001d\\t\u00e9\")\n}", "{\n  a(s: \"q\\\"b\\\\c\\u0001d\\t\u00e9\")\n}"},
		{"typename", "query Q { a { __typename b } c { __schema { x } } d { e @export(as: \"x\") { f { g } } } }", "query Q {\n  a {\n    __typename\n    b\n  }\n  c {\n    __schema {\n      x\n    }\n  }\n  d {\n    e @export(as: \"x\") {\n      f {\n        g\n      }\n    }\n  }\n}", "query Q {\n  a {\n    __typename\n    b\n  }\n  c {\n    __schema {\n      x\n      __typename\n    }\n  }\n  d {\n    e @export(as: \"x\") {\n      f {\n        g\n        __typename\n      }\n    }\n    __typename\n  }\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tt.source})
			require.NoError(t, err)
			assert.Equal(t, tt.printed, Print(doc))
			assert.Equal(t, tt.withTypename, Print(withTypename(doc)))
		})
	}
}
