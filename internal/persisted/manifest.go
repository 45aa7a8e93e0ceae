package persisted

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaylab/teacher-bff/internal/operations"
)

// Document is one trusted document: the exact text a client sends (Body),
// under the id a manifest gives it (ID, usually Hash(Body)).
type Document struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"` // query | mutation | subscription
	Body string `json:"body"`
}

// check validates d against schema and fills in Name and Type from the
// body: a trusted document is one named operation with its fragments.
func (d *Document) check(schema *ast.Schema) error {
	// nil: the validator's default rules, as the server validates.
	doc, errs := gqlparser.LoadQueryWithRules(schema, d.Body, nil)
	if len(errs) > 0 {
		return fmt.Errorf("document %s does not validate: %w", d.ID, errs)
	}
	if len(doc.Operations) != 1 || doc.Operations[0].Name == "" {
		return fmt.Errorf("document %s must hold exactly one named operation", d.ID)
	}
	op := doc.Operations[0]
	if d.Name != "" && d.Name != op.Name {
		return fmt.Errorf("document %s is listed as %s but its operation is %s", d.ID, d.Name, op.Name)
	}
	d.Name, d.Type = op.Name, string(op.Operation)
	return nil
}

// Manifest formats WriteManifest writes and ReadManifest reads.
const (
	// FormatApollo is Apollo's persisted query manifest, as
	// @apollo/generate-persisted-query-manifest writes it:
	// {"format":"apollo-persisted-query-manifest","version":1,
	// "operations":[{"id","name","type","body"}]}, bodies as Apollo Client
	// sends them (with __typename), ids their SHA-256.
	FormatApollo = "apollo"
	// FormatCodegen is GraphQL Code Generator's client-preset persisted
	// documents (persisted-documents.json): {"<id>": "<body>"}. Written with
	// bodies as urql sends them and SHA-256 ids, so urql's
	// persistedExchange with its default hash finds every one.
	FormatCodegen = "codegen"
)

// apolloFormat is the format field of an Apollo manifest (version 1).
const apolloFormat = "apollo-persisted-query-manifest"

// maxManifestBytes bounds a manifest file: a frontend's operations, not a
// dump.
const maxManifestBytes = 16 << 20

// ReadManifest reads a manifest file in either format (told apart by the
// Apollo manifest's "format" field) and returns its documents, each under
// the id the manifest gives it. Ids are taken as given (Code Generator
// hashes with SHA-1 unless told otherwise): the document is also found by
// its SHA-256 once registered.
func ReadManifest(path string) ([]Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("persisted: manifest: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("persisted: manifest %s: %w", path, err)
	}
	if len(raw) > maxManifestBytes {
		return nil, fmt.Errorf("persisted: manifest %s is larger than %d bytes", path, maxManifestBytes)
	}
	docs, err := parseManifest(raw)
	if err != nil {
		return nil, fmt.Errorf("persisted: manifest %s: %w", path, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("persisted: manifest %s lists no documents", path)
	}
	return docs, nil
}

func parseManifest(raw []byte) ([]Document, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if _, ok := probe["format"]; ok {
		var m struct {
			Format     string     `json:"format"`
			Version    int        `json:"version"`
			Operations []Document `json:"operations"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("apollo manifest: %w", err)
		}
		if m.Format != apolloFormat || m.Version != 1 {
			return nil, fmt.Errorf("format %q version %d: want %q version 1", m.Format, m.Version, apolloFormat)
		}
		for i, d := range m.Operations {
			if d.ID == "" || d.Body == "" {
				return nil, fmt.Errorf("apollo manifest: operation %d has no id or body", i)
			}
		}
		return m.Operations, nil
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("neither an Apollo manifest nor a {id: body} object: %w", err)
	}
	docs := make([]Document, 0, len(m))
	for id, body := range m {
		docs = append(docs, Document{ID: id, Body: body})
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	return docs, nil
}

// WriteManifest writes ops (as operations.Load returns them) as a manifest
// in format (FormatApollo or FormatCodegen), sorted by operation name:
// what a frontend build gives its client, and BFF_TRUSTED_DOCUMENTS reads.
// The apollo form is byte for byte what Apollo's generator writes for the
// same files.
func WriteManifest(w io.Writer, ops []operations.Operation, format string) error {
	sorted := append([]operations.Operation(nil), ops...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var out any
	switch format {
	case FormatApollo:
		m := struct {
			Format     string     `json:"format"`
			Version    int        `json:"version"`
			Operations []Document `json:"operations"`
		}{Format: apolloFormat, Version: 1, Operations: []Document{}}
		for _, op := range sorted {
			m.Operations = append(m.Operations, Document{ID: Hash(op.ClientDocument), Name: op.Name, Type: op.Type, Body: op.ClientDocument})
		}
		out = m
	case FormatCodegen:
		m := map[string]string{}
		for _, op := range sorted {
			body := urqlText(op.ClientDocument)
			m[Hash(body)] = body
		}
		out = m
	default:
		return fmt.Errorf("persisted: manifest format %q: want %q or %q", format, FormatApollo, FormatCodegen)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as JSON.stringify writes it
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("persisted: manifest: %w", err)
	}
	// No final line break, as JSON.stringify: the apollo form is then
	// byte for byte the generator's file.
	if _, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
		return fmt.Errorf("persisted: write manifest: %w", err)
	}
	return nil
}
