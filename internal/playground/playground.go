// Package playground serves GraphiQL, the BFF's in-browser GraphQL IDE.
//
// The page and everything it loads come from the BFF itself: GraphiQL,
// React, graphql-ws and Monaco's workers are bundled from their npm packages
// (web/playground: package.json, package-lock.json and small entry files)
// into dist/, which the binary embeds. The build is an artefact, not
// committed:
//
//	npm --prefix web/playground ci && npm --prefix web/playground run build
//
// Where it is absent (a fresh clone built without Node.js), the playground
// falls back to a page that loads GraphiQL 4 from a CDN (cdn.go): it needs the
// internet, and its policy allows the CDN's pinned files. Both pages read the
// same config.json through the same script (static/setup.js), so both open
// on the same tabs, and neither carries the token in its HTML.
//
// Routes, under the router the handler is mounted on:
//
//	GET /                        the page (HTML, with its CSP)
//	GET /playground/config.json  endpoint, headers, tabs and revision (JSON)
//	GET /playground/{file}       the embedded build (scripts, styles, workers,
//	                             font), or the CDN page's script and styles
package playground

import (
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// AssetsPrefix is the path under which the configuration and the embedded
// build are served.
const AssetsPrefix = "/playground/"

// BuildCommand builds the offline playground (from the repository root).
const BuildCommand = "npm --prefix web/playground ci && npm --prefix web/playground run build"

// dist holds the build of web/playground (.gitkeep alone when it was not
// built).
//
//go:embed all:dist
var dist embed.FS

// static holds the scripts both pages share (setup.js, nonce.js) and the
// CDN page's script and styles: committed sources, not built.
//
//go:embed static
var static embed.FS

// Tab is one operation the page opens with, ready to run.
type Tab struct {
	// Name is the operation's name (for tests and logs; GraphiQL titles the
	// tab from the document).
	Name string `json:"name"`
	// Query is the complete document: the operation and its fragments.
	Query string `json:"query"`
	// Variables is a JSON object, or empty.
	Variables string `json:"variables,omitempty"`
}

// Options configure the playground.
type Options struct {
	// Title is the page's title.
	Title string
	// Endpoint is the GraphQL endpoint's path (queries over HTTP POST,
	// subscriptions over graphql-transport-ws on the same path).
	Endpoint string
	// Headers prefill the request headers of every tab (the demo's
	// Authorization header); nil for none.
	Headers map[string]string
	// Tabs are the operations the page opens with, in order.
	Tabs []Tab
}

// Handler serves the playground. Build it with New.
type Handler struct {
	mux     *http.ServeMux
	offline bool
}

// config is what config.json serves to the pages (static/setup.js reads it).
type config struct {
	Endpoint string            `json:"endpoint"`
	Headers  map[string]string `json:"headers"`
	Tabs     []Tab             `json:"tabs"`
	// Revision changes whenever anything above does (a demo restart issues
	// a new token): the page then drops the tabs and headers GraphiQL saved
	// in localStorage, so a stale token does not outlive its server.
	Revision string `json:"revision"`
}

// New returns the playground's handler: the embedded build when it is
// there, else the CDN page (Offline tells which).
func New(o Options) (*Handler, error) {
	files, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, fmt.Errorf("playground: embedded build: %w", err)
	}
	return newHandler(o, files)
}

// newHandler is New serving the build in files.
func newHandler(o Options, files fs.FS) (*Handler, error) {
	cfg := config{Endpoint: o.Endpoint, Headers: o.Headers, Tabs: o.Tabs}
	if cfg.Headers == nil {
		cfg.Headers = map[string]string{}
	}
	if cfg.Tabs == nil {
		cfg.Tabs = []Tab{}
	}
	sum, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("playground: encode config: %w", err)
	}
	h := sha256.Sum256(sum)
	cfg.Revision = hex.EncodeToString(h[:8])
	body, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("playground: encode config: %w", err)
	}

	pg := &Handler{mux: http.NewServeMux()}
	var home http.Handler
	if _, err := fs.Stat(files, "playground.js"); err == nil {
		pg.offline = true
		home = page(o.Title)
	} else {
		// The CDN page's own files stand in for the build.
		if files, err = fs.Sub(static, "static"); err != nil {
			return nil, fmt.Errorf("playground: CDN page: %w", err)
		}
		home = cdnPage(o.Title)
	}
	assets, err := newAssets(files)
	if err != nil {
		return nil, err
	}
	pg.mux.Handle("GET /{$}", home)
	pg.mux.HandleFunc("GET "+AssetsPrefix+"config.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body)
	})
	pg.mux.Handle("GET "+AssetsPrefix+"{file}", http.StripPrefix(strings.TrimSuffix(AssetsPrefix, "/"), assets))
	return pg, nil
}

// Built reports whether the binary embeds the playground's build.
func Built() bool {
	_, err := fs.Stat(dist, "dist/playground.js")
	return err == nil
}

// Offline reports whether the page is the embedded build (true) or the
// CDN fallback (false).
func (h *Handler) Offline() bool { return h.offline }

