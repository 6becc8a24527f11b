package bot

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"lotse/internal/domain"
)

// Options configure the dispatcher.
type Options struct {
	// Secret keys the button MACs; all replicas must share it.
	Secret []byte
	// StaffChatID is the case managers' group; the bot stays in it.
	StaffChatID int64
	// Tickets records which staff-group message belongs to which ticket.
	Tickets domain.TicketStore
	// BusyWait is how long an update waits for an unreachable Redis
	// before it is handed back for redelivery.
	BusyWait time.Duration
	// Lease is the inbox's lease length (redisstore.Options.Lease); the
	// dispatcher renews a lease every third of it. Default 5 s.
	Lease time.Duration
	// DueScan is how often every replica looks for chats whose waiting
	// updates lost their worker. Default 500 ms.
	DueScan time.Duration
	// TakeOvers bounds the chats one replica takes over at once. Default 8.
	TakeOvers int
	// UserRate and UserBurst limit how fast one person is answered.
	UserRate  rate.Limit
	UserBurst int
	// OutageNotice is how long a message waits for an unreachable Redis
	// before the person is told that it is not lost (once per outage).
	OutageNotice time.Duration
	// WebhookInFlight bounds the webhook requests read and processed at
	// once (default 40, the max_connections registered with Telegram).
	WebhookInFlight int
	// Tally adds up the anonymous daily statistics; nil counts nothing.
	Tally *Tally
	// Now is the clock of what the dispatcher records or decides by the
	// date (a card's last activity, when a person was last told to slow
	// down); default time.Now. Latency metrics, waits and pacing measure
	// elapsed time on the monotonic clock instead.
	Now func() time.Time
}

// Conversation decides what to answer; flows.Engine is the real one (cmd/lotse
// wires it in), a bare echo is the benchmark's baseline.
type Conversation interface {
	// Handle answers an event in a person's private chat.
	Handle(ctx context.Context, s domain.Session, isNew bool, ev domain.Event) domain.Result
	// HandleStaff answers an event in the case managers' group.
	HandleStaff(ctx context.Context, ev domain.Event) domain.Result
	// CrossChat says whether a button action may be sent into a person's
	// chat from outside their own conversation (by a case manager's action
	// or a sweep): such buttons are signed without the session epoch.
	CrossChat(action string) bool
	// OutageNotice is the text a person gets, in the language their
	// messenger names, when their message waits because Redis is down.
	OutageNotice(languageCode string) string
	// Urgent reports whether what a person wrote signals an emergency:
	// such a message passes the flood limit.
	Urgent(ev domain.Event) bool
}

// Dispatcher processes updates exactly once and in order per chat:
// recover → dedupe and order (inbox) → verify buttons → throttle → flow →
// send → commit.
type Dispatcher struct {
	client *Client
	inbox  domain.Inbox
	conv   Conversation
	codec  buttonCodec
	pseu   domain.Pseudonyms
	opt    Options
	log    *slog.Logger
	m      *Metrics

	mu       sync.Mutex
	limiters map[int64]*userLimit

	// told are the chats given the outage notice in the current Redis
	// outage; emptied when Redis answers again.
	outageMu sync.Mutex
	told     map[int64]bool
}

type userLimit struct {
	lim      *rate.Limiter
	notified time.Time
	// date is the newest message date seen, dateSeen when it came.
	date, dateSeen time.Time
}

