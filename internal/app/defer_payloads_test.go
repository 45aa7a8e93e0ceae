package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// deferPayload is one payload of an incremental answer, whatever the
// transport: the first has no path.
type deferPayload struct {
	Data    map[string]any
	Path    []any
	Label   string
	Errors  []testenv.Error
	HasNext *bool
}

// deferPayloads runs query with vars over transport (multipart/mixed,
// text/event-stream or graphql-transport-ws) and returns its payloads.
func deferPayloads(t *testing.T, env *testenv.Env, query string, vars map[string]any, transport string) []deferPayload {
	t.Helper()
	var out []deferPayload
	decode := func(raw []byte, into any) {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		require.NoError(t, d.Decode(into), "%s", raw)
	}
	if transport == "graphql-transport-ws" {
		// gqlgen's payloads, one next message each.
		c := env.DialWS(t, transport, nil)
		c.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
		c.Subscribe("subscribe", "1", query, vars)
		for {
			m, err := c.Read(5 * time.Second)
			require.NoError(t, err)
			if m.Type == "complete" {
				return out
			}
			require.Equal(t, "next", m.Type, "%s", m.Payload)
			var p deferPayload
			decode(m.Payload, &p)
			out = append(out, p)
		}
	}
	media := transport
	resp, body := postOperation(t, env, query, vars, media)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Contains(t, resp.Header.Get("Content-Type"), media, "%s", body)
	if media == "multipart/mixed" {
		for i, p := range readParts(t, resp, body) {
			if i == 0 {
				var data map[string]any
				decode(p.Data, &data)
				out = append(out, deferPayload{Data: data, Errors: p.Errors, HasNext: p.HasNext})
				continue
			}
			require.Len(t, p.Incremental, 1, "one fragment a part")
			inc := p.Incremental[0]
			var data map[string]any
			decode(inc.Data, &data)
			out = append(out, deferPayload{Data: data, Path: inc.Path, Label: inc.Label, Errors: inc.Errors, HasNext: p.HasNext})
		}
		return out
	}
	// The event stream sends gqlgen's payloads as next events.
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var p deferPayload
		decode([]byte(line), &p)
		out = append(out, p)
	}
	return out
}

// at returns the value at the dotted path of v ("*": every item of a
// list), and whether the last key of every branch is there.
func at(v any, path []string) (found []any, present bool) {
	if len(path) == 0 {
		return []any{v}, true
	}
	present = true
	switch x := v.(type) {
	case map[string]any:
		next, ok := x[path[0]]
		if !ok {
			return nil, false
		}
		return at(next, path[1:])
	case []any:
		if path[0] != "*" {
			return nil, false
		}
		for _, item := range x {
			f, ok := at(item, path[1:])
			found = append(found, f...)
			present = present && ok
		}
		return found, present && len(x) > 0
	}
	return nil, false
}

// has reports whether any branch of v holds the dotted path.
func has(v any, path string) bool {
	keys := strings.Split(path, ".")
	switch x := v.(type) {
	case map[string]any:
		next, ok := x[keys[0]]
		return ok && (len(keys) == 1 || has(next, strings.Join(keys[1:], ".")))
	case []any:
		for _, item := range x {
			if keys[0] == "*" && (len(keys) == 1 || has(item, strings.Join(keys[1:], "."))) {
				return true
			}
		}
	}
	return false
}

// merge puts a later payload's data into the result at its path, as a
// client does; false when the path is not in the result (yet).
func merge(t *testing.T, result map[string]any, p deferPayload) bool {
	t.Helper()
	var target any = result
	for _, el := range p.Path {
		switch key := el.(type) {
		case string:
			obj, ok := target.(map[string]any)
			if !ok {
				return false
			}
			target = obj[key]
		case json.Number, float64: // an index, as the event stream's and readParts' decoders read it
			i, err := strconv.Atoi(fmt.Sprint(key))
			require.NoError(t, err)
			list, ok := target.([]any)
			if !ok || i >= len(list) {
				return false
			}
			target = list[i]
		default:
			t.Fatalf("path element %#v", el)
		}
	}
	obj, ok := target.(map[string]any)
	if !ok {
		return false
	}
	for k, v := range p.Data {
		obj[k] = v
	}
	return true
}

var deferDirective = regexp.MustCompile(`@defer(\([^)]*\))?`)

