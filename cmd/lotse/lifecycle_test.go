package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/schedule"
	"lotse/internal/telegramtest"
)

// startServe runs the real program in the background; stop cancels it
// as SIGTERM would and returns what run returned and how long it took.
func startServe(t *testing.T, vars map[string]string, logs io.Writer) (stop func() (error, time.Duration), done <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	go func() { ch <- run(ctx, time.Now, []string{"serve"}, env(vars), nil, io.Discard, logs) }()
	stopped := false
	var result error
	stop = func() (error, time.Duration) {
		t.Helper()
		if stopped {
			return result, 0
		}
		stopped = true
		start := time.Now()
		cancel()
		select {
		case result = <-ch:
			return result, time.Since(start)
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
			return nil, 0
		}
	}
	t.Cleanup(func() { stop() })
	return stop, ch
}

// TestServe_WaitsForRedis: Redis comes up 2.5 s after the bot; the bot
// waits for it (STARTUP_WAIT) and then answers.
func TestServe_WaitsForRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	fake := telegramtest.MustStart(t, "46:wait-token")
	ops := freeAddr(t)
	var logs syncWriter
	stop, _ := startServe(t, map[string]string{
		"TELEGRAM_BOT_TOKEN": "46:wait-token", "TELEGRAM_API_URL": fake.URL(),
		"REDIS_URL": srv.URL, "METRICS_ADDR": ops, "STARTUP_WAIT": "10s", "LOG_FORMAT": "text",
	}, &logs)
	// Redis comes up only once the bot has given up a first try and said
	// it waits: then answering proves the wait. (A fixed sleep raced with
	// the Redis client's own dial retries on a busy machine.)
	logs.waitFor(t, "dependency not ready, retrying", 0)
	srv.Start(t)
	waitHTTP(t, "http://"+ops+"/readyz", http.StatusOK)
	u := telegramtest.User{ID: 91, LanguageCode: "uk"}
	fake.SendText(u, "/start")
	if _, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(onlyTo(s, u.ID)) > 0 }); err != nil {
		t.Fatal(err)
	}
	if err, _ := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestServe_StartupWaitRunsOut: with no Redis ever, serve gives up after
// STARTUP_WAIT, naming what it waited for.
func TestServe_StartupWaitRunsOut(t *testing.T) {
	fake := telegramtest.MustStart(t, "47:nothing-token")
	tried := &firstWrite{want: "redis"}
	start := time.Now()
	err := run(context.Background(), time.Now, []string{"serve"}, env(map[string]string{
		"TELEGRAM_BOT_TOKEN": "47:nothing-token", "TELEGRAM_API_URL": fake.URL(),
		"REDIS_URL": "redis://" + freeAddr(t) + "/0", "METRICS_ADDR": freeAddr(t), "STARTUP_WAIT": "1200ms",
	}), nil, io.Discard, tried)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "redis not ready after 1.2s") {
		t.Fatalf("err = %v", err)
	}
	// The upper bound counts from the first complaint about Redis: loading
	// the texts and the knowledge base before it takes seconds on a busy
	// machine with the race detector.
	if waited := time.Since(tried.at()); took < time.Second || waited > 3*time.Second {
		t.Errorf("gave up after %v (%v after the first failed dial), want about 1.2s", took, waited)
	}
	if err := run(context.Background(), time.Now, []string{"serve"}, env(map[string]string{
		"TELEGRAM_BOT_TOKEN": "1:x", "STARTUP_WAIT": "soon",
	}), nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "STARTUP_WAIT") {
		t.Errorf("bad STARTUP_WAIT: %v", err)
	}
}

// firstWrite is a log that notes when a line containing want is first
// written.
type firstWrite struct {
	want string
	mu   sync.Mutex
	when time.Time
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.when.IsZero() && strings.Contains(string(p), w.want) {
		w.when = time.Now()
	}
	return len(p), nil
}

func (w *firstWrite) at() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.when
}

// TestServe_GracefulStopConfirmsOffset: a stop that arrives while a batch
// is being answered finishes the batch and confirms it, so nothing is
// fetched again after a restart.
func TestServe_GracefulStopConfirmsOffset(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, "48:confirm-token")
	r := redistest.Must(t)
	ops := freeAddr(t)
	var logs syncWriter
	stop, _ := startServe(t, map[string]string{
		"TELEGRAM_BOT_TOKEN": "48:confirm-token", "TELEGRAM_API_URL": fake.URL(),
		"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix, "METRICS_ADDR": ops, "LOG_FORMAT": "text",
	}, &logs)
	waitHTTP(t, "http://"+ops+"/readyz", http.StatusOK)
	// The first reply is held up by a 1 s flood wait: the stop arrives
	// while the batch is in flight.
	fake.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	users := []telegramtest.User{{ID: 92, LanguageCode: "ar"}, {ID: 93, LanguageCode: "fr"}}
	for _, u := range users {
		fake.SendText(u, "/start")
	}
	waitUntil(t, "a reply attempt", func() bool { return fake.Calls("sendMessage") >= 1 })
	if err, _ := stop(); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if len(onlyTo(fake.Sent(), u.ID)) == 0 {
			t.Errorf("chat %d not answered before the stop", u.ID)
		}
	}
	if n := fake.Pending(); n != 0 {
		t.Errorf("%d processed updates left unconfirmed; logs:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "final confirm failed") {
		t.Errorf("final confirm failed:\n%s", logs.String())
	}
}

