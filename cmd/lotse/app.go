package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/time/rate"

	"lotse/bot"
	"lotse/flows"
	"lotse/internal/calendar"
	"lotse/internal/config"
	"lotse/internal/domain"
	"lotse/internal/glossary"
	"lotse/internal/i18n"
	"lotse/internal/kb"
	"lotse/internal/offers"
	"lotse/internal/redisstore"
	"lotse/locales"
)

// app is the wired bot, shared by serve and chat.
type app struct {
	log        *slog.Logger
	store      *redisstore.Store
	client     *bot.Client
	dispatcher *bot.Dispatcher
	engine     *flows.Engine
	registry   *prometheus.Registry
	// tally adds up the anonymous daily statistics and writes them in
	// batches; serve runs its flush loop.
	tally   *bot.Tally
	closers []func()
	// now is the program's one clock: engine, store, dispatcher, scheduler
	// and reminders read the time only through it.
	now func() time.Time
}

func (a *app) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: want debug, info, warn or error, got %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("LOG_FORMAT: want json or text, got %q", format)
}

// tuning is what only tests change (tuning_test.go), so that end-to-end
// runs neither wait out Telegram's send limits (the staff group's 20
// messages a minute) in real time nor trip the flood limit of a person
// who types as fast as a test. Zero values: production's.
var tuning struct {
	pacing    bot.Pacing
	userRate  rate.Limit
	userBurst int
	// loadKB stands in for kb.Load when no cache_dir is set and in the
	// content commands: the tests start the program and run those
	// commands some forty times on a handful of contents, and load each
	// content once.
	loadKB func(fsys fs.FS, overrideDir string) (*kb.KB, error)
	// offersPoll stands in for offersPoll's two seconds: a test of an
	// import waits for the poll.
	offersPoll time.Duration
}

// newApp builds every part from the configuration, all on the clock now
// (time.Now in production). hard is cancelled only when in-flight requests
// must be abandoned.
func newApp(hard context.Context, cfg *config.Config, now func() time.Time, log *slog.Logger) (*app, error) {
	a := &app{log: log, registry: prometheus.NewRegistry(), now: now}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	msgs, err := i18n.Load(locales.FS, "messages", log)
	if err != nil {
		return nil, err
	}
	var base *kb.KB
	var cacheErr error
	if tuning.loadKB != nil && cfg.File.CacheDir == "" {
		base, err = tuning.loadKB(locales.FS, cfg.File.ContentDir)
	} else {
		base, cacheErr, err = kb.LoadCached(locales.FS, cfg.File.ContentDir, cfg.File.CacheDir)
	}
	if err != nil {
		return nil, err
	}
	if cacheErr != nil {
		log.Warn("knowledge base cache not used", "err", cacheErr)
	}
	// The urgent model now, not at the first message. A load from the
	// files parses the content and learns the model: about 100 MB of
	// garbage, which the runtime would otherwise hand back to the system
	// only slowly.
	base.Prepare()
	debug.FreeOSMemory()
	redisURL := cfg.RedisURL.Value()
	if redisURL == "" {
		emb, err := redisstore.StartEmbedded(now, log)
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, emb.Close)
		redisURL = emb.URL()
	}
	rdb, err := redisstore.Connect(redisURL, cfg.RedisSentinel, cfg.RedisCluster)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	// An outage is logged once, then once a minute, and its end.
	redisstore.Monitor(rdb, now, log)
	secret := botSecret(cfg)
	pseu := domain.NewPseudonyms(secret)
	a.store = redisstore.New(rdb, pseu, redisstore.Options{Prefix: cfg.RedisPrefix, SessionIdle: cfg.File.SessionIdle, Now: now,
		SyncReplicas: cfg.RedisSyncReplicas, SyncTimeout: cfg.RedisSyncTimeout})
	a.closers = append(a.closers, func() { a.store.Close() })
	tickets := a.store.Tickets(cfg.File.Handover.Retention)
	staffMsgs, err := i18n.LoadLanguages(locales.FS, "staff", []string{"de", "en"}, log)
	if err != nil {
		return nil, err
	}
	localOffers, err := offerDirectory(cfg, a.store.Offers(), log)
	if err != nil {
		return nil, err
	}
	gloss, err := glossary.Load(locales.FS, "glossary.yaml")
	if err != nil {
		return nil, err
	}
	a.engine = flows.New(flows.Deps{
		Messages: msgs, StaffText: staffMsgs.For(cfg.File.Handover.StaffLanguage), KB: base,
		Tickets: tickets, Bookings: a.store.Bookings(cfg.File.Handover.Retention), Reminders: a.store.Reminders(), Sessions: a.store,
		Stats: a.store.Stats(cfg.File.Stats.Kept()), Questions: a.store.Questions(),
		Offers: localOffers, Now: now, Log: log,
		Translator: translator(hard, cfg, a.store, gloss, log), Glossary: gloss,
	}, settings(cfg))
	if err := waitFor(hard, cfg.StartupWait, log, "redis", func() error { return a.store.Ping(hard) }); err != nil {
		return nil, err
	}
	// Replicas pick up `lotse offers import` without a restart.
	a.closers = append(a.closers, watchOffers(hard, localOffers, log))

	metrics := bot.NewMetrics(a.registry)
	metrics.Prepare(officeIDs(cfg), base.Areas(), categoryIDs(localOffers))
	err = waitFor(hard, cfg.StartupWait, log, "telegram", func() error {
		a.client, err = bot.NewClient(cfg.Token.Value(), bot.ClientOptions{APIURL: cfg.APIURL, Base: hard, Pacing: tuning.pacing}, metrics, log)
		var apiErr *bot.APIError
		if errors.As(err, &apiErr) {
			return permanent{err} // a wrong token does not get better
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.client.Close)
	a.tally = bot.NewTally(a.store.Stats(cfg.File.Stats.Kept()), cfg.File.Handover.Location(), now, log)
	a.dispatcher = bot.NewDispatcher(a.client, a.store, a.engine, pseu,
		bot.Options{Secret: secret, StaffChatID: cfg.StaffChatID, Tickets: tickets, Now: now, Tally: a.tally,
			UserRate: tuning.userRate, UserBurst: tuning.userBurst}, metrics, log)
	a.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lotse_handover_open_tickets",
		Help: "Hand-over tickets not yet closed.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(hard, 2*time.Second)
		defer cancel()
		q, err := tickets.Queue(ctx)
		if err != nil {
			return -1
		}
		return float64(len(q))
	}))
	ok = true
	return a, nil
}

