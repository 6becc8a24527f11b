package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"lotse/bot"
	"lotse/internal/config"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// dayClock is the simulation's clock: a set day and hour, advancing with
// real time from when it was set, so leases and retries still see time
// pass.
type dayClock struct {
	mu   sync.Mutex
	base time.Time
	set  time.Time
}

func (c *dayClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base, c.set = t, time.Now()
}

func (c *dayClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Since(c.set))
}

// person is one simulated person talking to the bot over the fake Bot API.
type person struct {
	t    *testing.T
	fake *telegramtest.Server
	u    telegramtest.User
	seen int // messages shown to them that the test has read
	sent *int
}

// say sends a text and waits for at least one reply.
func (p *person) say(text string) []telegramtest.Sent {
	p.t.Helper()
	*p.sent++
	p.fake.SendText(p.u, text)
	return p.wait(text, func(m []telegramtest.Sent) bool { return len(m) > 0 })
}

// wait waits until the messages shown since the last read satisfy cond.
func (p *person) wait(what string, cond func([]telegramtest.Sent) bool) []telegramtest.Sent {
	p.t.Helper()
	sent, err := p.fake.WaitFor(timeout(p.t), func(s []telegramtest.Sent) bool {
		m := shown(s, p.u.ID)
		return len(m) >= p.seen && cond(m[p.seen:])
	})
	if err != nil {
		p.t.Fatalf("%d: waiting after %q: %v", p.u.ID, what, err)
	}
	m := shown(sent, p.u.ID)[p.seen:]
	p.seen += len(m)
	return m
}

// press presses the first button whose data starts with prefix on the
// latest message shown that has one, waiting for it if need be.
func (p *person) press(prefix string) []telegramtest.Sent {
	p.t.Helper()
	find := func(m []telegramtest.Sent) (int, string) {
		for i := len(m) - 1; i >= 0; i-- {
			for _, row := range m[i].Buttons {
				for _, b := range row {
					if strings.HasPrefix(b.CallbackData, prefix) {
						return m[i].MessageID, b.CallbackData
					}
				}
			}
		}
		return 0, ""
	}
	all := shown(p.fake.Sent(), p.u.ID)
	id, data := find(all)
	if data == "" {
		p.seen = 0 // look at everything again while waiting
		p.wait(prefix, func(m []telegramtest.Sent) bool { _, d := find(m); return d != "" })
		id, data = find(shown(p.fake.Sent(), p.u.ID))
	}
	p.seen = len(shown(p.fake.Sent(), p.u.ID))
	*p.sent++
	p.fake.Press(p.u, id, data)
	return p.wait(prefix, func(m []telegramtest.Sent) bool { return len(m) > 0 })
}

