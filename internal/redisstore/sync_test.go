package redisstore_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// mustReplicated starts a master and a replica of its own (the shared
// Redis is never touched) and waits until the replica is in sync.
func mustReplicated(tb testing.TB) (master *redistest.Redis, replica *redistest.Server) {
	tb.Helper()
	// Without the delay the replica syncs at once, not after the default
	// five seconds a diskless sync waits for more replicas to join.
	m := redistest.NewServer(tb, "--appendonly", "no", "--repl-diskless-sync-delay", "0")
	m.Start(tb)
	host, port, _ := net.SplitHostPort(m.Addr)
	replica = redistest.NewServer(tb, "--appendonly", "no", "--replicaof", host, port)
	replica.Start(tb)
	master = m.Redis(tb)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		info, _ := master.Client.Info(context.Background(), "replication").Result()
		if strings.Contains(info, "connected_slaves:1") && strings.Contains(info, "state=online") {
			// Online is not yet acknowledging: until a write comes back
			// acknowledged, the first one after the sync may wait longer
			// than a test's SyncTimeout.
			master.Client.Incr(context.Background(), "sync-probe")
			if n, _ := master.Client.Do(context.Background(), "WAIT", 1, 100).Int(); n == 1 {
				return master, replica
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("replica not in sync: %s", info)
		}
	}
}

// TestInbox_SyncReplicas: with SyncReplicas a commit is confirmed only
// once a replica has it; without a replica it fails within SyncTimeout
// (the update is then delivered again and recognised as done).
func TestInbox_SyncReplicas(t *testing.T) {
	ctx := context.Background()
	master, replica := mustReplicated(t)
	st := master.Store(redisstore.Options{SyncReplicas: 1, SyncTimeout: 100 * time.Millisecond})
	c, err := st.Offer(ctx, 80, pending(801), "A")
	if err != nil || c.State != domain.ClaimLeased {
		t.Fatalf("offer = %+v, %v", c, err)
	}
	if _, err := st.Commit(ctx, c.Lease, 801, &domain.Session{}); err != nil {
		t.Fatalf("commit with a replica in sync = %v", err)
	}
	replica.Stop(t)
	c, err = st.Offer(ctx, 80, pending(802), "A")
	if err != nil || c.State != domain.ClaimLeased {
		t.Fatalf("offer = %+v, %v", c, err)
	}
	start := time.Now()
	if _, err := st.Commit(ctx, c.Lease, 802, &domain.Session{}); err == nil {
		t.Fatal("commit confirmed with no replica to have it")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("commit without a replica took %v, want about SyncTimeout", d)
	}
	if again, _ := st.Offer(ctx, 80, pending(802), "B"); again.State != domain.ClaimDuplicate {
		t.Errorf("redelivered update = %+v, want ClaimDuplicate (the master has the commit)", again)
	}
}

// BenchmarkInbox_SyncReplicas is the cost of REDIS_SYNC_REPLICAS=1 on an
// ordinary message (an offer on an idle chat and its commit), against a
// master and a replica on this machine:
//
//	go test -run '^$' -bench Inbox_SyncReplicas ./internal/redisstore/
func BenchmarkInbox_SyncReplicas(b *testing.B) {
	ctx := context.Background()
	master, _ := mustReplicated(b)
	id := int64(0) // across both runs: an id committed once is a duplicate
	for _, sync := range []int{0, 1} {
		name := map[int]string{0: "async", 1: "wait_1_replica"}[sync]
		b.Run(name, func(b *testing.B) {
			st := master.Store(redisstore.Options{SyncReplicas: sync, SyncTimeout: 100 * time.Millisecond})
			for b.Loop() {
				id++
				chat := id % 64 // distinct idle chats, as people write
				c, err := st.Offer(ctx, chat, pending(id), "w")
				if err != nil || c.State != domain.ClaimLeased {
					b.Fatalf("offer = %+v, %v", c, err)
				}
				if _, err := st.Commit(ctx, c.Lease, id, &domain.Session{Lang: "ar"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
