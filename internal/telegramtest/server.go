// Package telegramtest runs an in-process fake of the Telegram Bot API over
// HTTP, for end-to-end tests of the bot adapter and for the terminal demo
// (`lotse chat`).
//
// It speaks the real wire format — the same paths, parameter encodings,
// response envelope, error codes and update semantics — so that a real client
// library cannot tell it from api.telegram.org. Tests inject what people do
// (SendText, Press, SendMedia, …), read back what the bot did (Sent, WaitFor,
// LastMessage) and inject faults (FailNext, Unsupported).
//
// It owns the fake and nothing else. It imports only the standard library,
// nothing of ours, and not "testing", because the demo uses it at run time.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// User is a person talking to the bot. Their private chat with the bot has
// the same ID.
type User struct {
	ID                                          int64
	FirstName, LastName, Username, LanguageCode string
}

// Chat is a chat the bot is in. Type is "private", "group" or "supergroup";
// when empty it follows from the ID (positive: private, negative: group).
type Chat struct {
	ID    int64
	Type  string
	Title string
}

// Button is one button of an inline keyboard.
type Button struct {
	Text, CallbackData, URL string
}

// Sent is one successful request the bot made.
type Sent struct {
	Method    string // canonical name, e.g. "sendMessage"
	ChatID    int64
	MessageID int
	// Text is the text or caption as the person sees it: HTML markup is
	// parsed away, Markdown is passed through unchanged.
	Text    string
	Buttons [][]Button // the inline keyboard, if any
	// Params holds every parameter as a string; nested objects of JSON
	// bodies are re-marshalled to JSON, as form-encoding clients send them.
	// Uploaded files are in FileName and FileBytes, not here.
	Params    map[string]string
	At        time.Time
	FileName  string
	FileBytes []byte
}

// Delivery is one attempt to push an update to the webhook.
type Delivery struct {
	UpdateID int64
	Status   int    // HTTP status, 0 if the request failed
	Err      string // the transport error, if any
}

// TB is the part of testing.TB that MustStart needs; it keeps "testing" out
// of this package.
type TB interface {
	Helper()
	Cleanup(func())
}

// Option configures a Server.
type Option func(*Server)

// WithFirstUpdateID sets the first update_id handed out (default 1000).
func WithFirstUpdateID(id int64) Option { return func(s *Server) { s.nextUpdate = id } }

// WithRetryDelay sets how long a failed webhook push waits before it is
// retried (default 50ms).
func WithRetryDelay(d time.Duration) Option { return func(s *Server) { s.retryDelay = d } }

// WithBotUsername sets the bot's username (default "lotse_test_bot").
func WithBotUsername(name string) Option { return func(s *Server) { s.bot.Username = name } }

// WithClock sets the clock used for message dates and Sent.At.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithLatency delays every method call by d on the way in and d on the
// way out, as a distant Bot API does (Telegram: about 100 ms each way
// from a European server), so that updates and replies spend time in
// flight when a replica is killed.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// Server is a fake Bot API for one bot token. All its methods are safe for
// concurrent use.
type Server struct {
	token      string
	bot        User
	retryDelay time.Duration
	latency    time.Duration
	now        func() time.Time

	ts        *httptest.Server
	client    *http.Client       // pushes updates to the webhook
	ctx       context.Context    // cancelled by Close, aborts webhook pushes
	cancel    context.CancelFunc //
	done      chan struct{}      // closed by Close, ends long polls and waits
	closeOnce sync.Once
	pushers   sync.WaitGroup

	mu           sync.Mutex
	nextUpdate   int64
	queue        []*queued // unconfirmed updates, oldest first
	allowed      []string  // allowed_updates; nil means Telegram's default
	wake         chan struct{}
	pollGen      int // identifies the newest getUpdates call
	handedOut    int // updates getUpdates returned, again-returned ones included
	hook         webhook
	chats        map[int64]*chatState
	users        map[int64]User
	members      map[[2]int64]string // chat, user → status
	callbacks    map[string]int64    // unanswered callback query → chat
	commands     map[string]string   // scope and language → commands JSON
	nextCallback int
	nextFile     int

	log         []Sent
	logged      chan struct{} // closed and replaced whenever log grows
	calls       map[string]int
	failures    map[string]failure
	unsupported map[string]bool
	deliveries  []Delivery
}

// New starts a fake Bot API on 127.0.0.1 that accepts token. A numeric
// prefix of the token ("123:abc") becomes the bot's user ID, as on Telegram.
func New(token string, opts ...Option) *Server {
	botID, err := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	if err != nil || botID <= 0 {
		botID = 7000000001
	}
	s := &Server{
		token:       token,
		bot:         User{ID: botID, FirstName: "Lotse", Username: "lotse_test_bot"},
		retryDelay:  50 * time.Millisecond,
		now:         time.Now,
		done:        make(chan struct{}),
		nextUpdate:  1000,
		wake:        make(chan struct{}),
		chats:       map[int64]*chatState{},
		users:       map[int64]User{},
		members:     map[[2]int64]string{},
		callbacks:   map[string]int64{},
		commands:    map[string]string{},
		logged:      make(chan struct{}),
		calls:       map[string]int{},
		failures:    map[string]failure{},
		unsupported: map[string]bool{},
	}
	for _, opt := range opts {
		opt(s)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	// An own transport, so that Close can drop its idle connections.
	s.client = &http.Client{Transport: &http.Transport{}}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// MustStart starts a Server and closes it when the test ends.
func MustStart(tb TB, token string, opts ...Option) *Server {
	tb.Helper()
	s := New(token, opts...)
	tb.Cleanup(s.Close)
	return s
}

// URL is the server's base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.ts.URL }

// Endpoint is the format string telegram-bot-api's NewBotAPIWithAPIEndpoint
// wants: URL + "/bot%s/%s".
func (s *Server) Endpoint() string { return s.ts.URL + "/bot%s/%s" }

// Token is the only token the server accepts.
func (s *Server) Token() string { return s.token }

// Bot is the bot's own user, as getMe returns it.
func (s *Server) Bot() User { return s.bot }

// Close ends long polls in flight, stops webhook pushes and shuts the server
// down. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		// done first: httptest waits for handlers, so long polls must end.
		// Under mu, so that no webhook push starts after pushers.Wait.
		s.mu.Lock()
		close(s.done)
		s.mu.Unlock()
		s.cancel()
		s.ts.Close()
		s.pushers.Wait()
		s.client.CloseIdleConnections()
	})
}

