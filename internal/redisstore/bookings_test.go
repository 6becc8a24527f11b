package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

func bookReq(chat int64, start time.Time, req string) domain.BookRequest {
	return domain.BookRequest{
		RequestID:  req,
		Booking:    domain.Booking{ChatID: chat, FirstName: "P", Lang: "ar", Topic: "housing", Office: "rathaus", Start: start, End: start.Add(30 * time.Minute), Created: start.Add(-48 * time.Hour)},
		Candidates: []domain.Candidate{{Staff: 1, Capacity: 1}, {Staff: 2, Capacity: 2}},
	}
}

// TestBookings_NoOverbooking: 200 people tap the same slot at once through
// two store instances (two replicas) sharing one Redis: exactly capacity
// succeed.
func TestBookings_NoOverbooking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	other, _ := redisstore.Connect(r.URL, r.SentinelMaster, r.Cluster)
	defer other.Close()
	replicas := []*redisstore.Bookings{
		r.Store(redisstore.Options{}).Bookings(0),
		redisstore.New(other, redistest.Pseudonyms, redisstore.Options{Prefix: r.Prefix, Now: r.Now}).Bookings(0),
	}
	start := r.Now().Add(48 * time.Hour).Truncate(time.Minute)
	var ok, taken atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := replicas[i%2].Book(ctx, bookReq(int64(1000+i), start, fmt.Sprint("req-", i)))
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, domain.ErrSlotTaken):
				taken.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 3 || taken.Load() != 197 {
		t.Fatalf("%d booked, %d refused; capacity is 3", ok.Load(), taken.Load())
	}
	booked, _ := replicas[0].Booked(ctx, "rathaus", []time.Time{start})
	if c := booked[start.Unix()]; c[1] != 1 || c[2] != 2 {
		t.Errorf("places per case manager = %v", c)
	}
}

func TestBookings_Lifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	bs := r.Store(redisstore.Options{}).Bookings(0)
	start := r.Now().Add(72 * time.Hour).Truncate(time.Minute)

	rt := r.CountRoundTrips()
	// A booking in the same slot, forgotten again, loads the script on the
	// node that holds the slot (in a Cluster each node loads it once).
	bs.Book(ctx, bookReq(6, start, "warm-up"))
	if _, err := bs.Forget(ctx, 6); err != nil {
		t.Fatal(err)
	}
	rt.Store(0)
	first, err := bs.Book(ctx, bookReq(7, start, "tap-1"))
	if err != nil || first.Staff != 1 || first.Status != domain.BookingBooked || first.ChatID != 7 {
		t.Fatalf("book = %+v, %v", first, err)
	}
	if n := rt.Load(); n != 2 {
		t.Errorf("a booking took %d round trips, want 2 (the script, the person's index)", n)
	}
	t.Run("DoubleTapBooksOnce", func(t *testing.T) {
		again, err := bs.Book(ctx, bookReq(7, start, "tap-1"))
		if err != nil || again.ID != first.ID || again.Office != first.Office || !again.Start.Equal(first.Start) || again.Lang != "ar" {
			t.Fatalf("second tap = %+v, %v", again, err)
		}
		mine, _ := bs.ByPerson(ctx, 7)
		if len(mine) != 1 {
			t.Fatalf("person has %d bookings", len(mine))
		}
	})
	t.Run("CancelFreesThePlace", func(t *testing.T) {
		bs.Book(ctx, bookReq(8, start, "b"))
		bs.Book(ctx, bookReq(9, start, "c"))
		if _, err := bs.Book(ctx, bookReq(10, start, "d")); !errors.Is(err, domain.ErrSlotTaken) {
			t.Fatalf("fourth booking: %v", err)
		}
		if got, err := bs.SetStatus(ctx, first.ID, domain.BookingCancelled); err != nil || got.Status != domain.BookingCancelled {
			t.Fatalf("cancel = %+v, %v", got, err)
		}
		if _, err := bs.Book(ctx, bookReq(10, start, "d2")); err != nil {
			t.Fatalf("freed place not bookable: %v", err)
		}
	})
	t.Run("InSlots", func(t *testing.T) {
		all, _ := bs.InSlots(ctx, "rathaus", []time.Time{start})
		sort.Slice(all, func(i, j int) bool { return all[i].ChatID < all[j].ChatID })
		if len(all) != 4 || all[0].Status != domain.BookingCancelled {
			t.Fatalf("slot bookings = %+v", all)
		}
	})
	t.Run("Forget", func(t *testing.T) {
		gone, err := bs.Forget(ctx, 10)
		if err != nil || len(gone) != 1 {
			t.Fatalf("forget = %+v, %v", gone, err)
		}
		if _, err := bs.Get(ctx, gone[0].ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("booking survived: %v", err)
		}
		if _, err := bs.Book(ctx, bookReq(11, start, "e")); err != nil {
			t.Errorf("erased person's place not freed: %v", err)
		}
	})
	t.Run("Blocks", func(t *testing.T) {
		day := start.Format(time.DateOnly)
		bs.Block(ctx, "rathaus", day, r.Now().Add(time.Hour))
		bs.Block(ctx, "rathaus", day+" 09:00", r.Now().Add(-time.Second))
		blocks, err := bs.Blocks(ctx)
		if err != nil || !blocks["rathaus|"+day] || len(blocks) != 1 {
			t.Errorf("blocks = %v, %v; want the day only (the slot's block has expired)", blocks, err)
		}
	})
	for k, ttl := range r.Keys(t) {
		if ttl <= 0 {
			t.Errorf("key %s has no TTL", k)
		}
	}
}

