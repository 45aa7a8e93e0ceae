package wstransport

import (
	"encoding/json"
	"time"

	"github.com/gorilla/websocket"
)

// send writes f, unless the connection is closing or the client stopped
// f's operation. Frames are written by the goroutine that has something to
// say (an operation's, the reader, a timer's), one at a time under wmu,
// rather than handed to a writer goroutine: an idle subscriber then costs
// no writer's stack, and no queue. A client that reads slowly makes only
// its own connection's senders wait, WriteTimeout at most each; a write
// that fails drops the connection.
func (c *conn) send(f frame) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.writeLocked(f)
}

// writeLocked is send with wmu held. false: closing, or the write failed.
func (c *conn) writeLocked(f frame) bool {
	if c.isClosing() {
		return false
	}
	if !c.writeFrame(f, time.Now().Add(c.o.WriteTimeout)) {
		c.broken()
		return false
	}
	return true
}

// message sends a protocol message.
func (c *conn) message(op *operation, id, typ string, payload json.RawMessage) {
	c.send(frame{op: op, data: encodeMessage(id, typ, payload)})
}

// encodeMessage writes a server message of either subprotocol,
// {"id":…,"type":…,"payload":…}, id and payload only when set: the bytes
// encoding/json writes for those members with omitempty. The payload is copied as
// it is, not parsed again: it is JSON encoded by us (gqlwire.Encode for
// results, encoding/json for the rest), compact and HTML-escaped already,
// and a result's data can be large (gqlwire.Encode says why that pass is
// avoided on the live path).
func encodeMessage(id, typ string, payload json.RawMessage) []byte {
	b := make([]byte, 0, len(id)+len(typ)+len(payload)+40)
	b = append(b, '{')
	if id != "" {
		// A client's id: encoding/json quotes and escapes it.
		q, _ := json.Marshal(id) // a string always encodes
		b = append(b, `"id":`...)
		b = append(b, q...)
		b = append(b, ',')
	}
	b = append(b, `"type":"`...)
	b = append(b, typ...) // a protocol message type: plain ASCII
	b = append(b, '"')
	if len(payload) > 0 {
		b = append(b, `,"payload":`...)
		b = append(b, payload...)
	}
	return append(b, '}')
}

func (c *conn) writeFrame(f frame, deadline time.Time) bool {
	if f.op != nil && f.op.stopped.Load() {
		return true // The client completed it: nothing more may be sent for it.
	}
	if f.ping {
		return c.ws.WriteControl(websocket.PingMessage, nil, deadline) == nil
	}
	_ = c.ws.SetWriteDeadline(deadline)
	return c.ws.WriteMessage(websocket.TextMessage, f.data) == nil
}

// broken ends a connection whose socket failed: nothing more can be
// written, and closing the socket unblocks the reader. It needs no wmu, so
// a writer holding it may call it.
func (c *conn) broken() {
	c.closeWith(0, "")
	_ = c.ws.Close()
}

// finish is the first closeWith's: after a write in progress, the last
// message (a legacy connection_error must precede its close frame) and the
// close frame, within WriteTimeout; then the peer has WriteTimeout to
// answer before the reader gives up. Closing the TCP connection at once
// could reset it before the client has read our close frame.
func (c *conn) finish(last []byte, code int, reason string) {
	switch code {
	case closeSent:
		return
	case 0:
		_ = c.ws.Close()
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	deadline := time.Now().Add(c.o.WriteTimeout)
	if last != nil && !c.writeFrame(frame{data: last}, deadline) {
		_ = c.ws.Close()
		return
	}
	msg := websocket.FormatCloseMessage(code, reason)
	if err := c.ws.WriteControl(websocket.CloseMessage, msg, deadline); err != nil {
		_ = c.ws.Close()
		return
	}
	_ = c.ws.NetConn().SetReadDeadline(time.Now().Add(c.o.WriteTimeout))
}
