package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/stats"
)

// Stats keeps the anonymous daily counters: one hash per day,
// "<prefix>:stats:{2026-11-05}", field per counter (see internal/stats).
// Each day is its own key with its own hash tag, so in a cluster a day's
// counters live in one slot. A day's hash expires Retention after the
// end of that day.
type Stats struct {
	rdb       redis.UniversalClient
	prefix    string
	retention time.Duration
	now       func() time.Time
}

// Stats opens the counters; retention ≤ 0 means 400 days.
func (s *Store) Stats(retention time.Duration) *Stats {
	if retention <= 0 {
		retention = 400 * 24 * time.Hour
	}
	return &Stats{rdb: s.rdb, prefix: s.opt.Prefix, retention: retention, now: s.opt.Now}
}

func (st *Stats) key(day string) string { return st.prefix + ":stats:{" + day + "}" }

// Add adds counts to days ("2006-01-02" → field → n) in one pipeline: one
// round trip, whatever the number of days and fields.
func (st *Stats) Add(ctx context.Context, days map[string]map[string]int64) error {
	if len(days) == 0 {
		return nil
	}
	pipe := st.rdb.Pipeline()
	for day, fields := range days {
		d, err := time.Parse(stats.Day, day)
		if err != nil {
			return fmt.Errorf("redisstore: add stats: day %q: %w", day, err)
		}
		k := st.key(day)
		for f, n := range fields {
			pipe.HIncrBy(ctx, k, f, n)
		}
		// The day's end in the latest time zone (UTC-12) plus retention:
		// never earlier than promised, wherever the municipality is. A
		// TTL from the store's clock rather than EXPIREAT, so that a
		// pinned clock and Redis's own agree.
		pipe.Expire(ctx, k, d.Add(36*time.Hour+st.retention).Sub(st.now()))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: add stats: %w", err)
	}
	return nil
}

// Days reads the counters of the given days, in their order (an empty
// map for a day without any), in one pipeline.
func (st *Stats) Days(ctx context.Context, days []string) ([]map[string]int64, error) {
	pipe := st.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(days))
	for i, d := range days {
		cmds[i] = pipe.HGetAll(ctx, st.key(d))
	}
	if len(days) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("redisstore: read stats: %w", err)
		}
	}
	out := make([]map[string]int64, len(days))
	for i, c := range cmds {
		out[i] = map[string]int64{}
		for f, v := range c.Val() {
			var n int64
			if _, err := fmt.Sscan(v, &n); err == nil {
				out[i][f] = n
			}
		}
	}
	return out, nil
}
