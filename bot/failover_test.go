package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestPoller_DeadHolderBlocksNobody: a chat whose lease a dead worker
// holds neither holds back other people nor stays unconfirmed: its new
// update is queued, confirmed at once, and taken over when the lease runs
// out.
func TestPoller_DeadHolderBlocksNobody(t *testing.T) {
	fake := mustFake(t)
	r := redistest.Must(t)
	// A shorter lease than production's 5 s: the test waits it out.
	const lease = 2 * time.Second
	in := mustInstance(t, fake, r, setup{pacing: fastPacing, lease: lease})
	a := telegramtest.User{ID: 8101, LanguageCode: "en"}
	b := telegramtest.User{ID: 8102, LanguageCode: "en"}
	// A replica died holding a's chat mid-update.
	raw, _ := json.Marshal(map[string]any{"update_id": 1, "message": map[string]any{
		"message_id": 1, "date": time.Now().Unix(), "chat": map[string]any{"id": a.ID, "type": "private"}, "text": "/help"}})
	// Offered twice with its lease: an idle chat's update is stored only
	// when offered again, as a worker does with a slow update before it
	// is confirmed.
	for range 2 {
		if _, err := in.store.Offer(context.Background(), a.ID, domain.Pending{UpdateID: 1, Payload: raw}, "dead"); err != nil {
			t.Fatal(err)
		}
	}
	in.poll(t, 4)
	start := time.Now()
	fake.SendText(a, "/help")
	fake.SendText(b, "/help")
	waitReplies(t, fake, b.ID, 1)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("b answered after %v behind a's locked chat", d)
	}
	for deadline := time.Now().Add(2 * time.Second); fake.Pending() > 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if n := fake.Pending(); n != 0 {
		t.Errorf("%d updates unconfirmed while a's chat is locked", n)
	}
	// The dead worker's update and a's new one, in order, once taken over.
	msgs := waitReplies(t, fake, a.ID, 2)
	if d := time.Since(start); d > lease+3*time.Second {
		t.Errorf("a answered after %v; the lease is %v", d, lease)
	}
	if len(messagesTo(fake.Sent(), a.ID)) != 2 {
		t.Errorf("a got %d replies, want 2", len(msgs))
	}
}

// TestPoller_FloodIsDroppedBeforeWork: one account sending 1,000
// messages within a second gets one slow-down notice and a burst of
// answers; the rest is dropped before Redis, and another person's reply
// stays under 2 s.
func TestPoller_FloodIsDroppedBeforeWork(t *testing.T) {
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{pacing: fastPacing})
	in.poll(t, 8)
	flood := telegramtest.User{ID: 8201, LanguageCode: "en"}
	other := telegramtest.User{ID: 8202, LanguageCode: "en"}
	rt := r.CountRoundTrips()
	for i := range 1000 {
		fake.SendText(flood, fmt.Sprint("spam ", i))
	}
	start := time.Now()
	fake.SendText(other, "/help")
	waitReplies(t, fake, other.ID, 1)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("another person waited %v behind a flood", d)
	}
	for deadline := time.Now().Add(10 * time.Second); fake.Pending() > 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	got := len(messagesTo(fake.Sent(), flood.ID))
	// Burst 12 answered plus the notice (each answer is one message).
	if got > 13*2 {
		t.Errorf("flooding account got %d replies", got)
	}
	if n := rt.Load(); n > 200 {
		t.Errorf("%d Redis round trips for a flood of 1,000: the excess reached Redis", n)
	}
	t.Logf("flood: %d replies, %d Redis round trips", got, rt.Load())
}
