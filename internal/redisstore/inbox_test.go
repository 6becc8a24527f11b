package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

func pending(id int64) domain.Pending {
	return domain.Pending{UpdateID: id, Payload: []byte(fmt.Sprintf(`{"update_id":%d}`, id))}
}

func TestInbox_OfferCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})

	t.Run("NewChatLeased", func(t *testing.T) {
		c, err := st.Offer(ctx, 1, pending(10), "w1")
		if err != nil {
			t.Fatal(err)
		}
		if c.State != domain.ClaimLeased || c.Session != nil || len(c.Pending) != 1 || c.Pending[0].UpdateID != 10 {
			t.Fatalf("claim = %+v", c)
		}
		if string(c.Pending[0].Payload) != `{"update_id":10}` {
			t.Fatalf("payload = %s", c.Pending[0].Payload)
		}
		next, err := st.Commit(ctx, c.Lease, 10, &domain.Session{Lang: "ar", Epoch: 7})
		if err != nil || len(next) != 0 {
			t.Fatalf("commit = %v, %v", next, err)
		}
	})
	t.Run("SessionRoundTrip", func(t *testing.T) {
		c, err := st.Offer(ctx, 1, pending(11), "w2")
		if err != nil {
			t.Fatal(err)
		}
		if c.Session == nil || c.Session.Lang != "ar" || c.Session.Epoch != 7 {
			t.Fatalf("session = %+v", c.Session)
		}
		if _, err := st.Commit(ctx, c.Lease, 11, c.Session); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		c, err := st.Offer(ctx, 1, pending(10), "w3")
		if err != nil || c.State != domain.ClaimDuplicate {
			t.Fatalf("claim = %+v, %v", c, err)
		}
	})
	t.Run("CommitRetryIsIdempotent", func(t *testing.T) {
		c, _ := st.Offer(ctx, 1, pending(12), "w4")
		for i := 0; i < 2; i++ {
			if _, err := st.Commit(ctx, c.Lease, 12, c.Session); err != nil {
				t.Fatalf("commit %d: %v", i, err)
			}
		}
	})
	t.Run("Erase", func(t *testing.T) {
		c, _ := st.Offer(ctx, 1, pending(13), "w5")
		if _, err := st.Commit(ctx, c.Lease, 13, nil); err != nil {
			t.Fatal(err)
		}
		if keys := r.Keys(t); len(keys) != 0 {
			t.Fatalf("keys of the erased chat left: %v", keys)
		}
		c, _ = st.Offer(ctx, 1, pending(14), "w6")
		if c.Session != nil {
			t.Fatalf("session survived erasure: %+v", c.Session)
		}
		st.Commit(ctx, c.Lease, 14, nil)
	})
	t.Run("CommitWithoutSessionKeepsDone", func(t *testing.T) {
		// The staff group has no session; its updates stay deduplicated.
		c, _ := st.Offer(ctx, -100, pending(30), "w7")
		st.Commit(ctx, c.Lease, 30, nil)
		if c, _ := st.Offer(ctx, -100, pending(30), "w8"); c.State != domain.ClaimDuplicate {
			t.Fatalf("update of a session-less chat processed twice: %+v", c)
		}
	})
}

// TestInbox_IdleChatFastPath: an update offered to an idle chat with
// nothing waiting is leased without being stored; offered again with the
// lease's token (a slow update, before it is confirmed) it is stored and
// the commit removes it.
func TestInbox_IdleChatFastPath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})
	suffixes := func() []string {
		var out []string
		for k := range r.Keys(t) {
			out = append(out, k[strings.LastIndexByte(k, ':')+1:])
		}
		slices.Sort(out)
		return out
	}

	c, err := st.Offer(ctx, 7, pending(70), "w")
	if err != nil || c.State != domain.ClaimLeased || len(c.Pending) != 1 || string(c.Pending[0].Payload) != `{"update_id":70}` {
		t.Fatalf("claim = %+v, %v", c, err)
	}
	if got := suffixes(); !slices.Equal(got, []string{"lock"}) {
		t.Fatalf("keys while the update is processed = %v, want only the lock", got)
	}
	if again, err := st.Offer(ctx, 7, pending(70), "w"); err != nil || again.State != domain.ClaimLeased || len(again.Pending) != 1 {
		t.Fatalf("offer again with the lease = %+v, %v", again, err)
	}
	// The done set now marks that the queue holds something.
	if got := suffixes(); !slices.Equal(got, []string{"done", "lock", "payloads", "queue"}) {
		t.Fatalf("keys after storing = %v", got)
	}
	if next, err := st.Commit(ctx, c.Lease, 70, &domain.Session{Lang: "de"}); err != nil || len(next) != 0 {
		t.Fatalf("commit = %+v, %v", next, err)
	}
	if got := suffixes(); !slices.Equal(got, []string{"done", "session"}) {
		t.Fatalf("keys after the commit = %v, want done and session", got)
	}
	var done string
	for k := range r.Keys(t) {
		if strings.HasSuffix(k, ":done") {
			done = k
		}
	}
	if ids, err := r.Client.ZRange(ctx, done, 0, -1).Result(); err != nil || !slices.Equal(ids, []string{"70"}) {
		t.Fatalf("done set after the queue emptied = %v, %v; want only the update", ids, err)
	}
	// With the mark gone, the next update takes the fast path again.
	c, err = st.Offer(ctx, 7, pending(71), "w2")
	if err != nil || c.State != domain.ClaimLeased {
		t.Fatalf("next offer = %+v, %v", c, err)
	}
	if got := suffixes(); !slices.Equal(got, []string{"done", "lock", "session"}) {
		t.Fatalf("keys while the next update is processed = %v, want it unstored", got)
	}
	if c, _ := st.Offer(ctx, 7, pending(70), "late"); c.State != domain.ClaimDuplicate {
		t.Fatalf("redelivered = %+v, want ClaimDuplicate", c)
	}
}

