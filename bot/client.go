package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// Client is a thin layer over the library: timeouts, retry_after on 429,
// pacing, metrics, and errors that never carry the bot token (the
// library's transport errors contain it in the URL).
type Client struct {
	api   *tgbotapi.BotAPI
	token string
	// endpoint is APIURL/bot<token>/, for the requests sent as JSON.
	endpoint string
	// base is ClientOptions.Base: cancelled on a hard stop, when updates
	// in flight are abandoned as well.
	base  context.Context
	pace  *pacer
	log   *slog.Logger
	m     *Metrics
	sleep func(ctx context.Context, d time.Duration) error
}

// ClientOptions configure a Client.
type ClientOptions struct {
	// APIURL is the Bot API base URL; the bot calls APIURL/bot<token>/<method>.
	APIURL string
	// Timeout bounds one HTTP request. Long polls add their own timeout to it.
	Timeout time.Duration
	// Pacing are the send limits; zero values get Telegram's.
	Pacing Pacing
	// Base is cancelled on hard shutdown and aborts requests in flight.
	Base context.Context
}

// NewClient connects to the Bot API and checks the token with getMe.
func NewClient(token string, opt ClientOptions, m *Metrics, log *slog.Logger) (*Client, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	if opt.Base == nil {
		opt.Base = context.Background()
	}
	endpoint := strings.TrimRight(opt.APIURL, "/") + "/bot%s/%s"
	// Updates of many chats are answered at once; the default transport
	// keeps only two idle connections per host and would reconnect for
	// nearly every request.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	httpc := &ctxClient{base: opt.Base, c: &http.Client{Timeout: opt.Timeout, Transport: tr}}
	c := &Client{token: token, endpoint: strings.TrimRight(opt.APIURL, "/") + "/bot" + token + "/",
		base: opt.Base, pace: newPacer(opt.Pacing), log: log, m: m, sleep: sleepCtx}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, httpc)
	if err != nil {
		return nil, c.wrap("getMe", err)
	}
	c.api = api
	return c, nil
}

// Close drops the idle connections to the Bot API, so nothing of the
// client keeps running after a stop.
func (c *Client) Close() {
	if hc, ok := c.api.Client.(*ctxClient); ok {
		hc.c.CloseIdleConnections()
	}
}

// ctxClient ties every request to a base context, because the library's
// calls take none: cancelling it aborts a long poll at shutdown.
type ctxClient struct {
	base context.Context
	c    *http.Client
}

func (h *ctxClient) Do(req *http.Request) (*http.Response, error) {
	return h.c.Do(req.WithContext(h.base))
}

// Call invokes any Bot API method by name with form parameters — also
// those the library predates, such as setWebhook's secret_token.
func (c *Client) Call(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	var res json.RawMessage
	err := c.retry(ctx, method, func() error {
		resp, err := c.api.MakeRequest(method, params)
		if err == nil {
			res = resp.Result
		}
		return err
	})
	return res, err
}

