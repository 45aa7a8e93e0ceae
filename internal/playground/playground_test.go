package playground

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var build = fstest.MapFS{
	"playground.js":    {Data: []byte("console.log('playground')")},
	"playground.css":   {Data: []byte("body{}")},
	"editor.worker.js": {Data: []byte("self.onmessage=()=>{}")},
	".gitkeep":         {Data: nil},
}

func options() Options {
	return Options{
		Title:    "Teacher BFF",
		Endpoint: "/graphql",
		Headers:  map[string]string{"Authorization": "Bearer token-1"},
		Tabs:     []Tab{{Name: "TeacherDashboard", Query: "query TeacherDashboard { viewer { id } }"}},
	}
}

func get(t *testing.T, h http.Handler, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// directives splits a Content-Security-Policy into its directives' source
// lists (CSP Level 3, "Parse a serialized CSP").
func directives(t *testing.T, csp string) map[string][]string {
	t.Helper()
	d := map[string][]string{}
	for _, part := range strings.Split(csp, ";") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		_, dup := d[fields[0]]
		require.False(t, dup, "directive %s twice in %s", fields[0], csp)
		d[fields[0]] = fields[1:]
	}
	return d
}

// getPage GETs the page h serves and checks what both pages share: HTML
// not to be cached, a nonce of 128 bits in base64url closing its CSP's
// style-src, no inline style and no token, and an icon of its own (a data:
// URL) so the browser does not ask for /favicon.ico. It returns the CSP's
// directives, the body and the nonce.
func getPage(t *testing.T, h http.Handler) (csp map[string][]string, body, nonce string) {
	t.Helper()
	resp, body := get(t, h, "/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	csp = directives(t, resp.Header.Get("Content-Security-Policy"))
	styles := csp["style-src"]
	require.NotEmpty(t, styles, "style-src")
	m := regexp.MustCompile(`^'nonce-([A-Za-z0-9_-]{22})'$`).FindStringSubmatch(styles[len(styles)-1])
	require.NotNil(t, m, "style-src: %q", styles)
	assert.NotContains(t, body, "style=", "no style attribute in the page")
	assert.NotContains(t, body, "<style", "no <style> element in the page")
	assert.NotContains(t, body, "token-1", "the token is not in the page")
	assert.Contains(t, body, `<link rel="icon" href="data:,">`, "an icon of its own, or the browser asks for /favicon.ico")
	assert.Contains(t, csp["img-src"], "data:", "the icon is a data: URL")
	return csp, body, m[1]
}

// The page's only script is the bundle, carrying the nonce of the
// response's CSP; <style> elements need the same nonce, and only style
// attributes are allowed inline. The nonce is new for every response, and
// the page itself has no inline style or script.
func TestPageCarriesAFreshNonce(t *testing.T) {
	h, err := newHandler(options(), build)
	require.NoError(t, err)
	require.True(t, h.Offline())

	nonceOf := func() string {
		csp, body, nonce := getPage(t, h)
		tests := map[string][]string{
			"default-src":    {"'self'"},
			"script-src":     {"'self'", "'nonce-" + nonce + "'"},
			"style-src":      {"'self'", "'nonce-" + nonce + "'"},
			"style-src-attr": {"'unsafe-inline'"},
			"object-src":     {"'none'"},
		}
		for name, want := range tests {
			assert.Equal(t, want, csp[name], name)
		}
		assert.NotContains(t, csp, "style-src-elem", "<style> elements fall back to style-src: nonce only")
		assert.NotContains(t, csp, "script-src-elem")
		scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1)
		require.Equal(t, []string{`<script type="module" src="/playground/playground.js" nonce="` + nonce + `">`}, scripts)
		return nonce
	}
	assert.NotEqual(t, nonceOf(), nonceOf())
}

