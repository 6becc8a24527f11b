package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
	"lotse/locales"
)

// TestChaos kills replicas of the real binary with SIGKILL and fails
// Redis over while people write, against the fake Bot API with 100 ms
// of latency each way, and counts per message what people would see:
// lost (no answer), doubled (answered twice) and how long the answer
// took. It reproduces the README's failover table:
//
//	LOTSE_LONG_TESTS=1 go test -run TestChaos -v ./cmd/lotse/
//
// Each person asks a different question of the knowledge base with each
// message; the answer starts with "❓ <question>", so every answer is
// matched to the message it answers.
func TestChaos(t *testing.T) {
	if os.Getenv("LOTSE_LONG_TESTS") != "1" {
		t.Skip("long tier, about four minutes: runs with LOTSE_LONG_TESTS=1 (.ci/run has a step for it)")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not installed: the chaos suite needs Redis processes of its own")
	}
	bin := filepath.Join(t.TempDir(), "lotse")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	questions := chaosCalibrate(t, bin, chaosQuestions(t))

	type event struct {
		at   time.Duration
		what func(c *chaosRun)
	}
	kill := func(i int) func(c *chaosRun) { return func(c *chaosRun) { c.kill(i) } }
	start := func(i int) func(c *chaosRun) { return func(c *chaosRun) { c.start(i) } }
	restart := func(i int) func(c *chaosRun) { return func(c *chaosRun) { c.kill(i); c.start(i) } }
	failover := func(c *chaosRun) { c.failover() }
	scenarios := []struct {
		name     string
		replicas int
		webhook  bool
		sentinel bool
		sync     bool // REDIS_SYNC_REPLICAS=1
		send     time.Duration
		events   []event
		// heldBack: whether the median answer must stay quick, i.e. a
		// replica keeps serving everyone not caught by the crash. Not so
		// where the poller dies: everyone waits for the standby (6–8 s).
		heldBack bool
	}{
		{name: "no chaos", replicas: 1, send: 18 * time.Second, heldBack: true},
		{name: "one replica, kill -9 once", replicas: 1, send: 18 * time.Second,
			events: []event{{8 * time.Second, restart(0)}}},
		{name: "kill -9 four times in 30 s", replicas: 1, send: 38 * time.Second,
			events: []event{{4 * time.Second, restart(0)}, {14 * time.Second, restart(0)}, {24 * time.Second, restart(0)}, {34 * time.Second, restart(0)}}},
		{name: "2 replicas polling, each killed once", replicas: 2, send: 18 * time.Second,
			events: []event{{5 * time.Second, restart(0)}, {13 * time.Second, restart(1)}}},
		{name: "2 replicas, webhook behind round-robin, each killed 5 s", replicas: 2, webhook: true, send: 18 * time.Second, heldBack: true,
			events: []event{{4 * time.Second, kill(0)}, {9 * time.Second, start(0)}, {11 * time.Second, kill(1)}, {16 * time.Second, start(1)}}},
		{name: "Sentinel: 2 failovers", replicas: 1, sentinel: true, send: 18 * time.Second, heldBack: true,
			events: []event{{5 * time.Second, failover}, {13 * time.Second, failover}}},
		{name: "Sentinel: 2 failovers, REDIS_SYNC_REPLICAS=1", replicas: 1, sentinel: true, sync: true, send: 18 * time.Second, heldBack: true,
			events: []event{{5 * time.Second, failover}, {13 * time.Second, failover}}},
	}
	const people, every = 40, 3 * time.Second
	var table []string
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			c := newChaosRun(t, bin, sc.replicas, sc.webhook, sc.sentinel, sc.sync)
			for i := range sc.replicas {
				c.start(i)
			}
			c.waitReady()
			began := time.Now()
			c.began = began
			var wg sync.WaitGroup
			for p := range people {
				wg.Go(func() { c.person(p, questions, every, began, sc.send) })
			}
			for _, ev := range sc.events {
				time.Sleep(time.Until(began.Add(ev.at)))
				ev.what(c)
			}
			wg.Wait()
			res := c.settle(30 * time.Second)
			row := fmt.Sprintf("| %s | %d | %d | %d | %d | %s | %s | %s |", sc.name, res.messages, res.lost, res.doubled, c.inFlight.Load(),
				secs(res.p50), secs(res.p99), secs(res.max))
			table = append(table, row)
			t.Log(row)
			t.Logf("slowest (sent at, delay): %v", res.slowest)
			if res.lost != 0 {
				t.Errorf("%d messages never answered: %v", res.lost, res.lostKeys)
			}
			if int64(res.doubled) > c.inFlight.Load() {
				t.Errorf("%d messages answered twice, more than the %d in flight at the kills and failovers", res.doubled, c.inFlight.Load())
			}
			if res.p99 > 15*time.Second {
				t.Errorf("p99 answer delay %v, want ≤ 15 s", res.p99)
			}
			if sc.heldBack && res.p50 > 2*time.Second {
				t.Errorf("median answer delay %v: people not caught by the crash were held back", res.p50)
			}
			if t.Failed() {
				c.dumpLogs()
			}
		})
	}
	t.Logf("%d people, one message every %v each, Bot API latency 100 ms each way\n"+
		"| event | messages | lost | doubled | in flight at the events | delay p50 | p99 | max |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n%s",
		people, every, strings.Join(table, "\n"))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// chaosQuestions are the English knowledge base's questions; asked
