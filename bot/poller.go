package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// Leader elects the one replica that may call getUpdates.
type Leader interface {
	Lead(ctx context.Context, name, token string, ttl time.Duration) (bool, error)
	Resign(ctx context.Context, name, token string) error
}

// allowedUpdates are the only update kinds Lotse asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Poller receives updates by long polling. Unlike the library's
// GetUpdatesChan it confirms an update (by asking for a higher offset)
// only once it is settled: processed, dropped, or durably queued in its
// chat's inbox where another replica finds it should this one die. So a
// crash loses nothing, and a locked chat holds nobody else back.
//
// It keeps fetching while updates are processed: a fixed pool of workers
// takes chats round-robin, one update at a time and one worker per chat,
// so a chat's updates stay in order and one person's backlog never
// occupies the workers.
type Poller struct {
	client      *Client
	d           *Dispatcher
	leader      Leader
	log         *slog.Logger
	Timeout     time.Duration // long-poll timeout
	Concurrency int           // workers: updates processed at once
	// MaxInFlight bounds the updates fetched and not yet settled.
	MaxInFlight int
	LeaderTTL   time.Duration
	// PollGap is the least time between two getUpdates while updates are
	// in hand.
	PollGap     time.Duration
	token       string
	leading     atomic.Bool
	leadMu      sync.Mutex
	leadChanged chan struct{} // closed and replaced when leading changes
}

// NewPoller builds a poller. client should have a base context that is
// cancelled on stop, so the long poll in flight ends at once.
func NewPoller(client *Client, d *Dispatcher, leader Leader, log *slog.Logger) *Poller {
	return &Poller{client: client, d: d, leader: leader, log: log,
		Timeout: 25 * time.Second, Concurrency: 32, MaxInFlight: 1000, LeaderTTL: 6 * time.Second, PollGap: pollGap,
		token: newToken(), leadChanged: make(chan struct{})}
}

// Run polls until ctx is cancelled. The updates being processed are
// finished, and confirmed, before it returns; fetched ones not yet
// started are left to be delivered again. Every replica also takes over
// chats whose worker died (Dispatcher.TakeOverDue), leader or not.
func (p *Poller) Run(ctx context.Context) error {
	if _, err := p.client.Call(ctx, "deleteWebhook", tgbotapi.Params{}); err != nil {
		p.log.Warn("deleteWebhook failed", "err", err)
	}
	// The first election is made here, so the first getUpdates need not
	// wait for the renewing goroutine.
	p.elect(ctx)
	leadCtx, stopLead := context.WithCancel(ctx)
	leadDone := make(chan struct{})
	go func() { defer close(leadDone); p.holdLeadership(leadCtx) }()
	dueDone := make(chan struct{})
	go func() { defer close(dueDone); p.d.TakeOverDue(ctx) }()
	// Updates in flight finish after a stop; only a hard stop (the
	// dispatcher client's base context) abandons them.
	work := context.WithoutCancel(ctx)
	if base := p.d.client.base; base != nil {
		var cancel context.CancelFunc
		work, cancel = context.WithCancel(work)
		defer context.AfterFunc(base, cancel)()
		defer cancel()
	}

	f := newFlight(p.d, max(1, p.MaxInFlight))
	workers := f.start(work, max(1, p.Concurrency))
	p.fetchLoop(ctx, f)
	f.stop()
	<-workers
	<-dueDone
	// Confirm what was settled so a restart does not fetch it again
	// (it would be recognised as a duplicate anyway). ctx is cancelled by
	// now, and so is the poller client's base: the confirm gets a short
	// context and a client of its own, detached from both.
	if offset := f.watermark(); offset > 0 && p.leading.Load() && work.Err() == nil {
		confirm, cancel := context.WithTimeout(context.WithoutCancel(ctx), confirmTimeout)
		defer cancel()
		params := tgbotapi.Params{"offset": strconv.FormatInt(offset, 10), "limit": "1", "timeout": "0"}
		if _, err := p.client.WithBase(confirm).Call(confirm, "getUpdates", params); err != nil {
			p.log.Warn("final confirm failed", "err", err)
		}
	}
	// Leadership is given up only once the renewing goroutine is gone, or
	// it could take the lock again right after and make the next poller
	// wait for it to expire.
	stopLead()
	<-leadDone
	resign, cancel := context.WithTimeout(context.WithoutCancel(ctx), confirmTimeout)
	defer cancel()
	if err := p.leader.Resign(resign, "poller", p.token); err != nil {
		p.log.Warn("resign failed", "err", err)
	}
	return nil
}

