package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lotse/bot"
	"lotse/internal/domain"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestBot_OutageNotice: while Redis is down a person is told, once, that
// their message is not lost; when Redis is back the messages are answered.
func TestBot_OutageNotice(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	srv.Start(t)
	fake := mustFake(t)
	in := mustInstance(t, fake, srv.Redis(t), setup{pacing: fastPacing, opts: []func(*bot.Options){func(o *bot.Options) {
		o.OutageNotice, o.BusyWait = 300*time.Millisecond, time.Second
	}}})
	in.poll(t, 4)
	u := telegramtest.User{ID: 6101, FirstName: "Yusuf", LanguageCode: "tr"}
	fake.SendText(u, "/start")
	waitReplies(t, fake, u.ID, 1)

	srv.Stop(t)
	fake.SendText(u, "merhaba")
	notice := waitReplies(t, fake, u.ID, 2)[1]
	if !strings.Contains(notice.Text, "teknik bir sorun") {
		t.Fatalf("notice = %q, want the Turkish outage notice", notice.Text)
	}
	fake.SendText(u, "iş")
	time.Sleep(1200 * time.Millisecond) // both messages are retried meanwhile
	if n := len(messagesTo(fake.Sent(), u.ID)); n != 2 {
		t.Fatalf("%d messages during the outage, want the greeting and one notice", n)
	}
	if fake.Pending() == 0 {
		t.Fatal("updates were confirmed while Redis was down")
	}

	srv.Start(t)
	sent := waitReplies(t, fake, u.ID, 4)
	notices := 0
	for _, s := range sent {
		if s.Text == notice.Text {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d outage notices, want 1", notices)
	}
	if strings.Contains(in.logs.String(), "merhaba") || strings.Contains(in.logs.String(), "Yusuf") {
		t.Errorf("logs contain personal content:\n%s", in.logs.String())
	}
}

// TestBot_WebhookBoundsBodiesInFlight: of 200 concurrent 1 MB requests
// with the right secret, at most WebhookInFlight are read at once; the
// others get 503 with Retry-After before their body is read. The heap
// stays bounded accordingly (figures are logged).
func TestBot_WebhookBoundsBodiesInFlight(t *testing.T) {
	const limit, requests = 8, 200
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing, opts: []func(*bot.Options){func(o *bot.Options) {
		o.WebhookInFlight = limit
	}}})
	// Count, on the server side, the bodies being read at once: a
	// request's body counts from its first read until its handler returns.
	var reading, most atomic.Int32
	h := countReads(in.d.Webhook("s3cret"), &reading, &most)

	t.Run("AtMostLimitRead", func(t *testing.T) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		gate := make(chan struct{})
		var open sync.Once
		defer open.Do(func() { close(gate) }) // before srv.Close, which waits for the held requests
		var wg sync.WaitGroup
		codes := make(chan int, requests)
		for i := 0; i < requests; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// The body's first byte goes out at once, the rest only
				// when the gate opens: a request the server reads holds
				// its place until then.
				body := io.MultiReader(strings.NewReader("{"), &gated{gate: gate, n: 1<<20 - 2})
				req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
				req.Header.Set(bot.SecretHeader, "s3cret")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					codes <- 0
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
					t.Error("503 without Retry-After")
				}
				codes <- resp.StatusCode
			}()
		}
		// Wait until every request is either refused or held.
		refused := 0
		for refused < requests-limit {
			select {
			case c := <-codes:
				if c != http.StatusServiceUnavailable {
					t.Fatalf("status %d while the limit was full, want 503", c)
				}
				refused++
			case <-time.After(10 * time.Second):
				t.Fatalf("only %d of %d requests refused", refused, requests-limit)
			}
		}
		open.Do(func() { close(gate) })
		wg.Wait()
		if n := most.Load(); n != limit {
			t.Errorf("at most %d bodies read at once, want the limit %d", n, limit)
		}
		close(codes)
		for c := range codes {
			if c != http.StatusOK { // undecodable updates are acknowledged
				t.Errorf("held request answered %d, want 200", c)
			}
		}
	})

	t.Run("Heap", func(t *testing.T) {
		// HeapAlloc counts garbage until the next collection, which comes
		// when the heap has grown by GOGC % of what is live – mostly the
		// knowledge base and the urgent model, which grow with their
		// content – and later still on a machine busy with other tests:
		// at the default 100 this test saw 31 MB alone and 84 MB in a CI
		// run. Collecting at 10 % measures what the bodies hold (20–24 MB
		// alone); 200 bodies at once still show 70 MB and more.
		defer debug.SetGCPercent(debug.SetGCPercent(10))
		peak := func(h http.Handler) uint64 {
			srv := httptest.NewServer(h)
			defer srv.Close()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base, top := ms.HeapAlloc, ms.HeapAlloc
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Millisecond):
					}
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					top = max(top, ms.HeapAlloc)
				}
			}()
			var wg sync.WaitGroup
			for i := 0; i < requests; i++ {
				wg.Go(func() {
					// Not JSON from the first byte: the decoder stops there
					// instead of scanning a megabyte of blanks, which under
					// the race detector was most of this test's CPU. What is
					// measured is reading the body, as before.
					body := io.MultiReader(strings.NewReader("x"), &slow{n: 1<<20 - 2})
					req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
					req.ContentLength = 1<<20 - 1
					req.Header.Set(bot.SecretHeader, "s3cret")
					if resp, err := http.DefaultClient.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				})
			}
			wg.Wait()
			close(stop)
			<-sampled
			return (top - base) >> 20
		}
		unbounded := bot.NewDispatcher(in.client, in.store, mustEngine(t, redistest.Must(t)), redistest.Pseudonyms,
			bot.Options{Secret: []byte("x"), WebhookInFlight: requests}, bot.NewMetrics(prometheus.NewRegistry()), slog.New(slog.NewTextHandler(io.Discard, nil)))
		withLimit, without := peak(h), peak(unbounded.Webhook("s3cret"))
		t.Logf("heap growth for %d concurrent 1 MB bodies: %d MB with %d in flight, %d MB with %d", requests, withLimit, limit, without, requests)
		if withLimit > 64 {
			t.Errorf("heap grew by %d MB with at most %d bodies in flight", withLimit, limit)
		}
	})
}

