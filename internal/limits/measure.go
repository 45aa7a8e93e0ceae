package limits

import (
	"encoding/json"
	"math"

	"github.com/vektah/gqlparser/v2/ast"
)

// Measures are the sizes of one operation that Config limits. Fragments
// count where they are spread, once per spread, as if written out there.
type Measures struct {
	// Depth is the deepest field nesting outside introspection:
	// `{ viewer { batches { nodes { id } } } }` is 4.
	Depth int
	// IntrospectionDepth is the deepest nesting inside __schema or __type,
	// the meta field counting 1.
	IntrospectionDepth int
	// IntrospectionLists is the deepest nesting of fields, inputFields,
	// interfaces and possibleTypes inside introspection.
	IntrospectionLists int
	// Complexity prices the work the operation can cause, in the one pricing
	// of this package (the schema's own complexity functions stay unset):
	//   - a leaf field costs 1;
	//   - a field with a selection set costs 1 + n × the cost of its
	//     selections, where n is 1 but for list fields:
	//   - a field with a page argument pages by it: `first` or `last` when
	//     given, else `limit` (its schema default when absent); a list field
	//     multiplies by it, a connection passes it to its list fields
	//     (BatchConnection.nodes and .edges, NeedsAttention.items);
	//   - a list field of assumedListSize multiplies by its assumed size
	//     (Batch.essays: 50 essays per batch);
	//   - any other list multiplies by 1: introspection is answered from
	//     memory.
	// So `{ viewer { batches(limit: 100) { nodes { essays { id } } } } }`
	// costs 1 + (1 + (1 + 100 × (1 + 50 × 1))) = 5103.
	Complexity int
	// Aliases counts the fields selected under an alias other than their
	// name.
	Aliases int
	// DuplicateFields is the most selections of one response key in one
	// selection set.
	DuplicateFields int
	// Directives counts the directives of the operation, its fields and
	// fragments.
	Directives int
	// FieldDirectives is the most directives on one field or fragment.
	FieldDirectives int
	// RootFields counts the fields selected at the root.
	RootFields int
}

// assumedListSize holds the multiplier of list fields whose length no
// argument bounds, by "Type.field".
var assumedListSize = map[string]int{
	"Batch.essays": 50,
}

// pageArguments set a page size, in the order they are read: the Relay
// connection spec's first and last (Teacher.batches, Teacher.needsAttention)
// when given, else limit (given or its schema default).
var pageArguments = []string{"first", "last", "limit"}

// introspectionLists are the fields that make circular introspection
// queries grow, as graphql-js's MaxIntrospectionDepthRule counts them.
var introspectionLists = map[string]bool{
	"fields": true, "inputFields": true, "interfaces": true, "possibleTypes": true,
}

// ceiling caps every count: a fragment spread twice in each of 40 nested
// fragments selects 2^40 fields, and the sums must not wrap around.
const ceiling = math.MaxInt32 / 2

func add(a, b int) int { return min(a+b, ceiling) } // a, b <= ceiling: no overflow, even in 32 bits

func mul(a, b int) int {
	if a != 0 && b > ceiling/a {
		return ceiling
	}
	return a * b
}

// Measure measures op of doc. doc need not be validated: fields unknown to
// schema measure as fields of unknown type, and fragment cycles (which
// validation refuses) are cut. schema may be nil; then lists are unknown.
// Each fragment is measured once per context, so the work is linear in the
// document however often fragments are spread.
func Measure(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) Measures {
	if op == nil {
		return Measures{}
	}
	if schema == nil {
		schema = &ast.Schema{}
	}
	if doc == nil {
		doc = &ast.QueryDocument{}
	}
	w := &walker{schema: schema, doc: doc, op: op, vars: vars, memo: map[fragmentKey]*tally{}, active: map[string]bool{}}
	var root *ast.Definition
	switch op.Operation {
	case ast.Mutation:
		root = schema.Mutation
	case ast.Subscription:
		root = schema.Subscription
	default:
		root = schema.Query
	}
	t := w.selections(op.SelectionSet, root, false, 0)
	m := Measures{
		Depth:              t.depth,
		IntrospectionDepth: t.introDepth,
		IntrospectionLists: t.introLists,
		Complexity:         t.cost,
		Aliases:            t.aliases,
		DuplicateFields:    t.dup,
		Directives:         add(t.directives, len(op.Directives)),
		FieldDirectives:    t.fieldDirectives,
	}
	for _, n := range t.keys {
		m.RootFields = add(m.RootFields, n)
	}
	return m
}

