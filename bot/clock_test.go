package bot_test

import (
	"context"
	"testing"
	"time"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestBot_OneClock: what the adapter records — here the card's last
// activity — is stamped by the injected clock, not the machine's: the
// test clock is days or years away from the real one.
func TestBot_OneClock(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{pacing: fastPacing})
	in.poll(t, 1)
	card := askForPerson(t, fake, telegramtest.User{ID: 3101, FirstName: "Amal", LanguageCode: "ar"}, "سؤال")

	tickets := in.store.Tickets(0)
	ctx := context.Background()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		q, err := tickets.Queue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(q) == 1 && q[0].CardID == card.MessageID {
			if d := q[0].Activity.Sub(r.Now()); d < -time.Minute || d > time.Minute {
				t.Fatalf("card activity %v, test clock %v: stamped by another clock", q[0].Activity, r.Now())
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("card %d never recorded: %+v", card.MessageID, q)
		}
	}
}
