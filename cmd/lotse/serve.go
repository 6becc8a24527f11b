package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lotse/bot"
	"lotse/internal/config"
	"lotse/internal/i18n"
	"lotse/internal/redisstore"
	"lotse/internal/schedule"
)

// serve runs the bot until ctx is cancelled (SIGTERM), then finishes the
// updates in flight before it returns. A stop takes at most
// cfg.ShutdownWait; what is still running then is abandoned (an
// unconfirmed update is delivered again, an unsent reminder claimed again).
func serve(ctx context.Context, now func() time.Time, args []string, getenv func(string) string, stderr io.Writer) error {
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
	redisstore.RouteLogs(log)
	for _, w := range cfg.File.Warnings {
		log.Warn("config problem, starting anyway", "problem", w.String())
	}
	if getenv("GOGC") == "" {
		// Most of the heap is the knowledge base and the language models,
		// which live as long as the process: collecting at twice the live
		// heap would scan them again every few thousand messages. Three
		// times costs about 40 MB more RSS under load (README, Performance).
		debug.SetGCPercent(gcPercent)
	}
	hard, abandon := context.WithCancel(context.WithoutCancel(ctx))
	defer abandon()
	a, err := newApp(hard, cfg, now, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if cfg.RedisURL != "" {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		a.store.CheckDurability(dctx, log)
		cancel()
	}

	// running ends at a stop signal or when a part fails, so that every
	// other part stops as well.
	running, stop := context.WithCancel(ctx)
	defer stop()
	servers, err := listen(cfg, a, log)
	if err != nil {
		return err
	}
	srvErr := make(chan error, len(servers))
	for _, s := range servers {
		go func() {
			if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
				srvErr <- fmt.Errorf("http %s: %w", s.ln.Addr(), err)
				stop()
			}
		}()
	}

	a.client.RegisterCommands(running, languages(), i18n.Default, a.engine.CommandMenu)
	a.client.RegisterChatCommands(running, a.engine.StaffChatID(), a.engine.StaffCommandMenu())
	// Jobs run on running: a stop cancels a reminder burst between two
	// sends instead of waiting for it to end.
	sched, err := startJobs(running, cfg, a, log)
	if err != nil {
		closeAll(servers)
		return err
	}
	// The statistics are flushed every few seconds and once more after
	// the last update in flight is done.
	tallyCtx, stopTally := context.WithCancel(context.WithoutCancel(ctx))
	tallied := make(chan struct{})
	go func() { defer close(tallied); a.tally.Run(tallyCtx, statsFlushEvery) }()
	defer func() { stopTally(); <-tallied }()
	polling := make(chan struct{})
	if cfg.Webhook() {
		// The poller does this in polling mode: every replica takes over
		// chats whose worker died.
		go func() { defer close(polling); a.dispatcher.TakeOverDue(running) }()
		if err := a.client.SetWebhook(running, cfg.WebhookURL, cfg.WebhookSecret.Value()); err != nil {
			stop()
			stopAll(cfg.ShutdownWait, abandon, servers, sched, polling, log)
			return err
		}
	} else {
		poller := bot.NewPoller(a.client.WithBase(running), a.dispatcher, a.store, log)
		go func() { defer close(polling); poller.Run(running) }()
	}

	<-running.Done()
	select {
	case err = <-srvErr:
	default:
	}
	stopAll(cfg.ShutdownWait, abandon, servers, sched, polling, log)
	log.Info("lotse stopped")
	return err
}

// server is one HTTP listener: the webhook on HTTP_ADDR, metrics and
// health on METRICS_ADDR.
type server struct {
	ln  net.Listener
	srv *http.Server
}

// listen opens the HTTP servers. The webhook (webhook mode only) is alone
// on HTTP_ADDR, the port exposed to Telegram; metrics and health are on
// METRICS_ADDR, which is not meant to be public. If both are set to the
// same address, one server carries both.
func listen(cfg *config.Config, a *app, log *slog.Logger) ([]server, error) {
	ops := http.NewServeMux()
	ops.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	ops.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		pctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.store.Ping(pctx); err != nil {
			http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	ops.Handle("GET /metrics", promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))
	muxes := map[string]*http.ServeMux{cfg.MetricsAddr: ops}
	order := []string{cfg.MetricsAddr}
	if cfg.Webhook() {
		hook, ok := muxes[cfg.HTTPAddr]
		if !ok {
			hook = http.NewServeMux()
			muxes[cfg.HTTPAddr] = hook
			order = append(order, cfg.HTTPAddr)
		}
		hook.Handle(cfg.WebhookPath(), a.dispatcher.Webhook(cfg.WebhookSecret.Value()))
	}
	var servers []server
	for _, addr := range order {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll(servers)
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		servers = append(servers, server{ln: ln, srv: &http.Server{Handler: muxes[addr], ReadHeaderTimeout: 10 * time.Second}})
	}
	webhook := ""
	if cfg.Webhook() {
		webhook = servers[len(servers)-1].ln.Addr().String()
	}
	log.Info("lotse started", "metrics", servers[0].ln.Addr().String(), "webhook", webhook, "config", cfg.ConfigFileName)
	return servers, nil
}

func closeAll(servers []server) {
	for _, s := range servers {
		s.srv.Close()
		s.ln.Close()
	}
}

// stopAll stops every part at once and waits for them: the HTTP servers
// finish the webhook updates in flight, the poller its batch (and confirms
// it), the scheduler its running jobs. After wait it abandons what is
// left — requests to Telegram and Redis are cancelled — and gives that a
// moment to unwind.
func stopAll(wait time.Duration, abandon context.CancelFunc, servers []server, sched *schedule.Scheduler, polling <-chan struct{}, log *slog.Logger) {
	log.Info("stopping: finishing updates in flight", "wait_s", wait.Seconds())
	sctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Go(func() {
			if err := s.srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.srv.Close()
			}
		})
	}
	wg.Go(func() { <-polling })
	if sched != nil {
		wg.Go(sched.Stop)
	}
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
		return
	case <-sctx.Done():
	}
	log.Warn("stop took longer than SHUTDOWN_WAIT: abandoning work in flight")
	abandon()
	closeAll(servers)
	select {
	case <-stopped:
	case <-time.After(abandonGrace):
		log.Error("parts still running after being abandoned; exiting anyway")
	}
}

// gcPercent is serve's GOGC unless the environment sets one.
const gcPercent = 200

// statsFlushEvery is how often the anonymous counters are written: what a
// crash can lose.
const statsFlushEvery = 5 * time.Second

// abandonGrace is how long cancelled work gets to return after a stop
// has waited its SHUTDOWN_WAIT; Redis commands time out after 3 s.
const abandonGrace = 3 * time.Second

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
			// Telegram has it: record that even if a stop just arrived,
			// or it would be sent again.
			if err := q.Ack(context.WithoutCancel(ctx), id); err != nil {
				return err
			}
		}
	}
}
