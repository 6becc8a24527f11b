package telegramtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"
)

type webhook struct {
	url, secret   string
	maxConn       int
	lastErrorDate int64
	lastError     string
}

var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// setWebhook accepts http URLs too, unlike Telegram, so that tests can use
// httptest servers.
func setWebhook(s *Server, r *request) (any, *apiError) {
	raw := r.params["url"]
	if raw == "" {
		return deleteWebhook(s, r) // as Telegram does
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, badRequest("bad webhook: invalid webhook URL specified")
	}
	secret := r.params["secret_token"]
	switch {
	case len(secret) > 256:
		return nil, badRequest("secret token is too long")
	case !secretToken.MatchString(secret):
		return nil, badRequest("secret token contains unallowed characters")
	}
	if err := s.setAllowedLocked(r); err != nil {
		return nil, err
	}
	maxConn := 40
	if n, ok := r.int("max_connections"); ok {
		maxConn = int(min(max(n, 1), 100))
	}
	if r.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.hook = webhook{url: raw, secret: secret, maxConn: maxConn}
	s.wakeLocked() // a long poll in flight ends with 409, as on Telegram
	s.dispatchLocked()
	return true, nil
}

// deleteWebhook leaves pending updates to getUpdates unless told to drop
// them.
func deleteWebhook(s *Server, r *request) (any, *apiError) {
	if r.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.hook = webhook{}
	return true, nil
}

func getWebhookInfo(s *Server, _ *request) (any, *apiError) {
	info := map[string]any{"url": s.hook.url, "has_custom_certificate": false, "pending_update_count": len(s.queue)}
	if s.hook.url != "" {
		info["max_connections"] = s.hook.maxConn
		if s.allowed != nil {
			info["allowed_updates"] = s.allowed
		}
		if s.hook.lastError != "" {
			info["last_error_date"], info["last_error_message"] = s.hook.lastErrorDate, s.hook.lastError
		}
	}
	return info, nil
}

// dispatchLocked starts pushing the oldest update of every chat that has
// no push under way, up to max_connections at a time, so that each chat
// sees its updates in order while chats do not wait for each other.
func (s *Server) dispatchLocked() {
	select {
	case <-s.done:
		return
	default:
	}
	if s.hook.url == "" {
		return
	}
	busy, n := map[int64]bool{}, 0
	for _, q := range s.queue {
		if q.pushing {
			busy[q.chat] = true
			n++
		}
	}
	for _, q := range s.queue {
		if n >= s.hook.maxConn {
			return
		}
		if busy[q.chat] {
			continue
		}
		busy[q.chat], q.pushing, q.handed = true, true, true
		n++
		s.pushers.Add(1)
		go s.push(q)
	}
}

// push delivers one update until the webhook answers 2xx, the webhook is
// removed, the update is dropped or the server closes.
func (s *Server) push(q *queued) {
	defer s.pushers.Done()
	for {
		s.mu.Lock()
		hook := s.hook
		if hook.url == "" || !slices.Contains(s.queue, q) {
			q.pushing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()

		status, reply, err := s.post(hook, q.body)
		if s.ctx.Err() != nil {
			return // closed: the attempt tells nothing
		}
		ok := err == nil && status/100 == 2
		if name := reply["method"]; ok && name != "" {
			// A webhook may answer with a method call; Telegram runs it
			// before the chat's next update.
			delete(reply, "method")
			s.handle(s.ctx, name, reply, nil)
		}

		s.mu.Lock()
		d := Delivery{UpdateID: q.id, Status: status}
		if err != nil {
			d.Err = err.Error()
		}
		s.deliveries = append(s.deliveries, d)
		if ok {
			s.queue = slices.DeleteFunc(s.queue, func(x *queued) bool { return x == q })
			s.dispatchLocked()
			s.mu.Unlock()
			return
		}
		if s.hook.url == hook.url {
			s.hook.lastErrorDate, s.hook.lastError = s.now().Unix(), d.Err
			if err == nil {
				s.hook.lastError = fmt.Sprintf("Wrong response from the webhook: %d %s", status, http.StatusText(status))
			}
		}
		s.mu.Unlock()

		t := time.NewTimer(s.retryDelay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			return
		}
	}
}

// post sends an update to the webhook and returns the status and, if the
// body is a JSON object, its fields.
func (s *Server) post(hook webhook, body []byte) (int, map[string]string, error) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, hook.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if hook.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.secret)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	reply, _ := jsonParams(io.LimitReader(resp.Body, 1<<20))
	_, _ = io.Copy(io.Discard, resp.Body) // lets the connection be reused
	return resp.StatusCode, reply, nil
}
