package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/config"
	"lotse/internal/domain"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
	"lotse/internal/testclock"
)

// TestSendReminders: three replicas send reminders that fell due together:
// each exactly once, in the person's language, paced to Telegram's bulk
// limit of about 30 messages a second.
func TestSendReminders(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, "55:reminder-token")
	r := redistest.Must(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"TELEGRAM_BOT_TOKEN": "55:reminder-token", "TELEGRAM_API_URL": fake.URL(), "REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := testclock.Running()
	var apps []*app
	for i := 0; i < 3; i++ {
		a, err := newApp(context.Background(), cfg, clock, log)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		apps = append(apps, a)
	}
	ctx := context.Background()
	store := apps[0].store
	now := clock()
	// Next Wednesday 09:00 in the sample config's town hall hours.
	start := nextWeekday(now.In(berlinLoc(t)), time.Wednesday, 9)
	const people = 45
	due := map[string]time.Time{}
	for i := 0; i < people; i++ {
		bk, err := store.Bookings(0).Book(ctx, domain.BookRequest{
			RequestID:  fmt.Sprint("r", i),
			Booking:    domain.Booking{ChatID: int64(5000 + i), FirstName: "P", Lang: "ar", Topic: "work", Office: "rathaus", Start: start, End: start.Add(30 * time.Minute), Created: now},
			Candidates: []domain.Candidate{{Staff: 100001, Capacity: people}},
		})
		if err != nil {
			t.Fatal(err)
		}
		due[bk.ID+"|0"] = now.Add(-time.Minute)
	}
	if err := store.Reminders().Schedule(ctx, due); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := sendReminders(ctx, a, clock); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var sent []telegramtest.Sent
	perChat := map[int64]int{}
	for _, s := range fake.Sent() {
		if s.Method == "sendMessage" {
			sent = append(sent, s)
			perChat[s.ChatID]++
		}
	}
	if len(perChat) != people {
		t.Fatalf("%d of %d people reminded", len(perChat), people)
	}
	for chat, n := range perChat {
		if n != 1 {
			t.Errorf("chat %d reminded %d times", chat, n)
		}
	}
	if !strings.Contains(sent[0].Text, "⏰") || len(sent[0].Buttons) != 2 {
		t.Errorf("reminder = %q %+v", sent[0].Text, sent[0].Buttons)
	}
	// Each replica paces itself at 30/s; three replicas together must not
	// exceed 3 × 30/s: 45 messages need at least (45-3)/90 s.
	sort.Slice(sent, func(i, j int) bool { return sent[i].At.Before(sent[j].At) })
	if span := sent[len(sent)-1].At.Sub(sent[0].At); span < 450*time.Millisecond {
		t.Errorf("45 reminders within %v: bulk sends not paced", span)
	}
}

func berlinLoc(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func nextWeekday(from time.Time, wd time.Weekday, hour int) time.Time {
	d := from.AddDate(0, 0, 1)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, from.Location())
}
