package redisstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// BenchmarkBook books places for many people in many slots at once.
//
//	REDIS_URL=redis://127.0.0.1:6379 go test -run '^$' -bench Book ./internal/redisstore/
func BenchmarkBook(b *testing.B) {
	ctx := context.Background()
	r := redistest.Must(b)
	bs := r.Store(redisstore.Options{}).Bookings(0)
	base := r.Now().Add(48 * time.Hour).Truncate(time.Hour)
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			slot := base.Add(time.Duration(i%500) * 30 * time.Minute)
			_, err := bs.Book(ctx, domain.BookRequest{
				RequestID:  fmt.Sprint("req-", i),
				Booking:    domain.Booking{ChatID: i, Office: "rathaus", Start: slot, End: slot.Add(30 * time.Minute), Lang: "ar", Created: base},
				Candidates: []domain.Candidate{{Staff: 1, Capacity: 1 << 20}},
			})
			if err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "bookings/s")
}

// BenchmarkReminderClaim claims the 100 reminders due now while N others
// wait in the future: the cost must not grow with N (no scan of all).
func BenchmarkReminderClaim(b *testing.B) {
	for _, scheduled := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint("scheduled=", scheduled), func(b *testing.B) {
			ctx := context.Background()
			q := redistest.Must(b).Store(redisstore.Options{}).Reminders()
			now := time.Now()
			future := map[string]time.Time{}
			for i := 0; i < scheduled; i++ {
				future[fmt.Sprint("future-", i)] = now.Add(time.Duration(1+i%1000) * time.Hour)
				if len(future) == 10_000 {
					q.Schedule(ctx, future)
					future = map[string]time.Time{}
				}
			}
			q.Schedule(ctx, future)
			b.ResetTimer()
			claimed := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				due := map[string]time.Time{}
				for j := 0; j < 100; j++ {
					due[fmt.Sprintf("due-%d-%d", i, j)] = now.Add(-time.Second)
				}
				q.Schedule(ctx, due)
				b.StartTimer()
				ids, err := q.Claim(ctx, now, time.Minute, 100)
				if err != nil {
					b.Fatal(err)
				}
				claimed += len(ids)
			}
			b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "claims/s")
		})
	}
}

// BenchmarkReminderDispatch claims and acknowledges 100,000 reminders that
// fell due together (sending itself is paced by Telegram's 30/s).
func BenchmarkReminderDispatch(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		q := redistest.Must(b).Store(redisstore.Options{}).Reminders()
		now := time.Now()
		due := map[string]time.Time{}
		for j := 0; j < 100_000; j++ {
			due[fmt.Sprint("r-", j)] = now.Add(-time.Minute)
			if len(due) == 10_000 {
				q.Schedule(ctx, due)
				due = map[string]time.Time{}
			}
		}
		b.StartTimer()
		start, done := time.Now(), 0
		for {
			ids, err := q.Claim(ctx, now, time.Minute, 100)
			if err != nil {
				b.Fatal(err)
			}
			if len(ids) == 0 {
				break
			}
			for _, id := range ids {
				if err := q.Ack(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
			done += len(ids)
		}
		if done != 100_000 {
			b.Fatalf("dispatched %d", done)
		}
		b.ReportMetric(float64(done)/time.Since(start).Seconds(), "reminders/s")
	}
}
