package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lotse/bot"
	"lotse/internal/config"
	"lotse/internal/i18n"
	"lotse/internal/schedule"
)

// serve runs the bot until ctx is cancelled (SIGTERM), then finishes the
// updates in flight before it returns.
func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	if len(args) > 0 {
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if err := cfg.ValidateServe(); err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	hard, abandon := context.WithCancel(context.WithoutCancel(ctx))
	defer abandon()
	a, err := newApp(hard, cfg, time.Now, log)
	if err != nil {
		return err
	}
	defer a.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		pctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.store.Ping(pctx); err != nil {
			http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))
	if cfg.Webhook() {
		mux.Handle(cfg.WebhookPath(), a.dispatcher.Webhook(cfg.WebhookSecret.Value()))
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()
	log.Info("lotse started", "http", ln.Addr().String(), "webhook", cfg.Webhook(), "config", cfg.ConfigFileName)

	a.client.RegisterCommands(ctx, languages(), i18n.Default, a.engine.CommandMenu)
	sched, err := startJobs(hard, cfg, a, log)
	if err != nil {
		return err
	}
	defer sched.Stop()
	done := make(chan error, 1)
	if cfg.Webhook() {
		if err := a.client.SetWebhook(ctx, cfg.WebhookURL, cfg.WebhookSecret.Value()); err != nil {
			srv.Close()
			return err
		}
		go func() { <-ctx.Done(); done <- nil }()
	} else {
		poller := bot.NewPoller(a.client.WithBase(ctx), a.dispatcher, a.store, log)
		go func() { done <- poller.Run(ctx) }()
	}

	select {
	case err = <-srvErr:
		return err
	case err = <-done:
	}
	log.Info("stopping: finishing updates in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownWait)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		log.Warn("http shutdown", "err", serr)
	}
	log.Info("lotse stopped")
	return err
}

// startJobs starts the periodic jobs: the hand-over sweep (one replica a
// minute), reminders (every replica, each reminder claimed once), and the
// morning agenda (one replica a day).
func startJobs(ctx context.Context, cfg *config.Config, a *app, log *slog.Logger) (*schedule.Scheduler, error) {
	sched := schedule.New(ctx, a.store, log)
	sched.Now = a.now
	err := sched.Every("handover-sweep", time.Minute, func(ctx context.Context) error {
		res, err := a.engine.Sweep(ctx)
		if err != nil {
			return err
		}
		return a.dispatcher.Deliver(ctx, res, false)
	})
	if err == nil {
		err = sched.Tick("reminders", 10*time.Second, func(ctx context.Context) error {
			return sendReminders(ctx, a, a.now)
		})
	}
	if err == nil {
		b := cfg.File.Booking
		loc, _ := time.LoadLocation(b.Timezone)
		err = sched.Daily("agenda", b.AgendaTime, loc, func(ctx context.Context, date string) error {
			res, err := a.engine.Agenda(ctx, date)
			if err != nil {
				return err
			}
			return a.dispatcher.Deliver(ctx, res, false)
		})
	}
	if err != nil {
		return nil, err
	}
	sched.Start()
	return sched, nil
}

// reminderLease is how long a replica holds claimed reminders; if it dies,
// they are claimed again after this.
const reminderLease = 2 * time.Minute

// sendReminders claims due reminders in batches and sends them, paced as
// bulk messages, until none are due. A reminder is marked sent only after
// Telegram accepted it.
func sendReminders(ctx context.Context, a *app, now func() time.Time) error {
	q := a.store.Reminders()
	for {
		ids, err := q.Claim(ctx, now(), reminderLease, 50)
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, id := range ids {
			res, err := a.engine.Reminder(ctx, id)
			if err != nil {
				return err
			}
			if err := a.dispatcher.Deliver(ctx, res, true); err != nil {
				return err // the lease runs out and the reminder is claimed again
			}
			if err := q.Ack(ctx, id); err != nil {
				return err
			}
		}
	}
}
