// Package incremental makes the payloads of an operation with @defer what
// the DeferStream RFC says they are: a deferred field is absent from every
// payload before the one that delivers it.
//
// # The rule
//
// graphql/graphql-wg rfcs/DeferStream.md (the 2022-08-24 version, which
// Apollo Client's `deferSpec=20220824` names; "Payload format"): the first
// payload has the shape of a standard response, and fields requested only in
// a deferred fragment are not present in it; each later payload delivers a
// fragment's data at its path. "Server requirements" lets a server deliver
// deferred data early, so clients must accept a field that was deferred but
// came at once.
//
// # What gqlgen does
//
// gqlgen v0.17.98 (graphql.(*FieldSet).ResolveConcurrently) holds back a
// deferred field it resolves concurrently (a resolver, or a model method
// taking a context) and writes null in its place; the later payload carries
// its value. Apollo Client and urql merge that null into their result and
// show "no value" until the payload comes. Every other field in a deferred
// fragment (a plain struct field, __typename) is resolved at once and written
// in the earlier payload with its value, and not in a later one: the RFC's
// early delivery.
//
// # What this package does
//
// Pruner.Prune walks a payload's data with the operation's selection sets,
// collected by gqlgen's own graphql.CollectFields (so a field selected both
// inside and outside a @defer, `@defer(if: false)`, labels, spread fragments
// and nested @defer count exactly as the executor counted them), and drops
// each key the executor held back: a field it collected as deferred
// (CollectedField.IsDeferred) that it resolves concurrently (graph.HeldBack,
// generated from gqlgen's codegen data). The other keys keep their order and
// bytes. A later payload's own fields (its data at its path) are the
// delivered values and stay; the objects inside them are walked like the
// first payload, for the placeholders of @defer nested in the fragment. A
// later payload's path is followed through the selection sets, not through
// earlier data: gqlgen may send a nested fragment's payload before the one
// that delivers its path.
//
// An operation in which nothing was deferred costs nothing: gqlgen sets
// hasNext only when a @defer took effect, and a payload without it is
// returned untouched.
package incremental

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// HeldBack reports whether the executor holds field of object back for a
// later payload when a @defer covers it (graph.HeldBack).
type HeldBack func(object, field string) bool

// Pruner drops the placeholders of deferred fields from payloads of
// operations on one schema.
type Pruner struct {
	schema   *ast.Schema
	heldBack HeldBack
}

// New returns a Pruner for schema, whose executor holds back what heldBack
// says.
//
// The walk names each object's type from the schema: a field of interface
// or union type would need the object's runtime type (its __typename,
// which a client need not select), so New refuses a schema with abstract
// output types rather than leave their placeholders in place.
func New(schema *ast.Schema, heldBack HeldBack) (*Pruner, error) {
	if schema == nil || heldBack == nil {
		return nil, errors.New("incremental: a schema and a HeldBack are required")
	}
	for _, def := range schema.Types {
		if def.BuiltIn {
			continue
		}
		if def.Kind == ast.Interface || def.Kind == ast.Union {
			return nil, fmt.Errorf("incremental: %s %s: abstract types are not supported (the object's type is not known from the data)", def.Kind, def.Name)
		}
	}
	return &Pruner{schema: schema, heldBack: heldBack}, nil
}

// Middleware is a gqlgen response middleware (handler.Server.AroundResponses)
// that prunes every payload of every transport. A payload that cannot be
// walked (which would be a bug: the executor wrote it from the same
// selection sets) is sent as gqlgen wrote it, still a valid payload, and
// logged.
func (p *Pruner) Middleware(log *slog.Logger) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil || resp.HasNext == nil {
			return resp
		}
		if err := p.Prune(graphql.GetOperationContext(ctx), resp); err != nil {
			log.ErrorContext(ctx, "deferred fields left in place", slog.String("error", err.Error()))
		}
		return resp
	}
}

// Prune drops from resp.Data the keys of the fields the executor held back
// for a later payload, for the operation of rc. resp is gqlgen's: the first
// payload has no Path; a later one has the Path and Label of one deferred
// fragment and its fields' values as Data. A payload without HasNext (no
// @defer took effect) and one without data (an error nulled the fragment)
// are left as they are. On error resp is unchanged.
func (p *Pruner) Prune(rc *graphql.OperationContext, resp *graphql.Response) error {
	if resp == nil || resp.HasNext == nil || len(resp.Data) == 0 || bytes.Equal(resp.Data, null) {
		return nil
	}
	if rc == nil || rc.Operation == nil {
		return errors.New("incremental: no operation")
	}
	typ := p.rootType(rc.Operation.Operation)
	if typ == nil {
		return fmt.Errorf("incremental: the schema has no %s type", rc.Operation.Operation)
	}
	w := walker{p: p, rc: rc}
	sel := rc.Operation.SelectionSet
	first := resp.Path == nil
	for _, el := range resp.Path {
		key, ok := el.(ast.PathName)
		if !ok {
			continue // a list index: the same field's items
		}
		f := w.field(typ, sel, string(key))
		if f == nil {
			return fmt.Errorf("incremental: path %s: no field %q on %s", resp.Path, string(key), typ.Name)
		}
		if typ = p.schema.Types[f.Definition.Type.Name()]; typ == nil {
			return fmt.Errorf("incremental: path %s: unknown type %s", resp.Path, f.Definition.Type.Name())
		}
		sel = f.Selections
	}
	// A later payload's own keys are the fragment's delivered fields.
	data, changed, err := w.object(resp.Data, typ, sel, first)
	if err != nil {
		return fmt.Errorf("incremental: %w", err)
	}
	if changed {
		resp.Data = data
	}
	return nil
}

