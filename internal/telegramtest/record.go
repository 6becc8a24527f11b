package telegramtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ErrClosed is returned by WaitFor when the server closes while waiting.
var ErrClosed = errors.New("telegramtest: server closed")

// Sent returns the successful calls that produce or change messages or
// leave chats, oldest first: send* (but sendChatAction), edit*,
// copyMessage, forwardMessage, answerCallbackQuery, leaveChat and
// deleteMessage. Failed calls show only in Calls.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentLocked()
}

func (s *Server) sentLocked() []Sent {
	var out []Sent
	for _, rec := range s.log {
		if methods[strings.ToLower(rec.Method)].records {
			out = append(out, rec)
		}
	}
	return out
}

// SentTo returns what Sent returns for one chat.
func (s *Server) SentTo(chatID int64) []Sent {
	return slices.DeleteFunc(s.Sent(), func(rec Sent) bool { return rec.ChatID != chatID })
}

// Requests returns the successful calls of any one method (case-insensitive)
// but getUpdates, e.g. "setMyCommands".
func (s *Server) Requests(method string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, rec := range s.log {
		if strings.EqualFold(rec.Method, method) {
			out = append(out, rec)
		}
	}
	return out
}

// WaitSent waits until at least n calls are recorded in Sent.
func (s *Server) WaitSent(ctx context.Context, n int) ([]Sent, error) {
	return s.WaitFor(ctx, func(sent []Sent) bool { return len(sent) >= n })
}

// WaitFor waits until cond holds for Sent. On timeout it returns what was
// sent so far along with the error, which helps to explain a failing test.
func (s *Server) WaitFor(ctx context.Context, cond func([]Sent) bool) ([]Sent, error) {
	for {
		s.mu.Lock()
		sent, logged := s.sentLocked(), s.logged
		s.mu.Unlock()
		if cond(sent) {
			return sent, nil
		}
		select {
		case <-logged:
		case <-ctx.Done():
			return sent, fmt.Errorf("telegramtest: wait for sent messages: %w", ctx.Err())
		case <-s.done:
			return sent, ErrClosed
		}
	}
}

// Calls counts the calls of a method (case-insensitive), failed ones too.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// LastMessage returns the bot's newest message in a chat that is not
// deleted, as recorded when sent but with the Text and Buttons of its last
// edit.
func (s *Server) LastMessage(chatID int64) (Sent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, newest := s.chats[chatID], 0
	if ch == nil {
		return Sent{}, false
	}
	for id, m := range ch.msgs {
		if m.bot != nil && id > newest {
			newest = id
		}
	}
	if newest == 0 {
		return Sent{}, false
	}
	return *ch.msgs[newest].bot, true
}

// BotMessages returns the bot's messages still shown in a chat (not
// deleted), oldest first, with the Text and Buttons of their last edit.
func (s *Server) BotMessages(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.chats[chatID]
	if ch == nil {
		return nil
	}
	ids := make([]int, 0, len(ch.msgs))
	for id, m := range ch.msgs {
		if m.bot != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := make([]Sent, len(ids))
	for i, id := range ids {
		out[i] = *ch.msgs[id].bot
	}
	return out
}

// Webhook returns the webhook URL and secret token; both are empty while
// the bot polls.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hook.url, s.hook.secret
}

// Deliveries returns every webhook push attempt, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// Pending counts the updates not yet confirmed by getUpdates or accepted by
// the webhook.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Handed counts the updates getUpdates answers carried, counting an update
// again each time it came again unconfirmed.
func (s *Server) Handed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handedOut
}

// Reset forgets recorded calls, call counts and deliveries. Chats, messages
// and pending updates stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log, s.deliveries = nil, nil
	s.handedOut = 0
	clear(s.calls)
}

// failure is a fault queued by FailNext.
type failure struct{ n, code, retryAfter int }

func (f failure) apiError() *apiError {
	desc, retryAfter := http.StatusText(f.code), 0
	switch f.code {
	case http.StatusTooManyRequests:
		desc, retryAfter = fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), f.retryAfter
	case http.StatusBadRequest:
		desc = "Bad Request: injected failure"
	case http.StatusForbidden:
		desc = "Forbidden: bot was blocked by the user"
	}
	return &apiError{f.code, desc, retryAfter}
}

// FailNext makes the next n calls of method (case-insensitive) fail with
// code. A 429 carries parameters.retry_after = retryAfter seconds, and its
// description says so, as Telegram's does. n <= 0 cancels.
func (s *Server) FailNext(method string, n, code, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[strings.ToLower(method)] = failure{n, code, retryAfter}
}

// Unsupported makes method answer 404 Not Found, as a minimal emulator
// that lacks it would.
func (s *Server) Unsupported(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unsupported[strings.ToLower(method)] = true
}

// SetMemberStatus sets what getChatMember answers for a user in a chat
// ("creator", "administrator", "member", "restricted", "left", "kicked");
// the default is "member".
func (s *Server) SetMemberStatus(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[[2]int64{chatID, userID}] = status
}
