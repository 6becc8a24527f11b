package redisstore_test

import (
	"context"
	"testing"
	"time"

	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// TestTranslations_TTL: a cached translation is found again and expires
// with the TTL, so it is not kept beyond it.
func TestTranslations_TTL(t *testing.T) {
	ctx := context.Background()
	r := redistest.Must(t)
	c := r.Store(redisstore.Options{}).Translations(time.Minute)
	if _, ok, err := c.Get(ctx, "h1"); ok || err != nil {
		t.Fatalf("empty cache: ok=%v err=%v", ok, err)
	}
	if err := c.Set(ctx, "h1", `{"t":"x"}`); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := c.Get(ctx, "h1"); !ok || err != nil || v != `{"t":"x"}` {
		t.Fatalf("get = %q %v %v", v, ok, err)
	}
	for k, ttl := range r.Keys(t) {
		if ttl <= 0 || ttl > time.Minute {
			t.Errorf("%s: TTL %s, want ≤ 1m", k, ttl)
		}
	}
}
