package persisted

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/operations"
)

// Trusted is the trusted-documents mode (persisted documents as an
// allow-list): registered with srv.Use, it lets through only requests for
// documents registered by LoadTrusted, so a stolen token cannot run
// arbitrary queries. A request passes when
//
//   - its extensions.persistedQuery.sha256Hash names a registered document
//     (the protocol of Apollo Client's persisted-queries link and urql's
//     persistedExchange: the query may then be absent, or must be that
//     document), and the document is filled in as the query;
//   - or its query is a registered document, token for token: comments,
//     commas and white space do not count, so the text Apollo Client,
//     urql or curl sends of one document all match;
//   - or, with AllowByName, it names a registered operation in
//     operationName and sends no query at all.
//
// A document's ids are its manifest id, the SHA-256 of its body and the
// SHA-256 of the body as urql sends it (urql's stringifyDocument keeps no
// blank line between definitions): each client's hash of the text it
// sends finds it. Anything else is refused with
// gqlerr.CodePersistedQueryNotAllowed before gqlgen parses it. Register
// Trusted before extension.AutomaticPersistedQuery, or APQ stores ad-hoc
// documents (which Trusted then refuses) before Trusted sees them.
type Trusted struct {
	// AllowByName lets clients send only the operation name. Off by
	// default: a name says nothing about the version of the document the
	// client was built with.
	AllowByName bool

	byID   map[string]*Document
	byText map[string]*Document // tokens (see tokens) → document
	byName map[string]*Document // operation name → its first document
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*Trusted)(nil)

// LoadTrusted registers the documents at path (BFF_TRUSTED_DOCUMENTS):
//
//   - a manifest file (ReadManifest: Apollo's persisted-query manifest or
//     GraphQL Code Generator's persisted documents), each entry under its id;
//   - or a directory of .graphql files (fragments may sit in files of their
//     own), each operation with the fragments it uses, both as Apollo
//     Client and urql send it (ClientDocument, with __typename) and as
//     written (Document, what curl sends).
//
// Every document must validate against schema.
func LoadTrusted(schema *ast.Schema, path string) (*Trusted, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("persisted: trusted documents: %w", err)
	}
	var docs []Document
	if info.IsDir() {
		ops, err := operations.Load(schema, path)
		if err != nil {
			return nil, fmt.Errorf("persisted: %w", err)
		}
		for _, op := range ops {
			docs = append(docs,
				Document{ID: Hash(op.ClientDocument), Name: op.Name, Type: op.Type, Body: op.ClientDocument},
				Document{ID: Hash(op.Document), Name: op.Name, Type: op.Type, Body: op.Document})
		}
	} else if docs, err = ReadManifest(path); err != nil {
		return nil, err
	}
	t := &Trusted{byID: map[string]*Document{}, byText: map[string]*Document{}, byName: map[string]*Document{}}
	for i := range docs {
		if err := t.register(schema, &docs[i]); err != nil {
			return nil, fmt.Errorf("persisted: %s: %w", path, err)
		}
	}
	return t, nil
}

// register checks d against schema (filling in its name and type) and
// indexes it by its ids, its tokens and its name.
func (t *Trusted) register(schema *ast.Schema, d *Document) error {
	if err := d.check(schema); err != nil {
		return err
	}
	for _, id := range []string{d.ID, Hash(d.Body), Hash(urqlText(d.Body))} {
		if other, ok := t.byID[id]; ok && other.Body != d.Body {
			return fmt.Errorf("id %s names two different documents (%s and %s)", id, other.Name, d.Name)
		}
		t.byID[id] = d
	}
	t.byText[tokens(d.Body)] = d
	if _, ok := t.byName[d.Name]; !ok {
		t.byName[d.Name] = d
	}
	return nil
}

// ExtensionName implements graphql.HandlerExtension.
func (t *Trusted) ExtensionName() string { return "TrustedDocuments" }

// Validate implements graphql.HandlerExtension: every registered document
// must validate against the schema the server serves, so a drift between
// the two stops the server at start rather than failing requests.
func (t *Trusted) Validate(schema graphql.ExecutableSchema) error {
	for _, d := range t.byID {
		if err := d.check(schema.Schema()); err != nil {
			return fmt.Errorf("persisted: trusted document %s (%s): %w", d.Name, d.ID, err)
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
	switch {
	case hash != "":
		d, ok := t.byID[hash]
		if !ok {
			return notAllowed("persisted query " + hash + " is not a registered document")
		}
		if strings.TrimSpace(params.Query) != "" && tokens(params.Query) != tokens(d.Body) {
			return notAllowed("the query is not the registered document " + hash)
		}
		params.Query = d.Body
		// Resolved: the hash may be a manifest id or of another client's
		// text, which the APQ extension after this one would refuse as
		// not the hash of the query.
		delete(params.Extensions, "persistedQuery")
	case strings.TrimSpace(params.Query) != "":
		d, ok := t.byText[tokens(params.Query)]
		if !ok {
			return notAllowed("the query is not a registered document")
		}
		// The registered text, so every client's request hits the same
		// entry of gqlgen's parsed-query cache.
		params.Query = d.Body
	case t.AllowByName && params.OperationName != "":
		d, ok := t.byName[params.OperationName]
		if !ok {
			return notAllowed("operation " + params.OperationName + " is not registered")
		}
		params.Query = d.Body
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

// IDs returns the id of each registered operation by name (of its first
// document: with a directory, the one Apollo Client and urql send).
func (t *Trusted) IDs() map[string]string {
	out := make(map[string]string, len(t.byName))
	for name, d := range t.byName {
		out[name] = d.ID
	}
	return out
}
