package wstransport

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// transportWS is graphql-transport-ws: every protocol error closes the
// socket with its own code.
var transportWS = &dialect{
	next:      "next",
	keepAlive: []frame{{data: []byte(`{"type":"ping"}`)}},
	handle:    handleTransportWS,
	fail:      failTransportWS,
}

func failTransportWS(c *conn, code int, reason string) {
	c.closeWith(code, closeReason(reason, "Invalid message received"))
}

func handleTransportWS(c *conn, m *inMessage) {
	bad := func(err error) { failTransportWS(c, CloseBadRequest, err.Error()) }
	switch m.Type {
	case "connection_init":
		if c.initialise(m) {
			c.acknowledge(`{"type":"connection_ack"}`)
		}

	case "ping", "pong":
		if _, err := m.object(); err != nil {
			bad(err)
			return
		}
		// A pong echoes the ping's payload, as graphql-ws's server does; a
		// pong needs no answer (it already counted as traffic).
		if m.Type == "ping" {
			var payload json.RawMessage
			if !isNull(m.Payload) {
				payload = m.Payload
			}
			c.message(nil, "", "pong", payload)
		}

	case "subscribe":
		// Validated before the acknowledgement is checked, like graphql-ws.
		id, params, err := m.operation()
		if err != nil {
			bad(err)
			return
		}
		if !c.isAcked() {
			c.closeWith(CloseUnauthorized, "Unauthorized")
			return
		}
		if c.hasOp(id) {
			// The running one is left alone until the close cancels it.
			c.closeWith(CloseSubscriberExists,
				closeReason(fmt.Sprintf("Subscriber for %s already exists", id), "Subscriber already exists"))
			return
		}
		c.startOp(id, params)

	case "complete":
		id, err := m.id()
		if err != nil {
			bad(err)
			return
		}
		c.stopOp(id)

	default:
		failTransportWS(c, CloseBadRequest, fmt.Sprintf("Unexpected message of type %s received", m.Type))
	}
}

// initialise handles connection_init in both dialects: one init per
// connection, a payload that is an object, an identity Init accepts. It
// reports whether the connection may be acknowledged; otherwise it has been
// failed the dialect's way.
func (c *conn) initialise(m *inMessage) bool {
	if c.initReceived {
		c.d.fail(c, CloseTooManyInits, "Too many initialisation requests")
		return false
	}
	c.initReceived = true
	payload, err := m.object()
	if err != nil {
		c.d.fail(c, CloseBadRequest, err.Error())
		return false
	}
	if err := c.authenticate(payload); err != nil {
		c.d.fail(c, CloseForbidden, refusal(err))
		return false
	}
	return true
}

// refusal is the close reason (legacy: connection_error message) for an
// identity Init refused. The error itself is only logged: it may say more
// about the token than a client should learn.
func refusal(err error) string {
	if errors.Is(err, errExpired) {
		return "token expired"
	}
	return "Forbidden"
}

// legacyWS is subscriptions-transport-ws's graphql-ws. Its protocol errors
// are reported with connection_error before the socket is closed, with the
// graphql-transport-ws code of the same fault (the protocol defines none).
var legacyWS = &dialect{
	next: "data",
	// ka for the protocol; the ping frame is for dead-peer detection, as
	// legacy clients never answer ka.
	keepAlive: []frame{{data: []byte(`{"type":"ka"}`)}, {ping: true}},
	handle:    handleLegacyWS,
	fail:      failLegacy,
}

func failLegacy(c *conn, code int, reason string) {
	errCode := gqlerr.CodeBadRequest
	switch code {
	case CloseUnauthorized, CloseForbidden, CloseInitTimeout:
		errCode = gqlerr.CodeUnauthenticated
	case CloseInternal:
		errCode = gqlerr.CodeInternal
	}
	payload, err := json.Marshal(gqlerr.New(c.ctx, errCode, reason))
	if err != nil {
		panic(err)
	}
	// Written together with the close frame (see finish), so that nothing
	// an operation sends can come between them.
	c.closeAfter(encodeMessage("", "connection_error", payload), code, closeReason(reason, "Invalid message received"))
}

func handleLegacyWS(c *conn, m *inMessage) {
	bad := func(err error) { failLegacy(c, CloseBadRequest, err.Error()) }
	switch m.Type {
	case "connection_init":
		if c.initialise(m) {
			// subscriptions-transport-ws sends the first ka right after the ack.
			c.acknowledge(`{"type":"connection_ack"}`, `{"type":"ka"}`)
		}

	case "start":
		id, params, err := m.operation()
		if err != nil {
			bad(err)
			return
		}
		if !c.isAcked() {
			failLegacy(c, CloseUnauthorized, "Unauthorized")
			return
		}
		// subscriptions-transport-ws replaces a running operation whose id
		// is reused, where graphql-transport-ws closes with 4409.
		c.stopOp(id)
		c.startOp(id, params)

	case "stop":
		id, err := m.id()
		if err != nil {
			bad(err)
			return
		}
		c.stopOp(id)

	case "connection_terminate":
		c.closeWith(CloseNormal, "")

	default:
		failLegacy(c, CloseBadRequest, fmt.Sprintf("Unexpected message of type %s received", m.Type))
	}
}
