package bot_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestPoller_BacklogAfterStallIsNotFlood: a person who wrote at a normal
// pace (a message every 3 s, by the messages' dates) while the bot
// stalled for 20 s gets every message answered when the backlog comes in
// one burst, and is not told to slow down. Judged by the time of
// processing, the burst would exceed the limit (12 at once) and the rest
// would be dropped.
func TestPoller_BacklogAfterStallIsNotFlood(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	fake := telegramtest.MustStart(t, token, telegramtest.WithRetryDelay(20*time.Millisecond), telegramtest.WithClock(now))
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{pacing: fastPacing})
	person := telegramtest.User{ID: 8301, LanguageCode: "en"}
	const n = 20
	for i := range n {
		fake.SendText(person, fmt.Sprint("/help ", i))
		advance(3 * time.Second)
	}
	advance(20 * time.Second) // the stall
	in.poll(t, 4)
	waitReplies(t, fake, person.ID, n)
	for deadline := time.Now().Add(5 * time.Second); fake.Pending() > 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if p := fake.Pending(); p != 0 {
		t.Errorf("%d updates unconfirmed", p)
	}
	// Let anything sent late arrive before counting.
	time.Sleep(300 * time.Millisecond)
	got := messagesTo(fake.Sent(), person.ID)
	for _, m := range got {
		if strings.Contains(m.Text, "very fast") {
			t.Errorf("told to slow down after a stall: %q", m.Text)
		}
	}
	if len(got) != n {
		t.Errorf("%d replies to %d messages sent 3 s apart", len(got), n)
	}
}
