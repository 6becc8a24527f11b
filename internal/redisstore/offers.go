package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/offers"
)

// Offers keeps the editors' imported offers file in one hash, so every
// replica can load it: `lotse offers import` writes it in one HSET, the
// replicas poll its version. It holds no personal data and is kept until
// the next import replaces it (no TTL).
type Offers struct {
	rdb redis.UniversalClient
	key string
}

var _ offers.Source = (*Offers)(nil)

// Offers returns the store of the imported offers file.
func (s *Store) Offers() *Offers { return &Offers{rdb: s.rdb, key: s.opt.Prefix + ":offers"} }

// Import stores a checked file as the one every replica uses.
func (o *Offers) Import(ctx context.Context, imp offers.Imported) error {
	err := o.rdb.HSet(ctx, o.key, "name", imp.Name, "data", imp.Data, "version", imp.Version,
		"at", strconv.FormatInt(imp.At.Unix(), 10)).Err()
	if err != nil {
		return fmt.Errorf("redisstore: import offers: %w", err)
	}
	return nil
}

// Remove drops the imported file; replicas go back to the shipped one.
func (o *Offers) Remove(ctx context.Context) error {
	if err := o.rdb.Del(ctx, o.key).Err(); err != nil {
		return fmt.Errorf("redisstore: remove offers: %w", err)
	}
	return nil
}

// OffersVersion returns the imported file's version, "" if none.
func (o *Offers) OffersVersion(ctx context.Context) (string, error) {
	v, err := o.rdb.HGet(ctx, o.key, "version").Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("redisstore: offers version: %w", err)
	}
	return v, nil
}

// LoadOffers returns the imported file; an empty Imported if none.
func (o *Offers) LoadOffers(ctx context.Context) (offers.Imported, error) {
	vals, err := o.rdb.HMGet(ctx, o.key, "name", "data", "version", "at").Result()
	if err != nil {
		return offers.Imported{}, fmt.Errorf("redisstore: load offers: %w", err)
	}
	str := func(i int) string { s, _ := vals[i].(string); return s }
	at, _ := strconv.ParseInt(str(3), 10, 64)
	return offers.Imported{Name: str(0), Data: []byte(str(1)), Version: str(2), At: time.Unix(at, 0)}, nil
}
