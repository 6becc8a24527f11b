package redisstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

func TestTickets_Lifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	ts := r.Store(redisstore.Options{}).Tickets(0)
	now := time.Unix(1_800_000_000, 0)

	tk, err := ts.Open(ctx, domain.Ticket{ChatID: 42, FirstName: "Amal", Lang: "ar", Topic: "housing", Steps: []string{"housing.wbs"}, Created: now})
	if err != nil || tk.ID == 0 || tk.Status != domain.TicketWaiting {
		t.Fatalf("open = %+v, %v", tk, err)
	}
	t.Run("OpenRetryIsIdempotent", func(t *testing.T) {
		again, err := ts.Open(ctx, domain.Ticket{ChatID: 42, FirstName: "Amal", Created: now})
		if err != nil || again.ID != tk.ID {
			t.Fatalf("retried open made ticket %d, want %d", again.ID, tk.ID)
		}
	})
	got, err := ts.Get(ctx, tk.ID)
	if err != nil || got.FirstName != "Amal" || got.Steps[0] != "housing.wbs" || got.ChatID != 42 {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if q, _ := ts.Queue(ctx); len(q) != 1 {
		t.Fatalf("queue = %+v", q)
	}
	if err := ts.Collect(ctx, tk.ID, `{"t":"first"}`); err != nil {
		t.Fatalf("collect while waiting: %v", err)
	}
	t.Run("TakeOnce", func(t *testing.T) {
		var wins atomic.Int32
		var wg sync.WaitGroup
		for staff := int64(1); staff <= 20; staff++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := ts.Take(ctx, tk.ID, staff, "Staff", false, now, 0)
				switch {
				case err == nil:
					wins.Add(1)
				case !errors.Is(err, domain.ErrTicketTaken):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d case managers took the ticket", wins.Load())
		}
	})
	owner, _ := ts.Get(ctx, tk.ID)
	t.Run("CollectOnlyWhileWaiting", func(t *testing.T) {
		// Posted by the take; a message after it goes to the case manager.
		if items, err := ts.Collected(ctx, tk.ID); err != nil || len(items) != 1 {
			t.Fatalf("collected = %v, %v", items, err)
		}
		if err := ts.Collect(ctx, tk.ID, `{"t":"late"}`); !errors.Is(err, domain.ErrTicketTaken) {
			t.Errorf("collect for a taken ticket: %v", err)
		}
		// Asked again (a retried take): the same items, nothing added.
		if items, _ := ts.Collected(ctx, tk.ID); len(items) != 1 || items[0] != `{"t":"first"}` {
			t.Errorf("collected again = %v, want the first item only", items)
		}
		if err := ts.Collect(ctx, 999999, `{"t":"x"}`); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("collect for no ticket: %v", err)
		}
	})
	t.Run("TakeOver", func(t *testing.T) {
		other := owner.Owner%20 + 1
		if _, err := ts.Take(ctx, tk.ID, other, "Omar", false, now, 0); !errors.Is(err, domain.ErrTicketTaken) {
			t.Fatalf("take without take-over: %v", err)
		}
		tk2, err := ts.Take(ctx, tk.ID, other, "Omar", true, now, 0)
		if err != nil || tk2.Owner != other || tk2.OwnerName != "Omar" {
			t.Fatalf("take over = %+v, %v", tk2, err)
		}
		if last, _ := ts.LastCaseManager(ctx, 42); last != other {
			t.Errorf("last case manager = %d, want %d", last, other)
		}
	})
	t.Run("Relay", func(t *testing.T) {
		ts.Relay(ctx, 900, tk.ID, true)
		if id, err := ts.RelayedTicket(ctx, 900); err != nil || id != tk.ID {
			t.Fatalf("relayed = %d, %v", id, err)
		}
		if _, err := ts.RelayedTicket(ctx, 901); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown message: %v", err)
		}
	})
	t.Run("Release", func(t *testing.T) {
		cur, _ := ts.Get(ctx, tk.ID)
		if _, err := ts.Release(ctx, tk.ID, cur.Owner+1, now); !errors.Is(err, domain.ErrTicketTaken) {
			t.Fatalf("released by someone else: %v", err)
		}
		back, err := ts.Release(ctx, tk.ID, cur.Owner, now.Add(time.Minute))
		if err != nil || back.Status != domain.TicketWaiting || back.Owner != 0 || back.OwnerName != "" || !back.Announced.Equal(now.Add(time.Minute)) {
			t.Fatalf("release = %+v, %v", back, err)
		}
		// What the last take posted is not posted again by the next.
		if items, _ := ts.Collected(ctx, tk.ID); len(items) != 0 {
			t.Errorf("collected after a hand-back = %v", items)
		}
		if _, err := ts.Release(ctx, tk.ID, cur.Owner, now); !errors.Is(err, domain.ErrTicketTaken) {
			t.Errorf("released twice: %v", err)
		}
		again, err := ts.Take(ctx, tk.ID, cur.Owner, cur.OwnerName, false, now, 77)
		if err != nil || again.TakeUpdate != 77 {
			t.Fatalf("take again = %+v, %v", again, err)
		}
		if again, _ = ts.Take(ctx, tk.ID, cur.Owner, cur.OwnerName, false, now, 78); again.TakeUpdate != 77 {
			t.Errorf("a tap on a taken ticket changed the take's update: %d", again.TakeUpdate)
		}
	})
	t.Run("SetLanguage", func(t *testing.T) {
		if got, err := ts.SetLanguage(ctx, tk.ID, "en"); err != nil || got.Lang != "en" || got.Status != domain.TicketTaken {
			t.Fatalf("set language = %+v, %v", got, err)
		}
		if _, err := ts.SetLanguage(ctx, 999999, "en"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("set language of no ticket: %v", err)
		}
	})
	t.Run("Close", func(t *testing.T) {
		ts.Collect(ctx, tk.ID, `{"t":"written while waiting"}`)
		closed, err := ts.Close(ctx, tk.ID, "staff", "done", now)
		if err != nil || closed.Status != domain.TicketClosed || closed.Note != "done" {
			t.Fatalf("close = %+v, %v", closed, err)
		}
		if _, err := ts.Close(ctx, tk.ID, "staff", "", now); !errors.Is(err, domain.ErrTicketClosed) {
			t.Fatalf("second close: %v", err)
		}
		if _, err := ts.SetLanguage(ctx, tk.ID, "fr"); !errors.Is(err, domain.ErrTicketClosed) {
			t.Errorf("set language of a closed ticket: %v", err)
		}
		if err := ts.Collect(ctx, tk.ID, `{"t":"after"}`); !errors.Is(err, domain.ErrTicketClosed) {
			t.Errorf("collect for a closed ticket: %v", err)
		}
		if _, err := ts.Take(ctx, tk.ID, 5, "X", true, now, 0); !errors.Is(err, domain.ErrTicketClosed) {
			t.Fatalf("take closed: %v", err)
		}
		if rated, err := ts.Rate(ctx, tk.ID, 4); err != nil || rated.Rating != 4 {
			t.Fatalf("rate = %+v, %v", rated, err)
		}
		if q, _ := ts.Queue(ctx); len(q) != 0 {
			t.Fatalf("closed ticket still queued: %+v", q)
		}
		if items, _ := ts.Collected(ctx, tk.ID); len(items) != 0 {
			t.Errorf("collected messages outlived the ticket: %v", items)
		}
	})
	for k, ttl := range r.Keys(t) {
		if ttl <= 0 {
			t.Errorf("key %s has no TTL", k)
		}
	}
	t.Run("Forget", func(t *testing.T) {
		// A second, closed ticket of the same person with its card, a
		// relayed copy older than Telegram lets the bot delete, and a case
		// manager's reply.
		old, err := ts.Open(ctx, domain.Ticket{ChatID: 42, FirstName: "Amal", Created: now.Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		ts.Touch(ctx, old.ID, now, 300)
		ts.Relay(ctx, 300, old.ID, true)
		ts.Relay(ctx, 301, old.ID, true)
		ts.Relay(ctx, 902, tk.ID, false)
		ts.Close(ctx, old.ID, "staff", "", now)
		gone, err := ts.Forget(ctx, 42, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Get(ctx, tk.ID); !errors.Is(err, domain.ErrTicketErased) || !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("ticket after erasure: %v, want ErrTicketErased (and ErrNotFound)", err)
		}
		if last, _ := ts.LastCaseManager(ctx, 42); last != 0 {
			t.Error("last case manager survived")
		}
		if len(gone.Tickets) != 2 {
			t.Errorf("forgotten tickets = %+v, want both, to blank their cards", gone.Tickets)
		}
		// 900 and 301 are the bot's copies; 300 is a card (edited, not
		// deleted), 902 a case manager's message.
		if want := []int{301, 900}; !slices.Equal(sorted(gone.Copies), want) {
			t.Errorf("copies to delete = %v, want %v", gone.Copies, want)
		}
		// The staff-group messages still name the ticket's number, so an
		// answer to one is refused with the reason; the number leads to
		// nothing of the person.
		for msg, want := range map[int]int64{300: old.ID, 301: old.ID, 900: tk.ID, 902: tk.ID} {
			id, err := ts.RelayedTicket(ctx, msg)
			if err != nil || id != want {
				t.Errorf("staff message %d: ticket %d, %v; want %d", msg, id, err, want)
				continue
			}
			if _, err := ts.Get(ctx, id); !errors.Is(err, domain.ErrTicketErased) {
				t.Errorf("staff message %d: ticket %d reads %v, want ErrTicketErased", msg, id, err)
			}
		}
		for k, ttl := range r.Keys(t) {
			kind := strings.Split(k, ":")
			switch name := kind[len(kind)-2]; {
			case strings.HasSuffix(k, ":seq"):
			case name == "relay" || name == "erased":
				if ttl <= 0 {
					t.Errorf("key %s has no TTL", k)
				}
			default:
				t.Errorf("key left after forgetting the only person: %s (only the counter, erased numbers and message links may stay)", k)
			}
		}
	})
	t.Run("ForgetSkipsCopiesTooOldToDelete", func(t *testing.T) {
		clock := now
		ts := r.Store(redisstore.Options{Now: func() time.Time { return clock }}).Tickets(0)
		tk, _ := ts.Open(ctx, domain.Ticket{ChatID: 43, FirstName: "Omid", Created: now})
		ts.Relay(ctx, 400, tk.ID, true)
		clock = now.Add(domain.DeletableFor - time.Minute)
		ts.Relay(ctx, 401, tk.ID, true)
		clock = now.Add(domain.DeletableFor + time.Minute)
		gone, err := ts.Forget(ctx, 43, tk.ID)
		if err != nil || !slices.Equal(gone.Copies, []int{401}) {
			t.Errorf("copies = %v, %v; want only the one younger than 48 h", gone.Copies, err)
		}
	})
}

func sorted(s []int) []int {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