// verbatim, each is answered by its own entry.
func chaosQuestions(t *testing.T) []string {
	raw, err := locales.FS.ReadFile("kb/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if q, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "question: "); ok {
			qs = append(qs, strings.Trim(q, `"'`))
		}
	}
	if len(qs) < 20 {
		t.Fatalf("only %d questions in the English knowledge base", len(qs))
	}
	return qs
}

// chaosCalibrate keeps the questions that a quiet bot answers with their
// own entry (some are taken by an intent or a closer entry first).
func chaosCalibrate(t *testing.T, bin string, questions []string) []string {
	c := newChaosRun(t, bin, 1, false, false, false)
	c.start(0)
	c.waitReady()
	for i, q := range questions {
		u := telegramtest.User{ID: int64(990000 + i), FirstName: "C", LanguageCode: "en"}
		c.mu.Lock()
		c.sent[fmt.Sprint(u.ID, "|", q)] = time.Now()
		c.mu.Unlock()
		c.fake.SendText(u, q)
	}
	res := c.settle(10 * time.Second)
	c.kill(0)
	var keep []string
	for i, q := range questions {
		if !slices.Contains(res.lostKeys, fmt.Sprint(990000+i, "|", q)) {
			keep = append(keep, q)
		}
	}
	if len(keep) < 20 {
		t.Fatalf("only %d of %d questions are answered by their own entry", len(keep), len(questions))
	}
	t.Logf("%d of %d knowledge-base questions answered by their own entry", len(keep), len(questions))
	return keep
}

// chaosRun is one scenario: its Redis, the fake Bot API, the replicas
// and what people sent.
type chaosRun struct {
	t        *testing.T
	bin      string
	fake     *telegramtest.Server
	env      []string
	procs    []*exec.Cmd
	metrics  []string // each replica's METRICS_ADDR
	hooks    []string // each replica's HTTP_ADDR (webhook mode)
	logs     []*os.File
	sentinel *redis.SentinelClient
	inFlight atomic.Int64 // updates in flight at the kills and failovers, summed

	began time.Time // when people started writing
	mu    sync.Mutex
	sent  map[string]time.Time // chat|question → when it was sent
}

