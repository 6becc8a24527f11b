package schedule_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/schedule"
)

// TestScheduler_OneReplicaPerTick: three replicas tick the same job; each
// tick runs once, and a panicking job does not stop the scheduler.
func TestScheduler_OneReplicaPerTick(t *testing.T) {
	r := redistest.Must(t)
	store := r.Store(redisstore.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var runs, panics atomic.Int32
	start := time.Now()
	for i := 0; i < 3; i++ {
		s := schedule.New(context.Background(), store, log)
		if err := s.Every("test-job", time.Second, func(context.Context) error {
			runs.Add(1)
			if runs.Load() == 1 {
				panics.Add(1)
				panic("first run fails")
			}
			return errors.New("a failing job is logged, not fatal")
		}); err != nil {
			t.Fatal(err)
		}
		s.Start()
		defer s.Stop()
	}
	time.Sleep(3500 * time.Millisecond)
	elapsed := time.Since(start)
	max := int32(elapsed/time.Second) + 1
	if n := runs.Load(); n < 2 || n > max {
		t.Errorf("%d runs in %v with 3 replicas; want one per tick (at most %d)", n, elapsed, max)
	}
	if panics.Load() != 1 {
		t.Errorf("panics = %d", panics.Load())
	}
}
