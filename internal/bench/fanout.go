package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
)

// SwarmOptions open a swarm of WebSocket subscribers.
type SwarmOptions struct {
	URL      string // ws://host:port/graphql
	Document string // the BatchUpdates operation
	// Subscribers[i] subscribes as Tokens[Owner[i]]; see Assign.
	Tokens []string
	Owner  []int
	// LocalAddrs spreads the client sockets over 127.0.0.1…127.0.0.k, so
	// more than one port range's worth of connections can be opened.
	LocalAddrs int
	// Parallel bounds the connections being opened at once.
	Parallel int
}

// Swarm is a set of graphql-transport-ws subscribers of BatchUpdates. Each
// frame's delivery latency is measured from the PUBLISH of the event it
// carries: the publisher puts a sequence number in completed_essays and
// notes when it published each one.
type Swarm struct {
	conns []*websocket.Conn
	base  time.Time
	sent  []atomic.Int64 // by sequence number: ns since base at PUBLISH

	lat     Latencies
	frames  atomic.Int64
	errs    atomic.Int64
	errMu   sync.Mutex
	errSeen []string
	wg      sync.WaitGroup
}

// Assign spreads n subscribers over teachers, perTeacher each in turn:
// subscriber i belongs to teacher i/perTeacher.
func Assign(n, perTeacher int) []int {
	owner := make([]int, n)
	for i := range owner {
		owner[i] = i / perTeacher
	}
	return owner
}

// OpenSwarm connects every subscriber, initialises its connection with its
// teacher's token and starts its subscription. maxSeq bounds the sequence
// numbers the publisher will use.
func OpenSwarm(ctx context.Context, o SwarmOptions, maxSeq int, progress func(done int)) (*Swarm, error) {
	s := &Swarm{conns: make([]*websocket.Conn, len(o.Owner)), base: time.Now(), sent: make([]atomic.Int64, maxSeq+1)}
	sub, err := json.Marshal(map[string]any{"id": "1", "type": "subscribe",
		"payload": map[string]any{"query": o.Document, "operationName": "BatchUpdates"}})
	if err != nil {
		return nil, err
	}
	if o.LocalAddrs < 1 {
		o.LocalAddrs = 1
	}
	if o.Parallel < 1 {
		o.Parallel = 64
	}
	var (
		next     atomic.Int64
		done     atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range o.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(o.Owner) || cctx.Err() != nil {
					return
				}
				c, err := s.dial(cctx, o, i, sub)
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("subscriber %d: %w", i, err); cancel() })
					return
				}
				s.conns[i] = c
				if n := done.Add(1); progress != nil && n%1000 == 0 {
					progress(int(n))
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		s.Close()
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		s.Close()
		return nil, err
	}
	for _, c := range s.conns {
		s.wg.Add(1)
		go s.read(c)
	}
	return s, nil
}

func (s *Swarm) dial(ctx context.Context, o SwarmOptions, i int, sub []byte) (*websocket.Conn, error) {
	local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%o.LocalAddrs))}
	d := websocket.Dialer{
		NetDialContext:   (&net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}).DialContext,
		HandshakeTimeout: 10 * time.Second,
		Subprotocols:     []string{"graphql-transport-ws"},
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
	}
	c, resp, err := d.DialContext(ctx, o.URL, http.Header{})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial: %w (%s)", err, resp.Status)
		}
		return nil, fmt.Errorf("dial: %w", err)
	}
	fail := func(err error) (*websocket.Conn, error) {
		_ = c.Close()
		return nil, err
	}
	init, _ := json.Marshal(map[string]any{"type": "connection_init",
		"payload": map[string]string{"Authorization": "Bearer " + o.Tokens[o.Owner[i]]}})
	_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := c.WriteMessage(websocket.TextMessage, init); err != nil {
		return fail(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, ack, err := c.ReadMessage()
	if err != nil {
		return fail(fmt.Errorf("waiting for connection_ack: %w", err))
	}
	if !bytes.Contains(ack, []byte(`"connection_ack"`)) {
		return fail(fmt.Errorf("expected connection_ack, got %.200s", ack))
	}
	if err := c.WriteMessage(websocket.TextMessage, sub); err != nil {
		return fail(err)
	}
	_ = c.SetReadDeadline(time.Time{})
	_ = c.SetWriteDeadline(time.Time{})
	return c, nil
}

var (
	nextType     = []byte(`"type":"next"`)
	pingType     = []byte(`"type":"ping"`)
	completedKey = []byte(`"completedEssays":`)
	pong         = []byte(`{"type":"pong"}`)
)

// read counts the frames of one subscriber and answers the server's pings.
func (s *Swarm) read(c *websocket.Conn) {
	defer s.wg.Done()
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		now := time.Since(s.base)
		switch {
		case bytes.Contains(msg, nextType) && !bytes.Contains(msg, errorsKey):
			seq, ok := completedOf(msg)
			if !ok || seq <= 0 || seq >= len(s.sent) {
				s.fail(fmt.Errorf("frame without a known sequence number: %.200s", msg))
				continue
			}
			s.frames.Add(1)
			if at := s.sent[seq].Load(); at > 0 {
				s.lat.Add(now - time.Duration(at))
			}
		case bytes.Contains(msg, pingType):
			_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.WriteMessage(websocket.TextMessage, pong); err != nil {
				return
			}
		default:
			s.fail(fmt.Errorf("unexpected message: %.300s", msg))
		}
	}
}

