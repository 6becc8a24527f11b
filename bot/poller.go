package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Leader elects the one replica that may call getUpdates.
type Leader interface {
	Lead(ctx context.Context, name, token string, ttl time.Duration) (bool, error)
	Resign(ctx context.Context, name, token string) error
}

// allowedUpdates are the only update kinds Lotse asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Poller receives updates by long polling. Unlike the library's
// GetUpdatesChan it confirms a batch (by asking for a higher offset) only
// after every update in it is processed, so a crash loses nothing.
type Poller struct {
	client      *Client
	d           *Dispatcher
	leader      Leader
	log         *slog.Logger
	Timeout     time.Duration // long-poll timeout
	Concurrency int           // chats processed at once
	LeaderTTL   time.Duration
	token       string
	leading     atomic.Bool
}

// NewPoller builds a poller. client should have a base context that is
// cancelled on stop, so the long poll in flight ends at once.
func NewPoller(client *Client, d *Dispatcher, leader Leader, log *slog.Logger) *Poller {
	return &Poller{client: client, d: d, leader: leader, log: log,
		Timeout: 25 * time.Second, Concurrency: 16, LeaderTTL: 10 * time.Second, token: newToken()}
}

// Run polls until ctx is cancelled. The batch in progress is finished, and
// confirmed, before it returns.
func (p *Poller) Run(ctx context.Context) error {
	if _, err := p.client.Call(ctx, "deleteWebhook", tgbotapi.Params{}); err != nil {
		p.log.Warn("deleteWebhook failed", "err", err)
	}
	leadCtx, stopLead := context.WithCancel(ctx)
	leadDone := make(chan struct{})
	go func() { defer close(leadDone); p.holdLeadership(leadCtx) }()
	// Updates in flight finish after a stop; only a hard stop (the
	// dispatcher client's base context) abandons them.
	work := context.WithoutCancel(ctx)
	if base := p.d.client.base; base != nil {
		var cancel context.CancelFunc
		work, cancel = context.WithCancel(work)
		defer context.AfterFunc(base, cancel)()
		defer cancel()
	}

	offset, backoff := int64(0), time.Second
	for ctx.Err() == nil {
		if !p.leading.Load() {
			sleepCtx(ctx, time.Second)
			continue
		}
		polled := time.Now()
		raws, err := p.fetch(ctx, offset, p.Timeout)
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
		if len(raws) == 0 && time.Since(polled) < p.Timeout/10 {
			// A server that ignores the long-poll timeout answers at once;
			// don't hammer it.
			sleepCtx(ctx, 100*time.Millisecond)
			continue
		}
		// In-flight updates finish even when a stop arrives mid-batch.
		offset = p.processBatch(work, raws, offset)
	}
	// Confirm what was processed so a restart does not fetch it again
	// (it would be recognised as a duplicate anyway). ctx is cancelled by
	// now, and so is the poller client's base: the confirm gets a short
	// context and a client of its own, detached from both.
	if offset > 0 && p.leading.Load() && work.Err() == nil {
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

// confirmTimeout bounds the last getUpdates confirm and the resignation at
// a stop.
const confirmTimeout = 3 * time.Second

func (p *Poller) holdLeadership(ctx context.Context) {
	for {
		ok, err := p.leader.Lead(ctx, "poller", p.token, p.LeaderTTL)
		switch {
		case err != nil:
			// Redis cannot be asked: no other replica can take the lock
			// from it either, so the poller keeps polling — people are
			// then told their message waits (Dispatcher.tellOutage), and
			// a second poller would only meet Telegram's 409 Conflict.
			if ctx.Err() == nil {
				p.log.Warn("leader election failed", "err", err, "leading", p.leading.Load())
			}
		case ok != p.leading.Load():
			p.log.Info("poller leadership changed", "leading", ok)
			p.leading.Store(ok)
		}
		if sleepCtx(ctx, p.LeaderTTL/3) != nil {
			return
		}
	}
}

func (p *Poller) fetch(ctx context.Context, offset int64, timeout time.Duration) ([]json.RawMessage, error) {
	params := tgbotapi.Params{"limit": "100", "timeout": strconv.Itoa(int(timeout.Seconds()))}
	if offset > 0 {
		params["offset"] = strconv.FormatInt(offset, 10)
	}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return nil, err
	}
	res, err := p.client.Call(ctx, "getUpdates", params)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(res, &raws); err != nil {
		return nil, fmt.Errorf("bot: decode getUpdates: %w", err)
	}
	return raws, nil
}

// processBatch processes different chats concurrently and each chat's
// updates in order. It returns the next offset: past the batch, or at the
// first update that failed so Telegram delivers it (and those after it,
// which are then recognised as duplicates) again.
func (p *Poller) processBatch(ctx context.Context, raws []json.RawMessage, offset int64) int64 {
	type item struct {
		id  int64
		raw []byte
	}
	byChat := map[int64][]item{}
	var order []int64
	maxID := offset - 1
	for _, raw := range raws {
		var u tgbotapi.Update
		if err := json.Unmarshal(raw, &u); err != nil {
			continue
		}
		in, _ := decode(&u)
		if _, seen := byChat[in.chatID]; !seen {
			order = append(order, in.chatID)
		}
		byChat[in.chatID] = append(byChat[in.chatID], item{int64(u.UpdateID), raw})
		maxID = max(maxID, int64(u.UpdateID))
	}
	var (
		mu        sync.Mutex
		minFailed int64 = -1
		wg        sync.WaitGroup
		sem       = make(chan struct{}, max(1, p.Concurrency))
	)
	for _, chat := range order {
		items := byChat[chat]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, it := range items {
				if err := p.d.Process(ctx, it.raw); err != nil {
					p.log.Warn("update not processed, will be redelivered", "update", it.id, "err", err)
					mu.Lock()
					if minFailed < 0 || it.id < minFailed {
						minFailed = it.id
					}
					mu.Unlock()
					return // later updates of this chat must wait for it
				}
			}
		}()
	}
	wg.Wait()
	if minFailed >= 0 {
		return minFailed
	}
	return maxID + 1
}