// ServeHTTP serves the routes in the package comment; others are 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// ContentSecurityPolicy is the offline page's policy for a nonce (base64url,
// a base64-value of CSP Level 3), one per response, in script-src and
// style-src alike. Why each source is there:
//
//   - default-src 'self': scripts, workers, fetch and WebSocket
//     (graphql-transport-ws on the same host and port), fonts: all from
//     the BFF.
//   - script-src 'self' 'nonce-…': the bundle, loaded by the one script
//     tag that carries the nonce; no inline script, no eval. Monaco's web
//     workers load from 'self' through it (worker-src falls back to
//     script-src).
//   - style-src 'self' 'nonce-…': the stylesheet, and <style> elements only
//     with the nonce. Monaco (monaco-editor 0.52, which GraphiQL 5 pins: the
//     rules of its icons, theme and decorations) and the dialogs' scroll lock
//     (react-remove-scroll) add <style> elements at run time and have no
//     nonce option; the bundle's first module (static/nonce.js) gives every
//     <style> element the page creates the nonce, read from the script
//     tag's nonce property, before it can be inserted. Without it,
//     Chromium blocked three <style> elements in TestPlaygroundInChromium:
//     Monaco's on each of the two page loads and the settings dialog's.
//   - style-src-attr 'unsafe-inline': style attributes only (a nonce cannot
//     be put on an attribute). Monaco renders its editors' lines as HTML
//     strings whose style attributes place them (vs/editor/browser/view:
//     the view lines, line numbers, indent guides, current-line highlight,
//     folding glyphs) and has no option to do otherwise. Measured in
//     Chromium with the nonce and without this directive: opening the page
//     and switching one tab blocked 221 style attributes (111 top, 96 left,
//     13 width and the page's own height, since moved into the stylesheet),
//     and lines and line numbers piled up at the top of the editors.
//     Styles cannot run code; <style> elements stay nonce-only. Browsers
//     without style-src-attr (CSP Level 3; Chrome 75, Firefox 108 and
//     Safari 15.4 have it) apply style-src to attributes: there the editors
//     lose their layout, nothing else.
//   - img-src and font-src 'self' data:: GraphiQL's stylesheet inlines its
//     icons and fonts as data: URLs, and the page's icon is one (see
//     layout).
//   - object-src, base-uri, form-action 'none' and frame-ancestors 'none':
//     nothing to embed, no base or form to hijack, no framing.
func ContentSecurityPolicy(nonce string) string {
	return "default-src 'self'; script-src 'self' 'nonce-" + nonce + "'; " +
		"style-src 'self' 'nonce-" + nonce + "'; style-src-attr 'unsafe-inline'; " + cspCommon
}

// cspCommon ends both pages' policies (ContentSecurityPolicy says why each
// source is there): images and fonts from the BFF or data: URLs; nothing
// to embed, no base or form to hijack, no framing.
const cspCommon = "img-src 'self' data:; font-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// layout is both pages' HTML: the head, with each page's stylesheets and
// scripts ("assets", which carry the nonce), and the element GraphiQL
// renders into, which says what is loading until then. The icon is the
// empty data: URL, so the browser shows none and does not ask for
// /favicon.ico, which the BFF does not serve (every load logged the 404 as
// an error in the console).
var layout = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
{{template "assets" .}}</head>
<body>
<div id="graphiql">{{.Loading}}</div>
</body>
</html>
`))

// pageTemplate is the offline page: the build's stylesheet and bundle.
var pageTemplate = template.Must(template.Must(layout.Clone()).Parse(`{{define "assets"}}` +
	`<link rel="stylesheet" href="{{.Prefix}}playground.css">
<script type="module" src="{{.Prefix}}playground.js" nonce="{{.Nonce}}"></script>
{{end}}`))

// pageData is what layout is executed on.
type pageData struct {
	Title   string
	Loading string // the text shown until GraphiQL renders
	Prefix  string // AssetsPrefix
	Nonce   string // the response's, also in its CSP
	// The CDN page's pinned stylesheet and scripts (cdn.go).
	CSS     cdnFile
	Scripts []cdnFile
}

// page serves the offline page.
func page(title string) http.Handler {
	return servePage(pageTemplate, ContentSecurityPolicy,
		pageData{Title: title, Loading: "Loading the playground…", Prefix: AssetsPrefix})
}

// servePage serves tmpl executed on data with a fresh nonce, which csp
// puts in the response's policy; no caching (the nonce is per response),
// sniffing or referrer.
func servePage(tmpl *template.Template, csp func(nonce string) string, data pageData) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		d := data
		d.Nonce = newNonce()
		w.Header().Set("Content-Security-Policy", csp(d.Nonce))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		_ = tmpl.Execute(w, d)
	})
}

// newNonce returns a fresh nonce: 128 random bits, base64url without
// padding (no "+", "/" or "=" to escape in HTML or the header).
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// assets serves the embedded build with strong ETags (the files have fixed
// names, so browsers revalidate; a new build changes the ETag).
type assets struct {
	files fs.FS
	etags map[string]string
}

func newAssets(files fs.FS) (*assets, error) {
	a := &assets{files: files, etags: map[string]string{}}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.etags[path] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("playground: embedded build: %w", err)
	}
	return a, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	etag, ok := a.etags[name]
	if !ok || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	f, err := a.files.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// Embedded files have no modification time; ServeContent answers
	// If-None-Match from the ETag and sets Content-Type from the name.
	http.ServeContent(w, r, name, time.Time{}, f.(io.ReadSeeker))
}
