package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Translations is the short-lived cache of machine translations
// (translate.Cache). Keys are hashes of the text; every entry expires
// after TTL, so no translated message is kept longer.
type Translations struct {
	rdb  redis.UniversalClient
	base string
	ttl  time.Duration
}

// Translations returns the cache; ttl ≤ 0 means one hour.
func (s *Store) Translations(ttl time.Duration) *Translations {
	if ttl <= 0 {
		ttl = time.Hour
	}
	return &Translations{rdb: s.rdb, base: s.opt.Prefix + ":tr:", ttl: ttl}
}

// Get returns a cached translation.
func (t *Translations) Get(ctx context.Context, key string) (string, bool, error) {
	v, err := t.rdb.Get(ctx, t.base+key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("redisstore: get translation: %w", err)
	}
	return v, true, nil
}

// Set caches a translation for the TTL.
func (t *Translations) Set(ctx context.Context, key, value string) error {
	if err := t.rdb.Set(ctx, t.base+key, value, t.ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: cache translation: %w", err)
	}
	return nil
}
