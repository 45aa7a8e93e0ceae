package limits

import "github.com/vektah/gqlparser/v2/ast"

// DocumentMeasures are the sizes of a whole document: every operation and
// every fragment definition, whether the selected operation uses it or not,
// because gqlparser validates all of them before anything runs.
type DocumentMeasures struct {
	// Fragments counts the fragment definitions.
	Fragments int
	// Selections counts the fields, fragment spreads and inline fragments
	// of every operation and every fragment definition, with spreads
	// written out where they are spread. Counting stops past the bound
	// MeasureDocument is given, so it is at most that bound + 1.
	Selections int
	// FieldPairs counts the pairs of fields that answer to one response
	// key at one place of the response, fragments written out: the pairs
	// validation's OverlappingFieldsCanBeMerged rule (GraphQL spec §5.3.2)
	// compares one by one. `{ viewer { id id id } }` has 3; nested repeats
	// multiply: 20 `credits` of 20 `userBalance` each under one `viewer`
	// put 400 `userBalance` at one place, 79,800 pairs.
	FieldPairs int
}

// MeasureDocument measures doc, which need not be valid. bound stops the
// count of selections (a fragment spread twice in each of 40 nested
// fragments writes out to 2^40 fields), so the work of measuring is linear
// in bound and in the size of the document. A fragment spread inside itself
// (which validation refuses) is written out until the bound is reached.
func MeasureDocument(doc *ast.QueryDocument, bound int) DocumentMeasures {
	w := &documentWalker{doc: doc, bound: bound, active: map[string]bool{}}
	if doc == nil {
		return w.m
	}
	w.m.Fragments = len(doc.Fragments)
	for _, op := range doc.Operations {
		if w.node([]ast.SelectionSet{op.SelectionSet}); w.over() {
			return w.m
		}
	}
	for _, f := range doc.Fragments {
		if w.node([]ast.SelectionSet{f.SelectionSet}); w.over() {
			return w.m
		}
	}
	return w.m
}

type documentWalker struct {
	doc    *ast.QueryDocument
	bound  int
	m      DocumentMeasures
	active map[string]bool // fragments being written out into the current place
}

func (w *documentWalker) over() bool { return w.m.Selections > w.bound }

// node measures one place of the response: sets are the selection sets
// merged there (a root, or the sets of every field answering to one key at
// the place above). Fields with one key here are paired with each other,
// and their own sets merge into the place below.
func (w *documentWalker) node(sets []ast.SelectionSet) {
	p := place{counts: map[string]int{}, below: map[string][]ast.SelectionSet{}}
	for _, set := range sets {
		if w.collect(set, &p); w.over() {
			return
		}
	}
	for _, key := range p.keys {
		n := p.counts[key]
		w.m.FieldPairs = add(w.m.FieldPairs, mul(n, n-1)/2)
	}
	for _, key := range p.keys {
		if below := p.below[key]; len(below) > 0 {
			if w.node(below); w.over() {
				return
			}
		}
	}
}

// place is the fields of one place of the response, by response key.
type place struct {
	keys   []string // in document order, for a deterministic walk
	counts map[string]int
	below  map[string][]ast.SelectionSet
}

// collect adds the fields of set to p, writing out fragments.
func (w *documentWalker) collect(set ast.SelectionSet, p *place) {
	for _, sel := range set {
		if w.over() {
			return // and so every caller, at once
		}
		w.m.Selections++
		switch s := sel.(type) {
		case *ast.Field:
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			if p.counts[key] == 0 {
				p.keys = append(p.keys, key)
			}
			p.counts[key]++
			if len(s.SelectionSet) > 0 {
				p.below[key] = append(p.below[key], s.SelectionSet)
			}
		case *ast.InlineFragment:
			w.collect(s.SelectionSet, p)
		case *ast.FragmentSpread:
			def := w.doc.Fragments.ForName(s.Name)
			if def == nil || w.active[s.Name] {
				continue // unknown or a cycle: validation refuses both
			}
			w.active[s.Name] = true
			w.collect(def.SelectionSet, p)
			delete(w.active, s.Name)
		}
	}
}
