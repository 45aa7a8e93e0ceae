package wstransport

import "testing"

// Decoding a client message never panics, whatever the bytes. (The handler
// recovers panics anyway, but as a 4500, not the 4400 a bad message earns.)
func FuzzMessage(f *testing.F) {
	for _, seed := range []string{
		`{"type":"connection_init","payload":{"token":"good"}}`,
		`{"type":"subscribe","id":"1","payload":{"query":"{ hello }","variables":{"n":1e400},"extensions":null}}`,
		`{"type":"start","id":7,"payload":[]}`,
		`{"type":"ping","payload":"x"}`,
		`{"type":null}`, `null`, `[]`, `"x"`, `{"type":"a","id":{}}`, "\xff",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseMessage(data)
		if err != nil {
			return
		}
		_, _ = m.id()
		_, _ = m.object()
		_, _ = m.params()
	})
}