// TestServe_StopIsBounded: a reply stuck behind a 30 s flood wait does not
// hold the stop beyond SHUTDOWN_WAIT; the update stays unconfirmed for
// redelivery, and nothing of the bot keeps running.
func TestServe_StopIsBounded(t *testing.T) {
	fake := telegramtest.MustStart(t, "49:stuck-token")
	r := redistest.Must(t)
	ops := freeAddr(t)
	before := runtime.NumGoroutine()
	stop, _ := startServe(t, map[string]string{
		"TELEGRAM_BOT_TOKEN": "49:stuck-token", "TELEGRAM_API_URL": fake.URL(),
		"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix, "METRICS_ADDR": ops, "SHUTDOWN_WAIT": "1s",
	}, io.Discard)
	waitHTTP(t, "http://"+ops+"/readyz", http.StatusOK)
	fake.FailNext("sendMessage", 5, http.StatusTooManyRequests, 30)
	fake.SendText(telegramtest.User{ID: 94, LanguageCode: "de"}, "/start")
	waitUntil(t, "a reply attempt", func() bool { return fake.Calls("sendMessage") >= 1 })
	err, took := stop()
	if err != nil {
		t.Fatal(err)
	}
	if took > 1*time.Second+abandonGrace {
		t.Errorf("stop took %v, want at most SHUTDOWN_WAIT (1s) and the grace after abandoning", took)
	}
	if n := fake.Pending(); n != 1 {
		t.Errorf("pending = %d, want the abandoned update left for redelivery", n)
	}
	// Goroutines of the bot (poller, leadership, jobs, servers, Redis and
	// HTTP connections) end; the test's own fake server and Redis stay.
	var now int
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if now = runtime.NumGoroutine(); now <= before+2 {
			return
		}
	}
	pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
	t.Errorf("%d goroutines after the stop, %d before the start", now, before)
}

// TestStopAll_CancelsJobs: a stop cancels a running job's context (a
// reminder burst stops between two sends) instead of waiting for it.
func TestStopAll_CancelsJobs(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	running, stop := context.WithCancel(context.Background())
	sched := schedule.New(running, nil, log)
	started, cancelled := make(chan struct{}), make(chan struct{})
	if err := sched.Tick("burst", time.Second, func(ctx context.Context) error {
		close(started)
		<-ctx.Done() // a burst that would otherwise go on for minutes
		close(cancelled)
		return ctx.Err()
	}); err != nil {
		t.Fatal(err)
	}
	sched.Start()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("job never ran")
	}
	stop()
	polling := make(chan struct{})
	close(polling)
	abandoned := false
	start := time.Now()
	stopAll(5*time.Second, func() { abandoned = true }, nil, sched, polling, log)
	if took := time.Since(start); took > time.Second {
		t.Errorf("stop waited %v for a job whose context it should cancel", took)
	}
	select {
	case <-cancelled:
	default:
		t.Error("the job's context was not cancelled")
	}
	if abandoned {
		t.Error("a job that stopped when asked was abandoned")
	}
}

// waitUntil polls cond: for what the fake's WaitFor cannot see (failed
// calls record no message).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: timed out", what)
		}
	}
}

// TestServe_RedisOutageLoggedOnce: while Redis is away, serve's parts
// keep retrying — the poller's election, the scan for due chats, the
// reminders, the offers watch — but the log says so once (and once a
// minute while it lasts), not several times a second, and says when
// Redis is back; then the bot answers again.
func TestServe_RedisOutageLoggedOnce(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	srv.Start(t)
	fake := telegramtest.MustStart(t, "48:outage-token")
	ops := freeAddr(t)
	var logs syncWriter
	stop, _ := startServe(t, map[string]string{
		"TELEGRAM_BOT_TOKEN": "48:outage-token", "TELEGRAM_API_URL": fake.URL(),
		"REDIS_URL": srv.URL, "METRICS_ADDR": ops, "STARTUP_WAIT": "10s", "LOG_FORMAT": "text",
	}, &logs)
	waitHTTP(t, "http://"+ops+"/readyz", http.StatusOK)
	before := len(logs.String())
	srv.Stop(t)
	logs.waitFor(t, "redis unreachable", before)
	// Four seconds of outage: the parts retry many times meanwhile.
	time.Sleep(4 * time.Second)
	during := logs.String()[before:]
	var loud []string
	for _, line := range strings.Split(during, "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			loud = append(loud, line)
		}
	}
	if len(loud) != 1 || !strings.Contains(loud[0], `msg="redis unreachable: retrying; logged again once a minute while it lasts"`) {
		t.Errorf("%d warnings in 4 s of outage, want the one saying so:\n%s", len(loud), strings.Join(loud, "\n"))
	}
	after := len(logs.String())
	srv.Start(t)
	logs.waitFor(t, `msg="redis reachable again"`, after)
	u := telegramtest.User{ID: 92, LanguageCode: "fr"}
	fake.SendText(u, "/start")
	if _, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(onlyTo(s, u.ID)) > 0 }); err != nil {
		t.Fatal(err)
	}
	if err, _ := stop(); err != nil {
		t.Fatal(err)
	}
}
