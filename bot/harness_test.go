package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lotse/bot"
	"lotse/flows"
	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/kb"
	"lotse/internal/kb/kbtest"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
	"lotse/locales"
)

const token = "123456:test-token-SECRET"

var (
	msgsOnce        sync.Once
	msgs, staffMsgs *i18n.Bundle
	base            *kb.KB
)

const staffChat = -1009999

var (
	anna = flows.Staff{UserID: 7001, Name: "Anna Becker", Languages: []string{"de", "ar"}}
	omar = flows.Staff{UserID: 7002, Name: "Omar Haidari", Languages: []string{"fa", "uk"}}
)

// mustEngine builds the conversation on the shipped texts, with hand-overs
// to staffChat stored in r.
func mustEngine(tb testing.TB, r *redistest.Redis) *flows.Engine {
	tb.Helper()
	loadShipped()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return flows.New(flows.Deps{
		Messages: msgs, StaffText: staffMsgs.For("en"), KB: base,
		Tickets: r.Store(redisstore.Options{}).Tickets(0), Now: r.Now, Log: log,
		Stats: r.Store(redisstore.Options{}).Stats(0), Questions: r.Store(redisstore.Options{}).Questions(),
	}, flows.Settings{
		Town:               "Musterstadt",
		Offices:            []flows.Office{{Name: i18n.German("Rathaus"), Address: "Marktplatz 1", Phone: "+49 1234 5678"}},
		Facts:              facts,
		SessionIdle:        30 * 24 * time.Hour,
		StaffChatID:        staffChat,
		Staff:              []flows.Staff{anna, omar},
		ReannounceAfter:    30 * time.Minute,
		CloseInactiveAfter: 72 * time.Hour,
	})
}

// facts are the local details the shipped answers name, as a town
// configures them. With one missing, building an engine runs the
// clean-up of every answer that names it, a third of this suite's CPU
// under the race detector; the flows and kb tests check that clean-up.
var facts = map[string]i18n.Text{
	"auslaenderbehoerde":  i18n.German("Ausländerbehörde Musterstadt, Marktplatz 1"),
	"migrationsberatung":  i18n.German("Migrationsberatung, Kirchweg 3"),
	"jobcenter":           i18n.German("Jobcenter Musterstadt, Bahnhofstraße 5"),
	"sozialamt":           i18n.German("Sozialamt Musterstadt, Marktplatz 1"),
	"buergerbuero":        i18n.German("Bürgerbüro, Marktplatz 1"),
	"agentur_fuer_arbeit": i18n.German("Agentur für Arbeit, Bahnhofstraße 7"),
	"wohnungsamt":         i18n.German("Wohnungsamt, Marktplatz 1"),
	"mietobergrenze":      i18n.German("1 Person: 450 €"),
}

// loadShipped loads the shipped texts and knowledge base once.
func loadShipped() {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	msgsOnce.Do(func() {
		var err error
		if msgs, err = i18n.Load(locales.FS, "messages", log); err != nil {
			panic(err)
		}
		if staffMsgs, err = i18n.LoadLanguages(locales.FS, "staff", []string{"de", "en"}, log); err != nil {
			panic(err)
		}
		if base, err = kbtest.LoadShipped(); err != nil {
			panic(err)
		}
		base.Prepare() // as serve does: no test's first message waits for the learning
	})
}

// instance is one running bot replica against the fake Bot API.
type instance struct {
	client *bot.Client
	d      *bot.Dispatcher
	store  *redisstore.Store
	stop   context.CancelFunc // hard kill: aborts requests in flight
	done   chan struct{}
	logs   *syncBuffer
	log    *slog.Logger
	tally  *bot.Tally
}

type syncBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

type setup struct {
	conv      bot.Conversation // default: the real flows
	staffChat int64
	pacing    bot.Pacing    // default fastPacing: only tests of the limits wait on them
	lease     time.Duration // the inbox's and the dispatcher's; default production's 5 s
	opts      []func(*bot.Options)
}

// mustInstance builds a replica on the shared Redis r; it does not receive
// updates until poll or the webhook is started.
func mustInstance(tb testing.TB, fake *telegramtest.Server, r *redistest.Redis, cfg setup) *instance {
	tb.Helper()
	hard, stop := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := bot.NewMetrics(prometheus.NewRegistry())
	if cfg.pacing == (bot.Pacing{}) {
		cfg.pacing = fastPacing
	}
	client, err := bot.NewClient(fake.Token(), bot.ClientOptions{APIURL: fake.URL(), Base: hard, Pacing: cfg.pacing, Timeout: 10 * time.Second}, m, log)
	if err != nil {
		tb.Fatal(err)
	}
	store := r.Store(redisstore.Options{Lease: cfg.lease})
	if cfg.staffChat == 0 {
		cfg.staffChat = staffChat
	}
	tally := bot.NewTally(store.Stats(0), time.UTC, r.Now, log)
	opt := bot.Options{Secret: []byte("button-secret"), StaffChatID: cfg.staffChat, Tickets: store.Tickets(0), Now: r.Now, Tally: tally,
		Lease: cfg.lease}
	for _, f := range cfg.opts {
		f(&opt)
	}
	var conv bot.Conversation = mustEngine(tb, r)
	if cfg.conv != nil {
		conv = cfg.conv
	}
	d := bot.NewDispatcher(client, store, conv, redistest.Pseudonyms, opt, m, log)
	notPolling := make(chan struct{})
	close(notPolling)
	in := &instance{client: client, d: d, store: store, stop: stop, done: notPolling, logs: logs, log: log, tally: tally}
	tb.Cleanup(func() {
		in.stop()
		<-in.done
		if tb.Failed() {
			// The replica's own account of a failed test (no message text).
			logs := in.logs.String()
			tb.Logf("replica log, last part:\n%s", logs[max(0, len(logs)-6000):])
		}
	})
	return in
}