// Each deferred field the executor holds back is absent from every payload
// before the one that delivers it, over multipart/mixed, the event stream
// and the WebSocket alike; the other fields of a deferred fragment come at once; and
// the payloads merged as a client merges them are the query's result
// without @defer. Real executor, real upstreams.
func TestDeferredFieldsAbsentUntilDelivered(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		plain    string // the query without @defer, when dropping the directives does not make it
		fault    func(*devstack.Stack)
		payloads int
		// absent and present are dotted paths, by payload: "initial", or
		// a later payload's label.
		absent  map[string][]string
		present map[string][]string
		errorAt []any // a later payload's error path
	}{
		{
			name:     "a resolver field",
			query:    `{ viewer { id ... @defer(label: "c") { credits { userBalance orgBalance } } } }`,
			payloads: 2,
			absent:   map[string][]string{"initial": {"viewer.credits"}},
			present:  map[string][]string{"initial": {"viewer.id"}, "c": {"credits.userBalance"}},
		},
		{
			name:     "plain fields of a deferred fragment come at once, and once",
			query:    `{ viewer { ... @defer(label: "c") { id orgId credits { userBalance } } } }`,
			payloads: 2,
			absent:   map[string][]string{"initial": {"viewer.credits"}, "c": {"id", "orgId"}},
			present:  map[string][]string{"initial": {"viewer.id", "viewer.orgId"}, "c": {"credits"}},
		},
		{
			name:     "a field selected inside and outside a @defer",
			query:    `{ viewer { credits { userBalance } ... @defer(label: "n") { credits { orgBalance } batchCounts { all } } } }`,
			payloads: 2,
			absent:   map[string][]string{"initial": {"viewer.batchCounts"}, "n": {"credits"}},
			present:  map[string][]string{"initial": {"viewer.credits.userBalance", "viewer.credits.orgBalance"}},
		},
		{
			name:     "@defer(if: false) beside one that defers",
			query:    `query ($d: Boolean!) { viewer { ... @defer(if: $d) { credits { userBalance } } ... @defer(label: "n") { batchCounts { all } } } }`,
			vars:     map[string]any{"d": false},
			plain:    `{ viewer { credits { userBalance } batchCounts { all } } }`,
			payloads: 2,
			absent:   map[string][]string{"initial": {"viewer.batchCounts"}},
			present:  map[string][]string{"initial": {"viewer.credits.userBalance"}},
		},
		{
			name: "a deferred fragment spread, aliased",
			query: `query { me: viewer { id ...Money @defer(label: "money") } }
				fragment Money on Teacher { org: orgId balance: credits { userBalance } }`,
			payloads: 2,
			absent:   map[string][]string{"initial": {"me.balance"}},
			present:  map[string][]string{"initial": {"me.org"}, "money": {"balance.userBalance"}},
		},
		{
			name:     "a @defer in every item of a list",
			query:    `{ viewer { batches(limit: 3) { nodes { id ... @defer(label: "v") { validation { deviationCount } class { name } } } } } }`,
			payloads: 4,
			absent:   map[string][]string{"initial": {"viewer.batches.nodes.*.validation", "viewer.batches.nodes.*.class"}},
			present:  map[string][]string{"initial": {"viewer.batches.nodes.*.id"}, "v": {"validation", "class"}},
		},
		{
			name: "nested @defer",
			query: `{ viewer { id ... @defer(label: "outer") { batches(limit: 2) { totalCount nodes { id
				... @defer(label: "inner") { class { name } } } } } } }`,
			payloads: 4,
			absent:   map[string][]string{"initial": {"viewer.batches"}, "outer": {"batches.nodes.*.class"}},
			present:  map[string][]string{"outer": {"batches.totalCount", "batches.nodes.*.id"}, "inner": {"class"}},
		},
		{
			name:  "an error in a deferred payload",
			query: `{ viewer { id ... @defer(label: "c") { credits { userBalance } } } }`,
			fault: func(s *devstack.Stack) {
				s.Entitlements.SetFault(devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 500})
			},
			payloads: 2,
			absent:   map[string][]string{"initial": {"viewer.credits"}},
			present:  map[string][]string{"c": {"credits"}},
			errorAt:  []any{"viewer", "credits"},
		},
	}
	env := testenv.Start(t)
	token := env.Token(t, devstack.TeacherWithOrg)
	for _, tt := range tests {
		for _, transport := range []string{"multipart/mixed", "text/event-stream", "graphql-transport-ws"} {
			t.Run(tt.name+" over "+transport, func(t *testing.T) {
				env.Stack.Entitlements.SetFault(devstack.Fault{})
				if tt.fault != nil {
					tt.fault(env.Stack)
					t.Cleanup(func() { env.Stack.Entitlements.SetFault(devstack.Fault{}) })
				}
				plainQuery := tt.plain
				if plainQuery == "" {
					plainQuery = deferDirective.ReplaceAllString(tt.query, "")
				}
				plain := env.Do(t, testenv.Request{Query: plainQuery, Token: token}, nil)

				payloads := deferPayloads(t, env, tt.query, tt.vars, transport)
				require.Len(t, payloads, tt.payloads)
				for i, p := range payloads {
					require.NotNil(t, p.HasNext, "payload %d says whether more come", i)
					assert.Equal(t, i < len(payloads)-1, *p.HasNext, "payload %d", i)
				}
				result := payloads[0].Data
				assert.Empty(t, payloads[0].Errors)
				check := func(label string, data map[string]any) {
					for _, path := range tt.absent[label] {
						assert.False(t, has(data, path), "%s holds %s before it is delivered: %v", label, path, data)
					}
					for _, path := range tt.present[label] {
						_, ok := at(data, strings.Split(path, "."))
						assert.True(t, ok, "%s holds %s: %v", label, path, data)
					}
				}
				check("initial", result)
				var errs []testenv.Error
				pending := payloads[1:]
				for _, p := range pending {
					check(p.Label, p.Data)
					errs = append(errs, p.Errors...)
				}
				// gqlgen v0.17.98 may send a nested fragment's payload
				// before the one that delivers its path: merge each once
				// its path is there.
				for len(pending) > 0 {
					var later []deferPayload
					for _, p := range pending {
						if !merge(t, result, p) {
							later = append(later, p)
						}
					}
					require.Less(t, len(later), len(pending), "the paths of %v are never delivered", later)
					pending = later
				}
				got, _ := json.Marshal(result)
				assert.JSONEq(t, string(plain.Data), string(got), "merged, the payloads are the result without @defer")
				if tt.errorAt == nil {
					assert.Empty(t, errs)
				} else {
					require.Len(t, errs, 1)
					assert.Equal(t, tt.errorAt, errs[0].Path)
					require.Len(t, plain.Errors, 1, "the plain query fails the same field")
				}
			})
		}
	}
}