func TestInbox_QueuedBehindHolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})

	a, _ := st.Offer(ctx, 2, pending(21), "A")
	b, err := st.Offer(ctx, 2, pending(20), "B")
	if err != nil || b.State != domain.ClaimQueued {
		t.Fatalf("second offer = %+v, %v", b, err)
	}
	// The holder commits its own update and is handed the queued one.
	next, err := st.Commit(ctx, a.Lease, 21, &domain.Session{Lang: "de"})
	if err != nil || len(next) != 1 || next[0].UpdateID != 20 {
		t.Fatalf("next = %+v, %v", next, err)
	}
	if next, err = st.Commit(ctx, a.Lease, 20, &domain.Session{Lang: "de"}); err != nil || len(next) != 0 {
		t.Fatalf("final commit = %+v, %v", next, err)
	}
	if c, _ := st.Offer(ctx, 2, pending(20), "B"); c.State != domain.ClaimDuplicate {
		t.Fatalf("queued update not marked done: %+v", c)
	}
}

// TestInbox_DrainInUpdateOrder: updates that arrive out of order while the
// chat is busy are handed out in update order.
func TestInbox_DrainInUpdateOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})
	a, _ := st.Offer(ctx, 6, pending(100), "A")
	for _, id := range []int64{104, 102, 103, 101} {
		if c, _ := st.Offer(ctx, 6, pending(id), "B"); c.State != domain.ClaimQueued {
			t.Fatalf("offer %d: %+v", id, c)
		}
	}
	var got []int64
	work, err := st.Commit(ctx, a.Lease, 100, &domain.Session{})
	for err == nil && len(work) > 0 {
		got = append(got, work[0].UpdateID)
		work, err = st.Commit(ctx, a.Lease, work[0].UpdateID, &domain.Session{})
	}
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[101 102 103 104]" {
		t.Fatalf("drain order = %v", got)
	}
}

func TestInbox_LeaseExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{Lease: 200 * time.Millisecond})

	dead, _ := st.Offer(ctx, 3, pending(30), "dead")
	// The worker dies without committing; its update stays queued.
	if c, _ := st.Offer(ctx, 3, pending(30), "live"); c.State != domain.ClaimQueued {
		t.Fatalf("while leased: %+v", c)
	}
	r.Elapse(300 * time.Millisecond)
	c, err := st.Offer(ctx, 3, pending(30), "live")
	if err != nil || c.State != domain.ClaimLeased || len(c.Pending) != 1 {
		t.Fatalf("after expiry: %+v, %v", c, err)
	}
	if _, err := st.Commit(ctx, dead.Lease, 30, nil); !errors.Is(err, domain.ErrLeaseLost) {
		t.Fatalf("dead worker commit: %v, want ErrLeaseLost", err)
	}
	if _, err := st.Commit(ctx, c.Lease, 30, &domain.Session{}); err != nil {
		t.Fatal(err)
	}
}

