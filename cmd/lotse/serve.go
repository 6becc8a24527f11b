package main

import (
	"context"
	"errors"
	"io"
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
	a, err := newApp(hard, cfg, log)
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
	sched := schedule.New(hard, a.store, log)
	if err := sched.Every("handover-sweep", time.Minute, func(ctx context.Context) error {
		res, err := a.engine.Sweep(ctx)
		if err != nil {
			return err
		}
		return a.dispatcher.Deliver(ctx, res)
	}); err != nil {
		return err
	}
	sched.Start()
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