// TestReport_SimulatedMonth: a month of people talking to the real
// program over the fake Bot API, the clock moving day by day through
// November 2026; the report of that month in md, csv and xlsx, and /stats
// in the staff group at its end, show what the test did.
func TestReport_SimulatedMonth(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a month of conversations; skipped with -short")
	}
	const token = "48:month-token"
	fake := telegramtest.MustStart(t, token)
	r := redistest.Must(t)
	const staffChatID = -100480
	vars := r.Env()
	vars["TELEGRAM_BOT_TOKEN"], vars["TELEGRAM_API_URL"], vars["STAFF_CHAT_ID"] = token, fake.URL(), fmt.Sprint(staffChatID)
	cfg, err := config.Load(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	berlin := cfg.File.Handover.Location()
	clock := &dayClock{}
	clock.Set(time.Date(2026, 11, 1, 10, 0, 0, 0, berlin))
	var logs syncWriter
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := newApp(ctx, cfg, clock.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	poller := bot.NewPoller(a.client.WithBase(ctx), a.dispatcher, a.store, log)
	poller.Timeout = time.Second
	polled := make(chan struct{})
	go func() { defer close(polled); poller.Run(ctx) }()
	defer func() { cancel(); <-polled }()

	updates := 0
	newPerson := func(id int64, lang string) *person {
		return &person{t: t, fake: fake, u: telegramtest.User{ID: id, FirstName: "P", LanguageCode: lang}, sent: &updates}
	}
	const (
		// The knowledge base answers these (area housing), each in the
		// person's language, so that their language stays as it is.
		housingAR = "كيف ابحث عن سكن"
		housingUK = "де знайти недорогу квартиру"
		unknown   = "بلورف زمزم كواكسل" // no entry knows these words
	)
	uk := newPerson(48000, "uk") // writes every day
	uk.say("/start")
	for d := 1; d <= 30; d++ {
		clock.Set(time.Date(2026, 11, d, 10, 0, 0, 0, berlin))
		uk.say(housingUK)
		// A new Arabic-speaking person every day asks about housing;
		// every third day one also asks what no entry answers and
		// shares it with the team – yes 6 times, no 4 times.
		p := newPerson(48100+int64(d), "ar")
		p.say("/start")
		p.say(housingAR)
		if d%3 == 0 {
			p.say(unknown)
			if d%5 == 0 || d%2 == 0 {
				p.press("cy:")
			} else {
				p.press("cn:")
			}
		}
		// Every other day someone opens one local offer.
		if d%2 == 0 {
			o := newPerson(48200+int64(d), "ar")
			o.say("/start")
			o.say("/offers")
			o.press("ol:")
			o.press("oo:")
		}
		// Every fifth day someone books an appointment; two of the six
		// cancel it again.
		if d%5 == 0 {
			b := newPerson(48300+int64(d), "ar")
			b.say("/start")
			b.say("/appointment")
			for _, step := range []string{"pa:", "bt:", "bo:", "bd:", "bs:", "bc:"} {
				b.press(step)
			}
			if d == 10 || d == 20 {
				b.say("/appointments")
				b.press("ac:")
				b.press("ay:")
			}
		}
	}
	// What the test did, as the counters should have it.
	const (
		arMessages = 30*2 + 10 + 15*2 + 6*2 + 2 // /start and housing; unknown; /start and /offers; /start and /appointment; /appointments
		ukMessages = 1 + 30
	)
	shared := 0
	for d := 3; d <= 30; d += 3 {
		if d%5 == 0 || d%2 == 0 {
			shared++
		}
	}
	if shared != 6 {
		t.Fatalf("test arithmetic: %d shared", shared)
	}

	// Every update processed (counted), then the counters written.
	waitUntil(t, "all updates processed", func() bool { return processed(t, a) >= updates })
	if err := a.tally.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{
		"Messages": fmt.Sprint(arMessages + ukMessages), "New people": fmt.Sprint(30 + 15 + 6 + 1),
		"Answers shown": "60", "Questions without answer": "10", "Questions shared with the team": "6",
		"Appointments booked": "6", "Appointments cancelled": "< 5", "Hand-overs opened": "< 5",
	}
	report := func(format string) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "november."+format)
		var stderr bytes.Buffer
		if err := run(context.Background(), time.Now, []string{"report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", format, "-o", out}, env(vars), nil, io.Discard, &stderr); err != nil {
			t.Fatalf("%s: %v %s", format, err, stderr.String())
		}
		return readFile(t, out)
	}
	md := string(report("md"))
	for label, v := range want {
		if !strings.Contains(md, "| "+label+" | "+v+" |") {
			t.Errorf("md lacks %q = %q:\n%s", label, v, md)
		}
	}
	for _, row := range []string{
		fmt.Sprintf("| ar | %d | 51 | 10 | < 5 | 6 |", arMessages), // language, messages, new, no answer, suggestions only, bookings
		fmt.Sprintf("| uk | %d | < 5 | < 5 | < 5 | < 5 |", ukMessages),
		"| housing | 60 |", "| ar | 10 |",
	} {
		if !strings.Contains(md, row) {
			t.Errorf("md lacks row %q", row)
		}
	}
	section := func(title string) string {
		_, rest, _ := strings.Cut(md, "## "+title)
		rest, _, _ = strings.Cut(rest, "\n## ")
		return rest
	}
	if offers := section("Local offers viewed per category"); strings.Count(offers, " | 15 |") != 1 {
		t.Errorf("offers viewed: want one category with 15:\n%s", offers)
	}
	if offices := section("Per office"); !strings.Contains(offices, " | 6 | < 5 | < 5 |") {
		t.Errorf("per office: want 6 booked, none moved, 2 cancelled:\n%s", offices)
	}

	recs, err := csv.NewReader(bytes.NewReader(report("csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rec := range recs[1:] {
		if strings.HasPrefix(rec[0], "Totals") {
			got[rec[1]] = rec[3]
		}
	}
	for label, v := range want {
		if got[label] != v {
			t.Errorf("csv %q = %q, want %q", label, got[label], v)
		}
	}

	x, err := excelize.OpenReader(bytes.NewReader(report("xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Totals")
	if err != nil {
		t.Fatal(err)
	}
	gotX := map[string]string{}
	for _, row := range rows[1:] {
		gotX[row[0]] = row[1]
	}
	for label, v := range want {
		if gotX[label] != v {
			t.Errorf("xlsx %q = %q, want %q", label, gotX[label], v)
		}
	}

	// /stats in the staff group on the 30th: this month is the whole
	// simulation (the staff language of the sample config is German).
	anna := telegramtest.User{ID: 100001, FirstName: "Anna"}
	group := telegramtest.Chat{ID: staffChatID, Type: "supergroup", Title: "Team"}
	fake.SendTextIn(group, anna, "/stats")
	sent, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
		for _, m := range s {
			if m.ChatID == staffChatID && strings.Contains(m.Text, "Dieser Monat") {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no /stats answer: %v", err)
	}
	var stats string
	for _, m := range sent {
		if m.ChatID == staffChatID && strings.Contains(m.Text, "Dieser Monat") {
			stats = m.Text
		}
	}
	_, month, _ := strings.Cut(stats, "Dieser Monat")
	for _, w := range []string{"(2026-11-01 – 2026-11-30)", fmt.Sprintf("Nachrichten: %d · neue Personen: 52", arMessages+ukMessages),
		"Gebucht: 6 · abgesagt: < 5", "Meiste ohne Antwort: ar 10", "Angebote angesehen: "} {
		if !strings.Contains(month, w) {
			t.Errorf("/stats this month lacks %q:\n%s", w, stats)
		}
	}
	if !strings.Contains(month, " 15") {
		t.Errorf("/stats this month lacks the 15 offers viewed:\n%s", stats)
	}
	if strings.Contains(logs.String(), unknown) || strings.Contains(logs.String(), housingAR) {
		t.Error("logs contain message text")
	}
}

// processed is the number of updates the app has processed so far.
func processed(t *testing.T, a *app) int {
	t.Helper()
	n, err := updatesCounted(a.registry, "processed")
	if err != nil {
		t.Fatal(err)
	}
	return n
}