// NewDispatcher wires the adapter's processing pipeline.
func NewDispatcher(c *Client, inbox domain.Inbox, conv Conversation, pseu domain.Pseudonyms, opt Options, m *Metrics, log *slog.Logger) *Dispatcher {
	if opt.BusyWait <= 0 {
		opt.BusyWait = 5 * time.Second
	}
	if opt.UserRate == 0 {
		opt.UserRate, opt.UserBurst = rate.Every(3*time.Second), 12
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Lease <= 0 {
		opt.Lease = 5 * time.Second
	}
	if opt.TakeOvers <= 0 {
		opt.TakeOvers = 8
	}
	if opt.DueScan <= 0 {
		opt.DueScan = 500 * time.Millisecond
	}
	if opt.OutageNotice <= 0 {
		opt.OutageNotice = 3 * time.Second
	}
	if opt.WebhookInFlight <= 0 {
		opt.WebhookInFlight = webhookConnections
	}
	return &Dispatcher{client: c, inbox: inbox, conv: conv, codec: newButtonCodec(opt.Secret),
		pseu: pseu, opt: opt, log: log, m: m, limiters: map[int64]*userLimit{}, told: map[int64]bool{}}
}

// update is one update from Telegram, decoded once.
type update struct {
	id  int64
	raw []byte
	in  incoming
	ok  bool // concerns a chat we serve
	// notice: this one tells a flooding person to slow down.
	notice bool
}

// decodeUpdate decodes raw; nil if it is not an update at all.
func decodeUpdate(raw []byte) *update {
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil
	}
	in, ok := decode(&u)
	return &update{id: int64(u.UpdateID), raw: raw, in: in, ok: ok}
}

// Process handles one update as received from Telegram. It returns nil once
// the update may be confirmed — processed (now, earlier, or by another
// worker), dropped, or stored where another replica finds it — and an
// error when Telegram should deliver it again.
func (d *Dispatcher) Process(ctx context.Context, raw []byte) error {
	u := decodeUpdate(raw)
	if u == nil {
		// Can never succeed: acknowledge so it is not redelivered forever.
		d.log.Warn("undecodable update dropped")
		d.m.observeUpdate("ignored", 0)
		return nil
	}
	if !d.admit(u) {
		return nil
	}
	settled := false
	err := d.handle(ctx, u, func() { settled = true })
	if settled {
		return nil
	}
	return err
}

// handle processes an admitted update. settle is called, at most once and
// possibly long before handle returns, as soon as the update may be
// confirmed to Telegram: it is then processed, or durably queued and
// marked due, so that another replica completes it if this one dies. An
// error returned before settle means Telegram must deliver it again.
func (d *Dispatcher) handle(ctx context.Context, u *update, settle func()) (err error) {
	start := time.Now()
	var once sync.Once
	settleOnce := func() { once.Do(settle) }
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("update panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("bot: update panicked: %v", p)
		}
		if err == nil {
			settleOnce()
		}
	}()
	if !u.ok {
		d.m.observeUpdate("ignored", 0)
		return nil
	}
	in := u.in
	if in.chatType != "private" && (in.chatID != d.opt.StaffChatID || d.opt.StaffChatID == 0) {
		return d.handleGroup(ctx, in)
	}
	token := newToken()
	deadline := time.Now().Add(d.opt.BusyWait)
	p := domain.Pending{UpdateID: u.id, Payload: u.raw}
	for {
		claim, err := d.inbox.Offer(ctx, in.chatID, p, token)
		if err != nil {
			// Redis is unreachable: keep trying for a while, tell the
			// person their message is not lost, and leave the update
			// unconfirmed so it is processed when Redis is back.
			if time.Since(start) >= d.opt.OutageNotice && in.chatType == "private" {
				d.tellOutage(ctx, in)
			}
			if time.Now().After(deadline) {
				d.m.observeUpdate("failed", 0)
				return fmt.Errorf("bot: offer: %w", err)
			}
			if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
				return fmt.Errorf("bot: offer: %w", err)
			}
			continue
		}
		d.outageOver()
		switch claim.State {
		case domain.ClaimDuplicate:
			d.m.observeUpdate("duplicate", 0)
			return nil
		case domain.ClaimLeased:
			return d.drain(ctx, claim, u, start, settleOnce)
		}
		// Another worker holds the chat and will take this update in
		// turn. Should it die, the chat is due when its lease runs out,
		// and whichever replica looks first takes the chat over.
		if err := d.inbox.MarkDue(ctx, in.chatID, claim.HolderLeft+dueSlack); err != nil {
			d.m.observeUpdate("failed", 0)
			return fmt.Errorf("bot: update %d: %w", p.UpdateID, err)
		}
		d.m.observeUpdate("queued", 0)
		return nil
	}
}

