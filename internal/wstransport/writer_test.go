package wstransport

import (
	"encoding/json"
	"testing"
)

// TestEncodeMessage holds encodeMessage, which copies the payload unparsed,
// to the bytes encoding/json writes for the same message, so clients see no
// difference from a marshalled struct.
func TestEncodeMessage(t *testing.T) {
	type marshalled struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	tests := []struct {
		name, id, typ string
		payload       json.RawMessage
	}{
		{name: "result", id: "1", typ: "next", payload: json.RawMessage(`{"data":{"a":"\u003cb\u003e"}}`)},
		{name: "errors", id: "op", typ: "error", payload: json.RawMessage(`[{"message":"m","extensions":{"code":"INTERNAL"}}]`)},
		{name: "complete without payload", id: "7", typ: "complete"},
		{name: "no id", typ: "connection_ack"},
		{name: "ping with payload", typ: "ping", payload: json.RawMessage(`{"t":1}`)},
		{name: "id needing escapes", id: "a\"b\\c<d>&\u2028\n", typ: "next", payload: json.RawMessage(`{"data":null}`)},
		{name: "non-ASCII id", id: "ü-ᚠ", typ: "complete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(marshalled{ID: tt.id, Type: tt.typ, Payload: tt.payload})
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if got := encodeMessage(tt.id, tt.typ, tt.payload); string(got) != string(want) {
				t.Errorf("encodeMessage = %s, want %s", got, want)
			}
		})
	}
}
