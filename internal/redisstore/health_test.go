package redisstore_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// records is a slog handler that keeps what is logged.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec.Clone())
	return nil
}

// above returns the records at level or higher, from the nth on.
func (r *records) above(level slog.Level, from int) []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []slog.Record
	for _, rec := range r.recs[min(from, len(r.recs)):] {
		if rec.Level >= level {
			out = append(out, rec)
		}
	}
	return out
}

func (r *records) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.recs)
}

func attr(rec slog.Record, key string) slog.Value {
	var v slog.Value
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value
			return false
		}
		return true
	})
	return v
}

// TestHealth_OutageLoggedOnceAMinute: while Redis is away every command
// fails (several a second in serve), but the log has one line when it
// goes, one a minute while it stays away, with the count, and one when it
// is back. Errors are marked domain.ErrUnavailable for the callers, who
// then stay quiet; answers of Redis (a missing key, a wrong type) are not.
func TestHealth_OutageLoggedOnceAMinute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redistest.NewServer(t) // a port nobody listens on, yet
	// No retries, one dial: every command fails at once.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DialerRetries: 1, MaxRetries: -1})
	defer rdb.Close()
	var mu sync.Mutex
	now := time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	logs := &records{}
	h := redisstore.Monitor(rdb, clock, slog.New(logs))

	// Two minutes and a half of failing commands, two a second.
	for i := range 300 {
		var err error
		if i%3 == 0 {
			pipe := rdb.Pipeline()
			get := pipe.Get(ctx, "k")
			_, err = pipe.Exec(ctx)
			if !errors.Is(get.Err(), domain.ErrUnavailable) {
				t.Fatalf("pipelined command while Redis is away: %v, want ErrUnavailable", get.Err())
			}
		} else {
			err = rdb.Get(ctx, "k").Err()
		}
		if !errors.Is(err, domain.ErrUnavailable) {
			t.Fatalf("command %d while Redis is away: %v, want ErrUnavailable", i, err)
		}
		advance(500 * time.Millisecond)
	}
	if !h.Down() {
		t.Error("Down() = false during the outage")
	}
	warns := logs.above(slog.LevelWarn, 0)
	if len(warns) != 3 {
		for _, w := range warns {
			t.Log(w.Message)
		}
		t.Fatalf("%d warnings for 150 s of outage, want 3 (at 0 s, 60 s, 120 s)", len(warns))
	}
	if warns[0].Message != "redis unreachable: retrying; logged again once a minute while it lasts" {
		t.Errorf("first warning %q", warns[0].Message)
	}
	for i, w := range warns[1:] {
		if w.Message != "redis still unreachable" {
			t.Errorf("warning %d: %q", i+1, w.Message)
		}
		if got, want := attr(w, "failed_commands").Int64(), int64(120*(i+1)+1); got != want {
			t.Errorf("warning %d counts %d failed commands, want %d", i+1, got, want)
		}
		if got, want := attr(w, "down_s").Int64(), int64(60*(i+1)); got != want {
			t.Errorf("warning %d: down %d s, want %d", i+1, got, want)
		}
	}

	// Redis is back: the next command says so, once.
	srv.Start(t)
	seen := logs.len()
	// The client's pool redials in the background, within a second.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := rdb.Get(ctx, "no-such-key").Err()
		if err == redis.Nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("missing key after the outage: %v, want redis.Nil", err)
		}
	}
	rdb.Ping(ctx)
	var back []slog.Record
	for _, rec := range logs.above(slog.LevelDebug, seen) {
		if rec.Message == "redis reachable again" {
			back = append(back, rec)
		}
	}
	if len(back) != 1 || attr(back[0], "down_s").Int64() != 150 || attr(back[0], "failed_commands").Int64() < 300 {
		t.Fatalf("after the outage: %d 'reachable again' records %v", len(back), back)
	}
	if h.Down() {
		t.Error("Down() = true after Redis answered")
	}
	// An answer of Redis is no outage.
	rdb.Set(ctx, "health-test-string", "x", time.Minute)
	if err := rdb.LPush(ctx, "health-test-string", "y").Err(); err == nil || errors.Is(err, domain.ErrUnavailable) {
		t.Errorf("WRONGTYPE: %v, want an error that is not ErrUnavailable", err)
	}
	if w := logs.above(slog.LevelWarn, seen); len(w) != 0 {
		t.Errorf("warnings after Redis came back: %v", w)
	}

	// It goes away again within the minute (flapping): that is not
	// logged at once, but at the latest a minute after the last line.
	srv.Stop(t)
	seen = logs.len()
	rdb.Get(ctx, "k")
	if w := logs.above(slog.LevelWarn, seen); len(w) != 0 {
		t.Errorf("a second outage right after the first: %d warnings at once, want 0", len(w))
	}
	advance(time.Minute)
	rdb.Get(ctx, "k")
	if w := logs.above(slog.LevelWarn, seen); len(w) != 1 {
		t.Errorf("a second outage a minute on: %d warnings, want 1", len(w))
	}
}
