package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// leaseClock is a store clock that moves only with advance, which also
// lets key expiries run (real time on a real Redis, a fast forward on the
// embedded one), so due times and lease TTLs stay in step.
type leaseClock struct {
	r   *redistest.Redis
	mu  sync.Mutex
	now time.Time
}

func (c *leaseClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *leaseClock) advance(d time.Duration) {
	// Redis expires keys on its own millisecond clock: a wait of exactly
	// the lease sometimes ends a moment before Redis counts the key
	// expired (seen about once in ten runs on a busy machine).
	c.r.Elapse(d + 25*time.Millisecond)
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// skip moves the store's clock only: for due times far ahead, where no
// key's expiry matters.
func (c *leaseClock) skip(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func mustLeaseStore(t *testing.T, lease time.Duration) (*redisstore.Store, *leaseClock) {
	t.Helper()
	r := redistest.Must(t)
	clock := &leaseClock{r: r, now: r.Now()}
	return r.Store(redisstore.Options{Lease: lease, Now: clock.Now}), clock
}

func dueChats(t *testing.T, st *redisstore.Store) []domain.DueChat {
	t.Helper()
	due, err := st.DueChats(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	return due
}

func TestInbox_MarkDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, clock := mustLeaseStore(t, time.Second)
	chat := redistest.Pseudonyms.Chat(40)

	if err := st.MarkDue(ctx, 40, time.Second); err != nil {
		t.Fatal(err)
	}
	if due := dueChats(t, st); len(due) != 0 {
		t.Fatalf("due before its time: %+v", due)
	}
	// A later due time does not put off an earlier one: the chat's
	// waiting updates must be looked at by the first deadline.
	if err := st.MarkDue(ctx, 40, time.Hour); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Second)
	due := dueChats(t, st)
	if len(due) != 1 || due[0].Chat != chat || due[0].At != clock.Now().UnixMilli() {
		t.Fatalf("due = %+v, want %s at %d", due, chat, clock.Now().UnixMilli())
	}
	// An earlier due time replaces a later one.
	if err := st.MarkDue(ctx, 41, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkDue(ctx, 41, 0); err != nil {
		t.Fatal(err)
	}
	if due := dueChats(t, st); len(due) != 2 {
		t.Fatalf("due = %+v, want chats 40 and 41", due)
	}
	if due, _ := st.DueChats(ctx, 1); len(due) != 1 {
		t.Fatalf("DueChats(1) = %+v", due)
	}
}

func TestInbox_TakeOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const lease = 300 * time.Millisecond
	st, clock := mustLeaseStore(t, lease)

	t.Run("EmptyIsNoLongerDue", func(t *testing.T) {
		st.MarkDue(ctx, 50, 0)
		due := dueChats(t, st)
		if len(due) != 1 {
			t.Fatalf("due = %+v", due)
		}
		c, err := st.TakeOver(ctx, due[0], "x")
		if err != nil || c.State != domain.ClaimEmpty {
			t.Fatalf("take over = %+v, %v; want ClaimEmpty", c, err)
		}
		clock.skip(time.Hour)
		if due := dueChats(t, st); len(due) != 0 {
			t.Fatalf("still due: %+v", due)
		}
	})

	t.Run("StaleEntryLeftAlone", func(t *testing.T) {
		// Read as due, then marked due again before the take-over looks:
		// the new entry must survive the take-over of the old one.
		st.MarkDue(ctx, 51, 0)
		old := dueChats(t, st)[0]
		st.MarkDue(ctx, 51, -time.Second)
		if c, err := st.TakeOver(ctx, old, "x"); err != nil || c.State != domain.ClaimEmpty {
			t.Fatalf("take over = %+v, %v", c, err)
		}
		due := dueChats(t, st)
		if len(due) != 1 || due[0].At == old.At {
			t.Fatalf("due = %+v; the newer entry was dropped", due)
		}
		st.TakeOver(ctx, due[0], "x")
	})

	t.Run("DeadWorkerTakenOverInOrder", func(t *testing.T) {
		dead, err := st.Offer(ctx, 52, pending(521), "dead")
		if err != nil || dead.State != domain.ClaimLeased {
			t.Fatalf("offer = %+v, %v", dead, err)
		}
		// An idle chat's update is leased without being stored; a worker
		// whose update takes long stores it (offers it again with its
		// lease) before it is confirmed to Telegram, then dies.
		if again, err := st.Offer(ctx, 52, pending(521), "dead"); err != nil || again.State != domain.ClaimLeased {
			t.Fatalf("offer again with the lease = %+v, %v", again, err)
		}
		q, err := st.Offer(ctx, 52, pending(522), "queued")
		if err != nil || q.State != domain.ClaimQueued || q.HolderLeft <= 0 || q.HolderLeft > lease {
			t.Fatalf("offer behind the holder = %+v, %v", q, err)
		}
		st.MarkDue(ctx, 52, 0)

		// While the holder's lease runs, the chat is left to it and due
		// again when the lease ends.
		c, err := st.TakeOver(ctx, dueChats(t, st)[0], "early")
		if err != nil || c.State != domain.ClaimQueued || c.HolderLeft <= 0 || c.HolderLeft > lease {
			t.Fatalf("take over of a held chat = %+v, %v; want ClaimQueued", c, err)
		}
		if due := dueChats(t, st); len(due) != 0 {
			t.Fatalf("due while the holder's lease runs: %+v", due)
		}

		// The holder died: after its lease, the chat is due and taken over
		// with both updates, in order.
		clock.advance(lease)
		due := dueChats(t, st)
		if len(due) != 1 {
			t.Fatalf("due after the lease = %+v", due)
		}
		c, err = st.TakeOver(ctx, due[0], "heir")
		if err != nil || c.State != domain.ClaimLeased {
			t.Fatalf("take over = %+v, %v; want ClaimLeased", c, err)
		}
		if len(c.Pending) != 2 || c.Pending[0].UpdateID != 521 || c.Pending[1].UpdateID != 522 {
			t.Fatalf("pending = %+v, want 521, 522", c.Pending)
		}
		if c.Lease.Chat != redistest.Pseudonyms.Chat(52) || c.Lease.Token != "heir" {
			t.Fatalf("lease = %+v", c.Lease)
		}
		if _, err := st.Commit(ctx, dead.Lease, 521, &domain.Session{}); !errors.Is(err, domain.ErrLeaseLost) {
			t.Fatalf("dead worker's commit = %v, want ErrLeaseLost", err)
		}
		next, err := st.Commit(ctx, c.Lease, 521, &domain.Session{Lang: "fa"})
		if err != nil || len(next) != 1 || next[0].UpdateID != 522 {
			t.Fatalf("commit 521 = %+v, %v", next, err)
		}
		if next, err = st.Commit(ctx, c.Lease, 522, &domain.Session{Lang: "fa"}); err != nil || len(next) != 0 {
			t.Fatalf("commit 522 = %+v, %v", next, err)
		}
		// Still due once, in case the heir had died too: found empty then.
		clock.advance(lease)
		due = dueChats(t, st)
		if len(due) != 1 {
			t.Fatalf("due after the heir's lease = %+v", due)
		}
		if c, err := st.TakeOver(ctx, due[0], "x"); err != nil || c.State != domain.ClaimEmpty {
			t.Fatalf("take over after the heir = %+v, %v", c, err)
		}
		if c, _ := st.Offer(ctx, 52, pending(522), "late"); c.State != domain.ClaimDuplicate {
			t.Fatalf("redelivered 522 = %+v, want ClaimDuplicate", c)
		}
	})

	t.Run("OneWinnerAmongReplicas", func(t *testing.T) {
		st.Offer(ctx, 53, pending(531), "dead")
		st.Offer(ctx, 53, pending(531), "dead") // stored: see above
		st.MarkDue(ctx, 53, 0)
		clock.advance(lease)
		entry := dueChats(t, st)[0]
		var mu sync.Mutex
		leased := 0
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				c, err := st.TakeOver(ctx, entry, "r"+string(rune('a'+i)))
				if err != nil {
					t.Error(err)
					return
				}
				if c.State == domain.ClaimLeased {
					mu.Lock()
					leased++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if leased != 1 {
			t.Fatalf("%d replicas took the chat over, want 1", leased)
		}
	})
}

func TestInbox_Renew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const lease = 300 * time.Millisecond
	st, clock := mustLeaseStore(t, lease)

	c, err := st.Offer(ctx, 60, pending(601), "A")
	if err != nil || c.State != domain.ClaimLeased {
		t.Fatalf("offer = %+v, %v", c, err)
	}
	t.Run("ExtendsTheLease", func(t *testing.T) {
		clock.advance(lease * 2 / 3)
		if err := st.Renew(ctx, c.Lease); err != nil {
			t.Fatal(err)
		}
		clock.advance(lease * 2 / 3) // past the first lease's end
		if q, _ := st.Offer(ctx, 60, pending(602), "B"); q.State != domain.ClaimQueued {
			t.Fatalf("renewed lease lost: %+v", q)
		}
	})
	t.Run("OtherTokenRefused", func(t *testing.T) {
		// Redis expires the lock in real time: renewed just now, it is
		// surely held. After the subtest before, only a quarter of the
		// lease was left, and on a busy machine a lock gone by then was
		// taken by the other token (a missing lock goes to whoever renews).
		if err := st.Renew(ctx, c.Lease); err != nil {
			t.Fatal(err)
		}
		if err := st.Renew(ctx, domain.Lease{ChatID: 60, Token: "B"}); !errors.Is(err, domain.ErrLeaseLost) {
			t.Fatalf("renew by a non-holder = %v, want ErrLeaseLost", err)
		}
	})
	t.Run("GoneLockTakenAgain", func(t *testing.T) {
		// Expired, or lost with a failover that did not replicate it: no
		// one else holds the chat, so the holder goes on.
		clock.advance(lease)
		if err := st.Renew(ctx, c.Lease); err != nil {
			t.Fatalf("renew of an expired lock = %v", err)
		}
		if q, _ := st.Offer(ctx, 60, pending(603), "B"); q.State != domain.ClaimQueued {
			t.Fatalf("lock not taken again: %+v", q)
		}
	})
	t.Run("TakenOverMeanwhile", func(t *testing.T) {
		clock.advance(lease)
		st.MarkDue(ctx, 60, 0)
		heir, err := st.TakeOver(ctx, dueChats(t, st)[0], "C")
		if err != nil || heir.State != domain.ClaimLeased {
			t.Fatalf("take over = %+v, %v", heir, err)
		}
		if err := st.Renew(ctx, c.Lease); !errors.Is(err, domain.ErrLeaseLost) {
			t.Fatalf("renew after a take-over = %v, want ErrLeaseLost", err)
		}
		if _, err := st.Commit(ctx, c.Lease, 601, &domain.Session{}); !errors.Is(err, domain.ErrLeaseLost) {
			t.Fatalf("commit after a take-over = %v, want ErrLeaseLost", err)
		}
		for _, p := range heir.Pending {
			if _, err := st.Commit(ctx, heir.Lease, p.UpdateID, &domain.Session{}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestInbox_CommitAfterLockLost: a lock that vanished with a Sentinel
// failover (written to the old master, never replicated) does not make
// the holder's commit fail, which would answer the update twice.
func TestInbox_CommitAfterLockLost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})
	c, err := st.Offer(ctx, 70, pending(701), "A")
	if err != nil || c.State != domain.ClaimLeased {
		t.Fatalf("offer = %+v, %v", c, err)
	}
	lock := r.Prefix + ":{c:" + redistest.Pseudonyms.Chat(70) + "}:lock"
	if n, err := r.Client.Del(ctx, lock).Result(); err != nil || n != 1 {
		t.Fatalf("del %s = %d, %v", lock, n, err)
	}
	if _, err := st.Commit(ctx, c.Lease, 701, &domain.Session{}); err != nil {
		t.Fatalf("commit after the lock vanished = %v", err)
	}
	if again, _ := st.Offer(ctx, 70, pending(701), "B"); again.State != domain.ClaimDuplicate {
		t.Fatalf("redelivered update = %+v, want ClaimDuplicate", again)
	}
}