// tally is the measure of one selection set.
type tally struct {
	depth, introDepth, introLists int            // maxima below this set
	cost, aliases, directives     int            // sums
	dup, fieldDirectives          int            // maxima
	keys                          map[string]int // response keys at this level, fragments flattened
}

// merge adds c, a set at the same level as t (an inline fragment or a
// spread fragment), to t.
func (t *tally) merge(c *tally) {
	t.depth = max(t.depth, c.depth)
	t.introDepth = max(t.introDepth, c.introDepth)
	t.introLists = max(t.introLists, c.introLists)
	t.cost = add(t.cost, c.cost)
	t.aliases = add(t.aliases, c.aliases)
	t.directives = add(t.directives, c.directives)
	t.dup = max(t.dup, c.dup)
	t.fieldDirectives = max(t.fieldDirectives, c.fieldDirectives)
	for k, n := range c.keys {
		t.keys[k] = add(t.keys[k], n)
	}
}

type fragmentKey struct {
	name  string
	intro bool
	page  int
}

type walker struct {
	schema *ast.Schema
	doc    *ast.QueryDocument
	op     *ast.OperationDefinition
	vars   map[string]any
	memo   map[fragmentKey]*tally
	active map[string]bool // fragments being walked, to cut cycles
}

// selections measures set, whose fields belong to parent (nil when
// unknown). intro tells whether set is inside __schema or __type; page is
// the page size a connection passes to its list fields (0 for none).
func (w *walker) selections(set ast.SelectionSet, parent *ast.Definition, intro bool, page int) *tally {
	t := &tally{keys: map[string]int{}}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			w.field(t, s, parent, intro, page)
		case *ast.InlineFragment:
			t.directives = add(t.directives, len(s.Directives))
			t.fieldDirectives = max(t.fieldDirectives, len(s.Directives))
			typ := parent
			if s.TypeCondition != "" {
				typ = w.schema.Types[s.TypeCondition]
			}
			t.merge(w.selections(s.SelectionSet, typ, intro, page))
		case *ast.FragmentSpread:
			t.directives = add(t.directives, len(s.Directives))
			t.fieldDirectives = max(t.fieldDirectives, len(s.Directives))
			if f := w.fragment(s.Name, intro, page); f != nil {
				t.merge(f)
			}
		}
	}
	for _, n := range t.keys {
		t.dup = max(t.dup, n)
	}
	return t
}

// fragment measures the named fragment in a context, once per context.
func (w *walker) fragment(name string, intro bool, page int) *tally {
	key := fragmentKey{name, intro, page}
	if t, ok := w.memo[key]; ok {
		return t
	}
	def := w.doc.Fragments.ForName(name)
	if def == nil || w.active[name] {
		// Unknown, or a cycle: validation refuses both, and a cycle would
		// otherwise never end.
		return nil
	}
	w.active[name] = true
	t := w.selections(def.SelectionSet, w.schema.Types[def.TypeCondition], intro, page)
	delete(w.active, name)
	t.directives = add(t.directives, len(def.Directives))
	w.memo[key] = t
	return t
}

// field adds f, selected in a set of parent, to that set's tally t.
func (w *walker) field(t *tally, f *ast.Field, parent *ast.Definition, intro bool, page int) {
	key := f.Alias
	if key == "" {
		key = f.Name
	}
	t.keys[key] = add(t.keys[key], 1)
	if key != f.Name {
		t.aliases = add(t.aliases, 1)
	}
	t.directives = add(t.directives, len(f.Directives))
	t.fieldDirectives = max(t.fieldDirectives, len(f.Directives))

	def := w.fieldDefinition(parent, f.Name)
	inner := intro || f.Name == "__schema" || f.Name == "__type"
	if len(f.SelectionSet) == 0 {
		t.cost = add(t.cost, 1)
		if inner {
			t.introDepth = max(t.introDepth, 1)
		} else {
			t.depth = max(t.depth, 1)
		}
		return
	}

	var typ *ast.Definition
	if def != nil {
		typ = w.schema.Types[def.Type.Name()]
	}
	n, childPage := w.multiplier(f, def, parent, page)
	c := w.selections(f.SelectionSet, typ, inner, childPage)

	t.cost = add(t.cost, add(1, mul(n, c.cost)))
	t.aliases = add(t.aliases, c.aliases)
	t.directives = add(t.directives, c.directives)
	t.dup = max(t.dup, c.dup)
	t.fieldDirectives = max(t.fieldDirectives, c.fieldDirectives)
	lists := c.introLists
	if inner && introspectionLists[f.Name] {
		lists++
	}
	t.introLists = max(t.introLists, lists)
	if inner {
		t.introDepth = max(t.introDepth, c.introDepth+1)
	} else {
		t.depth = max(t.depth, c.depth+1)
		t.introDepth = max(t.introDepth, c.introDepth)
	}
}

