package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/stats"
)

// StatsWriter stores the anonymous daily counters (redisstore.Stats).
type StatsWriter interface {
	// Add adds counts per day ("2006-01-02" → field → n) in one round trip.
	Add(ctx context.Context, days map[string]map[string]int64) error
}

// Tally adds up the anonymous counters the flows report (Result.Counts
// and the hand-over events) in memory and writes them to Redis in one
// pipeline every few seconds, so counting adds no round trip to a
// message. A crash loses what was counted since the last flush (by
// default at most 5 seconds of counts); a stop flushes first. Counts of
// an update that is processed again after a crash are counted twice.
type Tally struct {
	store StatsWriter
	loc   *time.Location
	now   func() time.Time
	log   *slog.Logger

	mu      sync.Mutex
	pending map[string]map[string]int64
}

// NewTally counts by the days of loc (the municipality's time zone).
func NewTally(store StatsWriter, loc *time.Location, now func() time.Time, log *slog.Logger) *Tally {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	return &Tally{store: store, loc: loc, now: now, log: log, pending: map[string]map[string]int64{}}
}

// Add counts one result: its counts and its hand-over events.
func (t *Tally) Add(counts []stats.Count, events []domain.TicketEvent) {
	if t == nil || len(counts)+len(events) == 0 {
		return
	}
	day := t.now().In(t.loc).Format(stats.Day)
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.pending[day]
	if m == nil {
		m = map[string]int64{}
		t.pending[day] = m
	}
	for _, c := range counts {
		m[c.Field] += c.N
	}
	for _, c := range ticketCounts(events) {
		m[c.Field] += c.N
	}
}

// ticketCounts turns hand-over events into counters.
func ticketCounts(events []domain.TicketEvent) []stats.Count {
	var out []stats.Count
	for _, e := range events {
		switch e.Kind {
		case "rated":
			out = append(out, stats.Rating(e.Rating))
		case "taken":
			out = append(out, stats.Handover(e.Kind, e.Lang), stats.Wait(e.Wait))
		default:
			out = append(out, stats.Handover(e.Kind, e.Lang))
		}
	}
	return out
}

// Flush writes what was counted; on failure it is kept for the next try.
func (t *Tally) Flush(ctx context.Context) error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	batch := t.pending
	t.pending = map[string]map[string]int64{}
	t.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := t.store.Add(ctx, batch); err != nil {
		t.mu.Lock()
		for day, fields := range batch {
			m := t.pending[day]
			if m == nil {
				m = map[string]int64{}
				t.pending[day] = m
			}
			for f, n := range fields {
				m[f] += n
			}
		}
		t.mu.Unlock()
		return err
	}
	return nil
}

// Run flushes every interval until ctx ends, then once more (with a
// short timeout of its own), so a stop loses nothing.
func (t *Tally) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			defer cancel()
			if err := t.Flush(fctx); err != nil {
				t.log.Warn("statistics lost at stop", "err", err)
			}
			return
		case <-tick.C:
			if err := t.Flush(ctx); err != nil {
				t.log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "statistics flush failed, retrying", "err", err)
			}
		}
	}
}

// observe records a result's metrics and statistics.
func (d *Dispatcher) observe(res domain.Result) {
	d.m.observeTickets(res.Events)
	d.m.observeCounts(res.Counts)
	d.opt.Tally.Add(res.Counts, res.Events)
}

// countMetrics are the Prometheus side of the same counters, for the
// dashboard (deploy/grafana/lotse.json): per replica and since its start,
// where the daily counters are per municipality and day.
type countMetrics struct {
	bookings   *prometheus.CounterVec
	answers    *prometheus.CounterVec
	unanswered *prometheus.CounterVec
	offers     *prometheus.CounterVec
	reminders  prometheus.Counter
}

func newCountMetrics(reg prometheus.Registerer) *countMetrics {
	c := &countMetrics{
		bookings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lotse_bookings_total",
			Help: "Appointment events (made, moved, cancelled, attended, noshow) by office.",
		}, []string{"event", "office"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lotse_answers_total",
			Help: "Knowledge base answers shown, by area.",
		}, []string{"area"}),
		unanswered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lotse_unanswered_total",
			Help: "Questions without an answer (none) or with suggestions only (suggestions), by language.",
		}, []string{"kind", "lang"}),
		offers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lotse_offers_viewed_total",
			Help: "Local offers opened, by category.",
		}, []string{"category"}),
		reminders: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lotse_reminders_sent_total",
			Help: "Appointment reminders sent.",
		}),
	}
	// Every language's series exists from the start, so a rate over it
	// is 0 rather than missing.
	for _, l := range i18n.Languages {
		c.unanswered.WithLabelValues("none", l.Code)
		c.unanswered.WithLabelValues("suggestions", l.Code)
	}
	reg.MustRegister(c.bookings, c.answers, c.unanswered, c.offers, c.reminders)
	return c
}

func (m *Metrics) observeCounts(counts []stats.Count) {
	if m == nil || m.counts == nil {
		return
	}
	c := m.counts
	for _, n := range counts {
		p := strings.Split(n.Field, ":")
		switch {
		case p[0] == "booking" && len(p) >= 3:
			c.bookings.WithLabelValues(p[1], p[2]).Add(float64(n.N))
		case p[0] == "area" && len(p) >= 2:
			c.answers.WithLabelValues(p[1]).Add(float64(n.N))
		case p[0] == "nomatch" && len(p) >= 2:
			c.unanswered.WithLabelValues("none", p[1]).Add(float64(n.N))
		case p[0] == "suggest" && len(p) >= 2:
			c.unanswered.WithLabelValues("suggestions", p[1]).Add(float64(n.N))
		case p[0] == "offer" && len(p) >= 2:
			c.offers.WithLabelValues(p[1]).Add(float64(n.N))
		case p[0] == "reminder":
			c.reminders.Add(float64(n.N))
		}
	}
}

// bookingEvents are the appointment events the dashboard shows per office.
var bookingEvents = []string{stats.BookingMade, stats.BookingMoved, stats.BookingCancelled, stats.BookingAttended, stats.BookingNoShow}

// Prepare creates the series of the configured offices, knowledge base
// areas and offer categories at 0, so that the dashboard shows a rate of
// 0 rather than "no data" before the first booking, answer or offer.
func (m *Metrics) Prepare(offices, areas, categories []string) {
	if m == nil || m.counts == nil {
		return
	}
	for _, o := range offices {
		for _, e := range bookingEvents {
			m.counts.bookings.WithLabelValues(e, o)
		}
	}
	for _, a := range areas {
		m.counts.answers.WithLabelValues(a)
	}
	for _, c := range categories {
		m.counts.offers.WithLabelValues(c)
	}
}
