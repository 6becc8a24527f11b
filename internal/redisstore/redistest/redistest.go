// Package redistest gives tests a Redis: the real one named by REDIS_URL
// (CI sets it) or, on a fresh laptop, an embedded Redis-compatible server.
// Each test gets its own key prefix and deletes only its own keys.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/testclock"
)

// Redis is one test's view of a Redis server.
type Redis struct {
	URL    string
	Prefix string
	Client redis.UniversalClient
	// Now is the test's clock: the pinned test date (see testclock),
	// advancing with real time. Stores opened with Store use it unless the
	// test passes its own.
	Now func() time.Time
	emb *redisstore.Embedded
}

// Must connects to REDIS_URL, or starts an embedded server, and gives the
// test a unique prefix whose keys are deleted at cleanup.
func Must(tb testing.TB) *Redis {
	tb.Helper()
	r := &Redis{URL: os.Getenv("REDIS_URL"), Prefix: "test-" + randomHex(6), Now: testclock.Running()}
	if r.URL == "" {
		emb, err := redisstore.StartEmbedded(slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(emb.Close)
		r.emb, r.URL = emb, emb.URL()
	}
	rdb, err := redisstore.Connect(r.URL, "", false)
	if err != nil {
		tb.Fatal(err)
	}
	r.Client = rdb
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, r.Prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		rdb.Close()
	})
	return r
}

// Store opens a store on the test's prefix (opt.Prefix is overwritten)
// and, unless opt.Now is set, the test's clock.
func (r *Redis) Store(opt redisstore.Options) *redisstore.Store {
	opt.Prefix = r.Prefix
	if opt.Now == nil {
		opt.Now = r.Now
	}
	return redisstore.New(r.Client, Pseudonyms, opt)
}

// Pseudonyms are the ones every test store uses.
var Pseudonyms = domain.NewPseudonyms([]byte("test-secret"))

// Elapse lets d pass for key expiry: real time on a real Redis, a fast
// forward on the embedded one.
func (r *Redis) Elapse(d time.Duration) {
	if r.emb != nil {
		r.emb.FastForward(d)
		return
	}
	time.Sleep(d)
}

// Keys lists the test's keys with their TTLs (-1ns: none).
func (r *Redis) Keys(tb testing.TB) map[string]time.Duration {
	tb.Helper()
	ctx := context.Background()
	out := map[string]time.Duration{}
	iter := r.Client.Scan(ctx, 0, r.Prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		ttl, err := r.Client.PTTL(ctx, iter.Val()).Result()
		if err != nil {
			tb.Fatal(err)
		}
		if ttl == -2*time.Nanosecond {
			continue // deleted since the scan saw it
		}
		out[iter.Val()] = ttl
	}
	if err := iter.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// CountRoundTrips counts the commands and pipelines the test's client sends
// from now on; each is one network round trip.
func (r *Redis) CountRoundTrips() *atomic.Int64 {
	n := &atomic.Int64{}
	r.Client.AddHook(countHook{n})
	return n
}

type countHook struct{ n *atomic.Int64 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
