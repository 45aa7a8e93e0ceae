package auth

import (
	"net/http"
	"strings"
)

// Gateway header names. Only read when Config.TrustGateway is set: without a
// gateway that strips and re-sets them, any client could send them.
const (
	HeaderUserID = "X-User-ID"
	HeaderOrgID  = "X-Org-ID"
)

// FromRequest authenticates an HTTP request. An Authorization header, when
// present, decides alone: a bad one is refused even if gateway headers are
// trusted, so a broken token never silently falls back to another identity.
// Without it, trusted gateway headers are used; otherwise the request is
// ErrNotAuthenticated (untrusted gateway headers are ignored entirely).
func (a *Authenticator) FromRequest(r *http.Request) (Teacher, error) {
	if vals := r.Header.Values("Authorization"); len(vals) > 0 {
		if len(vals) > 1 {
			// Which one would a proxy in front of us have checked?
			return Teacher{}, invalid("more than one Authorization header")
		}
		tok, err := bearer(vals[0], "Authorization header")
		if err != nil {
			return Teacher{}, err
		}
		return a.Verify(tok)
	}
	if a.cfg.TrustGateway {
		return fromGateway(r.Header)
	}
	return Teacher{}, ErrNotAuthenticated
}

// FromConnectionParams authenticates a GraphQL WebSocket connection_init
// payload, where browsers cannot set headers. It accepts "Authorization" or
// "authorization" ("Bearer <jwt>") or "token" (a raw JWT), in that order.
// Keys that are absent or null mean no credential; gateway headers play no
// part here because the payload is written by the client, not the gateway.
func (a *Authenticator) FromConnectionParams(params map[string]any) (Teacher, error) {
	for _, k := range []string{"Authorization", "authorization"} {
		if v, ok := params[k]; ok && v != nil {
			s, ok := v.(string)
			if !ok {
				return Teacher{}, invalid("authorization param is not a string")
			}
			tok, err := bearer(s, "authorization param")
			if err != nil {
				return Teacher{}, err
			}
			return a.Verify(tok)
		}
	}
	if v, ok := params["token"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return Teacher{}, invalid("token param is not a string")
		}
		return a.Verify(s)
	}
	return Teacher{}, ErrNotAuthenticated
}

// bearer extracts the token from "Bearer <token>"; the scheme is
// case-insensitive (RFC 9110 section 11.1). what names the source in reasons.
func bearer(v, what string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", invalid(what + " is empty")
	}
	scheme, tok, _ := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", invalid(what + " is not a Bearer credential")
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", invalid(what + " has an empty bearer token")
	}
	return tok, nil
}

// fromGateway reads identity headers set by a trusted gateway. Repeated
// headers are refused: a gateway that appends instead of replacing would
// leave the client's spoofed value in the list.
func fromGateway(h http.Header) (Teacher, error) {
	users := h.Values(HeaderUserID)
	switch {
	case len(users) == 0:
		return Teacher{}, ErrNotAuthenticated
	case len(users) > 1:
		return Teacher{}, invalid("more than one " + HeaderUserID + " header")
	}
	id, err := cleanID(users[0], HeaderUserID)
	if err != nil {
		return Teacher{}, err
	}

	var org string
	switch orgs := h.Values(HeaderOrgID); len(orgs) {
	case 0:
	case 1:
		if org, err = cleanOptionalID(orgs[0], HeaderOrgID); err != nil {
			return Teacher{}, err
		}
	default:
		return Teacher{}, invalid("more than one " + HeaderOrgID + " header")
	}
	return Teacher{ID: id, OrgID: org}, nil
}
