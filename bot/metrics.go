package bot

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
	"lotse/internal/i18n"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the adapter's Prometheus metrics. They count and time; they
// never carry chat ids, names or text.
type Metrics struct {
	tickets    *prometheus.CounterVec
	ticketWait prometheus.Histogram
	ratings    *prometheus.CounterVec
	updates    *prometheus.CounterVec
	duration   prometheus.Histogram
	requests   *prometheus.CounterVec
	reqLatency *prometheus.HistogramVec
	counts     *countMetrics // stats.go
}

// NewMetrics registers the adapter's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lotse_updates_total",
			Help: "Updates received, by outcome (processed, duplicate, busy, failed, ignored).",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lotse_update_duration_seconds",
			Help:    "Time from receiving an update to committing it, replies included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lotse_telegram_requests_total",
			Help: "Bot API requests by method and result (ok, error, flood).",
		}, []string{"method", "result"}),
		reqLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lotse_telegram_request_seconds",
			Help:    "Bot API request latency by method.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}, []string{"method"}),
	}
	m.tickets = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lotse_handover_tickets_total",
		Help: "Hand-over tickets by event (opened, taken, closed) and the person's language.",
	}, []string{"event", "lang"})
	m.ticketWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "lotse_handover_wait_seconds",
		Help:    "How long a person waited until a case manager took the ticket.",
		Buckets: []float64{60, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600, 72 * 3600},
	})
	m.ratings = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lotse_handover_ratings_total",
		Help: "Ratings people gave after a hand-over, by stars.",
	}, []string{"stars"})
	// The series the dashboard reads exist from the start (0, not "no
	// data"): the main outcomes, hand-over events per language, ratings.
	for _, o := range []string{"processed", "duplicate", "failed", "ignored", "throttled"} {
		m.updates.WithLabelValues(o)
	}
	for _, l := range i18n.Languages {
		for _, e := range []string{"opened", "taken", "closed"} {
			m.tickets.WithLabelValues(e, l.Code)
		}
	}
	for st := 1; st <= 5; st++ {
		m.ratings.WithLabelValues(strconv.Itoa(st))
	}
	reg.MustRegister(m.updates, m.duration, m.requests, m.reqLatency, m.tickets, m.ticketWait, m.ratings)
	m.counts = newCountMetrics(reg)
	return m
}

func (m *Metrics) observeTickets(events []domain.TicketEvent) {
	if m == nil {
		return
	}
	for _, e := range events {
		switch e.Kind {
		case "rated":
			m.ratings.WithLabelValues(strconv.Itoa(e.Rating)).Inc()
			continue
		case "taken":
			m.ticketWait.Observe(e.Wait.Seconds())
		}
		m.tickets.WithLabelValues(e.Kind, e.Lang).Inc()
	}
}

func (m *Metrics) observeUpdate(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.updates.WithLabelValues(outcome).Inc()
	if outcome == "processed" {
		m.duration.Observe(d.Seconds())
	}
}

func (m *Metrics) observeRequest(method string, err error, d time.Duration) {
	if m == nil {
		return
	}
	result := "ok"
	var apiErr *tgbotapi.Error
	switch {
	case err == nil:
	case errors.As(err, &apiErr) && apiErr.Code == http.StatusTooManyRequests:
		result = "flood"
	default:
		result = "error"
	}
	m.requests.WithLabelValues(method, result).Inc()
	m.reqLatency.WithLabelValues(method).Observe(d.Seconds())
}
