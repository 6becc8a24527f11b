package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Telegram allows one getUpdates caller per bot (a second gets 409
// Conflict), so replicas in polling mode elect one poller with this lock.

// leadScript takes the lock if free or renews it if this worker holds it.
var leadScript = redis.NewScript(`
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// Lead takes or renews the named leader lock for ttl; it reports whether
// this worker (token) is the leader.
func (s *Store) Lead(ctx context.Context, name, token string, ttl time.Duration) (bool, error) {
	ok, err := leadScript.Run(ctx, s.rdb, []string{s.opt.Prefix + ":leader:" + name}, token, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: lead %s: %w", name, err)
	}
	return ok == 1, nil
}

// Resign gives the leader lock up if this worker holds it.
func (s *Store) Resign(ctx context.Context, name, token string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.opt.Prefix + ":leader:" + name}, token).Err(); err != nil {
		return fmt.Errorf("redisstore: resign %s: %w", name, err)
	}
	return nil
}

// Claim lets one replica claim a job's tick: the key names the tick, so
// each tick is run once however the replicas' clocks and runs overlap.
func (s *Store) Claim(ctx context.Context, job string, tick time.Time, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, fmt.Sprintf("%s:tick:%s:%d", s.opt.Prefix, job, tick.Unix()), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: claim %s: %w", job, err)
	}
	return ok, nil
}
