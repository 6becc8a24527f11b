package redistest

import (
	"context"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/testclock"
)

// Server is a redis-server process of one test's own, on a free port: for
// tests that start Redis late, stop it mid-conversation, or need its
// persistence settings. The shared REDIS_URL server is never touched.
type Server struct {
	Addr string
	URL  string
	args []string
	dir  string // kept across restarts, as a volume would be
	cmd  *exec.Cmd
}

// NewServer reserves a free port for a redis-server started with args
// (e.g. "--appendonly", "no"); it does not start it. The test is skipped
// when redis-server is not installed.
func NewServer(tb testing.TB, args ...string) *Server {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Skip("redis-server not installed: this test needs a Redis process of its own")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &Server{Addr: addr, URL: "redis://" + addr + "/0", args: args, dir: tb.TempDir()}
	tb.Cleanup(func() { s.Stop(tb) })
	return s
}

// Start starts the server (again) and waits until it answers.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	_, port, _ := net.SplitHostPort(s.Addr)
	args := append([]string{"--port", port, "--bind", "127.0.0.1", "--save", "", "--dir", s.dir}, s.args...)
	s.cmd = exec.Command("redis-server", args...)
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer rdb.Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if rdb.Ping(context.Background()).Err() == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redis-server on %s did not answer", s.Addr)
		}
	}
}

// Stop kills the server, as a crash or an outage would.
func (s *Server) Stop(tb testing.TB) {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Redis is a test's view of this server, for the helpers that take one.
// The server is the test's own: nothing needs deleting at cleanup.
func (s *Server) Redis(tb testing.TB) *Redis {
	tb.Helper()
	// A stopped server refuses connections at once, but the client's
	// default dial retries (5, 100 ms apart, for each of its 4 tries of a
	// command) made every command take 1.7 s to fail, seconds of waiting
	// in each test of an outage. One dial per try fails as surely.
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, DialerRetries: 1})
	tb.Cleanup(func() { rdb.Close() })
	return &Redis{URL: s.URL, Prefix: "test-" + randomHex(6), Client: rdb, Now: testclock.Running()}
}