// poll starts long polling; the poller stops when the instance is killed.
func (in *instance) poll(tb testing.TB, concurrency int) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := bot.NewPoller(in.client, in.d, in.store, in.log)
	p.Timeout, p.Concurrency, p.LeaderTTL = time.Second, concurrency, 3*time.Second
	stop := in.stop
	in.stop = func() { cancel(); stop() }
	done := make(chan struct{})
	in.done = done
	go func() { defer close(done); p.Run(ctx) }()
}

func mustFake(tb testing.TB) *telegramtest.Server {
	tb.Helper()
	return telegramtest.MustStart(tb, token, telegramtest.WithRetryDelay(20*time.Millisecond))
}

// mustPolling starts a fake Bot API and one replica, on a Redis of its
// own, that polls it with four workers.
func mustPolling(tb testing.TB) *telegramtest.Server {
	tb.Helper()
	fake := mustFake(tb)
	mustInstance(tb, fake, redistest.Must(tb), setup{pacing: fastPacing}).poll(tb, 4)
	return fake
}

// waitRelayed waits until in has recorded staff message msgID as a
// request's. The bot records a relay once its send has returned; a case
// manager answers seconds later, a test at once – and an answer to a
// message not yet recorded is staff talking among themselves.
func waitRelayed(tb testing.TB, in *instance, msgID int) {
	tb.Helper()
	tickets := in.store.Tickets(0)
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := tickets.RelayedTicket(context.Background(), msgID)
		switch {
		case err == nil:
			return
		case !errors.Is(err, domain.ErrNotFound):
			tb.Fatalf("waitRelayed: %v", err)
		case time.Now().After(deadline):
			tb.Fatalf("staff message %d never recorded as a request's", msgID)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFor waits until cond holds for the messages sent so far.
func waitFor(tb testing.TB, fake *telegramtest.Server, what string, cond func([]telegramtest.Sent) bool) []telegramtest.Sent {
	tb.Helper()
	// Generous: a wait ends as soon as its condition holds, and on a
	// loaded two-core machine under -race a retry after an expired
	// lease (5 s) can come twice before a reply does.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sent, err := fake.WaitFor(ctx, cond)
	if err != nil {
		// What was sent last tells a rare timeout under load from a lost
		// message, when the run that shows it cannot be repeated.
		for _, m := range sent[max(0, len(sent)-20):] {
			tb.Logf("sent: chat %d %s %.80q", m.ChatID, m.Method, m.Text)
		}
		tb.Fatalf("waiting for %s: %v (sent so far: %d)", what, err, len(sent))
	}
	return sent
}

// messagesTo lists the messages (sent or edited) shown in a chat.
func messagesTo(sent []telegramtest.Sent, chat int64) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range sent {
		if s.ChatID == chat && (s.Method == "sendMessage" || s.Method == "editMessageText") {
			out = append(out, s)
		}
	}
	return out
}

// inChat lists what the bot sent into one chat (messages, edits, copies).
func inChat(sent []telegramtest.Sent, chat int64) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range sent {
		if s.ChatID == chat && (s.Method == "sendMessage" || s.Method == "editMessageText" || s.Method == "copyMessage") {
			out = append(out, s)
		}
	}
	return out
}

func waitIn(tb testing.TB, fake *telegramtest.Server, chat int64, n int) []telegramtest.Sent {
	tb.Helper()
	sent := waitFor(tb, fake, fmt.Sprintf("%d messages in chat %d", n, chat), func(s []telegramtest.Sent) bool { return len(inChat(s, chat)) >= n })
	return inChat(sent, chat)
}

// containing lists what the bot sent into chat whose text contains part.
func containing(sent []telegramtest.Sent, chat int64, part string) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, m := range inChat(sent, chat) {
		if strings.Contains(m.Text, part) {
			out = append(out, m)
		}
	}
	return out
}

// waitMessage waits until a message the bot sent into chat, from the
// from-th on (as inChat counts them), matches; it returns the first that
// does.
func waitMessage(tb testing.TB, fake *telegramtest.Server, what string, chat int64, from int, match func(telegramtest.Sent) bool) telegramtest.Sent {
	tb.Helper()
	var found telegramtest.Sent
	waitFor(tb, fake, what, func(s []telegramtest.Sent) bool {
		for _, m := range inChat(s, chat)[from:] {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// waitText waits until a message the bot sent into chat, from the
// from-th on, contains every one of parts; it returns the first that does.
func waitText(tb testing.TB, fake *telegramtest.Server, what string, chat int64, from int, parts ...string) telegramtest.Sent {
	tb.Helper()
	return waitMessage(tb, fake, what, chat, from, func(m telegramtest.Sent) bool {
		for _, p := range parts {
			if !strings.Contains(m.Text, p) {
				return false
			}
		}
		return true
	})
}

// waitReplies waits until chat has received at least n messages.
func waitReplies(tb testing.TB, fake *telegramtest.Server, chat int64, n int) []telegramtest.Sent {
	tb.Helper()
	sent := waitFor(tb, fake, "replies", func(s []telegramtest.Sent) bool { return len(messagesTo(s, chat)) >= n })
	return messagesTo(sent, chat)
}

// button finds the callback data of the button whose label contains label.
func button(tb testing.TB, s telegramtest.Sent, label string) string {
	tb.Helper()
	for _, row := range s.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.CallbackData
			}
		}
	}
	tb.Fatalf("no button %q in %+v", label, s.Buttons)
	return ""
}