// dueSlack is added to a lease's end before its chat is looked at, so a
// worker that renews on time is not disturbed.
const dueSlack = 500 * time.Millisecond

// admit is the flood limit, applied before any work: before Redis and
// before a worker is taken. Pace is judged by when the person sent each
// message (the update's date), not when it arrives, so a backlog
// delivered at once after a stall passes. Past the limit the person is
// told once a minute (that update goes on, as a notice), the rest is
// dropped – but for an emergency: someone in panic writes many short
// messages, and the one that says what happened must be answered. It
// reports whether the update goes on.
func (d *Dispatcher) admit(u *update) bool {
	if !u.ok || u.in.chatType != "private" || u.in.leave {
		return true
	}
	if d.allow(u) || d.conv.Urgent(u.in.event) {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	ul := d.limiters[u.in.chatID]
	if ul == nil { // the table was cleared meanwhile
		return true
	}
	now := d.opt.Now()
	if now.Sub(ul.notified) < time.Minute {
		d.m.observeUpdate("throttled", 0)
		return false
	}
	ul.notified = now
	u.notice = true
	return true
}

// allow takes a token from the person's limiter.
func (d *Dispatcher) allow(u *update) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	ul, ok := d.limiters[u.in.chatID]
	if !ok {
		if len(d.limiters) > 10000 {
			d.limiters = map[int64]*userLimit{}
		}
		ul = &userLimit{lim: rate.NewLimiter(d.opt.UserRate, d.opt.UserBurst)}
		d.limiters[u.in.chatID] = ul
	}
	sent := u.in.event.At
	switch {
	case !sent.IsZero():
		ul.date, ul.dateSeen = sent, time.Now()
	case !ul.date.IsZero():
		// A button press carries no date of its own: it counts on the
		// timeline of the person's last dated message.
		sent = ul.date.Add(time.Since(ul.dateSeen))
	default:
		sent = d.opt.Now()
	}
	return ul.lim.AllowN(sent, 1)
}

// tellOutage sends the outage notice once per chat and outage. A chat is
// marked told only when the notice went out: if the Bot API is down too,
// a later try tells them.
func (d *Dispatcher) tellOutage(ctx context.Context, in incoming) {
	d.outageMu.Lock()
	told := d.told[in.chatID]
	d.outageMu.Unlock()
	if told {
		return
	}
	msg := tgbotapi.NewMessage(in.chatID, d.conv.OutageNotice(in.event.LanguageCode))
	if _, err := d.client.Send(ctx, in.chatID, false, msg); err != nil {
		d.log.Warn("outage notice not sent", "chat", d.pseu.Chat(in.chatID), "err", err)
		return
	}
	d.log.Info("outage notice sent", "chat", d.pseu.Chat(in.chatID))
	d.outageMu.Lock()
	d.told[in.chatID] = true
	d.outageMu.Unlock()
}

// outageOver forgets who was told: Redis answers again, and a later
// outage is a new one.
func (d *Dispatcher) outageOver() {
	d.outageMu.Lock()
	if len(d.told) > 0 {
		clear(d.told)
	}
	d.outageMu.Unlock()
}

