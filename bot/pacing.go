package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacing are Telegram's send limits (core.telegram.org/bots/faq): about one
// message per second per chat with short bursts, 20 per minute per group,
// about 30 per second for bulk notifications. Replies to people writing in
// are not throttled globally.
type Pacing struct {
	PerChat      rate.Limit
	ChatBurst    int
	PerGroup     rate.Limit
	GroupBurst   int
	Bulk         rate.Limit
	BulkBurst    int
	IdleEviction time.Duration
}

func (p *Pacing) defaults() {
	if p.PerChat == 0 {
		p.PerChat, p.ChatBurst = 1, 4
	}
	if p.PerGroup == 0 {
		p.PerGroup, p.GroupBurst = rate.Every(3*time.Second), 5
	}
	if p.Bulk == 0 {
		p.Bulk, p.BulkBurst = 30, 1
	}
	if p.IdleEviction == 0 {
		p.IdleEviction = 10 * time.Minute
	}
}

// pacer holds one limiter per chat (evicted when idle) and one for bulk sends.
type pacer struct {
	cfg   Pacing
	bulk  *rate.Limiter
	mu    sync.Mutex
	chats map[int64]*chatLimiter
	sweep time.Time
}

type chatLimiter struct {
	lim  *rate.Limiter
	used time.Time
}

func newPacer(cfg Pacing) *pacer {
	cfg.defaults()
	return &pacer{cfg: cfg, bulk: rate.NewLimiter(cfg.Bulk, cfg.BulkBurst), chats: map[int64]*chatLimiter{}}
}

// wait blocks until a message to chatID may go out. Group chats have
// negative ids in the Bot API.
func (p *pacer) wait(ctx context.Context, chatID int64, bulk bool) error {
	if bulk {
		if err := p.bulk.Wait(ctx); err != nil {
			return err
		}
	}
	return p.limiter(chatID).Wait(ctx)
}

func (p *pacer) limiter(chatID int64) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.sweep) > p.cfg.IdleEviction {
		for id, cl := range p.chats {
			if now.Sub(cl.used) > p.cfg.IdleEviction {
				delete(p.chats, id)
			}
		}
		p.sweep = now
	}
	cl, ok := p.chats[chatID]
	if !ok {
		lim := rate.NewLimiter(p.cfg.PerChat, p.cfg.ChatBurst)
		if chatID < 0 {
			lim = rate.NewLimiter(p.cfg.PerGroup, p.cfg.GroupBurst)
		}
		cl = &chatLimiter{lim: lim}
		p.chats[chatID] = cl
	}
	cl.used = now
	return cl.lim
}
