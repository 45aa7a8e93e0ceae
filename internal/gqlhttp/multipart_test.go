package gqlhttp

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeLog records every write to the connections of a listener: what a
// client receives, write by write.
type writeLog struct {
	net.Listener
	mu     sync.Mutex
	writes [][]byte
}

func (l *writeLog) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &loggedConn{Conn: c, log: l}, nil
}

func (l *writeLog) all() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][]byte(nil), l.writes...)
}

type loggedConn struct {
	net.Conn
	log *writeLog
}

func (c *loggedConn) Write(p []byte) (int, error) {
	c.log.mu.Lock()
	c.log.writes = append(c.log.writes, bytes.Clone(p))
	c.log.mu.Unlock()
	return c.Conn.Write(p)
}

// The last part is flushed as it comes; the close delimiter reaches the
// client in the same write as the end of the chunked body. A client knows
// the last part is whole only when the delimiter after it arrives: urql then
// aborts its fetch, and an abort before the body's end fails the body with
// an uncaught AbortError (test/clients' urql @defer check). Arriving
// together, the body has ended by the time the client acts on it.
func TestMultipartCloseDelimiterEndsTheBody(t *testing.T) {
	h := handler.New(tinySchema())
	h.AddTransport(Transport{})
	srv := httptest.NewUnstartedServer(h)
	log := &writeLog{Listener: srv.Listener}
	srv.Listener = log
	srv.Start()
	t.Cleanup(srv.Close)

	req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(gqlPOST(`{ hello }`)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "multipart/mixed")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, []string{"chunked"}, resp.TransferEncoding)
	assert.Equal(t, "\r\n--graphql\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"+
		`{"data":{"hello":"world"},"hasNext":false}`+"\r\n--graphql--\r\n", string(body))

	writes := log.all()
	require.NotEmpty(t, writes)
	last := string(writes[len(writes)-1])
	assert.True(t, strings.HasSuffix(last, "\r\n--graphql--\r\n\r\n0\r\n\r\n"),
		"the close delimiter's chunk and the last chunk in one write: %q", last)
	assert.NotContains(t, last, `"hasNext":false`, "the last part went before, flushed")
	for _, w := range writes[:len(writes)-1] {
		assert.NotContains(t, string(w), "--graphql--", "the close delimiter only in the last write")
	}
}
