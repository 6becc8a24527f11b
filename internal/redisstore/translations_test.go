package redisstore_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// TestTranslations_TTL: a cached translation is found again and expires
// with the TTL, so it is not kept beyond it.
func TestTranslations_TTL(t *testing.T) {
	t.Parallel()
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

// TestTickets_Explained: a term is new once per ticket, and the record
// goes with the person's data.
func TestTickets_Explained(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	ts := r.Store(redisstore.Options{}).Tickets(0)
	tk, err := ts.Open(ctx, domain.Ticket{ChatID: 77, Lang: "ar", Created: time.Unix(1_800_000_000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ts.Explained(ctx, tk.ID, []string{"Duldung", "Jobcenter"})
	if err != nil || !slices.Equal(got, []string{"Duldung", "Jobcenter"}) {
		t.Fatalf("first = %v, %v", got, err)
	}
	if got, _ = ts.Explained(ctx, tk.ID, []string{"Jobcenter", "Kaution"}); !slices.Equal(got, []string{"Kaution"}) {
		t.Errorf("second = %v, want [Kaution]", got)
	}
	if _, err := ts.Forget(ctx, 77, tk.ID); err != nil {
		t.Fatal(err)
	}
	for k := range r.Keys(t) {
		if strings.HasSuffix(k, ":g:"+strconv.FormatInt(tk.ID, 10)) {
			t.Errorf("explained terms left after forget: %s", k)
		}
	}
}
