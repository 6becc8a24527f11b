package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestRun_Help(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), time.Now, []string{"--help"}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "REDIS_URL", "LOTSE_CONFIG", "HTTP_ADDR", "METRICS_ADDR", "STARTUP_WAIT", "SHUTDOWN_WAIT", "WEBHOOK_URL", "WEBHOOK_SECRET", "STAFF_CHAT_ID", "chat"} {
		if !strings.Contains(out.String(), v) {
			t.Errorf("--help does not mention %s", v)
		}
	}
	// Each subcommand's --help answers on stdout and succeeds, so IT can
	// read it without an error status.
	for _, args := range [][]string{{"serve", "--help"}, {"content", "-h"}, {"content", "check", "--help"}, {"offers", "import", "-help"}, {"report", "--help"}, {"chat", "--help"}} {
		var out bytes.Buffer
		if err := run(context.Background(), time.Now, args, env(nil), nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "lotse serve") {
			t.Errorf("%v: err = %v, stdout %d bytes", args, err, out.Len())
		}
	}
	if err := run(context.Background(), time.Now, []string{"bogus"}, env(nil), nil, io.Discard, io.Discard); err != errUsage {
		t.Errorf("unknown command: %v", err)
	}
}

func TestServe_RefusesBadConfig(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		env  map[string]string
		want string
	}{
		"NoToken":           {map[string]string{}, "TELEGRAM_BOT_TOKEN"},
		"WebhookNoSecret":   {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET is required"},
		"WebhookBadSecret":  {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"},
		"BadStaffChat":      {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "STAFF_CHAT_ID": "staff"}, "STAFF_CHAT_ID"},
		"MissingConfigFile": {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "LOTSE_CONFIG": "/nonexistent/lotse.yaml"}, "/nonexistent/lotse.yaml"},
		"TokenAndTokenFile": {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_BOT_TOKEN_FILE": "/x"}, "both set"},
		"BadLogLevel":       {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "LOG_LEVEL": "verbose"}, `LOG_LEVEL: want debug, info, warn or error, got "verbose"`},
		"BadMetricsAddr":    {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "METRICS_ADDR": "9090"}, `METRICS_ADDR: want host:port`},
		"BadHTTPAddr":       {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "HTTP_ADDR": "localhost"}, `HTTP_ADDR: want host:port`},
		"MalformedToken":    {map[string]string{"TELEGRAM_BOT_TOKEN": "SECRETTOKEN"}, "TELEGRAM_BOT_TOKEN: not a bot token"},
		"APIURLNotHTTP":     {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "ftp://api.example.org"}, "TELEGRAM_API_URL"},
		"BadRedisURL":       {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://:SECRETTOKEN@redis:port/0"}, "REDIS_URL: "},
		"BadRedisURLEscape": {map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://:%zzSECRETTOKEN@redis:6379/0"}, "REDIS_URL: "},
		"WrongToken":        {map[string]string{"TELEGRAM_BOT_TOKEN": "1:SECRETTOKEN", "TELEGRAM_API_URL": telegramtest.MustStart(t, "1:other").URL(), "HTTP_ADDR": "127.0.0.1:0"}, "getMe: 401"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := run(context.Background(), time.Now, []string{"serve"}, env(c.env), nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
			if strings.Contains(err.Error(), "SECRETTOKEN") {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

// TestServe_StartsWithConfigWarnings: a config that earlier versions
// took — a case manager without an id, a language Lotse does not speak
// in their list, a staff-group language without texts — is not refused:
// serve goes on (here up to the Bot API, which refuses the token) and
// logs each problem with its line and what to write.
func TestServe_StartsWithConfigWarnings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "lotse.yaml")
	if err := os.WriteFile(cfg, []byte(`municipality: Musterstadt
offices:
  - {id: rathaus, name: Rathaus, address: Marktplatz 1, phone: "+49 1"}
staff:
  - {name: Anna Becker, telegram_id: 100001, languages: [de, it]}
handover:
  staff_language: ar
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs syncWriter
	err := run(context.Background(), time.Now, []string{"serve"}, env(map[string]string{
		"TELEGRAM_BOT_TOKEN": "1:wrong", "TELEGRAM_API_URL": telegramtest.MustStart(t, "1:other").URL(),
		"LOTSE_CONFIG": cfg, "HTTP_ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0", "LOG_FORMAT": "text",
	}), nil, io.Discard, &logs)
	if err == nil || !strings.Contains(err.Error(), "getMe: 401") {
		t.Fatalf("err = %v, want serve to get as far as the Bot API", err)
	}
	for _, want := range []string{
		`msg="config problem, starting anyway" problem="config: ` + cfg + `:5: staff.0.languages: \"it\" is not one of Lotse's languages`,
		`:7: handover.staff_language: \"ar\": the staff group's texts exist in de and en only; using de — write de or en"`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}

// TestServe_Polling runs the real program against the fake Bot API:
// health endpoints, a conversation, graceful stop.
func TestServe_Polling(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, "42:serve-token")
	r := redistest.Must(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs syncWriter
	go func() {
		done <- run(ctx, time.Now, []string{"serve"}, env(map[string]string{
			"TELEGRAM_BOT_TOKEN": "42:serve-token", "TELEGRAM_API_URL": fake.URL(),
			"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix, "METRICS_ADDR": addr, "LOTSE_SECRET": "test",
		}), nil, io.Discard, &logs)
	}()
	waitHTTP(t, "http://"+addr+"/healthz", http.StatusOK)
	waitHTTP(t, "http://"+addr+"/readyz", http.StatusOK)
	u := telegramtest.User{ID: 77, FirstName: "Nadia", LanguageCode: "fa"}
	fake.SendText(u, "سلام")
	sent, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(onlyTo(s, u.ID)) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if greeting := onlyTo(sent, u.ID)[0].Text; !strings.Contains(greeting, "Musterstadt") {
		t.Errorf("greeting = %q", greeting)
	}
	// The update is committed just after its reply went out.
	var metrics string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if metrics = get(t, "http://"+addr+"/metrics"); strings.Contains(metrics, `lotse_updates_total{outcome="processed"} 1`) {
			break
		}
	}
	if !strings.Contains(metrics, `lotse_updates_total{outcome="processed"} 1`) {
		t.Errorf("metrics lack the processed update:\n%s", metrics)
	}
	if fake.Calls("setMyCommands") == 0 {
		t.Error("command menu not registered")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
	if strings.Contains(logs.String(), "Nadia") || strings.Contains(logs.String(), "سلام") {
		t.Errorf("logs contain personal content:\n%s", logs.String())
	}
}

// TestServe_Webhook: webhook mode registers the secret and serves updates
// on the URL's path.
func TestServe_Webhook(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, "43:hook-token", telegramtest.WithRetryDelay(20*time.Millisecond))
	addr, ops := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var logs syncWriter
	go func() {
		// No REDIS_URL: the embedded server, with a warning.
		done <- run(ctx, time.Now, []string{"serve"}, env(map[string]string{
			"TELEGRAM_BOT_TOKEN": "43:hook-token", "TELEGRAM_API_URL": fake.URL(),
			"HTTP_ADDR": addr, "METRICS_ADDR": ops, "WEBHOOK_URL": "http://" + addr + "/tg/hook", "WEBHOOK_SECRET": "abc_DEF-123",
		}), nil, io.Discard, &logs)
	}()
	waitHTTP(t, "http://"+ops+"/healthz", http.StatusOK)
	// The public port carries the webhook alone.
	for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
		waitHTTP(t, "http://"+addr+path, http.StatusNotFound)
	}
	if m := get(t, "http://"+ops+"/metrics"); !strings.Contains(m, "go_goroutines") {
		t.Errorf("metrics port does not serve metrics:\n%.300s", m)
	}
	for {
		if url, secret := fake.Webhook(); url != "" {
			if secret != "abc_DEF-123" || !strings.HasSuffix(url, "/tg/hook") {
				t.Fatalf("webhook %q secret %q", url, secret)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	u := telegramtest.User{ID: 78, LanguageCode: "tr"}
	fake.SendText(u, "/start")
	if _, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(onlyTo(s, u.ID)) > 0 }); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+addr+"/tg/hook", "application/json", strings.NewReader(`{"update_id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("post without secret: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "state is lost on exit") {
		t.Errorf("no warning about the embedded Redis:\n%s", logs.String())
	}
}

// TestChat runs the terminal demo as a person would: Arabic, a button by
// number, a photo, a question.
func TestChat(t *testing.T) {
	t.Parallel()
	in := strings.NewReader("مرحبا\n1\n!photo\n!bogus\nWie melde ich meine Wohnung an?\n1\nexit\n")
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, time.Now, []string{"chat", "--lang", "ar"}, env(map[string]string{}), in, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"Musterstadt", "[1] ", "Lotse (updated):", "https://"} {
		if !strings.Contains(got, want) {
			t.Errorf("demo output lacks %q:\n%s", want, got)
		}
	}
}

// TestChat_RepliesUnderTheirInput: a reply of several messages is paced
// (about one a second in a chat), and its update confirmed to Telegram
// before the last one goes out; the demo printed that one under the next
// input, so it looked as if the bot answered a greeting with two menus.
// The transcript now waits until the bot is through with the update.
func TestChat_RepliesUnderTheirInput(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, "49:chat-token")
	var out bytes.Buffer
	var finished atomic.Int64
	tr := &transcript{fake: fake, user: telegramtest.User{ID: 4242}, out: &out, sent: 1,
		done: func() int { return int(finished.Load()) }}
	go func() {
		// The update is confirmed (nothing pending); the last message of
		// its reply goes out a moment later, then the bot is done.
		time.Sleep(300 * time.Millisecond)
		resp, err := http.PostForm(fake.URL()+"/bot49:chat-token/sendMessage", map[string][]string{"chat_id": {"4242"}, "text": {"the second message"}})
		if err == nil {
			resp.Body.Close()
		}
		finished.Store(1)
	}()
	if err := tr.printReplies(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "the second message") {
		t.Errorf("the reply's last message not printed under its input: %q", out.String())
	}
}

func onlyTo(sent []telegramtest.Sent, chat int64) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range sent {
		if s.ChatID == chat && s.Method == "sendMessage" {
			out = append(out, s)
		}
	}
	return out
}

// timeout and waitHTTP only bound a failing test: a start takes seconds
// of CPU under the race detector, and several run at once on a busy
// machine.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func waitHTTP(t *testing.T, url string, status int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == status {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never answered %d", url, status)
}

// waitServing is waitHTTP for 200 from a serve started with startServe:
// if serve ends first, or never answers, it says why, with its log (a
// serve that could not start would otherwise be a minute's silence).
func waitServing(t *testing.T, url string, done <-chan error, logs *syncWriter) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve ended before %s answered: %v\nthe log:\n%s", url, err, logs.String())
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never answered 200\nthe log:\n%s", url, logs.String())
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// waitFor waits (waitUntil) until the log written from byte from on
// holds want, and shows that log if it never does.
func (w *syncWriter) waitFor(t *testing.T, want string, from int) {
	t.Helper()
	defer func() {
		if t.Failed() {
			t.Logf("the log:\n%s", w.String()[from:])
		}
	}()
	waitUntil(t, fmt.Sprintf("%q in the log", want), func() bool { return strings.Contains(w.String()[from:], want) })
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
