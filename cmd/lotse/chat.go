package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lotse/bot"
	"lotse/internal/config"
	"lotse/internal/telegramtest"
)

const chatHelp = `Lotse demo – you are a newcomer writing to the bot. Everything runs in this
process: an in-memory Redis, a fake Telegram server, the real bot.
Type a question in any language, a command such as /language, the number
of a button to press it (^3: button 3 of the keyboard before, ^^3 the one
before that), or !photo, !voice, !sticker to send media.
Ctrl-D or "exit" ends the demo.
`

// chat runs the whole stack in one process and lets a person in the
// terminal talk to it as a newcomer would in Telegram.
func chat(ctx context.Context, now func() time.Time, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("chat", flag.ContinueOnError)
	fl.SetOutput(stderr)
	lang := fl.String("lang", "de", "your Telegram app's language code, e.g. ar, uk, fa, en")
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	fake := telegramtest.New("demo-token")
	defer fake.Close()
	cfg.Token, cfg.APIURL, cfg.RedisURL = "demo-token", fake.URL(), ""
	log, err := newLogger(stderr, "error", "text")
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	a, err := newApp(runCtx, cfg, now, log)
	if err != nil {
		return err
	}
	defer a.Close()
	poller := bot.NewPoller(a.client.WithBase(runCtx), a.dispatcher, a.store, log)
	poller.Timeout = time.Second
	polling := make(chan error, 1)
	go func() { polling <- poller.Run(runCtx) }()
	defer func() { stop(); <-polling }()

	fmt.Fprint(stdout, chatHelp)
	user := telegramtest.User{ID: 4242, FirstName: "Demo", LanguageCode: *lang}
	t := &transcript{fake: fake, user: user, out: stdout, done: func() int { return updatesDone(a.registry) }}
	in := bufio.NewScanner(stdin)
	fmt.Fprint(stdout, "\n> ")
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		switch {
		case line == "":
			fmt.Fprint(stdout, "> ")
			continue
		case line == "exit" || line == "quit":
			return nil
		}
		if err := t.send(ctx, line); err != nil {
			return err
		}
		fmt.Fprint(stdout, "\n> ")
	}
	fmt.Fprintln(stdout)
	return in.Err()
}

// transcript turns terminal lines into Telegram updates and prints what
// the bot sent, with buttons as numbers.
type transcript struct {
	fake *telegramtest.Server
	user telegramtest.User
	out  io.Writer
	seen int
	// sent counts the updates sent, done those the bot is through with:
	// a reply of several messages is paced, and its update confirmed to
	// Telegram before the last one goes out.
	sent    int
	done    func() int
	buttons []telegramtest.Button
	msgID   int
	// earlier keyboards, newest last, for ^N
	older []keyboard
}

type keyboard struct {
	buttons []telegramtest.Button
	msgID   int
}

var mediaKinds = []string{"photo", "sticker", "voice", "audio", "video", "video_note", "document", "location", "contact", "animation"}

func (t *transcript) send(ctx context.Context, line string) error {
	if back := len(line) - len(strings.TrimLeft(line, "^")); back > 0 {
		n, err := strconv.Atoi(line[back:])
		if err != nil || back > len(t.older) || n < 1 || n > len(t.older[len(t.older)-back].buttons) {
			fmt.Fprintln(t.out, "(no such button)")
			return nil
		}
		k := t.older[len(t.older)-back]
		t.fake.Press(t.user, k.msgID, k.buttons[n-1].CallbackData)
		t.sent++
		return t.printReplies(ctx)
	}
	n, err := strconv.Atoi(line)
	switch {
	case err == nil && n >= 1 && n <= len(t.buttons):
		b := t.buttons[n-1]
		if b.URL != "" {
			fmt.Fprintf(t.out, "(link: %s)\n", b.URL)
			return nil
		}
		t.fake.Press(t.user, t.msgID, b.CallbackData)
	case strings.HasPrefix(line, "!"):
		kind := strings.TrimPrefix(line, "!")
		if !slices.Contains(mediaKinds, kind) {
			fmt.Fprintf(t.out, "(media kinds: %s)\n", strings.Join(mediaKinds, ", "))
			return nil
		}
		t.fake.SendMedia(t.user, kind, "")
	default:
		t.fake.SendText(t.user, line)
	}
	t.sent++
	return t.printReplies(ctx)
}

// printReplies waits until the update is processed and confirmed, then
// prints every new message.
func (t *transcript) printReplies(ctx context.Context) error {
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for t.fake.Pending() > 0 || t.done != nil && t.done() < t.sent {
		if err := sleep(wait, 10*time.Millisecond); err != nil {
			return fmt.Errorf("chat: no answer from the bot: %w", err)
		}
	}
	sent := t.fake.SentTo(t.user.ID)
	for _, s := range sent[t.seen:] {
		switch s.Method {
		case "sendMessage":
			fmt.Fprintf(t.out, "\nLotse:\n%s\n", s.Text)
		case "editMessageText":
			fmt.Fprintf(t.out, "\nLotse (updated):\n%s\n", s.Text)
		case "sendVenue", "sendLocation":
			fmt.Fprintf(t.out, "\nLotse: 📍 (map) %s %s, %s\n", s.Params["title"], s.Params["latitude"], s.Params["longitude"])
			continue
		case "sendDocument":
			fmt.Fprintf(t.out, "\nLotse: 📎 %s (%d bytes)\n", s.FileName, len(s.FileBytes))
			continue
		default:
			continue
		}
		if len(s.Buttons) > 0 {
			if t.buttons != nil {
				t.older = append(t.older, keyboard{t.buttons, t.msgID})
			}
			t.buttons, t.msgID = nil, s.MessageID
			for _, row := range s.Buttons {
				for _, b := range row {
					t.buttons = append(t.buttons, b)
					fmt.Fprintf(t.out, "  [%d] %s\n", len(t.buttons), b.Text)
				}
			}
		}
	}
	t.seen = len(sent)
	return nil
}

// updatesDone counts the updates the bot is through with, by the
// outcomes it counts for /metrics.
func updatesDone(reg *prometheus.Registry) int {
	n, _ := updatesCounted(reg, "processed", "ignored", "duplicate", "throttled", "failed")
	return n
}

// updatesCounted sums lotse_updates_total over the given outcomes.
func updatesCounted(reg *prometheus.Registry, outcomes ...string) (int, error) {
	families, err := reg.Gather()
	n := 0.0
	for _, f := range families {
		if f.GetName() != "lotse_updates_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && slices.Contains(outcomes, l.GetValue()) {
					n += m.GetCounter().GetValue()
				}
			}
		}
	}
	return int(n), err
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
