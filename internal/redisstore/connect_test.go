package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"lotse/internal/redisstore"
)

// TestEmbedded_KeysExpire: the embedded server ages its keys with the
// clock, as a real Redis does, so a lease of a worker that died runs out
// and a session is gone after its idle time even without REDIS_URL.
func TestEmbedded_KeysExpire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var offset atomic.Int64
	start := time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return start.Add(time.Duration(offset.Load())) }
	emb, err := redisstore.StartEmbedded(now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	rdb, err := redisstore.Connect(emb.URL(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if err := rdb.Set(ctx, "lease", "w", 5*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "session", "s", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	offset.Store(int64(6 * time.Second))
	deadline := time.Now().Add(2 * time.Second)
	for rdb.Exists(ctx, "lease").Val() == 1 {
		if time.Now().After(deadline) {
			t.Fatal("a 5 s key outlived 6 s on the clock")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ttl := rdb.PTTL(ctx, "session").Val(); ttl <= 0 || ttl > time.Hour-6*time.Second {
		t.Errorf("an hour's key after 6 s has %v left", ttl)
	}
}
