package upstream

import (
	"net"
	"net/http"
	"time"
)

// Connection pool sizing. Every dashboard request fans out to all three
// services and the loaders batch concurrently, so a handful of connections
// per upstream is normal; keeping 64 idle ones avoids a new TCP (and TLS)
// handshake per call under load, and the per-host cap stops a burst from
// opening an unbounded number of sockets against one service (excess calls
// wait for a free connection, within their own timeout).
const (
	maxIdleConns        = 256
	maxIdleConnsPerHost = 64
	maxConnsPerHost     = 128
	idleConnTimeout     = 90 * time.Second
	dialTimeout         = 2 * time.Second
	tlsHandshakeTimeout = 3 * time.Second
)

// newTransport is the default transport of a Client. The per-call context
// deadline is the real bound; the transport's own timeouts only make a dead
// peer fail fast and with a precise cause, even if a caller passes a very
// long Timeout.
//
// maxConns overrides maxConnsPerHost when positive; the idle pool never
// exceeds it, since idle connections beyond the cap could never be used.
func newTransport(callTimeout time.Duration, maxConns int) *http.Transport {
	if maxConns <= 0 {
		maxConns = maxConnsPerHost
	}
	dialer := &net.Dialer{Timeout: min(dialTimeout, callTimeout), KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleConns,
		MaxIdleConnsPerHost:   min(maxIdleConnsPerHost, maxConns),
		MaxConnsPerHost:       maxConns,
		IdleConnTimeout:       idleConnTimeout,
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: callTimeout,
		ExpectContinueTimeout: time.Second,
	}
}
