// Package events carries batch notifications from RAS to the BFF's
// subscribers: the message format, the per-teacher channels and the buses
// (in-process or Redis pub/sub) they travel on.
package events

import "context"

// Publisher sends one raw notification message on a teacher's channel.
// RAS (and the reference upstreams standing in for it) publish; the BFF only
// subscribes.
type Publisher interface {
	Publish(ctx context.Context, userID string, message []byte) error
}

// Channel is the pub/sub channel that carries a teacher's notifications.
func Channel(userID string) string { return "ws:" + userID }