// apiError is a failed call as Telegram describes it.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(desc string) *apiError { return &apiError{400, "Bad Request: " + desc, 0} }

var errNotFound = &apiError{404, "Not Found", 0}

type envelope struct {
	OK          bool        `json:"ok"`
	Result      any         `json:"result,omitempty"`
	ErrorCode   int         `json:"error_code,omitempty"`
	Description string      `json:"description,omitempty"`
	Parameters  *parameters `json:"parameters,omitempty"`
}

type parameters struct {
	RetryAfter int `json:"retry_after"`
}

func writeResponse(w http.ResponseWriter, result any, err *apiError) {
	status, env := http.StatusOK, envelope{OK: true, Result: result}
	if err != nil {
		status, env = err.code, envelope{ErrorCode: err.code, Description: err.desc}
		if err.retryAfter > 0 {
			env.Parameters = &parameters{RetryAfter: err.retryAfter}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(env)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, name, ok2 := strings.Cut(rest, "/")
	switch {
	case !ok || !ok2:
		writeResponse(w, nil, errNotFound)
		return
	case token != s.token:
		writeResponse(w, nil, &apiError{401, "Unauthorized", 0})
		return
	}
	params, files, err := readParams(r)
	if err != nil {
		writeResponse(w, nil, badRequest(err.Error()))
		return
	}
	s.delay(r.Context())
	result, apiErr := s.handle(r.Context(), name, params, files)
	s.delay(r.Context())
	writeResponse(w, result, apiErr)
}

// delay waits out the simulated latency, or less if the call or the
// server ends.
func (s *Server) delay(ctx context.Context) {
	if s.latency <= 0 {
		return
	}
	t := time.NewTimer(s.latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-s.done:
	}
}

// handle runs one Bot API call. Handlers run with s.mu held, so recordings
// and message IDs stay in the order the calls were made.
func (s *Server) handle(ctx context.Context, name string, params map[string]string, files map[string]upload) (any, *apiError) {
	key := strings.ToLower(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[key]++
	m, ok := methods[key]
	if !ok || s.unsupported[key] {
		return nil, errNotFound
	}
	if f := s.failures[key]; f.n > 0 {
		f.n--
		s.failures[key] = f
		return nil, f.apiError()
	}
	if chat, err := strconv.ParseInt(params["chat_id"], 10, 64); err == nil && chat > 0 && s.members[[2]int64{chat, s.bot.ID}] == "kicked" {
		return nil, failure{code: http.StatusForbidden}.apiError() // blocked by the person (Block)
	}
	req := &request{ctx: ctx, params: params, files: files,
		rec: Sent{Method: m.name, Params: params, At: s.now()}}
	result, err := m.fn(s, req)
	if err == nil && m.name != "getUpdates" { // polls would fill the log of a long demo
		s.log = append(s.log, req.rec)
		close(s.logged)
		s.logged = make(chan struct{})
	}
	return result, err
}

type upload struct {
	name string
	data []byte
}

// readParams collects parameters from wherever Telegram accepts them: the
// query string, a form, a multipart form with files, or a JSON object.
func readParams(r *http.Request) (map[string]string, map[string]upload, error) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := jsonParams(r.Body)
		if err != nil {
			return nil, nil, errors.New("can't parse JSON object")
		}
		maps.Copy(params, body)
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, nil, errors.New("can't parse form")
		}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return nil, nil, errors.New("can't parse multipart form")
		}
		defer r.MultipartForm.RemoveAll()
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		files := map[string]upload{}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				return nil, nil, errors.New("can't read file")
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, nil, errors.New("can't read file")
			}
			files[k] = upload{fhs[0].Filename, data}
		}
		return params, files, nil
	}
	return params, nil, nil
}

// jsonParams flattens a JSON object to strings the way form-encoding clients
// send it: scalars as text, nested objects and arrays as JSON.
func jsonParams(body io.Reader) (map[string]string, error) {
	dec := json.NewDecoder(body)
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil && err != io.EOF {
		return nil, err
	}
	params := map[string]string{}
	for k, v := range obj {
		switch v := v.(type) {
		case nil:
		case string:
			params[k] = v
		case json.Number:
			params[k] = v.String()
		case bool:
			params[k] = strconv.FormatBool(v)
		default:
			b, _ := json.Marshal(v)
			params[k] = string(b)
		}
	}
	return params, nil
}
