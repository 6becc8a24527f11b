package redisstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// TestStore_CheckDurability: a Redis that keeps nothing on disk or may
// evict keys gets a warning at start; a durable one none.
func TestStore_CheckDurability(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		want []string // warnings expected, by a word in each
	}{
		"NothingOnDisk": {[]string{"--appendonly", "no"}, []string{"keeps nothing on disk"}},
		"SnapshotsOnly": {[]string{"--appendonly", "no", "--save", "60 1", "--maxmemory-policy", "noeviction"}, []string{"snapshots only"}},
		"Evicting":      {[]string{"--appendonly", "yes", "--maxmemory-policy", "allkeys-lru"}, []string{"may evict"}},
		"Durable":       {[]string{"--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"}, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv := redistest.NewServer(t, c.args...)
			srv.Start(t)
			var buf bytes.Buffer
			srv.Redis(t).Store(redisstore.Options{}).CheckDurability(context.Background(), slog.New(slog.NewTextHandler(&buf, nil)))
			logs := buf.String()
			if got, want := strings.Count(logs, "level=WARN"), len(c.want); got != want {
				t.Errorf("%d warnings, want %d:\n%s", got, want, logs)
			}
			for _, w := range c.want {
				if !strings.Contains(logs, w) {
					t.Errorf("no warning %q:\n%s", w, logs)
				}
			}
		})
	}
	t.Run("ConfigDisabled", func(t *testing.T) {
		srv := redistest.NewServer(t, "--rename-command", "CONFIG", "")
		srv.Start(t)
		var buf bytes.Buffer
		srv.Redis(t).Store(redisstore.Options{}).CheckDurability(context.Background(), slog.New(slog.NewTextHandler(&buf, nil)))
		if logs := buf.String(); !strings.Contains(logs, "level=INFO") || !strings.Contains(logs, "not readable") || strings.Contains(logs, "level=WARN") {
			t.Errorf("CONFIG disabled: want one info line, got:\n%s", logs)
		}
	})
}

// TestRouteLogs: go-redis's own log lines (here: a Sentinel that cannot be
// dialled) go through slog with a constant message, without the master
// name or other arguments. A failed dial, one per command while Redis is
// away, is debug only: Health logs the outage.
func TestRouteLogs(t *testing.T) {
	t.Parallel()
	var buf syncBuf
	redisstore.RouteLogs(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	rdb, err := redisstore.Connect("redis://127.0.0.1:1/0", "canary-master", false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if rdb.Ping(ctx).Err() == nil {
		t.Fatal("ping through a Sentinel that does not exist succeeded")
	}
	logs := buf.String()
	if !strings.Contains(logs, `level=DEBUG msg="redis client message" what="redis: connection pool: failed to dial`) {
		t.Errorf("go-redis log line not routed through slog at debug level:\n%s", logs)
	}
	if strings.Contains(logs, "canary-master") {
		t.Errorf("log shows the library's arguments:\n%s", logs)
	}
}

// syncBuf is a log sink the client's goroutines may write to at once.
type syncBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