// Introspection's meta fields are on every type (__typename) or on the
// query root (__schema, __type) without being among the type's fields.
var metaFields = map[string]*ast.FieldDefinition{
	"__typename": {Name: "__typename", Type: ast.NonNullNamedType("String", nil)},
	"__schema":   {Name: "__schema", Type: ast.NonNullNamedType("__Schema", nil)},
	"__type":     {Name: "__type", Type: ast.NamedType("__Type", nil)},
}

func (w *walker) fieldDefinition(parent *ast.Definition, name string) *ast.FieldDefinition {
	if def, ok := metaFields[name]; ok {
		return def
	}
	if parent == nil {
		return nil
	}
	return parent.Fields.ForName(name)
}

// multiplier returns what f's selections' cost is multiplied by, and the
// page size f passes to its own list fields.
func (w *walker) multiplier(f *ast.Field, def *ast.FieldDefinition, parent *ast.Definition, page int) (n, childPage int) {
	list := def != nil && def.Type.Elem != nil
	if size, ok := w.pageSize(f, def); ok {
		if list {
			return size, 0
		}
		return 1, size
	}
	if !list {
		return 1, 0
	}
	if parent != nil {
		if size, ok := assumedListSize[parent.Name+"."+f.Name]; ok {
			return size, 0
		}
	}
	return max(page, 1), 0
}

// pageSize is the value of f's page argument: first or last when given
// (not null), else limit, given, from a variable or the variable's default,
// else (absent or null) its schema default, as the resolver reads it. Sizes
// below 1 count as 1 and sizes it cannot read as 1: the resolver refuses
// those anyway.
func (w *walker) pageSize(f *ast.Field, def *ast.FieldDefinition) (int, bool) {
	found := false
	for _, name := range pageArguments {
		arg := f.Arguments.ForName(name)
		var schemaArg *ast.ArgumentDefinition
		if def != nil {
			schemaArg = def.Arguments.ForName(name)
		}
		if arg == nil && schemaArg == nil {
			continue
		}
		found = true
		var v any
		if arg != nil {
			v = w.value(arg.Value)
		}
		if v == nil && schemaArg != nil {
			v = w.value(schemaArg.DefaultValue)
		}
		if v == nil {
			continue // absent or null, without a default: the next argument decides
		}
		n, ok := toInt(v)
		if !ok {
			return 1, true
		}
		return min(max(n, 1), ceiling), true
	}
	return 1, found
}

// value is v's value. Before validation a variable knows no default, so
// the operation's variable definitions are looked up here.
func (w *walker) value(v *ast.Value) any {
	if v == nil {
		return nil
	}
	if v.Kind == ast.Variable {
		if x, ok := w.vars[v.Raw]; ok {
			return x
		}
		if d := w.op.VariableDefinitions.ForName(v.Raw); d != nil && d.DefaultValue != nil {
			return w.value(d.DefaultValue)
		}
		return nil
	}
	x, err := v.Value(w.vars)
	if err != nil {
		return nil
	}
	return x
}

// toInt reads an integer as gqlgen's transports decode it (json.Number)
// or as coercion leaves it (int, int64).
func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int32:
		return int(x), true
	case int64:
		return int(min(max(x, math.MinInt32), math.MaxInt32)), true
	case float64:
		return int(min(max(x, math.MinInt32), math.MaxInt32)), true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return toInt(i)
		}
		if f, err := x.Float64(); err == nil {
			return toInt(f)
		}
	}
	return 0, false
}
