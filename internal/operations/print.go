package operations

import (
	"strings"
	"unicode/utf16"

	"github.com/vektah/gqlparser/v2/ast"
)

// Print prints an executable document exactly as graphql-js's print (v16)
// does, the function Apollo Client, urql (through @0no-co/graphql.web) and
// Apollo's manifest generator use: definitions separated by a blank line,
// two-space indentation, arguments on one line unless the field's line
// would pass 80 characters, no comments, no trailing newline. Persisted
// documents are identified by the hash of this text, so it has to be
// byte-for-byte what a client sends.
func Print(doc *ast.QueryDocument) string {
	defs := make([]string, 0, len(doc.Operations)+len(doc.Fragments))
	for _, op := range doc.Operations {
		defs = append(defs, printOperation(op))
	}
	for _, f := range doc.Fragments {
		defs = append(defs, printFragment(f))
	}
	return strings.Join(defs, "\n\n")
}

// maxLineLength is graphql-js's MAX_LINE_LENGTH: a field whose arguments
// would make it longer prints one argument per line.
const maxLineLength = 80

func printOperation(op *ast.OperationDefinition) string {
	vars := make([]string, len(op.VariableDefinitions))
	multiline := false
	for i, v := range op.VariableDefinitions {
		vars[i] = printVariableDefinition(v)
		multiline = multiline || strings.Contains(vars[i], "\n")
	}
	varDefs := wrap("(", strings.Join(vars, ", "), ")")
	if multiline {
		varDefs = wrap("(\n", strings.Join(vars, "\n"), "\n)")
	}
	prefix := join(" ", string(op.Operation), op.Name+varDefs, printDirectives(op.Directives))
	if prefix == "query" {
		// graphql-js's short form of an anonymous query.
		return printSelectionSet(op.SelectionSet)
	}
	return prefix + " " + printSelectionSet(op.SelectionSet)
}

func printFragment(f *ast.FragmentDefinition) string {
	vars := make([]string, len(f.VariableDefinition))
	for i, v := range f.VariableDefinition {
		vars[i] = printVariableDefinition(v)
	}
	return "fragment " + f.Name + wrap("(", strings.Join(vars, ", "), ")") + " on " + f.TypeCondition + " " +
		wrap("", printDirectives(f.Directives), " ") + printSelectionSet(f.SelectionSet)
}

func printVariableDefinition(v *ast.VariableDefinition) string {
	s := "$" + v.Variable + ": " + v.Type.String()
	if v.DefaultValue != nil {
		s += " = " + printValue(v.DefaultValue)
	}
	return s + wrap(" ", printDirectives(v.Directives), "")
}

func printSelectionSet(set ast.SelectionSet) string {
	if len(set) == 0 {
		return ""
	}
	lines := make([]string, len(set))
	for i, sel := range set {
		lines[i] = printSelection(sel)
	}
	return "{\n" + indent(strings.Join(lines, "\n")) + "\n}"
}

func printSelection(sel ast.Selection) string {
	switch s := sel.(type) {
	case *ast.Field:
		prefix := s.Name
		if s.Alias != "" && s.Alias != s.Name {
			prefix = s.Alias + ": " + s.Name
		}
		if len(s.Arguments) > 0 {
			args := make([]string, len(s.Arguments))
			for i, a := range s.Arguments {
				args[i] = a.Name + ": " + printValue(a.Value)
			}
			line := strings.Join(args, ", ")
			if jsLen(prefix)+jsLen(line)+2 > maxLineLength {
				prefix += "(\n" + indent(strings.Join(args, "\n")) + "\n)"
			} else {
				prefix += "(" + line + ")"
			}
		}
		return prefix + wrap(" ", printDirectives(s.Directives), "") + wrap(" ", printSelectionSet(s.SelectionSet), "")
	case *ast.FragmentSpread:
		return "..." + s.Name + wrap(" ", printDirectives(s.Directives), "")
	case *ast.InlineFragment:
		return join(" ", "...", wrap("on ", s.TypeCondition, ""), printDirectives(s.Directives), printSelectionSet(s.SelectionSet))
	}
	return ""
}

func printDirectives(list ast.DirectiveList) string {
	out := make([]string, len(list))
	for i, d := range list {
		args := make([]string, len(d.Arguments))
		for j, a := range d.Arguments {
			args[j] = a.Name + ": " + printValue(a.Value)
		}
		out[i] = "@" + d.Name + wrap("(", strings.Join(args, ", "), ")")
	}
	return strings.Join(out, " ")
}

func printValue(v *ast.Value) string {
	switch v.Kind {
	case ast.Variable:
		return "$" + v.Raw
	case ast.StringValue:
		return printString(v.Raw)
	case ast.BlockValue:
		return printBlockString(v.Raw)
	case ast.ListValue:
		items := make([]string, len(v.Children))
		for i, c := range v.Children {
			items[i] = printValue(c.Value)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case ast.ObjectValue:
		fields := make([]string, len(v.Children))
		for i, c := range v.Children {
			fields[i] = c.Name + ": " + printValue(c.Value)
		}
		return "{" + strings.Join(fields, ", ") + "}"
	case ast.NullValue:
		return "null"
	}
	return v.Raw // Int, Float, Boolean, Enum: as written
}

// printString is graphql-js's printString: control characters, `"` and `\`
// escaped, everything else as is.
func printString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			b.WriteString(`\u00`)
			b.WriteString(strings.ToUpper(string("0123456789abcdef"[r>>4]) + string("0123456789abcdef"[r&0xf])))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// printBlockString is graphql-js's printBlockString.
func printBlockString(value string) string {
	escaped := strings.ReplaceAll(value, `"""`, `\"""`)
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(escaped, "\r\n", "\n"), "\r", "\n"), "\n")
	singleLine := len(lines) == 1
	forceLeadingNewLine := len(lines) > 1
	for _, l := range lines[1:] {
		if l != "" && l[0] != ' ' && l[0] != '\t' {
			forceLeadingNewLine = false
		}
	}
	trailingTripleQuotes := strings.HasSuffix(escaped, `\"""`)
	forceTrailingNewline := (strings.HasSuffix(value, `"`) && !trailingTripleQuotes) || strings.HasSuffix(value, `\`)
	multipleLines := !singleLine || jsLen(value) > 70 || forceTrailingNewline || forceLeadingNewLine || trailingTripleQuotes
	skipLeadingNewLine := singleLine && value != "" && (value[0] == ' ' || value[0] == '\t')
	out := ""
	if (multipleLines && !skipLeadingNewLine) || forceLeadingNewLine {
		out += "\n"
	}
	out += escaped
	if multipleLines || forceTrailingNewline {
		out += "\n"
	}
	return `"""` + out + `"""`
}

// indent is graphql-js's block indentation: two spaces before every line.
func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// wrap is graphql-js's wrap: s between start and end, or "" when s is.
func wrap(start, s, end string) string {
	if s == "" {
		return ""
	}
	return start + s + end
}

// join is graphql-js's join: the non-empty parts, separated by sep.
func join(sep string, parts ...string) string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// jsLen is a string's length in JavaScript (UTF-16 code units), which is
// what graphql-js compares with its line limit.
func jsLen(s string) int {
	return len(utf16.Encode([]rune(s)))
}