// Send sends one message-like request to chatID, paced by the chat's
// limit and, for bulk sends (reminders), by the global one. It returns the
// id of the message sent (or edited).
func (c *Client) Send(ctx context.Context, chatID int64, bulk bool, msg tgbotapi.Chattable) (int, error) {
	if err := c.pace.wait(ctx, chatID, bulk); err != nil {
		return 0, err
	}
	var sent messageID
	method, body, isJSON := jsonRequest(msg)
	err := c.retry(ctx, methodOf(msg), func() error {
		if isJSON {
			_, err := c.postJSONInto(method, body, &sent)
			return err
		}
		resp, err := c.api.Request(msg)
		if err == nil {
			json.Unmarshal(resp.Result, &sent)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return int(sent), nil
}

// messageID is the id of the message a send's result describes. Only the
// id is read: decoding the whole Message costs more than the rest of an
// ordinary reply. A result that is no message (true) leaves it 0.
type messageID int

func (m *messageID) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var v struct {
		MessageID int `json:"message_id"`
	}
	if json.Unmarshal(b, &v) == nil {
		*m = messageID(v.MessageID)
	}
	return nil
}

// jsonMessage and jsonEdit are sendMessage and editMessageText as JSON
// objects, with the parameters the library would form-encode.
type jsonMessage struct {
	ChatID                   int64                    `json:"chat_id"`
	Text                     string                   `json:"text,omitempty"`
	ParseMode                string                   `json:"parse_mode,omitempty"`
	Entities                 []tgbotapi.MessageEntity `json:"entities,omitempty"`
	DisableWebPagePreview    bool                     `json:"disable_web_page_preview,omitempty"`
	ReplyToMessageID         int                      `json:"reply_to_message_id,omitempty"`
	DisableNotification      bool                     `json:"disable_notification,omitempty"`
	AllowSendingWithoutReply bool                     `json:"allow_sending_without_reply,omitempty"`
	ReplyMarkup              any                      `json:"reply_markup,omitempty"`
}

type jsonEdit struct {
	ChatID                int64                    `json:"chat_id"`
	MessageID             int                      `json:"message_id,omitempty"`
	Text                  string                   `json:"text"`
	ParseMode             string                   `json:"parse_mode,omitempty"`
	Entities              []tgbotapi.MessageEntity `json:"entities,omitempty"`
	DisableWebPagePreview bool                     `json:"disable_web_page_preview,omitempty"`
	ReplyMarkup           any                      `json:"reply_markup,omitempty"`
}

// jsonRequest turns the sends of nearly every reply into a JSON body:
// the library form-encodes them, which costs more CPU on both sides of
// the connection and a fifth more bytes. Others go through the library.
func jsonRequest(msg tgbotapi.Chattable) (method string, body []byte, ok bool) {
	switch m := msg.(type) {
	case tgbotapi.MessageConfig:
		if m.ChatID == 0 {
			return "", nil, false
		}
		return "sendMessage", appendMessage(make([]byte, 0, len(m.Text)+bodyExtra), jsonMessage{ChatID: m.ChatID, Text: m.Text, ParseMode: m.ParseMode, Entities: m.Entities,
			DisableWebPagePreview: m.DisableWebPagePreview, ReplyToMessageID: m.ReplyToMessageID,
			DisableNotification: m.DisableNotification, AllowSendingWithoutReply: m.AllowSendingWithoutReply,
			ReplyMarkup: markup(m.ReplyMarkup)}), true
	case tgbotapi.EditMessageTextConfig:
		if m.ChatID == 0 || m.InlineMessageID != "" {
			return "", nil, false
		}
		var rm any
		if m.ReplyMarkup != nil {
			rm = m.ReplyMarkup
		}
		return "editMessageText", appendEdit(make([]byte, 0, len(m.Text)+bodyExtra), jsonEdit{ChatID: m.ChatID, MessageID: m.MessageID, Text: m.Text, ParseMode: m.ParseMode,
			Entities: m.Entities, DisableWebPagePreview: m.DisableWebPagePreview, ReplyMarkup: rm}), true
	}
	return "", nil, false
}

// bodyExtra is room for what a body holds besides its text: an ordinary
// reply's buttons fit, so the body is written without growing.
const bodyExtra = 512

// markup drops a nil pointer in an interface, as the library does.
func markup(v any) any {
	if rv := reflect.ValueOf(v); v == nil || rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil
	}
	return v
}

// postJSONInto sends body, a JSON object, and reads the answer as the
// library does, errors included (*tgbotapi.Error with retry_after),
// decoding the result into result.
func (c *Client) postJSONInto(method string, body []byte, result any) (*tgbotapi.APIResponse, error) {
	req, err := http.NewRequest(http.MethodPost, c.endpoint+method, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.api.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var answer struct {
		Ok          bool                         `json:"ok"`
		Result      any                          `json:"result,omitempty"`
		ErrorCode   int                          `json:"error_code,omitempty"`
		Description string                       `json:"description,omitempty"`
		Parameters  *tgbotapi.ResponseParameters `json:"parameters,omitempty"`
	}
	answer.Result = result
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return &tgbotapi.APIResponse{}, err
	}
	ar := tgbotapi.APIResponse{Ok: answer.Ok, ErrorCode: answer.ErrorCode, Description: answer.Description, Parameters: answer.Parameters}
	if !ar.Ok {
		var p tgbotapi.ResponseParameters
		if ar.Parameters != nil {
			p = *ar.Parameters
		}
		return &ar, &tgbotapi.Error{Code: ar.ErrorCode, Message: ar.Description, ResponseParameters: p}
	}
	return &ar, nil
}

// getUpdates fetches updates as raw JSON, each to be decoded once by its
// worker: the answer is parsed once, not by the library and then again.
func (c *Client) getUpdates(ctx context.Context, offset int64, limit int, timeout time.Duration, allowed []string) ([]json.RawMessage, error) {
	body := struct {
		Offset  int64    `json:"offset,omitempty"`
		Limit   int      `json:"limit"`
		Timeout int      `json:"timeout"`
		Allowed []string `json:"allowed_updates"`
	}{offset, limit, int(timeout.Seconds()), allowed}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	err = c.retry(ctx, "getUpdates", func() error {
		raws = raws[:0]
		_, err := c.postJSONInto("getUpdates", b, &raws)
		return err
	})
	return raws, err
}

// Request runs a request whose result is not a message (answerCallbackQuery,
// leaveChat, setMyCommands …). It is not paced: Telegram limits messages.
func (c *Client) Request(ctx context.Context, req tgbotapi.Chattable) error {
	return c.retry(ctx, methodOf(req), func() error {
		_, err := c.api.Request(req)
		return err
	})
}

// maxAttempts bounds retries after 429 so a flood never blocks an update forever.
const maxAttempts = 4

// retry obeys Telegram's retry_after on 429 and wraps errors without the token.
func (c *Client) retry(ctx context.Context, method string, do func() error) error {
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := do()
		c.m.observeRequest(method, err, time.Since(start))
		if err == nil {
			return nil
		}
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && apiErr.Code == http.StatusTooManyRequests && attempt < maxAttempts {
			wait := time.Duration(apiErr.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			c.log.Warn("telegram flood control", "method", method, "retry_after_s", apiErr.RetryAfter, "attempt", attempt)
			if err := c.sleep(ctx, wait); err != nil {
				return c.wrap(method, err)
			}
			continue
		}
		return c.wrap(method, err)
	}
}

// APIError is an error answer of the Bot API.
type APIError struct {
	Method      string
	Code        int
	Description string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("telegram: %s: %d %s", e.Method, e.Code, e.Description)
}

// Is lets errors.Is(err, domain.ErrUnsupported) find a method the server
// does not implement.
func (e *APIError) Is(target error) bool {
	return target == domain.ErrUnsupported && e.Code == http.StatusNotFound
}

// Permanent reports whether retrying cannot help: the request itself was
// refused (bad request, bot blocked by the person, chat gone).
func (e *APIError) Permanent() bool {
	return e.Code == http.StatusBadRequest || e.Code == http.StatusForbidden || e.Code == http.StatusNotFound
}

func (c *Client) wrap(method string, err error) error {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		return &APIError{Method: method, Code: apiErr.Code, Description: c.redact(apiErr.Message)}
	}
	// Transport errors (*url.Error) print the request URL, which holds the
	// token: the text is redacted, and the chain keeps the cause without
	// the URL, so errors.Is still finds context.DeadlineExceeded,
	// context.Canceled or a network error.
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	return &transportError{msg: fmt.Sprintf("telegram: %s: %s", method, c.redact(err.Error())), cause: cause}
}

// transportError is a failed request that got no answer from the Bot API.
type transportError struct {
	msg   string
	cause error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.cause }

func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "<token>")
}

func methodOf(c tgbotapi.Chattable) string {
	switch c.(type) {
	case tgbotapi.MessageConfig:
		return "sendMessage"
	case tgbotapi.EditMessageTextConfig:
		return "editMessageText"
	case tgbotapi.EditMessageReplyMarkupConfig:
		return "editMessageReplyMarkup"
	case tgbotapi.CallbackConfig:
		return "answerCallbackQuery"
	case tgbotapi.LeaveChatConfig:
		return "leaveChat"
	case tgbotapi.SetMyCommandsConfig:
		return "setMyCommands"
	case tgbotapi.DocumentConfig:
		return "sendDocument"
	case tgbotapi.LocationConfig:
		return "sendLocation"
	case tgbotapi.VenueConfig:
		return "sendVenue"
	case tgbotapi.CopyMessageConfig:
		return "copyMessage"
	}
	return "other"
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
