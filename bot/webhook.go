package bot

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SecretHeader carries the webhook's secret_token on every delivery.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook body; real updates are a few KiB.
const maxUpdateBytes = 1 << 20

// Webhook returns the handler Telegram posts updates to. It answers 403
// without the right secret, and 200 only once the update is processed —
// anything else makes Telegram deliver it again.
func (d *Dispatcher) Webhook(secret string) http.Handler {
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
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		// Telegram waits about 60 s; finish the update even if it hangs up.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 50*time.Second)
		defer cancel()
		if err := d.Process(ctx, body); err != nil {
			d.log.Warn("webhook update not processed, Telegram will retry", "err", err)
			w.Header().Set("Retry-After", "1")
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// SetWebhook registers url with Telegram. secret_token is passed as a raw
// parameter: the library predates it.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	params := tgbotapi.Params{"url": url, "secret_token": secret, "max_connections": "40"}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	_, err := c.Call(ctx, "setWebhook", params)
	return err
}