// config.json carries the headers and tabs, and a revision that changes
// with them (a demo restart's new token), not between two requests.
func TestConfigRevisionFollowsTheContent(t *testing.T) {
	configOf := func(o Options) config {
		h, err := newHandler(o, build)
		require.NoError(t, err)
		resp, body := get(t, h, "/playground/config.json", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		var c config
		require.NoError(t, json.Unmarshal([]byte(body), &c))
		return c
	}
	first := configOf(options())
	assert.Equal(t, "/graphql", first.Endpoint)
	assert.Equal(t, map[string]string{"Authorization": "Bearer token-1"}, first.Headers)
	assert.Equal(t, options().Tabs, first.Tabs)
	assert.Len(t, first.Revision, 16)
	assert.Equal(t, first.Revision, configOf(options()).Revision, "same content, same revision")

	tests := map[string]func(*Options){
		"new token":     func(o *Options) { o.Headers = map[string]string{"Authorization": "Bearer token-2"} },
		"new operation": func(o *Options) { o.Tabs = append(o.Tabs, Tab{Name: "X", Query: "{ x }"}) },
		"new variables": func(o *Options) { o.Tabs[0].Variables = `{"limit": 2}` },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			o := options()
			change(&o)
			assert.NotEqual(t, first.Revision, configOf(o).Revision)
		})
	}
}

// The build, or the CDN page's own files where it is absent, are served
// with ETags: a browser revalidates and gets 304.
func TestAssetsRevalidate(t *testing.T) {
	offline, err := newHandler(options(), build)
	require.NoError(t, err)
	cdn, err := newHandler(options(), fstest.MapFS{".gitkeep": {}})
	require.NoError(t, err)
	staticFile := func(name string) string {
		b, err := static.ReadFile("static/" + name)
		require.NoError(t, err)
		return string(b)
	}
	buildFile := func(name string) string { return string(build[name].Data) }
	tests := []struct {
		name                      string
		h                         *Handler
		path, status, contentType string
		content                   func(string) string
	}{
		{"offline", offline, "/playground/playground.js", "200", "text/javascript; charset=utf-8", buildFile},
		{"offline", offline, "/playground/playground.css", "200", "text/css; charset=utf-8", buildFile},
		{"offline", offline, "/playground/editor.worker.js", "200", "text/javascript; charset=utf-8", buildFile},
		{"offline", offline, "/playground/.gitkeep", "404", "", nil},
		{"offline", offline, "/playground/missing.js", "404", "", nil},
		{"offline", offline, "/playground/dist/playground.js", "404", "", nil},
		{"offline", offline, "/playground/cdn.js", "404", "", nil},
		{"cdn", cdn, "/playground/cdn.js", "200", "text/javascript; charset=utf-8", staticFile},
		{"cdn", cdn, "/playground/setup.js", "200", "text/javascript; charset=utf-8", staticFile},
		{"cdn", cdn, "/playground/nonce.js", "200", "text/javascript; charset=utf-8", staticFile},
		{"cdn", cdn, "/playground/cdn.css", "200", "text/css; charset=utf-8", staticFile},
		{"cdn", cdn, "/playground/playground.js", "404", "", nil},
		{"cdn", cdn, "/playground/static/cdn.js", "404", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name+tt.path, func(t *testing.T) {
			resp, body := get(t, tt.h, tt.path, nil)
			require.Equal(t, tt.status, strings.Fields(resp.Status)[0], body)
			if tt.status != "200" {
				return
			}
			assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			assert.Equal(t, tt.content(strings.TrimPrefix(tt.path, AssetsPrefix)), body)
			etag := resp.Header.Get("ETag")
			require.Regexp(t, `^"[0-9a-f]{24}"$`, etag)
			again, body := get(t, tt.h, tt.path, http.Header{"If-None-Match": {etag}})
			assert.Equal(t, http.StatusNotModified, again.StatusCode)
			assert.Empty(t, body)
		})
	}
}

