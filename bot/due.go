package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"lotse/internal/domain"
)

// dueScanMax bounds the due scan's back-off while Redis is away.
const dueScanMax = 5 * time.Second

// TakeOverDue runs on every replica until ctx is cancelled: it looks for
// chats whose waiting updates lost their worker (a replica killed with
// its leases, an update that failed) and processes them. Those updates
// were confirmed to Telegram when they were queued, so nobody else will
// deliver them again. Chats taken over are drained concurrently, at most
// Options.TakeOvers at once; their work ends with the hard stop only.
func (d *Dispatcher) TakeOverDue(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	sem := make(chan struct{}, d.opt.TakeOvers)
	work := context.WithoutCancel(ctx)
	if d.client.base != nil {
		var cancel context.CancelFunc
		work, cancel = context.WithCancel(work)
		defer context.AfterFunc(d.client.base, cancel)()
		defer cancel()
	}
	// While Redis is away the scan backs off, up to dueScanMax; the
	// store logs the outage.
	wait := d.opt.DueScan
	for sleepCtx(ctx, wait) == nil {
		due, err := d.inbox.DueChats(ctx, cap(sem))
		if err != nil {
			if ctx.Err() == nil {
				d.log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "due chats not read", "err", err)
			}
			wait = min(2*wait, max(d.opt.DueScan, dueScanMax))
			continue
		}
		wait = d.opt.DueScan
		for _, c := range due {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			claim, err := d.inbox.TakeOver(ctx, c, newToken())
			if err != nil || claim.State != domain.ClaimLeased {
				<-sem
				if err != nil && ctx.Err() == nil {
					d.log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "due chat not taken over", "err", err)
				}
				continue
			}
			d.m.observeUpdate("taken_over", 0)
			wg.Go(func() {
				defer func() { <-sem }()
				defer func() {
					if p := recover(); p != nil {
						d.log.Error("update panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					}
				}()
				if err := d.drain(work, claim, nil, time.Now(), func() {}); err != nil {
					d.log.Log(work, domain.LogLevel(err, slog.LevelWarn), "taken-over update failed, tried again", "err", err)
				}
			})
		}
	}
}
