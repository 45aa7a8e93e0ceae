package events

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

type redisPublisher struct {
	client *redis.Client
}

// NewRedisPublisher publishes with Redis PUBLISH on Channel(userID), the
// way RAS does in production.
func NewRedisPublisher(client *redis.Client) Publisher {
	return &redisPublisher{client: client}
}

func (p *redisPublisher) Publish(ctx context.Context, userID string, message []byte) error {
	channel := Channel(userID)
	if err := p.client.Publish(ctx, channel, message).Err(); err != nil {
		return fmt.Errorf("redis publish on %s: %w", channel, err)
	}
	return nil
}