// Without the embedded build the page loads GraphiQL from jsDelivr: the
// pinned files, each with its integrity hash, then the BFF's own script,
// which carries the response's nonce and reads the same config.json as the
// offline page (the token and the tabs are not in the HTML). Its CSP allows
// exactly those scripts (no inline script, no eval, no other host), and
// <style> elements by the nonce, which is new for every response.
func TestCDNPage(t *testing.T) {
	h, err := newHandler(options(), fstest.MapFS{".gitkeep": {}})
	require.NoError(t, err)
	assert.False(t, h.Offline())

	nonceOf := func() string {
		csp, body, nonce := getPage(t, h)
		assert.NotContains(t, body, "TeacherDashboard", "the tabs are not in the page")
		tests := map[string][]string{
			"default-src": {"'self'"}, // fetch and the WebSocket: the BFF only
			"script-src":  {"'self'", string(cdnReact.URL), string(cdnReactDOM.URL), string(cdnGraphiQL.URL)},
			"style-src":   {"'self'", string(cdnGraphiQLCSS.URL), "'nonce-" + nonce + "'"},
			"object-src":  {"'none'"},
		}
		for name, want := range tests {
			assert.Equal(t, want, csp[name], name)
		}
		assert.NotContains(t, csp, "style-src-attr")

		scripts := regexp.MustCompile(`<script([^>]*)>([^<]*)</script>`).FindAllStringSubmatch(body, -1)
		require.Len(t, scripts, 4, body)
		for i, f := range []cdnFile{cdnReact, cdnReactDOM, cdnGraphiQL} {
			attrs := html.UnescapeString(scripts[i][1])
			assert.Contains(t, attrs, `src="`+string(f.URL)+`"`)
			assert.Contains(t, attrs, `integrity="`+f.SRI+`"`)
			assert.Contains(t, attrs, `crossorigin="anonymous"`, "SRI on a cross-origin script needs CORS")
			assert.Contains(t, attrs, " defer", "runs before the module script, in order")
			assert.NotContains(t, attrs, "nonce", "the page's one nonce is on its own script")
		}
		assert.Equal(t, ` type="module" src="/playground/cdn.js" nonce="`+nonce+`"`, scripts[3][1])
		for _, s := range scripts {
			assert.Empty(t, s[2], "no inline script")
		}
		assert.Contains(t, html.UnescapeString(body), `<link rel="stylesheet" href="`+string(cdnGraphiQLCSS.URL)+
			`" integrity="`+cdnGraphiQLCSS.SRI+`" crossorigin="anonymous">`)
		return nonce
	}
	assert.NotEqual(t, nonceOf(), nonceOf())

	// config.json is the offline page's, revision included.
	_, cfg := get(t, h, "/playground/config.json", nil)
	o, err := newHandler(options(), build)
	require.NoError(t, err)
	_, offlineCfg := get(t, o, "/playground/config.json", nil)
	assert.JSONEq(t, offlineCfg, cfg)
	var parsed config
	require.NoError(t, json.Unmarshal([]byte(cfg), &parsed))
	assert.Equal(t, options().Tabs, parsed.Tabs)
	assert.Equal(t, map[string]string{"Authorization": "Bearer token-1"}, parsed.Headers)

	// The script gives <style> elements the nonce first, then reads
	// config.json beside itself through the shared setup.
	_, js := get(t, h, "/playground/cdn.js", nil)
	assert.Regexp(t, `(?s)import './nonce.js';\s*import \{ start \} from './setup.js';`, js)
	assert.Contains(t, js, `new URL('config.json', import.meta.url)`)
}