// settings turns the configuration into what the conversation needs.
func settings(cfg *config.Config) flows.Settings {
	f := cfg.File
	set := flows.Settings{
		Town: f.Municipality, SessionIdle: f.SessionIdle, RecordsKept: f.Handover.Retention, Facts: f.Facts, StaffChatID: cfg.StaffChatID,
		ReannounceAfter: f.Handover.ReannounceAfter, CloseInactiveAfter: f.Handover.CloseInactiveAfter,
		Hours:     flows.Hours{Loc: f.Handover.Location()},
		LocalHelp: localHelp(f.Emergency),
		Related:   f.Handover.RelatedLanguages, PreviousFirst: 10 * time.Minute,
	}
	if set.Related == nil {
		set.Related = flows.DefaultRelated
	}
	if f.Handover.PreviousFirst != nil {
		set.PreviousFirst = *f.Handover.PreviousFirst
	}
	for _, o := range f.Offices {
		set.Offices = append(set.Offices, flows.Office{ID: o.ID, Name: o.Name, Address: o.Address, Phone: o.Phone,
			Lat: o.Lat, Lon: o.Lon, Notes: o.Notes, Accessibility: o.Accessibility})
	}
	for _, st := range f.Staff {
		set.Staff = append(set.Staff, flows.Staff{UserID: st.TelegramID, Name: st.Name, Languages: st.Languages})
	}
	set.Booking = bookingRules(f)
	// When the team answers: the hand-over hours, or else the office hours
	// people can book.
	hours := f.Handover.Hours
	if len(hours) == 0 {
		for _, h := range f.Booking.Hours {
			hours = append(hours, config.Hours{Days: h.Days, From: h.From, To: h.To})
		}
	}
	for _, h := range hours {
		rule := flows.HoursRule{}
		rule.From, _ = config.ParseClock(h.From) // validated when the file was read
		rule.To, _ = config.ParseClock(h.To)
		for _, d := range h.Days {
			rule.Days = append(rule.Days, config.Weekdays[strings.ToLower(d)])
		}
		set.Hours.Rules = append(set.Hours.Rules, rule)
	}
	return set
}

