package bot_test

import (
	"context"
	"testing"
	"time"

	"lotse/bot"
	"lotse/internal/domain"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestPoller_BurstFetchedOnce: Telegram sends every unconfirmed update
// again with each getUpdates answer. After a full answer the poller waits
// until the work in hand is down to a quarter batch, so that most of the
// next answer is new: 400 people writing at once are fetched about twice
// each, where waiting only for the offset to move a quarter batch
// fetched each nearly four times.
func TestPoller_BurstFetchedOnce(t *testing.T) {
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{pacing: fastPacing})
	const people = 400
	for i := range people {
		fake.SendText(telegramtest.User{ID: int64(9000 + i), LanguageCode: "en"}, "/help")
	}
	in.poll(t, 32)
	for i := range people {
		waitReplies(t, fake, int64(9000+i), 1)
	}
	handed := fake.Handed()
	t.Logf("%d updates fetched %d times (%.2f each) in %d getUpdates", people, handed, float64(handed)/people, fake.Calls("getUpdates"))
	if handed > people*13/5 {
		t.Errorf("%d updates were fetched %d times: more than 2.6 each", people, handed)
	}
}

// TestPoller_GapBetweenPolls: while updates are in hand, getUpdates
// answers at once with all of them again, so a poller that asked after
// every settled update made about one call per message under load (the
// load harness). Calls asked while work is in hand keep PollGap between
// them; a gap of 100 ms here makes it countable on a machine of any
// speed.
func TestPoller_GapBetweenPolls(t *testing.T) {
	fake := mustFake(t)
	r := redistest.Must(t)
	// One update is held for the whole stream, so that work is always
	// in hand.
	hold := make(chan struct{})
	in := mustInstance(t, fake, r, setup{pacing: fastPacing, conv: holdConv{mustEngine(t, r), hold}})
	const gap = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	p := bot.NewPoller(in.client, in.d, in.store, in.log)
	p.Timeout, p.Concurrency, p.LeaderTTL, p.PollGap = time.Second, 8, 3*time.Second, gap
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	held := telegramtest.User{ID: 9500, LanguageCode: "en"}
	fake.SendText(held, "hold")
	time.Sleep(50 * time.Millisecond)
	before := fake.Calls("getUpdates")
	const people = 200
	start := time.Now()
	for i := range people {
		fake.SendText(telegramtest.User{ID: int64(9600 + i), LanguageCode: "en"}, "/help")
		time.Sleep(time.Millisecond)
	}
	for i := range people {
		waitReplies(t, fake, int64(9600+i), 1)
	}
	took := time.Since(start)
	polls := fake.Calls("getUpdates") - before
	close(hold)
	waitReplies(t, fake, held.ID, 1)
	t.Logf("%d messages over %v fetched in %d getUpdates", people, took.Round(time.Millisecond), polls)
	if most := int(took/gap) + 2; polls > most {
		t.Errorf("%d getUpdates in %v with work in hand: more than one per %v", polls, took.Round(time.Millisecond), gap)
	}
}

// holdConv holds the update "hold" until hold is closed.
type holdConv struct {
	bot.Conversation
	hold chan struct{}
}

func (c holdConv) Handle(ctx context.Context, s domain.Session, isNew bool, ev domain.Event) domain.Result {
	if ev.Text == "hold" {
		<-c.hold
	}
	return c.Conversation.Handle(ctx, s, isNew, ev)
}