// runSetup runs the ES module script with Node.js, static/setup.js's
// exports imported (import { … } from SETUP), stdin on its standard input
// and args as process.argv[1:]; it returns what the script writes. Skipped
// without node, failed in CI.
func runSetup(t *testing.T, script, stdin string, args ...string) []byte {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "the setup test needs node (" + err.Error() + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	setup, err := filepath.Abs("static/setup.js")
	require.NoError(t, err)
	script = strings.ReplaceAll(script, "SETUP", strconv.Quote((&url.URL{Scheme: "file", Path: setup}).String()))
	cmd := exec.Command(node, append([]string{"--input-type=module", "-e", script}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node: %s", &stderr)
	return out
}

// setup.js, which both pages run, turns config.json into GraphiQL's
// props: the operations as tabs with the headers filled in, queries over
// HTTP and subscriptions over WebSocket on the endpoint, and the editors
// opening on the first tab's contents when nothing is saved. Run with
// Node.js (skipped without it, failed in CI).
func TestSetupOpensTheConfiguredTabs(t *testing.T) {
	// props runs graphiqlSetup on the config.json the handler serves.
	props := func(t *testing.T, o Options, pageURL string) map[string]any {
		h, err := newHandler(o, fstest.MapFS{".gitkeep": {}})
		require.NoError(t, err)
		_, cfg := get(t, h, "/playground/config.json", nil)
		out := runSetup(t, `import { graphiqlSetup } from SETUP;
			let input = '';
			for await (const chunk of process.stdin) input += chunk;
			process.stdout.write(JSON.stringify(graphiqlSetup(JSON.parse(input), process.argv[1])));`, cfg, pageURL)
		var got map[string]any
		require.NoError(t, json.Unmarshal(out, &got), "%s", out)
		return got
	}

	headers := "{\n  \"Authorization\": \"Bearer token-1\"\n}"
	withVariables := options()
	withVariables.Tabs = append(withVariables.Tabs, Tab{Name: "BatchDetail", Query: "query BatchDetail($id: ID!) { batch(id: $id) { id } }", Variables: `{"id": "b-1"}`})
	noTabs := options()
	noTabs.Tabs = nil
	variablesFirst := options()
	variablesFirst.Tabs = append([]Tab{withVariables.Tabs[1]}, variablesFirst.Tabs...)
	tests := []struct {
		name      string
		o         Options
		pageURL   string
		fetcher   map[string]any
		tabs      []any
		toolsOpen any
		editors   map[string]any
	}{
		{"http", withVariables, "http://127.0.0.1:4101/", map[string]any{
			"url": "http://127.0.0.1:4101/graphql", "subscriptionUrl": "ws://127.0.0.1:4101/graphql",
		}, []any{
			map[string]any{"query": "query TeacherDashboard { viewer { id } }", "headers": headers},
			map[string]any{"query": "query BatchDetail($id: ID!) { batch(id: $id) { id } }", "variables": `{"id": "b-1"}`, "headers": headers},
		}, "variables", map[string]any{
			"query": "query TeacherDashboard { viewer { id } }", "variables": "", "headers": headers,
		}},
		{"first tab with variables", variablesFirst, "http://127.0.0.1:4101/", map[string]any{
			"url": "http://127.0.0.1:4101/graphql", "subscriptionUrl": "ws://127.0.0.1:4101/graphql",
		}, []any{
			map[string]any{"query": "query BatchDetail($id: ID!) { batch(id: $id) { id } }", "variables": `{"id": "b-1"}`, "headers": headers},
			map[string]any{"query": "query TeacherDashboard { viewer { id } }", "headers": headers},
		}, "variables", map[string]any{
			"query": "query BatchDetail($id: ID!) { batch(id: $id) { id } }", "variables": `{"id": "b-1"}`, "headers": headers,
		}},
		{"https", options(), "https://bff.example/", map[string]any{
			"url": "https://bff.example/graphql", "subscriptionUrl": "wss://bff.example/graphql",
		}, []any{
			map[string]any{"query": "query TeacherDashboard { viewer { id } }", "headers": headers},
		}, "variables", map[string]any{
			"query": "query TeacherDashboard { viewer { id } }", "variables": "", "headers": headers,
		}},
		{"no tabs", noTabs, "http://localhost:8080/", map[string]any{
			"url": "http://localhost:8080/graphql", "subscriptionUrl": "ws://localhost:8080/graphql",
		}, []any{}, nil, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := props(t, tt.o, tt.pageURL)
			assert.Equal(t, tt.fetcher, got["fetcher"])
			p, ok := got["props"].(map[string]any)
			require.True(t, ok, "%v", got)
			assert.Equal(t, tt.tabs, p["defaultTabs"])
			assert.Equal(t, headers, p["defaultHeaders"])
			assert.Equal(t, tt.toolsOpen, p["defaultEditorToolsVisibility"])
			assert.Equal(t, true, p["isHeadersEditorEnabled"])
			assert.Equal(t, true, p["shouldPersistHeaders"], "the headers editor keeps the token across reloads")
			assert.Equal(t, tt.editors, got["editors"], "the editors open on the first tab")
		})
	}
}

// GraphiQL fills its editors from initial values, not from the tab it
// opens on; setup.js's openingEditors gives them the contents of that tab:
// the active one of the tab state GraphiQL saved, where GraphiQL accepts
// it, else the first default tab. Run with Node.js.
func TestSetupOpensTheEditorsOnTheOpeningTab(t *testing.T) {
	defaults := []map[string]any{
		{"query": "query BatchDetail($id: ID!) { batch(id: $id) { id } }", "variables": `{"id": "b-1"}`, "headers": `{"Authorization": "Bearer t"}`},
		{"query": "query TeacherDashboard { viewer { id } }", "headers": `{"Authorization": "Bearer t"}`},
	}
	first := map[string]any{"query": defaults[0]["query"], "variables": defaults[0]["variables"], "headers": defaults[0]["headers"]}
	// saved is a tab state as GraphiQL saves it (serializeTabState).
	tab := func(id, query string, variables, headers any) map[string]any {
		return map[string]any{"id": id, "title": id, "query": query, "variables": variables, "headers": headers, "operationName": id, "response": nil}
	}
	saved := func(active any, tabs ...map[string]any) string {
		b, err := json.Marshal(map[string]any{"activeTabIndex": active, "tabs": tabs})
		require.NoError(t, err)
		return string(b)
	}
	tabA := tab("A", "query A { a }", `{"x": 1}`, `{"h": "1"}`)
	tabB := tab("B", "query B($y: Int) { b(y: $y) }", `{"y": 2}`, nil)
	noID := tab("C", "{ c }", nil, nil)
	delete(noID, "id")
	tests := []struct {
		name     string
		defaults []map[string]any
		saved    any // the string under graphiql:tabState, or nil
		want     map[string]any
	}{
		{"nothing saved", defaults, nil, first},
		{"saved, second tab active", defaults, saved(1, tabA, tabB), map[string]any{"query": "query B($y: Int) { b(y: $y) }", "variables": `{"y": 2}`, "headers": ""}},
		{"saved, first tab active", defaults, saved(0, tabA, tabB), map[string]any{"query": "query A { a }", "variables": `{"x": 1}`, "headers": `{"h": "1"}`}},
		{"index past the tabs", defaults, saved(7, tabA, tabB), map[string]any{"query": "query B($y: Int) { b(y: $y) }", "variables": `{"y": 2}`, "headers": ""}},
		{"negative index", defaults, saved(-1, tabA, tabB), map[string]any{"query": "query A { a }", "variables": `{"x": 1}`, "headers": `{"h": "1"}`}},
		{"null contents", defaults, saved(0, tab("N", "{ n }", nil, nil)), map[string]any{"query": "{ n }", "variables": "", "headers": ""}},
		{"not JSON", defaults, "{", first},
		{"index not a number", defaults, saved("1", tabA, tabB), first},
		{"a tab without id", defaults, saved(0, tabA, noID), first},
		{"no tabs saved", defaults, saved(0), first},
		{"no default tabs, nothing saved", []map[string]any{}, nil, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := json.Marshal(map[string]any{"defaults": tt.defaults, "saved": tt.saved})
			require.NoError(t, err)
			out := runSetup(t, `import { openingEditors } from SETUP;
				let input = '';
				for await (const chunk of process.stdin) input += chunk;
				const { defaults, saved } = JSON.parse(input);
				process.stdout.write(JSON.stringify(openingEditors(defaults, saved)));`, string(in))
			var got map[string]any
			require.NoError(t, json.Unmarshal(out, &got), "%s", out)
			assert.Equal(t, tt.want, got)
		})
	}
}
