package playground

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
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

// The page's only script is the bundle, carrying the nonce of the
// response's CSP; <style> elements need the same nonce, and only style
// attributes are allowed inline. The nonce is new for every response, and
// the page itself has no inline style or script.
func TestPageCarriesAFreshNonce(t *testing.T) {
	h, err := newHandler(options(), build)
	require.NoError(t, err)
	require.True(t, h.Offline())

	nonceOf := func() string {
		resp, body := get(t, h, "/", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		csp := directives(t, resp.Header.Get("Content-Security-Policy"))
		require.Len(t, csp["script-src"], 2)
		m := regexp.MustCompile(`^'nonce-([A-Za-z0-9_-]{22})'$`).FindStringSubmatch(csp["script-src"][1])
		require.NotNil(t, m, "script-src: %q", csp["script-src"])
		nonce := csp["script-src"][1]
		tests := map[string][]string{
			"default-src":    {"'self'"},
			"script-src":     {"'self'", nonce},
			"style-src":      {"'self'", nonce},
			"style-src-attr": {"'unsafe-inline'"},
			"object-src":     {"'none'"},
		}
		for name, want := range tests {
			assert.Equal(t, want, csp[name], name)
		}
		assert.NotContains(t, csp, "style-src-elem", "<style> elements fall back to style-src: nonce only")
		assert.NotContains(t, csp, "script-src-elem")
		scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1)
		require.Equal(t, []string{`<script type="module" src="/playground/playground.js" nonce="` + m[1] + `">`}, scripts)
		assert.NotContains(t, body, "style=", "no style attribute in the page")
		assert.NotContains(t, body, "<style", "no <style> element in the page")
		assert.NotContains(t, body, "token-1", "the token is not in the page")
		return m[1]
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

// The build is served with ETags: a browser revalidates and gets 304.
func TestAssetsRevalidate(t *testing.T) {
	h, err := newHandler(options(), build)
	require.NoError(t, err)
	tests := []struct {
		path, status, contentType string
	}{
		{"/playground/playground.js", "200", "text/javascript; charset=utf-8"},
		{"/playground/playground.css", "200", "text/css; charset=utf-8"},
		{"/playground/editor.worker.js", "200", "text/javascript; charset=utf-8"},
		{"/playground/.gitkeep", "404", ""},
		{"/playground/missing.js", "404", ""},
		{"/playground/dist/playground.js", "404", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, h, tt.path, nil)
			require.Equal(t, tt.status, strings.Fields(resp.Status)[0], body)
			if tt.status != "200" {
				return
			}
			assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			assert.Equal(t, string(build[strings.TrimPrefix(tt.path, AssetsPrefix)].Data), body)
			etag := resp.Header.Get("ETag")
			require.Regexp(t, `^"[0-9a-f]{24}"$`, etag)
			again, body := get(t, h, tt.path, http.Header{"If-None-Match": {etag}})
			assert.Equal(t, http.StatusNotModified, again.StatusCode)
			assert.Empty(t, body)
		})
	}
}

// Without the embedded build the page is gqlgen's CDN page, still with the
// headers filled in, keeping them under the revision so that a new token
// starts from fresh storage.
func TestFallbackWithoutTheBuild(t *testing.T) {
	h, err := newHandler(options(), fstest.MapFS{".gitkeep": {}})
	require.NoError(t, err)
	assert.False(t, h.Offline())
	resp, body := get(t, h, "/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "cdn.jsdelivr.net/npm/graphiql")
	assert.Contains(t, body, "Bearer token-1")
	c, err := newHandler(options(), build)
	require.NoError(t, err)
	_, cfg := get(t, c, "/playground/config.json", nil)
	var parsed config
	require.NoError(t, json.Unmarshal([]byte(cfg), &parsed))
	assert.Contains(t, body, "teacher-bff:"+parsed.Revision+":", "storage is per revision")
	resp, _ = get(t, h, "/playground/config.json", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the CDN page has no config.json")
}
