package wstransport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// The subprotocols, as named in Sec-WebSocket-Protocol.
const (
	// SubprotocolTransportWS is graphql-ws's protocol (graphql-transport-ws).
	SubprotocolTransportWS = "graphql-transport-ws"
	// SubprotocolLegacyWS is subscriptions-transport-ws's protocol.
	SubprotocolLegacyWS = "graphql-ws"
)

// Close codes. The 4xxx ones are graphql-ws's CloseCode values.
const (
	CloseNormal                   = 1000
	CloseGoingAway                = 1001
	CloseMessageTooBig            = 1009
	CloseBadRequest               = 4400
	CloseUnauthorized             = 4401
	CloseForbidden                = 4403
	CloseSubprotocolNotAcceptable = 4406
	CloseInitTimeout              = 4408
	CloseSubscriberExists         = 4409
	CloseTooManyInits             = 4429
	CloseInternal                 = 4500
)

// maxCloseReason is what fits in a close frame (125 bytes) after the code.
const maxCloseReason = 123

// inMessage is a client message of either subprotocol. id stays raw so that
// a number or null can be told from a string.
type inMessage struct {
	ID      json.RawMessage `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

func parseMessage(data []byte) (*inMessage, error) {
	var m inMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, errors.New("invalid message: not a JSON object with a string 'type'")
	}
	if m.Type == "" {
		return nil, errors.New("message is missing the 'type' property")
	}
	return &m, nil
}

// id returns the message's id, which must be a non-empty string.
func (m *inMessage) id() (string, error) {
	var id string
	if err := json.Unmarshal(m.ID, &id); err != nil || id == "" {
		return "", fmt.Errorf("%q message requires a non-empty string 'id' property", m.Type)
	}
	return id, nil
}

// object decodes the payload of a message whose payload is an optional JSON
// object (connection_init, ping, pong).
func (m *inMessage) object() (map[string]any, error) {
	if isNull(m.Payload) {
		return nil, nil
	}
	v, err := decodeObject(m.Payload)
	if err != nil {
		return nil, fmt.Errorf("%q message expects the 'payload' property to be an object or missing", m.Type)
	}
	return v, nil
}

// params decodes a subscribe (or legacy start) payload: a GraphQL request
// read as an HTTP request's body is.
func (m *inMessage) params() (*graphql.RawParams, error) {
	p, bad := gqlwire.DecodeRequest(m.Payload)
	if bad != nil {
		return nil, fmt.Errorf("%q message: %s", m.Type, bad.Message)
	}
	return p, nil
}

// operation returns the id and the request of a subscribe (start) message.
func (m *inMessage) operation() (string, *graphql.RawParams, error) {
	id, err := m.id()
	if err != nil {
		return "", nil, err
	}
	params, err := m.params()
	if err != nil {
		return "", nil, err
	}
	return id, params, nil
}

// decodeObject keeps numbers as json.Number, as gqlgen's own transports do,
// so that large integer variables are not rounded through float64.
func decodeObject(raw json.RawMessage) (map[string]any, error) {
	if !isObject(raw) {
		return nil, errors.New("not an object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v map[string]any
	err := dec.Decode(&v)
	return v, err
}

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// closeReason keeps a reason within a close frame: a longer one (an id
// echoed back, say) is replaced by fallback, as graphql-ws does.
func closeReason(reason, fallback string) string {
	if len(reason) > maxCloseReason {
		return fallback
	}
	return reason
}
