package persisted

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/essaylab/teacher-bff/internal/gqlerr"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/operations"
)

// Trusted is the trusted-documents mode: registered with srv.Use, it lets
// through only requests for documents registered by LoadTrusted, so a
// stolen token cannot run arbitrary queries. A request passes when
//
//   - its extensions.persistedQuery.sha256Hash names a registered document
//     (Apollo's protocol: the query may then be absent, or must be that
//     document), and the document is filled in as the query;
//   - or its query is a registered document, byte for byte once leading
//     and trailing white space is trimmed: the text as printed (the body
//     in WriteManifest), not the source file's formatting of it;
//   - or, with AllowByName, it names a registered operation in
//     operationName and sends no query at all.
//
// Anything else is refused with gqlerr.CodePersistedQueryNotAllowed before
// gqlgen parses it.
// Register Trusted before extension.AutomaticPersistedQuery, or APQ stores
// ad-hoc documents (which Trusted then refuses) before Trusted sees them.
type Trusted struct {
	// AllowByName lets clients send only the operation name. Off by
	// default: a name says nothing about the version of the document the
	// client was built with.
	AllowByName bool

	byHash map[string]document
	byText map[string]string // trimmed text → hash
	byName map[string]string // operation name → hash
}

type document struct {
	name, kind, text string
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*Trusted)(nil)

// LoadTrusted registers every operation of the .graphql files in dir
// (fragments may sit in files of their own) as the self-contained document
// internal/operations prints, under its Hash and its name.
func LoadTrusted(schema *ast.Schema, dir string) (*Trusted, error) {
	ops, err := operations.Load(schema, dir)
	if err != nil {
		return nil, fmt.Errorf("persisted: %w", err)
	}
	t := &Trusted{byHash: map[string]document{}, byText: map[string]string{}, byName: map[string]string{}}
	for _, op := range ops {
		doc, errs := gqlparser.LoadQuery(schema, op.Document)
		if len(errs) > 0 {
			return nil, fmt.Errorf("persisted: %s as printed: %w", op.Name, errs)
		}
		h := Hash(op.Document)
		t.byHash[h] = document{name: op.Name, kind: string(doc.Operations[0].Operation), text: op.Document}
		t.byText[strings.TrimSpace(op.Document)] = h
		t.byName[op.Name] = h
	}
	return t, nil
}

// ExtensionName implements graphql.HandlerExtension.
func (t *Trusted) ExtensionName() string { return "TrustedDocuments" }

// Validate implements graphql.HandlerExtension: every registered document
// must validate against the schema the server serves, so a drift between
// the two stops the server at start rather than failing requests.
func (t *Trusted) Validate(schema graphql.ExecutableSchema) error {
	for h, d := range t.byHash {
		if _, errs := gqlparser.LoadQuery(schema.Schema(), d.text); len(errs) > 0 {
			return fmt.Errorf("persisted: trusted document %s (%s) does not validate: %w", d.name, h, errs)
		}
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (t *Trusted) MutateOperationParameters(_ context.Context, params *graphql.RawParams) *gqlerror.Error {
	hash, err := persistedHash(params.Extensions)
	if err != nil {
		return notAllowed(err.Error())
	}
	query := strings.TrimSpace(params.Query)
	switch {
	case hash != "":
		d, ok := t.byHash[hash]
		if !ok {
			return notAllowed("persisted query " + hash + " is not a registered document")
		}
		if query != "" && query != strings.TrimSpace(d.text) {
			return notAllowed("the query is not the registered document " + hash)
		}
		params.Query = d.text
	case query != "":
		h, ok := t.byText[query]
		if !ok {
			return notAllowed("the query is not a registered document")
		}
		// The registered text, so every client's request hits the same
		// entry of gqlgen's parsed-query cache.
		params.Query = t.byHash[h].text
	case t.AllowByName && params.OperationName != "":
		h, ok := t.byName[params.OperationName]
		if !ok {
			return notAllowed("operation " + params.OperationName + " is not registered")
		}
		params.Query = t.byHash[h].text
	default:
		return notAllowed("the request names no registered document")
	}
	return nil
}

// persistedHash reads extensions.persistedQuery.sha256Hash; "" without it.
func persistedHash(ext map[string]any) (string, error) {
	pq, ok := ext["persistedQuery"]
	if !ok || pq == nil {
		return "", nil
	}
	m, ok := pq.(map[string]any)
	if !ok {
		return "", fmt.Errorf("extensions.persistedQuery must be an object")
	}
	h, ok := m["sha256Hash"].(string)
	if !ok || h == "" {
		return "", fmt.Errorf("extensions.persistedQuery.sha256Hash must be a string")
	}
	return h, nil
}

func notAllowed(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(gqlerr.CodePersistedQueryNotAllowed)}}
}

// Manifest returns the hash of each registered operation by name, for the
// frontend's build to send hashes instead of documents.
func (t *Trusted) Manifest() map[string]string {
	out := make(map[string]string, len(t.byName))
	for name, h := range t.byName {
		out[name] = h
	}
	return out
}

// WriteManifest writes the registered documents as an Apollo persisted
// query manifest (the format of @apollo/generate-persisted-query-manifest),
// sorted by name: what a frontend build or a router needs to send or check
// hashes, and the exact text each hash is of.
func (t *Trusted) WriteManifest(w io.Writer) error {
	type entry struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Body string `json:"body"`
	}
	m := struct {
		Format     string  `json:"format"`
		Version    int     `json:"version"`
		Operations []entry `json:"operations"`
	}{Format: "apollo-persisted-query-manifest", Version: 1, Operations: []entry{}}
	for h, d := range t.byHash {
		m.Operations = append(m.Operations, entry{ID: h, Name: d.name, Type: d.kind, Body: d.text})
	}
	sort.Slice(m.Operations, func(i, j int) bool { return m.Operations[i].Name < m.Operations[j].Name })
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}
