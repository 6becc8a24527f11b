package flows_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/locales"
)

// errBlip is what a store returns while Redis does not answer: anything
// but domain.ErrNotFound.
var errBlip = errors.New("redis: connection refused")

// flakyTickets fails Get while down is set.
type flakyTickets struct {
	domain.TicketStore
	down atomic.Bool
}

func (f *flakyTickets) Get(ctx context.Context, id int64) (domain.Ticket, error) {
	if f.down.Load() {
		return domain.Ticket{}, errBlip
	}
	return f.TicketStore.Get(ctx, id)
}

// flakyBookings fails Get while down is set.
type flakyBookings struct {
	domain.BookingStore
	down atomic.Bool
}

func (f *flakyBookings) Get(ctx context.Context, id string) (domain.Booking, error) {
	if f.down.Load() {
		return domain.Booking{}, errBlip
	}
	return f.BookingStore.Get(ctx, id)
}

// genericError is the translated "something went wrong, try again".
func genericError(t *testing.T, lang string) string {
	t.Helper()
	msgs, err := i18n.Load(locales.FS, "messages", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return msgs.For(lang).T("error.generic", nil)
}

// A Redis blip while a person's ticket is open must not detach them from
// it: they are asked to try again, and their next message reaches the
// case managers.
func TestErrors_HandoverGateKeepsTicket(t *testing.T) {
	ctx := context.Background()
	tickets := &flakyTickets{TicketStore: mustStore(t).Tickets(0)}
	e := mustEngineWith(t, tickets)
	res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("hs", ""))
	s := *res.Session
	if s.Handover != "open" || s.Ticket == 0 {
		t.Fatalf("ticket not opened: %+v", s)
	}

	tickets.down.Store(true)
	res = e.Handle(ctx, s, false, personText("هل انت موجود؟"))
	if res.Session == nil || res.Session.Handover != "open" || res.Session.Ticket != s.Ticket {
		t.Fatalf("a failed read detached the person from ticket %d: %+v", s.Ticket, res.Session)
	}
	if len(repliesTo(res, staffChat)) != 0 {
		t.Errorf("nothing may reach the staff group while the ticket is unknown: %+v", res.Replies)
	}
	if got := allText(res); !strings.Contains(got, genericError(t, "ar")) {
		t.Errorf("person was not asked to try again: %q", got)
	}

	tickets.down.Store(false)
	res = e.Handle(ctx, *res.Session, false, personText("هل انت موجود؟"))
	if res.Session.Handover != "open" {
		t.Fatalf("after the blip: %+v", res.Session)
	}
	// The ticket waits, so the message is collected for the case manager
	// who takes it: once, the failed attempt added nothing.
	if items, err := tickets.Collected(ctx, s.Ticket); err != nil || len(items) != 1 {
		t.Errorf("collected for the team = %v, %v; want the one message", items, err)
	}
}

// A Redis blip while a booking is moved must leave the old booking live
// and the draft in place; trying again completes the move once.
func TestErrors_RescheduleKeepsOldBooking(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	bookings := &flakyBookings{BookingStore: store.Bookings(0)}
	e := bookingEngineWith(t, store, bookings, langs{})
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	mine, _ := bookings.ByPerson(ctx, amalChat)
	if len(mine) != 1 {
		t.Fatalf("bookings = %+v", mine)
	}
	old := mine[0]

	res := e.Handle(ctx, s, false, personPress("ar", old.ID))
	res = e.Handle(ctx, *res.Session, false, personPress("bd", find(t, res, "bd").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bs", find(t, res, "bs").Action.Arg))
	confirm := find(t, res, "bc")
	before := *res.Session

	bookings.down.Store(true)
	res = e.Handle(ctx, before, false, personPress("bc", confirm.Action.Arg))
	if got := allText(res); !strings.Contains(got, genericError(t, "ar")) {
		t.Errorf("person was not asked to try again: %q", got)
	}
	if res.Session == nil || res.Session.Draft == nil || res.Session.Draft.Replace != old.ID {
		t.Fatalf("the move was forgotten after a failed read: %+v", res.Session)
	}
	bookings.down.Store(false)
	if got, _ := bookings.Get(ctx, old.ID); got.Status != domain.BookingBooked {
		t.Fatalf("old booking changed by a failed move: %+v", got)
	}

	res = e.Handle(ctx, *res.Session, false, personPress("bc", confirm.Action.Arg))
	if res.Session.Draft != nil {
		t.Fatalf("retry did not complete the move: %+v", res.Session.Draft)
	}
	if got, _ := bookings.Get(ctx, old.ID); got.Status != domain.BookingCancelled {
		t.Errorf("old booking still %q after the move", got.Status)
	}
	live := 0
	all, _ := bookings.ByPerson(ctx, amalChat)
	for _, bk := range all {
		if bk.Status == domain.BookingBooked {
			live++
		}
	}
	if live != 1 {
		t.Errorf("%d live bookings after the move, want 1: %+v", live, all)
	}
}

// Person-provided names on staff cards cannot reorder or break the card.
func TestStaffCard_NameIsOneCleanLine(t *testing.T) {
	ctx := context.Background()
	e := mustEngine(t)
	res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
	ev := personPress("hs", "")
	ev.FirstName = "Am\u202Eal\n#99 Omar\u2066x\u200F"
	res = e.Handle(ctx, *res.Session, false, ev)
	cards := repliesTo(res, staffChat)
	if len(cards) == 0 {
		t.Fatal("no card")
	}
	for _, c := range cards {
		if strings.ContainsAny(c.Text, "\u202E\u2066\u200F") {
			t.Errorf("bidi control on the card: %q", c.Text)
		}
		if !strings.Contains(c.Text, "Amal #99 Omarx") {
			t.Errorf("name not shown on one line: %q", c.Text)
		}
	}
}

// An Arabic first name is isolated on the card and in the relay header:
// the first strong letter of a line sets its direction, and a German
// line starting with "👤 أمل" would otherwise be laid out right to left.
func TestStaffCard_RightToLeftNameIsIsolated(t *testing.T) {
	ctx := context.Background()
	e := mustEngine(t)
	res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
	ev := personText("عندي سؤال عن السكن")
	ev.FirstName = "أمل"
	res = e.Handle(ctx, *res.Session, false, ev)
	staff := repliesTo(res, staffChat)
	if len(staff) < 2 {
		t.Fatalf("want a card and a relay, got %+v", staff)
	}
	for _, m := range staff[:2] {
		if !strings.Contains(m.Text, "\u2068أمل\u2069") {
			t.Errorf("name not isolated: %q", m.Text)
		}
	}
}
