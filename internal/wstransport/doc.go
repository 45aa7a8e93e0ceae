// Package wstransport is the gqlgen transport for GraphQL over WebSocket
// (both subprotocols). A subscribe message's payload is read by
// gqlwire.DecodeRequest, as an HTTP request's body is.
//
// gqlgen's own transport.Websocket closes most protocol violations with 1002
// or a normal closure instead of the codes graphql-transport-ws defines, so
// clients (graphql-ws, urql, Apollo's GraphQLWsLink) cannot tell a fatal
// error from one worth a retry. This package implements the protocols itself.
//
// # WebSocket library
//
// The server side uses gorilla/websocket rather than coder/websocket.
// gorilla writes a close frame with WriteControl and a deadline we choose,
// and leaves waiting for the peer's answer to us; coder's Close runs the
// whole handshake itself with fixed 5 s timeouts (write, then read), so
// closing on a dead peer would hold goroutines for up to 10 s. gorilla's
// Upgrader also takes Options.CheckOrigin as it is, and read deadlines and
// the read limit map onto its API directly. Its one-writer rule is kept
// with a mutex: frames are written by the goroutine that sends them. (The
// tests dial with coder/websocket, so each side is checked against a
// different implementation.)
//
// # Subprotocols
//
// The client picks the protocol with Sec-WebSocket-Protocol; when it offers
// both, graphql-transport-ws wins.
//
//   - graphql-transport-ws: the protocol of the graphql-ws library
//     (github.com/enisdenjo/graphql-ws, PROTOCOL.md), with its close codes:
//     4400 invalid message, 4401 subscribe before connection_ack, 4403 Init
//     refused the identity (and, here, "token expired" when it runs out),
//     4408 no connection_init within InitTimeout, 4409 duplicate operation
//     id (whatever the operation type, as the current protocol says), 4429
//     second connection_init, 4500 internal error. The server sends
//     {"type":"ping"} every KeepAlive and answers the client's pings.
//   - graphql-ws: the legacy subscriptions-transport-ws protocol (Apollo).
//     It defines no close codes, so it borrows the ones above, and sends a
//     connection_error message before closing where the client needs a
//     reason. It has no client pong: dead-peer detection uses WebSocket ping
//     control frames (browsers answer them) next to the ka messages.
//
// A handshake without either subprotocol is accepted and then closed with
// 4406 "Subprotocol not acceptable", which is what graphql-ws's own servers
// do (not 1002, and not an HTTP 400). Browsers that offered only other
// subprotocols fail the handshake on their side, since none is selected.
//
// Other choices:
//
//   - The legacy subprotocol also closes with 4408 and 4403 (after a
//     connection_error), and a start reusing a running id replaces that
//     operation, as subscriptions-transport-ws does.
//   - A message larger than MaxMessageBytes is closed with 1009 (message too
//     big) by gorilla itself, before it is read, rather than 4400: the
//     standard code tells the client exactly what went wrong.
//   - A peer that sends nothing within PongTimeout after a ping is dropped
//     without a close frame, as graphql-ws's servers do (it could not read
//     one): clients see 1006 and reconnect.
//   - Shutdown: Tracker.Shutdown closes every connection with 1001 "Going
//     away" (graphql-ws clients retry on 1001) and waits for them to end.
//   - Frames of an operation the client stopped are not written any more
//     (it is checked right before each write), so no next or complete
//     follows the client's complete.
//   - An operation is validated and started (a subscription's resolver
//     runs then) on the reader, and its results are sent from a goroutine
//     of its own. gqlgen's transport starts it on that goroutine; starting
//     it on the reader keeps that goroutine's stack small (see dispatch). Its OperationContext.Headers
//     is nil: nothing here reads it, and the upgrade request is not kept.
//
// # Memory
//
// Idle subscriptions are most of what a BFF holds, so a connection keeps
// two goroutines: the reader and one per operation. There is no writer
// goroutine (senders write, one at a time, each bounded by WriteTimeout)
// and no timer goroutine (the init timeout, keep-alives, dead-peer
// detection and identity expiry share one time.AfterFunc; going away at
// shutdown is a context.AfterFunc). Every goroutine of a connection,
// including a callback that fired, has ended before the Tracker counts the
// connection as gone.
package wstransport
