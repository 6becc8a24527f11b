package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// Reminders is the Redis ReminderQueue: a due-set scored by send time and a
// lease set scored by lease deadline, under one {rem} hash tag. A claim
// takes due reminders with ZRANGEBYSCORE … LIMIT, so its cost grows with
// the reminders due now, not with all scheduled ones.
type Reminders struct {
	rdb  redis.UniversalClient
	base string
}

var _ domain.ReminderQueue = (*Reminders)(nil)

// Reminders returns the reminder queue sharing this store's client and prefix.
func (s *Store) Reminders() *Reminders {
	return &Reminders{rdb: s.rdb, base: s.opt.Prefix + ":{rem}:"}
}

// keyTTL keeps the sets alive while reminders are scheduled (up to the
// booking horizon plus margin).
const keyTTL = 400 * 24 * time.Hour

// Schedule implements domain.ReminderQueue.
func (r *Reminders) Schedule(ctx context.Context, due map[string]time.Time) error {
	if len(due) == 0 {
		return nil
	}
	zs := make([]redis.Z, 0, len(due))
	for id, at := range due {
		zs = append(zs, redis.Z{Score: float64(at.Unix()), Member: id})
	}
	pipe := r.rdb.TxPipeline()
	pipe.ZAdd(ctx, r.base+"due", zs...)
	pipe.Expire(ctx, r.base+"due", keyTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: schedule reminders: %w", err)
	}
	return nil
}

// Unschedule implements domain.ReminderQueue.
func (r *Reminders) Unschedule(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	members := make([]any, len(ids))
	for i, id := range ids {
		members[i] = id
	}
	pipe := r.rdb.TxPipeline()
	pipe.ZRem(ctx, r.base+"due", members...)
	pipe.ZRem(ctx, r.base+"lease", members...)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: unschedule reminders: %w", err)
	}
	return nil
}

// claimScript: KEYS due, lease; ARGV now, lease deadline, limit, sent-key
// prefix. Expired leases go back to due first; then up to limit due
// reminders move to the lease set. Already-sent ones are dropped.
var claimScript = redis.NewScript(`
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], ARGV[1], id)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  if redis.call('EXISTS', ARGV[4] .. id) == 0 then
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    out[#out+1] = id
  end
end
if #ids > 0 then redis.call('EXPIRE', KEYS[2], ` + strconv.Itoa(int(keyTTL.Seconds())) + `) end
return out
`)

// Claim implements domain.ReminderQueue.
func (r *Reminders) Claim(ctx context.Context, now time.Time, lease time.Duration, n int) ([]string, error) {
	ids, err := claimScript.Run(ctx, r.rdb, []string{r.base + "due", r.base + "lease"},
		now.Unix(), now.Add(lease).Unix(), n, r.base+"sent:").StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: claim reminders: %w", err)
	}
	return ids, nil
}

// Ack implements domain.ReminderQueue: the sent mark outlives any lease, so
// a reminder re-queued after its sender died is dropped, not sent again.
func (r *Reminders) Ack(ctx context.Context, id string) error {
	pipe := r.rdb.TxPipeline()
	pipe.Set(ctx, r.base+"sent:"+id, 1, 3*24*time.Hour)
	pipe.ZRem(ctx, r.base+"lease", id)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: ack reminder: %w", err)
	}
	return nil
}
