package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"

	"lotse/internal/domain"
)

// flight holds the updates the poller has fetched and not yet settled,
// and hands them to a fixed pool of workers: chats round-robin, one
// update of a chat at a time, in update order.
type flight struct {
	d   *Dispatcher
	max int

	mu      sync.Mutex
	known   map[int64]state // fetched updates not yet below the offset
	maxSeen int64
	busy    int // known updates not settled
	// retrying counts failed updates waiting to be fetched again.
	retrying int
	chats    map[int64]*chatQueue
	ready    chan *chatQueue
	changed  chan struct{} // closed and replaced when an update settles or fails
	quit     chan struct{}
}

type state uint8

const (
	pending state = iota // fetched, queued or being processed
	settled              // may be confirmed
	retry                // failed: dispatched again when fetched again
)

// chatQueue is one chat's fetched updates; it is in ready, or with a
// worker, while it has any.
type chatQueue struct {
	chat  int64
	items []*update
}

func newFlight(d *Dispatcher, max int) *flight {
	return &flight{d: d, max: max, known: map[int64]state{}, chats: map[int64]*chatQueue{},
		// Each queued chat holds at least one unsettled update; a batch
		// may overshoot max by one getUpdates limit.
		ready:   make(chan *chatQueue, max+100),
		changed: make(chan struct{}), quit: make(chan struct{})}
}

// state reports the channel closed at the next change, how many updates
// are unsettled, and whether failed ones wait to be fetched again.
func (f *flight) state() (<-chan struct{}, int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed, f.busy, f.retrying > 0
}

func (f *flight) signalLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// add takes a getUpdates result and returns how many updates in it are new
// (or failed before and are tried again). Each is decoded once; the flood
// limit drops what it refuses here, before a worker or Redis sees it.
func (f *flight) add(raws []json.RawMessage) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, raw := range raws {
		id, ok := peekUpdateID(raw)
		if ok {
			if st, seen := f.known[id]; seen && st != retry {
				continue
			}
		}
		u := decodeUpdate(raw)
		if u == nil { // undecodable: can never succeed
			f.d.log.Warn("undecodable update dropped")
			f.d.m.observeUpdate("ignored", 0)
			continue
		}
		if st, seen := f.known[u.id]; seen && st != retry {
			continue
		}
		n++
		if st, seen := f.known[u.id]; !seen {
			f.busy++
		} else if st == retry {
			f.retrying--
		}
		f.known[u.id] = pending
		f.maxSeen = max(f.maxSeen, u.id)
		if !f.d.admit(u) {
			f.settleLocked(u.id)
			continue
		}
		q := f.chats[u.in.chatID]
		if q == nil {
			q = &chatQueue{chat: u.in.chatID}
			f.chats[q.chat] = q
			f.ready <- q
		}
		q.items = append(q.items, u)
	}
	return n
}

func (f *flight) settle(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settleLocked(id)
}

func (f *flight) settleLocked(id int64) {
	if st, ok := f.known[id]; ok && st != settled {
		f.known[id] = settled
		f.busy--
		f.signalLocked()
	}
}

// watermark is the offset to ask with: the oldest unsettled update, or
// past everything fetched. Settled updates below it are forgotten.
func (f *flight) watermark() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	low := f.maxSeen + 1
	for id, st := range f.known {
		if st != settled && id < low {
			low = id
		}
	}
	for id := range f.known {
		if id < low {
			delete(f.known, id)
		}
	}
	if f.maxSeen == 0 {
		return 0
	}
	return low
}

// start runs n workers until stop; the returned channel is closed when
// they have finished the updates they were processing.
func (f *flight) start(ctx context.Context, n int) <-chan struct{} {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { f.work(ctx) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	return done
}

// stop lets the workers finish what they are processing and take no
// more; what is left unstarted is delivered again.
func (f *flight) stop() { close(f.quit) }

func (f *flight) work(ctx context.Context) {
	for {
		var q *chatQueue
		select {
		case <-f.quit:
			return
		case q = <-f.ready:
		}
		f.mu.Lock()
		u := q.items[0]
		q.items = q.items[1:]
		f.mu.Unlock()
		err := f.d.handle(ctx, u, func() { f.settle(u.id) })
		f.mu.Lock()
		if err != nil && f.known[u.id] == pending {
			f.d.log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "update not processed, will be redelivered", "update", u.id, "err", err)
			// It and the chat's later updates are dispatched again, in
			// order, when getUpdates returns them.
			f.known[u.id] = retry
			f.retrying++
			for _, later := range q.items {
				if f.known[later.id] != retry {
					f.known[later.id] = retry
					f.retrying++
				}
			}
			q.items = nil
			f.signalLocked()
		}
		if len(q.items) > 0 {
			f.ready <- q // to the back: other chats first
		} else {
			delete(f.chats, q.chat)
		}
		f.mu.Unlock()
	}
}

// peekUpdateID reads update_id where Telegram writes it, first, to skip
// an update already in hand without decoding it again.
func peekUpdateID(raw []byte) (int64, bool) {
	const key = `{"update_id":`
	if !bytes.HasPrefix(raw, []byte(key)) {
		return 0, false
	}
	rest := raw[len(key):]
	end := bytes.IndexAny(rest, ",}")
	if end < 0 {
		return 0, false
	}
	id, err := strconv.ParseInt(string(bytes.TrimSpace(rest[:end])), 10, 64)
	return id, err == nil
}