// drain processes the chat's waiting updates in order while holding its
// lease, renewing it while an update is in progress. An update that takes
// longer than settleAfter has its chat marked due and is settled then:
// the poller need not hold back the offset for it, and should this
// replica die, another one takes the chat over once the lease runs out.
// Our own update is settled once it is committed, even if a later one
// (queued by another worker) fails; that one is left marked due.
func (d *Dispatcher) drain(ctx context.Context, claim domain.Claim, own *update, start time.Time, settle func()) error {
	work, cancel := context.WithCancel(ctx)
	defer cancel()
	lease := claim.Lease
	var ownPending *domain.Pending
	if own != nil {
		ownPending = &domain.Pending{UpdateID: own.id, Payload: own.raw}
	}
	stopKeep := d.keepLease(work, cancel, lease, ownPending, settle)
	defer stopKeep()
	sess := claim.Session
	pending := claim.Pending
	for len(pending) > 0 {
		p := pending[0]
		var in incoming
		var ok bool
		notice := false
		if own != nil && p.UpdateID == own.id {
			in, ok, notice = own.in, own.ok, own.notice // already decoded
		} else {
			in, ok = decodeRaw(p.Payload)
		}
		if lease.ChatID == 0 && ok {
			lease.ChatID = in.chatID // taken over from the due set
		}
		next, err := d.processOne(work, lease, &sess, p.UpdateID, in, ok, notice)
		if err != nil {
			d.m.observeUpdate("failed", 0)
			bg := context.WithoutCancel(ctx)
			if rerr := d.inbox.Release(bg, lease); rerr != nil {
				d.log.Log(bg, domain.LogLevel(rerr, slog.LevelWarn), "lease release failed", "err", rerr)
			}
			// Tried again soon by whichever replica looks first — the
			// updates queued behind it were confirmed to Telegram. Our own
			// update, if not settled yet, is also left to Telegram's
			// redelivery.
			if lease.ChatID != 0 {
				if derr := d.inbox.MarkDue(bg, lease.ChatID, retryAfter); derr != nil {
					d.log.Log(bg, domain.LogLevel(derr, slog.LevelWarn), "chat not marked due", "err", derr)
				}
			}
			return fmt.Errorf("bot: update %d: %w", p.UpdateID, err)
		}
		if own != nil && p.UpdateID == own.id {
			settle()
		}
		d.m.observeUpdate("processed", time.Since(start))
		pending = next
	}
	return nil
}

// retryAfter is how long a chat whose update failed waits before it is
// tried again.
const retryAfter = time.Second

// settleAfter is how long an update may take before its chat is marked
// due and the update settled.
const settleAfter = time.Second

