// Package redistest gives tests a Redis: the real one named by REDIS_URL
// (CI sets it) or, on a fresh laptop, an embedded Redis-compatible server.
// As for the program, REDIS_CLUSTER=true makes REDIS_URL a seed node of a
// Redis Cluster and REDIS_SENTINEL_MASTER makes it a Sentinel (CI runs
// the store tests and an end-to-end journey that way too). Each test gets
// its own key prefix and deletes only its own keys.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
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
	// Cluster and SentinelMaster say how to connect to URL, as the
	// REDIS_CLUSTER and REDIS_SENTINEL_MASTER settings of the program.
	Cluster        bool
	SentinelMaster string
	Client         redis.UniversalClient
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
	r := &Redis{URL: os.Getenv("REDIS_URL"), Prefix: "test-" + randomHex(6), Now: testclock.Running(),
		Cluster: os.Getenv("REDIS_CLUSTER") == "true", SentinelMaster: os.Getenv("REDIS_SENTINEL_MASTER")}
	if r.URL == "" {
		emb, err := redisstore.StartEmbedded(r.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(emb.Close)
		r.emb, r.URL = emb, emb.URL()
	}
	rdb, err := redisstore.Connect(r.URL, r.SentinelMaster, r.Cluster)
	if err != nil {
		tb.Fatal(err)
	}
	r.Client = rdb
	tb.Cleanup(func() {
		ctx := context.Background()
		r.scan(ctx, func(node redis.UniversalClient, key string) { node.Del(ctx, key) })
		rdb.Close()
	})
	return r
}

// Env is the program's environment for this Redis.
func (r *Redis) Env() map[string]string {
	return map[string]string{"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix,
		"REDIS_CLUSTER": fmt.Sprint(r.Cluster), "REDIS_SENTINEL_MASTER": r.SentinelMaster}
}

// scan calls fn for each of the test's keys; in a Cluster, on every
// master, as SCAN sees only the node it is sent to.
func (r *Redis) scan(ctx context.Context, fn func(node redis.UniversalClient, key string)) error {
	one := func(ctx context.Context, node redis.UniversalClient) error {
		iter := node.Scan(ctx, 0, r.Prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			fn(node, iter.Val())
		}
		return iter.Err()
	}
	if cc, ok := r.Client.(*redis.ClusterClient); ok {
		// fn runs on every master at once.
		return cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error { return one(ctx, node) })
	}
	return one(ctx, r.Client)
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
	var mu sync.Mutex
	out := map[string]time.Duration{}
	err := r.scan(ctx, func(node redis.UniversalClient, key string) {
		ttl, err := node.PTTL(ctx, key).Result()
		if err != nil {
			tb.Error(err)
			return
		}
		if ttl == -2*time.Nanosecond {
			return // deleted since the scan saw it
		}
		mu.Lock()
		out[key] = ttl
		mu.Unlock()
	})
	if err != nil {
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