// TestInbox_ConcurrentOrder: many workers offer the updates of one chat at
// once; every update is processed exactly once and in update order.
func TestInbox_ConcurrentOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})
	const n = 60

	var mu sync.Mutex
	var applied []int64
	var wg sync.WaitGroup
	// Two "replicas" receive every update (a redelivery), interleaved.
	for rep := 0; rep < 2; rep++ {
		for i := int64(1); i <= n; i++ {
			wg.Add(1)
			go func(id int64, token string) {
				defer wg.Done()
				for {
					c, err := st.Offer(ctx, 4, pending(id), token)
					if err != nil {
						t.Error(err)
						return
					}
					switch c.State {
					case domain.ClaimDuplicate:
						return
					case domain.ClaimQueued:
						time.Sleep(time.Millisecond)
						continue
					}
					work := c.Pending
					for len(work) > 0 {
						p := work[0]
						mu.Lock()
						applied = append(applied, p.UpdateID)
						mu.Unlock()
						next, err := st.Commit(ctx, c.Lease, p.UpdateID, &domain.Session{})
						if err != nil {
							t.Error(err)
							return
						}
						work = next
					}
				}
			}(i, fmt.Sprintf("r%d-%d", rep, i))
		}
	}
	wg.Wait()
	if len(applied) != n {
		t.Fatalf("applied %d updates, want %d: %v", len(applied), n, applied)
	}
	seen := map[int64]bool{}
	for _, id := range applied {
		if seen[id] {
			t.Fatalf("update %d applied twice", id)
		}
		seen[id] = true
	}
}

func TestInbox_EveryKeyHasTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})
	c, _ := st.Offer(ctx, 5, pending(50), "w")
	st.Offer(ctx, 5, pending(51), "other")
	if _, err := st.Commit(ctx, c.Lease, 50, &domain.Session{Lang: "uk"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Lead(ctx, "poller", "w", time.Minute); err != nil || !ok {
		t.Fatalf("lead = %v, %v", ok, err)
	}
	keys := r.Keys(t)
	if len(keys) < 4 {
		t.Fatalf("expected session, queue, payloads, done, lock, leader keys; got %v", keys)
	}
	for k, ttl := range keys {
		if ttl <= 0 {
			t.Errorf("key %s has no TTL (%v)", k, ttl)
		}
	}
}

func TestStore_Lead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := redistest.Must(t)
	st := r.Store(redisstore.Options{})
	if ok, _ := st.Lead(ctx, "p", "a", time.Minute); !ok {
		t.Fatal("a should lead")
	}
	if ok, _ := st.Lead(ctx, "p", "b", time.Minute); ok {
		t.Fatal("b must not lead while a does")
	}
	if ok, _ := st.Lead(ctx, "p", "a", time.Minute); !ok {
		t.Fatal("a should renew")
	}
	if err := st.Resign(ctx, "p", "a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := st.Lead(ctx, "p", "b", time.Minute); !ok {
		t.Fatal("b should lead after a resigned")
	}
}

// TestInbox_OrdinaryMessageCommands counts, on a server of its own, the
// commands an ordinary message costs inside the scripts: an idle chat with
// nothing waiting takes three in the offer and four in the commit, plus
// the done set's trim on one commit in eight.
func TestInbox_OrdinaryMessageCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redistest.NewServer(t)
	srv.Start(t)
	r := srv.Redis(t)
	st := r.Store(redisstore.Options{})
	// Scripts are loaded on first use; count only what follows.
	c, _ := st.Offer(ctx, 1, pending(1), "warm")
	if _, err := st.Commit(ctx, c.Lease, 1, &domain.Session{Lang: "de"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Client.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	const n = 64
	for i := int64(1); i <= n; i++ {
		c, err := st.Offer(ctx, 100+i, pending(1000+i), "w")
		if err != nil || c.State != domain.ClaimLeased {
			t.Fatalf("offer %d = %+v, %v", i, c, err)
		}
		if _, err := st.Commit(ctx, c.Lease, 1000+i, &domain.Session{Lang: "de"}); err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
	}
	info, err := r.Client.Info(ctx, "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	inLua := 0
	for _, line := range strings.Split(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok {
			continue
		}
		name = strings.TrimPrefix(name, "cmdstat_")
		calls, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ',')])
		got[name] = calls
		if name != "evalsha" && !strings.HasPrefix(name, "config") && name != "info" {
			inLua += calls
		}
	}
	want := map[string]int{"evalsha": 2 * n, "zmscore": n, "set": 2 * n, "get": n, "getdel": n,
		"zadd": n, "expire": n, "zremrangebyscore": n / 8}
	for name, calls := range want {
		if got[name] != calls {
			t.Errorf("%s called %d times for %d messages, want %d (all: %v)", name, got[name], n, calls, got)
		}
	}
	if per := float64(inLua) / n; per > 8 {
		t.Errorf("%.2f commands inside scripts per ordinary message, want at most 8 (%v)", per, got)
	} else {
		t.Logf("%.3f commands inside scripts per ordinary message", per)
	}
}