// keepLease renews the lease every third of its length while the chat is
// processed, and marks the chat due (then settles) once processing takes
// longer than settleAfter — after storing own, the update this worker was
// offered, which the inbox may have leased without storing it. If the
// lease is lost, work is cancelled: another worker has the chat. The
// returned func stops it.
func (d *Dispatcher) keepLease(work context.Context, cancel context.CancelFunc, lease domain.Lease, own *domain.Pending, settle func()) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		renew := time.NewTicker(d.opt.Lease / 3)
		defer renew.Stop()
		slow := time.NewTimer(settleAfter)
		defer slow.Stop()
		for {
			select {
			case <-done:
				return
			case <-work.Done():
				return
			case <-slow.C:
				if lease.ChatID == 0 {
					continue
				}
				if own != nil {
					// Offered again with the lease's token, it is stored
					// (or found done); the lease is renewed.
					if _, err := d.inbox.Offer(work, lease.ChatID, *own, lease.Token); err != nil {
						continue
					}
				}
				if d.inbox.MarkDue(work, lease.ChatID, d.opt.Lease+dueSlack) == nil {
					settle()
				}
			case <-renew.C:
				err := d.inbox.Renew(work, lease)
				if errors.Is(err, domain.ErrLeaseLost) {
					d.log.Warn("lease lost while processing", "err", err)
					cancel()
					return
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// processOne runs one update through the flows, sends the replies and
// commits the new session.
func (d *Dispatcher) processOne(ctx context.Context, lease domain.Lease, sess **domain.Session, updateID int64, in incoming, ok, notice bool) ([]domain.Pending, error) {
	if !ok {
		return d.inbox.Commit(ctx, lease, updateID, *sess)
	}
	if in.chatID == d.opt.StaffChatID && d.opt.StaffChatID != 0 {
		return d.processStaff(ctx, lease, updateID, in)
	}
	isNew := *sess == nil
	s := domain.Session{Epoch: newEpoch()}
	if !isNew {
		s = **sess
	}
	ev := in.event
	if in.callbackID != "" {
		if a, valid := d.verify(in.chatID, s.Epoch, isNew, in.callbackData); valid {
			ev.Kind, ev.Action = domain.EventButton, a
		}
	}
	ev.Throttled = notice
	res := d.conv.Handle(ctx, s, isNew, ev)
	d.answerCallback(ctx, in, res.Toast)
	var epoch uint32
	if res.Session != nil {
		epoch = res.Session.Epoch
	}
	if err := d.deliver(ctx, in.chatID, ev.MessageID, epoch, false, res.Replies); err != nil {
		return nil, err
	}
	d.observe(res)
	next, err := d.inbox.Commit(ctx, lease, updateID, res.Session)
	if err != nil {
		return nil, err
	}
	*sess = res.Session
	if res.Erase {
		d.log.Info("person erased their data", "chat", d.pseu.Chat(in.chatID))
	}
	return next, nil
}

// processStaff handles an update of the staff group. The group's updates
// go through the inbox like a person's: exactly once, in order.
func (d *Dispatcher) processStaff(ctx context.Context, lease domain.Lease, updateID int64, in incoming) ([]domain.Pending, error) {
	ev := in.event
	if in.callbackID != "" {
		if a, valid := d.codec.decode(in.chatID, 0, in.callbackData); valid {
			ev.Kind, ev.Action = domain.EventButton, a
		}
	}
	res := d.conv.HandleStaff(ctx, ev)
	d.answerCallback(ctx, in, res.Toast)
	if err := d.deliver(ctx, in.chatID, 0, 0, false, res.Replies); err != nil {
		return nil, err
	}
	d.observe(res)
	return d.inbox.Commit(ctx, lease, updateID, nil)
}

// Deliver sends replies decided outside an update: the hand-over sweep,
// the agenda, reminders. Bulk sends (reminders) are paced to Telegram's
// overall limit as well.
func (d *Dispatcher) Deliver(ctx context.Context, res domain.Result, bulk bool) error {
	err := d.deliver(ctx, 0, 0, 0, bulk, res.Replies)
	d.observe(res)
	return err
}

// verify checks a button's MAC: against the session's epoch, or — for the
// few buttons sent into the chat from outside the person's own
// conversation (end, rate) — against epoch 0.
func (d *Dispatcher) verify(chatID int64, epoch uint32, isNew bool, data string) (domain.Action, bool) {
	if a, ok := d.codec.decode(chatID, epoch, data); ok && !isNew {
		return a, true
	}
	if a, ok := d.codec.decode(chatID, 0, data); ok && d.conv.CrossChat(a.Name) {
		return a, true
	}
	return domain.Action{}, false
}

// answerCallback answers every press, or the client shows a spinner.
func (d *Dispatcher) answerCallback(ctx context.Context, in incoming, toast string) {
	if in.callbackID == "" {
		return
	}
	if err := d.client.Request(ctx, tgbotapi.NewCallback(in.callbackID, toast)); err != nil {
		d.log.Warn("answer callback failed", "chat", d.pseu.Chat(in.chatID), "err", err)
	}
}

// handleGroup: the bot serves private chats and the staff group only; it
// leaves any other group it was added to, without a word.
func (d *Dispatcher) handleGroup(ctx context.Context, in incoming) error {
	if in.callbackID != "" {
		_ = d.client.Request(ctx, tgbotapi.NewCallback(in.callbackID, ""))
	}
	if in.chatID == d.opt.StaffChatID {
		d.m.observeUpdate("ignored", 0)
		return nil
	}
	err := d.client.Request(ctx, tgbotapi.LeaveChatConfig{ChatID: in.chatID})
	var apiErr *APIError
	if err != nil && !(errors.As(err, &apiErr) && apiErr.Permanent()) {
		return err
	}
	// The group's own id, not a pseudonym: it names no person, and it is
	// what IT puts into STAFF_CHAT_ID after adding the bot to the staff
	// group (README, staff group setup).
	d.log.Info("left unknown group", "group_id", in.chatID)
	d.m.observeUpdate("ignored", 0)
	return nil
}

func newToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newEpoch() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])
}