// TestReminders_OnceAcrossReplicas: three schedulers claim thousands of
// reminders; one dies halfway with reminders leased. None is lost, none is
// sent twice.
func TestReminders_OnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	q := r.Store(redisstore.Options{}).Reminders()
	const n = 3000
	now := r.Now()
	due := map[string]time.Time{}
	for i := 0; i < n; i++ {
		due[fmt.Sprintf("b%d|0", i)] = now.Add(-time.Duration(i%60) * time.Second)
	}
	if err := q.Schedule(ctx, due); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	sent := map[string]int{}
	var wg sync.WaitGroup
	clock := now
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; ; round++ {
				ids, err := q.Claim(ctx, clock, time.Minute, 50)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ids) == 0 {
					return
				}
				if w == 0 && round == 10 {
					return // killed: its 50 leased reminders are neither sent nor acked
				}
				for _, id := range ids {
					mu.Lock()
					sent[id]++
					mu.Unlock()
					if err := q.Ack(ctx, id); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	// After the dead replica's lease runs out, a survivor re-claims them.
	later := clock.Add(2 * time.Minute)
	for {
		ids, err := q.Claim(ctx, later, time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			sent[id]++
			q.Ack(ctx, id)
		}
	}
	if len(sent) != n {
		t.Fatalf("%d of %d reminders sent", len(sent), n)
	}
	for id, c := range sent {
		if c != 1 {
			t.Fatalf("reminder %s sent %d times", id, c)
		}
	}
	t.Run("NotYetDue", func(t *testing.T) {
		q.Schedule(ctx, map[string]time.Time{"future|0": later.Add(time.Hour)})
		if ids, _ := q.Claim(ctx, later, time.Minute, 10); len(ids) != 0 {
			t.Errorf("claimed early: %v", ids)
		}
		q.Unschedule(ctx, []string{"future|0"})
		if ids, _ := q.Claim(ctx, later.Add(2*time.Hour), time.Minute, 10); len(ids) != 0 {
			t.Errorf("unscheduled reminder claimed: %v", ids)
		}
	})
}

// TestBookings_ForgetLeavesNothing: after a person's bookings are
// forgotten, no key of the slot names them or their booking — not the
// request key, which once carried the Telegram id and outlived /delete.
func TestBookings_ForgetLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	bs := r.Store(redisstore.Options{}).Bookings(0)
	const chat = 987654321
	start := r.Now().Add(72 * time.Hour).Truncate(time.Minute)
	var ids []string
	for i, st := range []time.Time{start, start.Add(24 * time.Hour)} {
		bk, err := bs.Book(ctx, bookReq(chat, st, fmt.Sprint("n0nce", i, ".", st.Unix())))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, bk.ID)
	}
	if _, err := bs.SetStatus(ctx, ids[1], domain.BookingAttended); err != nil {
		t.Fatal(err)
	}
	if _, err := bs.Forget(ctx, chat); err != nil {
		t.Fatal(err)
	}
	for k := range r.Keys(t) {
		t.Errorf("key left after forget: %s", k)
	}
	for _, id := range ids {
		if _, err := bs.Get(ctx, id); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("booking %s: %v", id, err)
		}
	}
	// The slot is free again, and the same request books anew.
	if _, err := bs.Book(ctx, bookReq(chat+1, start, "n0nce0."+fmt.Sprint(start.Unix()))); err != nil {
		t.Errorf("same request after forget: %v", err)
	}
}
