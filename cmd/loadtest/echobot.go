package main

import (
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lotse/bot"
	"lotse/internal/domain"
	"lotse/internal/redisstore"
)

// echoBot is the baseline: the same client, poller, dispatcher and Redis
// inbox as `lotse serve` — each update deduplicated, ordered per chat,
// committed with its session — with a conversation that only sends the
// text back. Configured by the same environment variables as serve.
func echoBot() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rdb, err := redisstore.Connect(os.Getenv("REDIS_URL"), "", false)
	if err != nil {
		return err
	}
	secret := sha256.Sum256([]byte("lotse-loadtest:" + os.Getenv("TELEGRAM_BOT_TOKEN")))
	pseu := domain.NewPseudonyms(secret[:])
	store := redisstore.New(rdb, pseu, redisstore.Options{})
	defer store.Close()
	hard, abandon := context.WithCancel(context.WithoutCancel(ctx))
	defer abandon()
	m := bot.NewMetrics(prometheus.NewRegistry())
	client, err := bot.NewClient(os.Getenv("TELEGRAM_BOT_TOKEN"), bot.ClientOptions{APIURL: os.Getenv("TELEGRAM_API_URL"), Base: hard}, m, log)
	if err != nil {
		return err
	}
	defer client.Close()
	d := bot.NewDispatcher(client, store, echoConversation{}, pseu, bot.Options{Secret: secret[:]}, m, log)
	poller := bot.NewPoller(client.WithBase(ctx), d, store, log)
	done := make(chan struct{})
	go func() { defer close(done); poller.Run(ctx) }()
	<-ctx.Done()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	return nil
}

// echoConversation answers every message with its own text.
type echoConversation struct{}

func (echoConversation) Handle(_ context.Context, s domain.Session, _ bool, ev domain.Event) domain.Result {
	return domain.Result{Replies: []domain.Reply{{Text: ev.Text}}, Session: &s}
}

func (echoConversation) HandleStaff(context.Context, domain.Event) domain.Result {
	return domain.Result{}
}

func (echoConversation) CrossChat(string) bool { return false }

func (echoConversation) OutageNotice(string) string { return "technical problem" }
func (echoConversation) Urgent(domain.Event) bool   { return false }