// fetchLimit is getUpdates' limit: Telegram's largest.
const fetchLimit = 100

// pollGap is the least time between two getUpdates asked while updates
// are in hand. Telegram answers such a call at once, with every update
// not yet confirmed again; asked again after every settled update, the
// poller fetched each update four to five times under load, in about one
// call per message. A short gap gathers what came meanwhile into one
// answer.
const pollGap = 2 * time.Millisecond

// idleWait bounds how long the poller waits, while updates are in flight
// and nothing new came, before it asks Telegram again.
const idleWait = 100 * time.Millisecond

// fetchLoop fetches while this replica leads, handing new updates to the
// workers; the offset it asks with confirms every settled update below
// the oldest unsettled one.
func (p *Poller) fetchLoop(ctx context.Context, f *flight) {
	backoff := time.Second
	// A full answer from the same offset again would be the same updates,
	// all in hand: after one, the next fetch waits until the work in hand
	// fell to a quarter batch, so that most of the next answer is new —
	// or a failed update waits to be fetched again. Each answer is parsed
	// whole, in-flight updates included.
	lastFull := false
	var polled time.Time
	for ctx.Err() == nil {
		if !p.leading.Load() {
			p.leadMu.Lock()
			changed := p.leadChanged
			p.leadMu.Unlock()
			if !p.leading.Load() {
				select {
				case <-changed:
				case <-ctx.Done():
				}
			}
			continue
		}
		changed, busy, retrying := f.state()
		if busy >= f.max {
			select {
			case <-changed:
			case <-ctx.Done():
			}
			continue
		}
		if lastFull && !retrying && busy > fetchLimit/4 {
			select {
			case <-changed:
			case <-ctx.Done():
			}
			continue
		}
		timeout := p.Timeout
		if busy > 0 {
			if wait := p.PollGap - time.Since(polled); wait > 0 {
				sleepCtx(ctx, wait)
				continue
			}
			// Unconfirmed updates come back at once anyway.
			timeout = 0
		}
		offset := f.watermark()
		polled = time.Now()
		raws, err := p.fetch(ctx, offset, timeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			p.log.Warn("getUpdates failed", "err", err, "backoff_s", backoff.Seconds())
			sleepCtx(ctx, backoff)
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		backoff = time.Second
		lastFull = len(raws) >= fetchLimit
		if f.add(raws) > 0 {
			continue
		}
		switch {
		case busy > 0 || len(raws) > 0:
			// Only updates already in hand: wait until one settles.
			select {
			case <-changed:
			case <-time.After(idleWait):
			case <-ctx.Done():
			}
		case time.Since(polled) < p.Timeout/10:
			// A server that ignores the long-poll timeout answers at once;
			// don't hammer it.
			sleepCtx(ctx, idleWait)
		}
	}
}

// elect takes or renews leadership once.
func (p *Poller) elect(ctx context.Context) {
	ok, err := p.leader.Lead(ctx, "poller", p.token, p.LeaderTTL)
	switch {
	case err != nil:
		// Redis cannot be asked: no other replica can take the lock
		// from it either, so the poller keeps polling — people are
		// then told their message waits (Dispatcher.tellOutage), and
		// a second poller would only meet Telegram's 409 Conflict.
		if ctx.Err() == nil {
			p.log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "leader election failed", "err", err, "leading", p.leading.Load())
		}
	case ok != p.leading.Load():
		p.log.Info("poller leadership changed", "leading", ok)
		p.leading.Store(ok)
		p.leadMu.Lock()
		close(p.leadChanged)
		p.leadChanged = make(chan struct{})
		p.leadMu.Unlock()
	}
}

// confirmTimeout bounds the last getUpdates confirm and the resignation at
// a stop.
const confirmTimeout = 3 * time.Second

// holdLeadership renews (or tries to take) leadership every third of its
// TTL; a standby so takes over within the TTL and a third.
func (p *Poller) holdLeadership(ctx context.Context) {
	for sleepCtx(ctx, p.LeaderTTL/3) == nil {
		p.elect(ctx)
	}
}

func (p *Poller) fetch(ctx context.Context, offset int64, timeout time.Duration) ([]json.RawMessage, error) {
	return p.client.getUpdates(ctx, offset, fetchLimit, timeout, allowedUpdates)
}