func completedOf(msg []byte) (int, bool) {
	i := bytes.Index(msg, completedKey)
	if i < 0 {
		return 0, false
	}
	rest := msg[i+len(completedKey):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(string(rest[:j]))
	return n, err == nil
}

func (s *Swarm) fail(err error) {
	s.errs.Add(1)
	s.errMu.Lock()
	if len(s.errSeen) < 5 {
		s.errSeen = append(s.errSeen, err.Error())
	}
	s.errMu.Unlock()
}

// Frames is the number of update frames received so far.
func (s *Swarm) Frames() int { return int(s.frames.Load()) }

// Latencies are the delivery latencies of the frames so far.
func (s *Swarm) Latencies() *Latencies { return &s.lat }

// Errors is the number of unexpected messages so far, with a few samples.
func (s *Swarm) Errors() (int, []string) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return int(s.errs.Load()), append([]string(nil), s.errSeen...)
}

// Close drops every connection and waits for the readers.
func (s *Swarm) Close() {
	for _, c := range s.conns {
		if c != nil {
			_ = c.Close()
		}
	}
	s.wg.Wait()
}

// PublishOptions drive the events of a fan-out run.
type PublishOptions struct {
	Redis    *redis.Client
	Targets  []Teacher // events go to these teachers' first batch in turn
	Rate     float64   // events per second
	Duration time.Duration
}

// PublishResult is what the publisher did.
type PublishResult struct {
	Events   int     `json:"events"`
	Rate     float64 `json:"achieved_rate_per_s"`
	Failures int     `json:"publish_failures"`
	// PerTarget counts the events each target received, to compute the
	// frames expected.
	PerTarget []int `json:"-"`
}

// Publish sends contract-format batch_status_updated messages with Redis
// PUBLISH on ws:{teacher} at a fixed rate, noting each one's time in the
// swarm under its sequence number (sent as completed_essays).
func (s *Swarm) Publish(ctx context.Context, o PublishOptions) (PublishResult, error) {
	if len(o.Targets) == 0 || o.Rate <= 0 {
		return PublishResult{}, errors.New("publish: no targets or no rate")
	}
	res := PublishResult{PerTarget: make([]int, len(o.Targets))}
	phase := devstack.PhaseCJAssessment
	interval := time.Duration(float64(time.Second) / o.Rate)
	start := time.Now()
	end := start.Add(o.Duration)
	var last time.Time
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if !due.Before(end) || ctx.Err() != nil {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		seq := i + 1
		if seq >= len(s.sent) {
			break
		}
		k := i % len(o.Targets)
		t := o.Targets[k]
		now := time.Now()
		if !now.After(last) {
			now = last.Add(time.Microsecond)
		}
		last = now
		msg, err := json.Marshal(devstack.Notification{Event: devstack.EventBatchStatusUpdated, Data: devstack.BatchStatusUpdated{
			BatchID: t.Batches[0], Status: "processing", CompletedEssays: seq,
			ProcessingPhase: &phase, Category: "batch_progress", Priority: "standard",
			CorrelationID: fmt.Sprintf("bffbench-%d", seq), Timestamp: now.UTC(),
		}})
		if err != nil {
			return res, err
		}
		s.sent[seq].Store(int64(time.Since(s.base)))
		if err := o.Redis.Publish(ctx, events.Channel(t.ID), msg).Err(); err != nil {
			res.Failures++
			continue
		}
		res.Events++
		res.PerTarget[k]++
	}
	if el := time.Since(start); el > 0 {
		res.Rate = float64(res.Events) / el.Seconds()
	}
	return res, nil
}
