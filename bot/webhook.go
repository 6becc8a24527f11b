package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// SecretHeader carries the webhook's secret_token on every delivery.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook body; real updates are a few KiB.
const maxUpdateBytes = 1 << 20

// Webhook returns the handler Telegram posts updates to. It answers 403
// without the right secret, and 200 only once the update is settled —
// processed, dropped by the flood limit, or durably queued behind another
// worker — anything else makes Telegram deliver it again. At most
// Options.WebhookInFlight requests are read and processed at once, so
// many large bodies cannot exhaust memory; more get 503 with Retry-After
// at once, before their body is read, and Telegram delivers them again.
func (d *Dispatcher) Webhook(secret string) http.Handler {
	slots := make(chan struct{}, d.opt.WebhookInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(SecretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			d.m.observeUpdate("busy", 0)
			// Closing the connection spares the server reading (and
			// discarding) the body before it answers.
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy, try again", http.StatusServiceUnavailable)
			return
		}
		released := false
		defer func() {
			if !released {
				<-slots
			}
		}()
		var buf bytes.Buffer
		if n := r.ContentLength; n > 0 && n <= maxUpdateBytes {
			buf.Grow(int(n) + bytes.MinRead) // one allocation instead of doubling
		}
		_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
		body := buf.Bytes()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		u := decodeUpdate(body)
		if u == nil {
			// Can never succeed: acknowledge so it is not redelivered forever.
			d.log.Warn("undecodable update dropped")
			d.m.observeUpdate("ignored", 0)
			w.WriteHeader(http.StatusOK)
			return
		}
		if !d.admit(u) {
			w.WriteHeader(http.StatusOK)
			return
		}
		// Answered 200 as soon as the update is settled (processed, or
		// queued where another replica finds it), while the processing
		// may go on; it finishes even if Telegram hangs up, unless a hard
		// stop (the client's base context) abandons it. The slot is held
		// until then.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 50*time.Second)
		stopAfter := func() bool { return true }
		if d.client.base != nil {
			stopAfter = context.AfterFunc(d.client.base, cancel)
		}
		settled := make(chan struct{})
		result := make(chan error, 1)
		released = true
		go func() {
			defer func() { <-slots }()
			defer cancel()
			defer stopAfter()
			result <- d.handle(ctx, u, func() { close(settled) })
		}()
		select {
		case <-settled:
		case err := <-result:
			if err != nil {
				d.log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "webhook update not processed, Telegram will retry", "err", err)
				w.Header().Set("Retry-After", "1")
				http.Error(w, "try again", http.StatusServiceUnavailable)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}

// webhookConnections is how many connections Telegram may open at once.
const webhookConnections = 40

// SetWebhook registers url with Telegram. secret_token is passed as a raw
// parameter: the library predates it.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	params := tgbotapi.Params{"url": url, "secret_token": secret, "max_connections": strconv.Itoa(webhookConnections)}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	_, err := c.Call(ctx, "setWebhook", params)
	return err
}
