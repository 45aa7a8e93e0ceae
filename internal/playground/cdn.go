package playground

import (
	"html/template"
	"net/http"
)

// cdnFile is a file the CDN page loads from jsDelivr, pinned by version and
// checked by the browser against its Subresource Integrity hash (W3C SRI).
// The hashes are those of the files in the packages on npm, which jsDelivr
// serves unchanged.
type cdnFile struct {
	URL template.URL
	SRI string
}

// The CDN page's files: GraphiQL 4.1.2, its last release with a build for
// browser globals (GraphiQL 5 ships ES modules only), and the React 18 it is
// built against.
var (
	cdnReact = cdnFile{
		URL: "https://cdn.jsdelivr.net/npm/react@18.2.0/umd/react.production.min.js",
		SRI: "sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=",
	}
	cdnReactDOM = cdnFile{
		URL: "https://cdn.jsdelivr.net/npm/react-dom@18.2.0/umd/react-dom.production.min.js",
		SRI: "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=",
	}
	cdnGraphiQL = cdnFile{
		URL: "https://cdn.jsdelivr.net/npm/graphiql@4.1.2/graphiql.min.js",
		SRI: "sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=",
	}
	cdnGraphiQLCSS = cdnFile{
		URL: "https://cdn.jsdelivr.net/npm/graphiql@4.1.2/graphiql.min.css",
		SRI: "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=",
	}
)

// CDNContentSecurityPolicy is the CDN page's policy for a nonce (as
// ContentSecurityPolicy's). Scripts: the BFF's own (static/cdn.js and what
// it imports) and the three pinned files by their full URLs (CSP Level 3
// path-specific sources), each also held to its SRI hash by the page; no
// inline script, no eval. Styles: the pinned stylesheet, the BFF's, and
// <style> elements with the nonce, which cdn.js gives every one the page
// creates (static/nonce.js, as on the offline page): the dialogs' scroll
// lock (react-remove-scroll) adds one, without a nonce option. No inline
// style attributes: GraphiQL 4's editors (CodeMirror 5) style through the
// CSSOM, which the policy does not govern; measured in Chromium, with the
// pinned files served from their npm packages, the page opened on its tabs,
// ran a query and a subscription and opened its dialogs and plugins with no
// violation. Fonts and images come from the stylesheet as data: URLs, the
// page's icon is one; fetch and the subscription's WebSocket go to the BFF
// ('self').
func CDNContentSecurityPolicy(nonce string) string {
	return "default-src 'self'; " +
		"script-src 'self' " + string(cdnReact.URL) + " " + string(cdnReactDOM.URL) + " " + string(cdnGraphiQL.URL) + "; " +
		"style-src 'self' " + string(cdnGraphiQLCSS.URL) + " 'nonce-" + nonce + "'; " + cspCommon
}

// cdnTemplate is the CDN page: the pinned files (classic scripts with
// defer, so they run in order after parsing), then the BFF's module script,
// which runs after them, carries the nonce for nonce.js and reads
// config.json as the offline page does; no inline script, and no token in
// the HTML.
var cdnTemplate = template.Must(template.Must(layout.Clone()).Parse(`{{define "assets"}}` +
	`<link rel="stylesheet" href="{{.CSS.URL}}" integrity="{{.CSS.SRI}}" crossorigin="anonymous">
<link rel="stylesheet" href="{{.Prefix}}cdn.css">
{{range .Scripts}}<script src="{{.URL}}" integrity="{{.SRI}}" crossorigin="anonymous" defer></script>
{{end}}<script type="module" src="{{.Prefix}}cdn.js" nonce="{{.Nonce}}"></script>
{{end}}`))

// cdnPage serves the CDN page.
func cdnPage(title string) http.Handler {
	return servePage(cdnTemplate, CDNContentSecurityPolicy, pageData{
		Title:   title,
		Loading: "Loading GraphiQL from cdn.jsdelivr.net…",
		Prefix:  AssetsPrefix,
		CSS:     cdnGraphiQLCSS,
		Scripts: []cdnFile{cdnReact, cdnReactDOM, cdnGraphiQL},
	})
}