// bookingRules turns office hours, extra hours and closures into the
// calendar. Hours without listed staff are held by everyone who serves
// the office.
func bookingRules(f config.File) flows.BookingRules {
	b := f.Booking
	loc, err := time.LoadLocation(b.Timezone)
	if err != nil {
		loc = time.UTC // validated when the file was read
	}
	byID := map[string]int64{}
	for _, st := range f.Staff {
		byID[st.ID] = st.TelegramID
	}
	holders := func(h config.OfficeHours) []int64 {
		var ids []int64
		for _, id := range h.Staff {
			ids = append(ids, byID[id])
		}
		if len(ids) > 0 {
			return ids
		}
		for _, st := range f.Staff {
			if slices.Contains(st.Offices, h.Office) {
				ids = append(ids, st.TelegramID)
			}
		}
		return ids
	}
	rule := func(h config.OfficeHours) calendar.Rule {
		from, _ := config.ParseClock(h.From)
		to, _ := config.ParseClock(h.To)
		r := calendar.Rule{Office: h.Office, Date: h.Date, From: from, To: to, Slot: h.Slot, Capacity: h.Capacity, Staff: holders(h)}
		for _, d := range h.Days {
			r.Weekdays = append(r.Weekdays, config.Weekdays[strings.ToLower(d)])
		}
		return r
	}
	cal := calendar.Calendar{Loc: loc}
	for _, h := range b.Hours {
		cal.Rules = append(cal.Rules, rule(h))
	}
	for _, h := range b.Extra {
		cal.Rules = append(cal.Rules, rule(h))
	}
	for _, c := range b.Closures {
		cl := calendar.Closure{From: c.From, To: c.To, Office: c.Office, Staff: byID[c.Staff]}
		if c.Date != "" {
			cl.From, cl.To = c.Date, c.Date
		}
		cal.Closures = append(cal.Closures, cl)
	}
	return flows.BookingRules{Calendar: cal, DaysAhead: b.DaysAhead, MinLead: b.MinLead, MaxActive: b.MaxActive,
		Topics: b.Topics, Reminders: b.Reminders, Bring: b.Bring}
}

// waitFor retries a start-up dependency (Redis, the Bot API) for up to
// max, so a container that starts before its Redis or API server does not
// die at once. Permanent errors end it early.
func waitFor(ctx context.Context, max time.Duration, log *slog.Logger, what string, try func() error) error {
	deadline := time.Now().Add(max)
	wait := 250 * time.Millisecond
	for {
		err := try()
		if p, ok := err.(permanent); ok {
			return p.err
		}
		if err == nil {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("%s not ready after %v (STARTUP_WAIT): %w", what, max, err)
		}
		wait = min(wait, left)
		log.Warn("dependency not ready, retrying", "what", what, "err", err, "retry_in_s", wait.Seconds())
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }

// botSecret keys button signatures and pseudonyms. Without LOTSE_SECRET it
// is derived from the token: stable across restarts and replicas, and as
// secret as the token itself.
func botSecret(cfg *config.Config) []byte {
	if cfg.Secret != "" {
		return []byte(cfg.Secret.Value())
	}
	m := hmac.New(sha256.New, []byte("lotse button and pseudonym key"))
	m.Write([]byte(cfg.Token.Value()))
	return m.Sum(nil)
}

// officeIDs lists the configured offices.
func officeIDs(cfg *config.Config) []string {
	var out []string
	for _, o := range cfg.File.Offices {
		out = append(out, o.ID)
	}
	return out
}

// categoryIDs lists the offer categories in use, none without offers.
func categoryIDs(live *offers.Live) []string {
	var out []string
	if d := live.Current(); d != nil {
		for _, c := range d.AllCategories() {
			out = append(out, c.ID)
		}
	}
	return out
}

// languages lists the shipped language codes.
func languages() []string {
	out := make([]string, 0, len(i18n.Languages))
	for _, l := range i18n.Languages {
		out = append(out, l.Code)
	}
	return out
}

// localHelp turns the config's emergency contacts into what the
// conversation shows next to the national numbers.
func localHelp(e config.Emergency) flows.LocalHelp {
	conv := func(cs []config.Contact) []flows.Contact {
		out := make([]flows.Contact, 0, len(cs))
		for _, c := range cs {
			out = append(out, flows.Contact{Name: c.Name, Phone: c.Phone, Hours: c.Hours})
		}
		return out
	}
	return flows.LocalHelp{Legal: conv(e.LegalHelp), WomenShelter: conv(e.WomenShelter), Crisis: conv(e.CrisisService)}
}