// gated is a request body of n bytes that blocks until gate is closed.
type gated struct {
	gate chan struct{}
	n    int
}

func (g *gated) Read(p []byte) (int, error) {
	<-g.gate
	return fill(p, &g.n)
}

// slow is a request body of n bytes sent in 64 KiB pieces, 5 ms apart, as
// a slow or hostile client would: its request stays in flight meanwhile.
type slow struct{ n int }

func (b *slow) Read(p []byte) (int, error) {
	time.Sleep(5 * time.Millisecond)
	return fill(p[:min(len(p), 64<<10)], &b.n)
}

func fill(p []byte, n *int) (int, error) {
	if *n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), *n, len(spaces))
	// One copy, not a loop: under the race detector a loop checks every
	// byte, and the heap test sends 400 MB.
	copy(p, spaces[:k])
	*n -= k
	return k, nil
}

var spaces = bytes.Repeat([]byte{' '}, 64<<10)

// countReads tracks how many request bodies h is reading at once.
func countReads(h http.Handler, now, most *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cr := &countingBody{ReadCloser: r.Body, now: now, most: most}
		r.Body = cr
		h.ServeHTTP(w, r)
		if cr.started {
			now.Add(-1)
		}
	})
}

type countingBody struct {
	io.ReadCloser
	started   bool
	now, most *atomic.Int32
}

func (c *countingBody) Read(p []byte) (int, error) {
	if !c.started {
		c.started = true
		n := c.now.Add(1)
		for m := c.most.Load(); n > m && !c.most.CompareAndSwap(m, n); m = c.most.Load() {
		}
	}
	return c.ReadCloser.Read(p)
}

// TestClient_KeepsTheCause: a request that times out reports a deadline,
// one abandoned at a hard stop a cancellation; neither shows the token.
func TestClient_KeepsTheCause(t *testing.T) {
	t.Parallel()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := bot.NewMetrics(prometheus.NewRegistry())

	_, err := bot.NewClient(token, bot.ClientOptions{APIURL: hang.URL, Timeout: 100 * time.Millisecond}, m, log)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Errorf("timeout: %v; want it to be a deadline, not a cancellation", err)
	}
	if err != nil && strings.Contains(err.Error(), token) {
		t.Errorf("error shows the token: %v", err)
	}

	base, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = bot.NewClient(token, bot.ClientOptions{APIURL: hang.URL, Base: base}, m, log)
	if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hard stop: %v; want a cancellation", err)
	}
}

// dueInbox answers only DueChats, failing while down as a store does
// while Redis is away.
type dueInbox struct {
	domain.Inbox
	down  atomic.Bool
	calls atomic.Int64
}

func (in *dueInbox) DueChats(ctx context.Context, n int) ([]domain.DueChat, error) {
	in.calls.Add(1)
	if in.down.Load() {
		return nil, fmt.Errorf("due chats: %w", domain.ErrUnavailable)
	}
	return nil, nil
}

// TestDispatcher_DueScanBacksOff: the scan for due chats runs every
// DueScan (500 ms in serve), on every replica; while Redis is away it backs
// off instead of failing twice a second, and keeps its pace once Redis
// answers again.
func TestDispatcher_DueScanBacksOff(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, token)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := bot.NewMetrics(prometheus.NewRegistry())
	client, err := bot.NewClient(token, bot.ClientOptions{APIURL: fake.URL()}, m, log)
	if err != nil {
		t.Fatal(err)
	}
	in := &dueInbox{}
	in.down.Store(true)
	d := bot.NewDispatcher(client, in, nil, redistest.Pseudonyms, bot.Options{DueScan: 20 * time.Millisecond}, m, log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.TakeOverDue(ctx) }()
	defer func() { cancel(); <-done }()

	time.Sleep(time.Second)
	if n := in.calls.Load(); n > 10 {
		t.Errorf("%d scans in 1 s of outage at a 20 ms pace; want it to back off", n)
	}
	in.down.Store(false)
	time.Sleep(2 * time.Second) // the longest wait in progress ends
	before := in.calls.Load()
	time.Sleep(500 * time.Millisecond)
	if n := in.calls.Load() - before; n < 10 {
		t.Errorf("%d scans in 500 ms after the outage at a 20 ms pace; want the pace back", n)
	}
}
