package gqlwire

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// The response media types the BFF speaks.
const (
	// MediaGraphQLResponse is GraphQL-over-HTTP's own JSON type.
	MediaGraphQLResponse = "application/graphql-response+json"
	// MediaJSON is the legacy JSON type: a client that names neither JSON
	// type (no Accept, `*/*`) gets it.
	MediaJSON = "application/json"
	// MediaEventStream is GraphQL over Server-Sent Events (graphql-sse).
	MediaEventStream = "text/event-stream"
	// MediaMultipartMixed is incremental delivery (@defer) over
	// multipart/mixed, as Apollo Client and urql read it.
	MediaMultipartMixed = "multipart/mixed"
)

// JSONTypes are the offers for a single JSON result, in the server's order
// of preference: application/json first (see Negotiate).
var JSONTypes = []string{MediaJSON, MediaGraphQLResponse}

// Negotiate picks the response media type among offers for r's Accept
// header (every Accept line of it: RFC 9110 lets a client split the list);
// ok is false when the header accepts none of them (the caller answers
// 406). offers are lower-case type/subtype pairs in the server's order of
// preference; a request without Accept gets the first.
//
// It follows RFC 9110 §12.5.1:
//
//   - each offer takes the q of the most specific range that matches it
//     (type/subtype, then type/*, then */*); a repeated range counts with
//     its highest q;
//   - q=0 refuses the offer, whatever a wildcard says;
//   - the offer with the highest q wins. Among equals, a type the client
//     named beats one it only reached through a wildcard, then the type
//     whose range the client listed first wins, then the server's order.
//
// A range asking for a charset other than UTF-8 matches nothing (we write
// only UTF-8); other parameters (Apollo's deferSpec, a boundary) are
// ignored. A malformed element is skipped, not the whole header.
//
// No library does all of this: github.com/munnerz/goautoneg sorts ranges
// with an unstable sort (the client's order among equals is lost) and
// returns an offer a q=0 range names; github.com/elnormous/contenttype
// compares parameters verbatim (so `multipart/mixed;deferSpec=20220824` or
// `charset=UTF-8` would match no offer) and refuses the whole header for
// one malformed element.
func Negotiate(r *http.Request, offers ...string) (mediaType string, ok bool) {
	return NegotiateHeader(AcceptHeader(r), offers...)
}

// NegotiateHeader is Negotiate for an Accept header value.
func NegotiateHeader(header string, offers ...string) (mediaType string, ok bool) {
	if len(offers) == 0 {
		return "", false
	}
	if strings.TrimSpace(header) == "" {
		return offers[0], true
	}
	ranges := parseAccept(header)
	best, bestIndex := matched{}, -1
	for i, offer := range offers {
		typ, sub, _ := strings.Cut(offer, "/")
		m := match(ranges, typ, sub)
		if m.q > 0 && (bestIndex < 0 || m.beats(best)) {
			best, bestIndex = m, i
		}
	}
	if bestIndex < 0 {
		return "", false
	}
	return offers[bestIndex], true
}

// Accepts reports whether r's Accept header accepts mediaType (q > 0 by its
// most specific range; a request without Accept accepts everything).
func Accepts(r *http.Request, mediaType string) bool {
	header := AcceptHeader(r)
	if header == "" {
		return true
	}
	typ, sub, _ := strings.Cut(mediaType, "/")
	return match(parseAccept(header), typ, sub).q > 0
}

// AcceptHeader joins every Accept field of r.
func AcceptHeader(r *http.Request) string {
	return strings.TrimSpace(strings.Join(r.Header.Values("Accept"), ","))
}

// acceptRange is one parsed element of an Accept header.
type acceptRange struct {
	typ, sub string
	q        float64
}

// parseAccept parses an Accept header, skipping malformed elements and
// ranges that ask for a charset other than UTF-8.
func parseAccept(header string) []acceptRange {
	var out []acceptRange
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		typ, sub, found := strings.Cut(mt, "/")
		if !found || typ == "" || sub == "" || (typ == "*" && sub != "*") {
			continue
		}
		if cs, has := params["charset"]; has && !isUTF8(cs) {
			continue
		}
		q := 1.0
		if v, has := params["q"]; has {
			q, err = strconv.ParseFloat(v, 64)
			if err != nil || q < 0 || q > 1 {
				continue
			}
		}
		out = append(out, acceptRange{typ: typ, sub: sub, q: q})
	}
	return out
}

// matched is how an offer fares against an Accept header.
type matched struct {
	q     float64 // 0: not acceptable
	exact bool    // named by a type/subtype range, not a wildcard
	pos   int     // index in the header of the range that decided q
}

// beats orders two acceptable offers (see Negotiate); an offer that does not
// beat the current best leaves it, so the server's order breaks full ties.
func (m matched) beats(o matched) bool {
	switch {
	case m.q != o.q:
		return m.q > o.q
	case m.exact != o.exact:
		return m.exact
	default:
		return m.pos < o.pos
	}
}

// match returns how typ/sub fares: the q of its most specific range.
func match(ranges []acceptRange, typ, sub string) matched {
	best, bestSpec := matched{}, 0
	for i, r := range ranges {
		spec := 0
		switch {
		case r.typ == typ && r.sub == sub:
			spec = 3
		case r.typ == typ && r.sub == "*":
			spec = 2
		case r.typ == "*" && r.sub == "*":
			spec = 1
		}
		// Among equally specific ranges (a repeated type) the highest q
		// counts: the client accepts it at least that much.
		if spec > bestSpec || (spec == bestSpec && spec > 0 && r.q > best.q) {
			best, bestSpec = matched{q: r.q, exact: spec == 3, pos: i}, spec
		}
	}
	return best
}

// isUTF8 reports whether a charset parameter names UTF-8.
func isUTF8(charset string) bool {
	cs := strings.ToLower(strings.Trim(charset, `"`))
	return cs == "utf-8" || cs == "utf8"
}

// JSONContentType reports whether a POST's Content-Type is application/json
// in UTF-8: GraphQL-over-HTTP's one required request encoding, assumed when
// no charset is given.
func JSONContentType(header string) bool {
	if header == "" {
		return false
	}
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || mt != MediaJSON {
		return false
	}
	cs, has := params["charset"]
	return !has || isUTF8(cs)
}