func newChaosRun(t *testing.T, bin string, replicas int, webhook, sentinel, sync bool) *chaosRun {
	fake := telegramtest.MustStart(t, "4242:chaos", telegramtest.WithLatency(100*time.Millisecond))
	c := &chaosRun{t: t, bin: bin, fake: fake, procs: make([]*exec.Cmd, replicas), sent: map[string]time.Time{}}
	c.env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+fake.Token(), "TELEGRAM_API_URL="+fake.URL(),
		"LOTSE_SECRET=chaos-secret", "LOG_LEVEL=warn", "REDIS_PREFIX=chaos", "STARTUP_WAIT=20s")
	if sentinel {
		c.env = append(c.env, c.startSentinel()...)
	} else {
		srv := redistest.NewServer(t, "--appendonly", "no")
		srv.Start(t)
		c.env = append(c.env, "REDIS_URL="+srv.URL)
	}
	if sync {
		c.env = append(c.env, "REDIS_SYNC_REPLICAS=1", "REDIS_SYNC_TIMEOUT=100ms")
	}
	for range replicas {
		c.metrics = append(c.metrics, freeAddr(t))
		f, err := os.Create(filepath.Join(t.TempDir(), "replica.log"))
		if err != nil {
			t.Fatal(err)
		}
		c.logs = append(c.logs, f)
	}
	if webhook {
		// A tiny round-robin load balancer in front of the replicas: a
		// dead one's share fails (502) and Telegram delivers it again.
		var next atomic.Int64
		for range replicas {
			c.hooks = append(c.hooks, freeAddr(t))
		}
		lb := &http.Server{Handler: &httputil.ReverseProxy{
			Rewrite: func(r *httputil.ProxyRequest) {
				addr := c.hooks[int(next.Add(1))%len(c.hooks)]
				r.SetURL(&url.URL{Scheme: "http", Host: addr})
			},
			ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
				w.WriteHeader(http.StatusBadGateway)
			},
		}}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go lb.Serve(ln)
		t.Cleanup(func() { lb.Close() })
		c.env = append(c.env, "WEBHOOK_URL=http://"+ln.Addr().String()+"/hook", "WEBHOOK_SECRET=chaos")
	}
	t.Cleanup(func() {
		for i := range c.procs {
			c.kill(i)
		}
	})
	return c
}

// startSentinel starts a master, a replica and a Sentinel of the test's
// own and returns the program's environment for them.
func (c *chaosRun) startSentinel() []string {
	t := c.t
	m := redistest.NewServer(t, "--appendonly", "no")
	m.Start(t)
	host, port, _ := net.SplitHostPort(m.Addr)
	r := redistest.NewServer(t, "--appendonly", "no", "--replicaof", host, port)
	r.Start(t)
	addr := freeAddr(t)
	_, sport, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	os.WriteFile(conf, fmt.Appendf(nil, "port %s\nbind 127.0.0.1\ndir %s\n"+
		"sentinel monitor chaos %s %s 1\nsentinel down-after-milliseconds chaos 5000\nsentinel failover-timeout chaos 3000\n",
		sport, dir, host, port), 0o600)
	cmd := exec.Command("redis-server", conf, "--sentinel")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c.sentinel = redis.NewSentinelClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.sentinel.Close() })
	c.waitReplicaKnown()
	return []string{"REDIS_URL=redis://" + addr, "REDIS_SENTINEL_MASTER=chaos"}
}

// waitReplicaKnown waits until the Sentinel sees a replica in sync, the
// condition for a failover.
func (c *chaosRun) waitReplicaKnown() {
	ctx := context.Background()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		reps, _ := c.sentinel.Replicas(ctx, "chaos").Result()
		for _, r := range reps {
			if r["master-link-status"] == "ok" && !strings.Contains(r["flags"], "down") && !strings.Contains(r["flags"], "disconnected") {
				return
			}
		}
	}
	c.t.Fatal("the Sentinel never saw a replica in sync")
}

// failover forces a Sentinel failover and waits until the replica is
// master. A failover the Sentinel gives up (the demoted master of the
// last one not yet seen as a good replica) is asked for again.
func (c *chaosRun) failover() {
	ctx := context.Background()
	c.waitReplicaKnown()
	before, err := c.sentinel.GetMasterAddrByName(ctx, "chaos").Result()
	if err != nil {
		c.t.Fatal(err)
	}
	c.inFlight.Add(int64(c.fake.InFlight()))
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if err := c.sentinel.Failover(ctx, "chaos").Err(); err != nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		for wait := time.Now().Add(5 * time.Second); time.Now().Before(wait); time.Sleep(50 * time.Millisecond) {
			if now, err := c.sentinel.GetMasterAddrByName(ctx, "chaos").Result(); err == nil && !slices.Equal(now, before) {
				c.t.Logf("failover %v → %v", before, now)
				return
			}
		}
	}
	c.t.Fatal("no failover in 20 s")
}

// start (re)starts replica i of the real binary.
func (c *chaosRun) start(i int) {
	env := append(slices.Clone(c.env), "METRICS_ADDR="+c.metrics[i])
	if c.hooks != nil {
		env = append(env, "HTTP_ADDR="+c.hooks[i])
	}
	cmd := exec.Command(c.bin, "serve")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = c.logs[i], c.logs[i]
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.procs[i] = cmd
}