var null = []byte("null")

func (p *Pruner) rootType(op ast.Operation) *ast.Definition {
	switch op {
	case ast.Query:
		return p.schema.Query
	case ast.Mutation:
		return p.schema.Mutation
	case ast.Subscription:
		return p.schema.Subscription
	}
	return nil
}

// walker walks the payloads of one operation.
type walker struct {
	p  *Pruner
	rc *graphql.OperationContext
}

// collect is what the executor collected for an object of typ: the same
// call, with the same satisfies (the type and what it implements), as the
// generated code makes, so it also hits the operation's cache.
func (w walker) collect(typ *ast.Definition, sel ast.SelectionSet) []graphql.CollectedField {
	satisfies := []string{typ.Name}
	for _, d := range w.p.schema.GetImplements(typ) {
		satisfies = append(satisfies, d.Name)
	}
	return graphql.CollectFields(w.rc, sel, satisfies)
}

// field is the collected field of an object of typ at response key key.
func (w walker) field(typ *ast.Definition, sel ast.SelectionSet, key string) *graphql.CollectedField {
	return byKey(w.collect(typ, sel), key)
}

// byKey is the field of fields at response key key (its alias, or its name
// when it has none), nil when none is.
func byKey(fields []graphql.CollectedField, key string) *graphql.CollectedField {
	for i := range fields {
		if fields[i].Alias == key {
			return &fields[i]
		}
	}
	return nil
}

// object returns raw, an object of typ selected by sel, without the keys
// held back when prune is set, and with its nested objects walked; changed
// is false when nothing was dropped (raw is returned as it is).
func (w walker) object(raw json.RawMessage, typ *ast.Definition, sel ast.SelectionSet, prune bool) (json.RawMessage, bool, error) {
	if bytes.Equal(raw, null) {
		return raw, false, nil
	}
	fields := w.collect(typ, sel)
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false, fmt.Errorf("%s: not an object", typ.Name)
	}
	out := bytes.NewBuffer(make([]byte, 0, len(raw)))
	out.WriteByte('{')
	changed, n := false, 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", typ.Name, err)
		}
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false, fmt.Errorf("%s.%s: %w", typ.Name, key, err)
		}
		f := byKey(fields, key)
		if f == nil {
			return nil, false, fmt.Errorf("%s: no field at key %q", typ.Name, key)
		}
		if prune && f.IsDeferred() && w.p.heldBack(typ.Name, f.Name) {
			changed = true
			continue
		}
		if len(f.Selections) > 0 {
			ft := w.p.schema.Types[f.Definition.Type.Name()]
			if ft == nil {
				return nil, false, fmt.Errorf("%s.%s: unknown type %s", typ.Name, key, f.Definition.Type.Name())
			}
			v, c, err := w.value(value, ft, f.Selections)
			if err != nil {
				return nil, false, fmt.Errorf("%s.%s: %w", typ.Name, key, err)
			}
			value, changed = v, changed || c
		}
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		k, _ := json.Marshal(key)
		out.Write(k)
		out.WriteByte(':')
		out.Write(value)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false, fmt.Errorf("%s: not a whole object", typ.Name)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, fmt.Errorf("%s: data after the object", typ.Name)
	}
	if !changed {
		return raw, false, nil
	}
	out.WriteByte('}')
	return out.Bytes(), true, nil
}

// value walks the value of a field of object type typ: null, an object, or
// a list (of lists) of them.
func (w walker) value(raw json.RawMessage, typ *ast.Definition, sel ast.SelectionSet) (json.RawMessage, bool, error) {
	switch {
	case len(raw) == 0 || bytes.Equal(raw, null):
		return raw, false, nil
	case raw[0] == '{':
		return w.object(raw, typ, sel, true)
	case raw[0] != '[':
		return nil, false, fmt.Errorf("%s: neither an object nor a list", typ.Name)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, false, fmt.Errorf("%s: %w", typ.Name, err)
	}
	changed := false
	for i, item := range items {
		v, c, err := w.value(item, typ, sel)
		if err != nil {
			return nil, false, err
		}
		items[i], changed = v, changed || c
	}
	if !changed {
		return raw, false, nil
	}
	// By hand: json.Marshal would escape the items' HTML characters.
	out := bytes.NewBuffer(make([]byte, 0, len(raw)))
	out.WriteByte('[')
	for i, item := range items {
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(item)
	}
	out.WriteByte(']')
	return out.Bytes(), true, nil
}
