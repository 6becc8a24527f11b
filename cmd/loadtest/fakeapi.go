package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeAPI is as little of the Bot API as a bot under load needs, kept
// lean because it shares the machine with the bot it measures: long-polled
// getUpdates with Telegram's offset rule (an update is confirmed by asking
// for a higher offset; unconfirmed ones come again), and sends that are
// only counted and timed. It records nothing else.
type fakeAPI struct {
	srv *http.Server
	ln  net.Listener

	mu         sync.Mutex
	pending    []queuedUpdate // unconfirmed, by update_id
	nextID     int64
	arrived    chan struct{} // closed and replaced when updates are added
	polled     chan struct{} // closed at the first getUpdates
	polledOnce sync.Once

	// onReply is called for every message the bot sends to a chat.
	onReply func(chat int64, at time.Time, bytes int)

	// served counts the updates getUpdates answers carried, fetched
	// again while unconfirmed included; polls counts the answers.
	served, polls atomic.Int64
}

type queuedUpdate struct {
	id   int64
	body []byte
}

func startFakeAPI(onReply func(chat int64, at time.Time, bytes int)) (*fakeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeAPI{ln: ln, nextID: 1, arrived: make(chan struct{}), polled: make(chan struct{}), onReply: onReply}
	f.srv = &http.Server{Handler: f}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeAPI) URL() string { return "http://" + f.ln.Addr().String() }

func (f *fakeAPI) Close() { f.srv.Close() }

// push queues a private text message from person chat, sent at date.
func (f *fakeAPI) push(chat int64, messageID int, date time.Time, text string) {
	tb, _ := json.Marshal(text)
	f.mu.Lock()
	id := f.nextID
	f.nextID++
	c := strconv.FormatInt(chat, 10)
	body := `{"update_id":` + strconv.FormatInt(id, 10) + `,"message":{"message_id":` + strconv.Itoa(messageID) +
		`,"date":` + strconv.FormatInt(date.Unix(), 10) + `,"chat":{"id":` + c + `,"type":"private","first_name":"P"},"from":{"id":` + c +
		`,"is_bot":false,"first_name":"P","language_code":"de"},"text":` + string(tb) + `}}`
	f.pending = append(f.pending, queuedUpdate{id: id, body: []byte(body)})
	close(f.arrived)
	f.arrived = make(chan struct{})
	f.mu.Unlock()
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	buf := bodies.Get().(*[]byte)
	defer bodies.Put(buf)
	body := readBody(r, (*buf)[:0])
	*buf = body[:0]
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getUpdates":
		f.getUpdates(w, r, body)
	case "getMe":
		io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Bot","username":"load_bot"}}`)
	case "sendMessage", "editMessageText", "sendDocument", "sendLocation", "sendVenue", "copyMessage":
		chat := chatOf(r, body)
		if f.onReply != nil && chat != 0 {
			f.onReply(chat, time.Now(), len(body))
		}
		io.WriteString(w, `{"ok":true,"result":{"message_id":2,"date":1,"chat":{"id":`+strconv.FormatInt(chat, 10)+`,"type":"private"}}}`)
	default: // deleteWebhook, setMyCommands, answerCallbackQuery, …
		io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

// bodies are request bodies' buffers, reused: a reply of Lotse's is 1.3 KB,
// which io.ReadAll read into three growing buffers, and the garbage the
// harness makes is collected on the cores the bots run on.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// readBody appends r's body to b.
func readBody(r *http.Request, b []byte) []byte {
	if n := r.ContentLength; n > 0 && n <= 1<<20 {
		b = slices.Grow(b, int(n))[:n]
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return b[:0]
		}
		return b
	}
	for {
		if len(b) == cap(b) {
			b = slices.Grow(b, 4096)
		}
		n, err := r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			return b
		}
	}
}

// params reads a request's parameters, form- or JSON-encoded.
func params(r *http.Request, body []byte) func(string) string {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]json.RawMessage
		json.Unmarshal(body, &m)
		return func(k string) string { return strings.Trim(string(m[k]), `"`) }
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.ParseMultipartForm(1 << 20)
		return r.FormValue
	}
	v, _ := url.ParseQuery(string(body))
	return v.Get
}

// chatOf reads a send's chat_id. A JSON body is not decoded whole: a
// reply of Lotse's (1.3 KB with buttons) cost the harness, on the bots'
// cores, more than the echo's 30 bytes, and Telegram's work is not the
// bot's. The key is found as a top-level key is: chat_id names no other
// field of a send, and a text holding it has its quotes escaped.
func chatOf(r *http.Request, body []byte) int64 {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_, rest, ok := bytes.Cut(body, []byte(`"chat_id":`))
		if !ok {
			return 0
		}
		rest = bytes.TrimLeft(rest, " ")
		end := bytes.IndexAny(rest, ",} ")
		if end < 0 {
			return 0
		}
		id, _ := strconv.ParseInt(string(rest[:end]), 10, 64)
		return id
	}
	id, _ := strconv.ParseInt(params(r, body)("chat_id"), 10, 64)
	return id
}

func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request, body []byte) {
	get := params(r, body)
	offset, _ := strconv.ParseInt(get("offset"), 10, 64)
	limit, _ := strconv.Atoi(get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(get("timeout"))
	f.polledOnce.Do(func() { close(f.polled) })
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	for {
		f.mu.Lock()
		// Asking with an offset confirms every update below it.
		n := 0
		for n < len(f.pending) && f.pending[n].id < offset {
			n++
		}
		if n > 0 {
			f.pending = append(f.pending[:0], f.pending[n:]...)
		}
		if len(f.pending) > 0 || time.Now().After(deadline) {
			var b strings.Builder
			b.WriteString(`{"ok":true,"result":[`)
			for i, u := range f.pending[:min(limit, len(f.pending))] {
				if i > 0 {
					b.WriteByte(',')
				}
				b.Write(u.body)
			}
			b.WriteString(`]}`)
			f.served.Add(int64(min(limit, len(f.pending))))
			f.polls.Add(1)
			f.mu.Unlock()
			io.WriteString(w, b.String())
			return
		}
		arrived := f.arrived
		f.mu.Unlock()
		select {
		case <-arrived:
		case <-time.After(time.Until(deadline)):
		case <-r.Context().Done():
			return
		}
	}
}