// kill ends replica i with SIGKILL: no shutdown, leases and the poller
// lock left behind. The updates in flight at that moment are counted.
func (c *chaosRun) kill(i int) {
	cmd := c.procs[i]
	if cmd == nil {
		return
	}
	c.inFlight.Add(int64(c.fake.InFlight()))
	cmd.Process.Kill()
	cmd.Wait()
	c.procs[i] = nil
}

func (c *chaosRun) waitReady() {
	for _, addr := range c.metrics {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			resp, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				c.dumpLogs()
				c.t.Fatalf("replica at %s not ready", addr)
			}
		}
	}
	// Ready once receiving: a replica first registers its commands, a
	// round trip per language.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c.hooks == nil && c.fake.Calls("getUpdates") > 0 || c.hooks != nil && c.fake.Calls("setWebhook") >= len(c.hooks) {
			break
		}
		if time.Now().After(deadline) {
			c.dumpLogs()
			c.t.Fatal("no replica receives updates")
		}
	}
	// Nothing has been fetched yet, so nothing counts as in flight.
	c.inFlight.Store(0)
}

// person p sends a message every period from a staggered start until
// for has passed, each a question not asked before in their chat.
func (c *chaosRun) person(p int, questions []string, period time.Duration, began time.Time, until time.Duration) {
	u := telegramtest.User{ID: int64(910000 + p), FirstName: "P", LanguageCode: "en"}
	at := began.Add(period * time.Duration(p) / 40)
	for i := 0; at.Before(began.Add(until)); i++ {
		time.Sleep(time.Until(at))
		q := questions[(p*7+i)%len(questions)]
		c.mu.Lock()
		c.sent[fmt.Sprint(u.ID, "|", q)] = time.Now()
		c.mu.Unlock()
		c.fake.SendText(u, q)
		at = at.Add(period)
	}
}

type chaosResult struct {
	messages, lost, doubled int
	lostKeys                []string
	p50, p99, max           time.Duration
	slowest                 []slow
}

// slow is a message's answer delay, with when it was sent in the run.
type slow struct {
	key     string
	sent, d time.Duration
}

// settle waits until every message is answered (at most wait), gives
// late repeats a moment, then counts.
func (c *chaosRun) settle(wait time.Duration) chaosResult {
	var res chaosResult
	deadline := time.Now().Add(wait)
	for {
		res = c.count()
		if res.lost == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if res.lost == 0 {
		time.Sleep(6 * time.Second) // past a lease, for a repeat by whoever takes a chat over
	}
	return c.count()
}

func (c *chaosRun) count() chaosResult {
	first := map[string]time.Time{}
	n := map[string]int{}
	for _, s := range c.fake.Sent() {
		if s.Method != "sendMessage" {
			continue
		}
		line, _, _ := strings.Cut(s.Text, "\n")
		q, ok := strings.CutPrefix(line, "❓ ")
		if !ok {
			continue
		}
		key := fmt.Sprint(s.ChatID, "|", q)
		if n[key] == 0 {
			first[key] = s.At
		}
		n[key]++
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var res chaosResult
	var delays []time.Duration
	var slowest []slow
	for key, at := range c.sent {
		res.messages++
		switch {
		case n[key] == 0:
			res.lost++
			res.lostKeys = append(res.lostKeys, key)
			continue
		case n[key] > 1:
			res.doubled += n[key] - 1
		}
		delays = append(delays, max(first[key].Sub(at), 0))
		slowest = append(slowest, slow{key, at.Sub(c.began), first[key].Sub(at)})
	}
	slices.SortFunc(slowest, func(a, b slow) int { return int(b.d - a.d) })
	res.slowest = slowest[:min(5, len(slowest))]
	slices.Sort(delays)
	if len(delays) > 0 {
		res.p50 = delays[len(delays)/2]
		res.p99 = delays[min(len(delays)-1, len(delays)*99/100)]
		res.max = delays[len(delays)-1]
	}
	return res
}

func (c *chaosRun) dumpLogs() {
	for i, f := range c.logs {
		b, _ := os.ReadFile(f.Name())
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		c.t.Logf("replica %d log (tail):\n%s", i, b)
	}
}
