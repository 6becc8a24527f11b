package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestServe_Booking books an appointment through the real program and the
// fake Bot API: privacy notice, topic, day, time, confirm; the confirmation
// comes with a map location and a calendar file; /appointments cancels.
func TestServe_Booking(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, "44:booking-token")
	r := redistest.Must(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, time.Now, []string{"serve"}, env(map[string]string{
			"TELEGRAM_BOT_TOKEN": "44:booking-token", "TELEGRAM_API_URL": fake.URL(),
			"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix, "METRICS_ADDR": addr,
		}), nil, io.Discard, io.Discard)
	}()
	defer func() { cancel(); <-done }()
	waitHTTP(t, "http://"+addr+"/healthz", http.StatusOK)

	u := telegramtest.User{ID: 81, FirstName: "Hamid", LanguageCode: "en"}
	step := 0
	next := func(what string) telegramtest.Sent {
		t.Helper()
		step++
		sent, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(shown(s, u.ID)) >= step })
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		return shown(sent, u.ID)[step-1]
	}
	press := func(m telegramtest.Sent, prefix string) {
		t.Helper()
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, prefix) {
					fake.Press(u, m.MessageID, b.CallbackData)
					return
				}
			}
		}
		t.Fatalf("no %q button in %q: %+v", prefix, m.Text, m.Buttons)
	}

	fake.SendText(u, "/appointment")
	next("privacy first")
	notice := next("privacy notice")
	press(notice, "pa:")
	topics := next("topics")
	press(topics, "bt:")
	offices := next("offices")
	press(offices, "bo:")
	days := next("days")
	press(days, "bd:")
	times := next("times")
	press(times, "bs:")
	confirm := next("confirmation prompt")
	press(confirm, "bc:")
	booked := next("confirmation")
	if !strings.Contains(booked.Text, "Marktplatz 1") {
		t.Fatalf("confirmation = %q", booked.Text)
	}
	sent, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
		var venue, doc bool
		for _, m := range s {
			venue = venue || m.Method == "sendVenue" && m.ChatID == u.ID
			doc = doc || m.Method == "sendDocument" && m.ChatID == u.ID && m.FileName == "termin.ics"
		}
		return venue && doc
	})
	if err != nil {
		t.Fatalf("no map location or calendar file: %v", err)
	}
	for _, m := range sent {
		if m.Method == "sendDocument" && !strings.Contains(string(m.FileBytes), "BEGIN:VCALENDAR") {
			t.Errorf("calendar file = %q", m.FileBytes)
		}
	}
	step = len(shown(fake.Sent(), u.ID))
	fake.SendText(u, "/appointments")
	list := next("appointments")
	press(list, "ac:")
	press(next("cancel?"), "ay:")
	if done := next("cancelled"); !strings.Contains(done.Text, "cancelled") {
		t.Errorf("cancel answered %q", done.Text)
	}
}

// shown lists the messages a person sees: sent or edited texts.
func shown(sent []telegramtest.Sent, chat int64) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range sent {
		if s.ChatID == chat && (s.Method == "sendMessage" || s.Method == "editMessageText") {
			out = append(out, s)
		}
	}
	return out
}
