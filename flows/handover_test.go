package flows_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"lotse/flows"
	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/testclock"
)

const amalChat = 4242

func amalSession() domain.Session {
	return domain.Session{Lang: "ar", Epoch: 1, PrivacyAck: clock, Screen: "faq:housing.wbs", Steps: []string{"housing.wbs"}}
}

// mustTickets is a ticket store on a Redis of the test's own.
func mustTickets(tb testing.TB) *redisstore.Tickets {
	tb.Helper()
	return redistest.Must(tb).Store(redisstore.Options{}).Tickets(0)
}

// openRequest has Amal, reading lang, send the request she was
// describing; it returns her session with the ticket open.
func openRequest(tb testing.TB, e *flows.Engine, lang string) domain.Session {
	tb.Helper()
	s := amalSession()
	s.Lang, s.Handover = lang, "describe"
	return *e.Handle(context.Background(), s, false, personPress("hs", "")).Session
}

func personText(s string) domain.Event {
	return domain.Event{Kind: domain.EventText, Text: s, ChatID: amalChat, FirstName: "Amal", MessageID: 50}
}

func personPress(name, arg string) domain.Event {
	ev := press(name, arg)
	ev.ChatID, ev.FirstName = amalChat, "Amal"
	return ev
}

func staffPress(user int64, name, arg string) domain.Event {
	return domain.Event{Kind: domain.EventButton, ChatID: staffChat, UserID: user, Action: domain.Action{Name: name, Arg: arg}}
}

// repliesTo picks the replies for one chat (0: the event's own chat).
func repliesTo(r domain.Result, chat int64) []domain.Reply {
	var out []domain.Reply
	for _, rep := range r.Replies {
		if rep.ChatID == chat {
			out = append(out, rep)
		}
	}
	return out
}

func TestHandover_FullCycle(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	s := amalSession()

	res := e.Handle(ctx, s, false, personPress("h", ""))
	if res.Session.Handover != "describe" || !hasAction(res, "hs") || !hasAction(res, "hc") {
		t.Fatalf("request: %+v", res.Session)
	}
	res = e.Handle(ctx, *res.Session, false, personText("رسالة من مكتب الأجانب <b>urgent</b>"))
	s = *res.Session
	if s.Handover != "open" || s.Ticket == 0 {
		t.Fatalf("ticket not opened: %+v", s)
	}
	id := ticketID(s.Ticket)
	staff := repliesTo(res, staffChat)
	if len(staff) != 2 || !staff[0].Card || staff[0].Ticket != s.Ticket {
		t.Fatalf("staff group got %+v", staff)
	}
	card := staff[0]
	tickets.Touch(ctx, s.Ticket, clock, 300) // as the bot adapter records the sent card
	// Language and topic by name, the question by its title (issue 14).
	for _, want := range []string{"#" + id, "Amal", "Arabic", "Housing", "Wohnberechtigungsschein", "Waiting for"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("card lacks %q:\n%s", want, card.Text)
		}
	}
	if len(card.Mention) != 1 || card.Mention[0].UserID != anna.UserID {
		t.Errorf("card should mention the Arabic speaker: %+v", card.Mention)
	}
	if !strings.Contains(staff[1].Text, "<b>urgent</b>") || staff[1].Ticket != s.Ticket {
		t.Errorf("description relay = %+v", staff[1])
	}
	if own := repliesTo(res, 0); len(own) != 1 || !strings.Contains(own[0].Text, id) {
		t.Errorf("person not told: %+v", own)
	}
	events := res.Events
	if len(events) != 1 || events[0].Kind != "opened" || events[0].Lang != "ar" {
		t.Errorf("events = %+v", events)
	}

	t.Run("WaitingMessagesAreCollected", func(t *testing.T) {
		res := e.Handle(ctx, s, false, personText("هل من أحد؟"))
		if len(repliesTo(res, staffChat)) != 0 || len(repliesTo(res, 0)) != 1 {
			t.Errorf("waiting message: %+v", res.Replies)
		}
		media := domain.Event{Kind: domain.EventMedia, Media: "photo", ChatID: amalChat, FirstName: "Amal", MessageID: 51, Text: "الرسالة"}
		res = e.Handle(ctx, s, false, media)
		if len(repliesTo(res, staffChat)) != 0 || len(repliesTo(res, 0)) != 1 {
			t.Errorf("waiting photo: %+v", res.Replies)
		}
	})

	t.Run("NonStaffIgnored", func(t *testing.T) {
		res := e.HandleStaff(ctx, staffPress(999, "T", id))
		if res.Toast == "" || len(repliesTo(res, 999)) != 1 {
			t.Errorf("stranger not told privately: %+v", res)
		}
		res = e.HandleStaff(ctx, staffPress(999, "T", id))
		if len(res.Replies) != 0 {
			t.Errorf("stranger told twice: %+v", res.Replies)
		}
	})

	res = e.HandleStaff(ctx, staffPress(anna.UserID, "T", id))
	toPerson := repliesTo(res, amalChat)
	if len(toPerson) != 1 || !strings.Contains(toPerson[0].Text, "Anna Becker") || toPerson[0].Buttons[0][0].Action.Name != "he" {
		t.Fatalf("person not told who took over: %+v", res.Replies)
	}
	group := repliesTo(res, staffChat)
	if len(group) != 3 || !strings.Contains(group[0].Text, "Taken by Anna Becker") {
		t.Fatalf("card update and what was collected: %+v", group)
	}
	// What was sent while waiting arrives now: texts together, media as media.
	if !strings.Contains(group[1].Text, "هل من أحد؟") || group[1].Ticket != s.Ticket {
		t.Errorf("collected texts = %+v", group[1])
	}
	if cp := group[2].Copy; cp == nil || cp.MessageID != 51 || cp.FromChatID != amalChat || group[2].Ticket != s.Ticket {
		t.Errorf("collected photo = %+v", group[2])
	}

	t.Run("SecondTakeRefused", func(t *testing.T) {
		res := e.HandleStaff(ctx, staffPress(omar.UserID, "T", id))
		if !strings.Contains(res.Toast, "Anna Becker") || len(repliesTo(res, amalChat)) != 0 {
			t.Errorf("second take: %+v", res)
		}
	})

	// Anna answers by replying to the relayed description (message 500).
	if err := tickets.Relay(ctx, 500, s.Ticket, false); err != nil {
		t.Fatal(err)
	}
	reply := domain.Event{Kind: domain.EventText, ChatID: staffChat, UserID: anna.UserID, ReplyTo: 500, MessageID: 501, Text: "مرحبا أمل، أرسلي لي الرسالة"}
	res = e.HandleStaff(ctx, reply)
	if got := repliesTo(res, amalChat); len(got) != 1 || !strings.Contains(got[0].Text, "أرسلي") {
		t.Fatalf("staff reply not delivered: %+v", res.Replies)
	}
	t.Run("MediaWithTheName", func(t *testing.T) {
		for _, c := range []struct {
			media, caption, head string
			want                 string // the copy's caption
		}{
			{"photo", "Formular", "", "👤 Anna Becker\nFormular"},
			{"document", "", "", "👤 Anna Becker"},
			{"sticker", "", "👤 Anna Becker", ""},
			{"photo", strings.Repeat("x", 1020), "👤 Anna Becker", ""}, // with the name too long: kept as it is
		} {
			res := e.HandleStaff(ctx, domain.Event{Kind: domain.EventMedia, Media: c.media, Text: c.caption, ChatID: staffChat, UserID: anna.UserID, ReplyTo: 500, MessageID: 510})
			got := repliesTo(res, amalChat)
			cp := got[len(got)-1].Copy
			if cp == nil || cp.MessageID != 510 || cp.Caption != c.want {
				t.Errorf("%s: copy = %+v", c.media, got)
			}
			head := ""
			if len(got) == 2 {
				head = got[0].Text
			}
			if head != c.head {
				t.Errorf("%s: line before = %q, want %q", c.media, head, c.head)
			}
		}
	})
	t.Run("OtherStaffCannotReply", func(t *testing.T) {
		res := e.HandleStaff(ctx, domain.Event{Kind: domain.EventText, ChatID: staffChat, UserID: omar.UserID, ReplyTo: 501, MessageID: 502, Text: "x"})
		if len(repliesTo(res, amalChat)) != 0 || len(repliesTo(res, omar.UserID)) != 1 {
			t.Errorf("non-owner reply: %+v", res.Replies)
		}
	})
	t.Run("NotATicketMessage", func(t *testing.T) {
		res := e.HandleStaff(ctx, domain.Event{Kind: domain.EventText, ChatID: staffChat, UserID: anna.UserID, ReplyTo: 7777, Text: "coffee?"})
		if len(res.Replies) != 0 {
			t.Errorf("staff chatter answered: %+v", res.Replies)
		}
	})

	// Taken: the person's messages go to Anna without an acknowledgement.
	res = e.Handle(ctx, s, false, personText("شكرا"))
	if len(repliesTo(res, 0)) != 0 || len(repliesTo(res, staffChat)) != 1 {
		t.Errorf("live message: %+v", res.Replies)
	}

	// A photo whose caption would pass Telegram's limit with the header
	// still reaches the team: the caption follows as a message.
	long := strings.Repeat("ب", 1020)
	res = e.Handle(ctx, s, false, domain.Event{Kind: domain.EventMedia, Media: "photo", ChatID: amalChat, FirstName: "Amal", MessageID: 60, Text: long})
	if got := repliesTo(res, staffChat); len(got) != 2 || got[0].Copy == nil || got[0].Copy.MessageID != 60 ||
		strings.Contains(got[0].Copy.Caption, long) || !strings.HasSuffix(got[1].Text, long) || got[1].Ticket != s.Ticket {
		t.Errorf("photo with a long caption: %+v", got)
	}

	// /export, which the privacy notice names, answers the person.
	export := command("export")
	export.ChatID = amalChat
	res = e.Handle(ctx, s, false, export)
	if len(repliesTo(res, staffChat)) != 0 || len(repliesTo(res, 0)) == 0 {
		t.Errorf("/export in a hand-over: %+v", res.Replies)
	}

	// A command the bot does not know is part of the conversation: it
	// reaches Anna as written.
	numbered := command("2")
	numbered.ChatID = amalChat
	res = e.Handle(ctx, s, false, numbered)
	if got := repliesTo(res, staffChat); len(got) != 1 || !strings.HasSuffix(got[0].Text, "\n/2") {
		t.Errorf("relayed unknown command: %+v", got)
	}

	end := command("end")
	end.ChatID = amalChat
	res = e.Handle(ctx, s, false, end)
	s = *res.Session
	if s.Handover != "rate" || !hasAction(res, "hr") {
		t.Fatalf("end: %+v", s)
	}
	var four domain.Button
	for _, b := range buttons(res) {
		if b.Action.Name == "hr" && strings.HasSuffix(b.Action.Arg, ":4") {
			four = b
		}
	}
	res = e.Handle(ctx, s, false, personPress("hr", four.Action.Arg))
	if res.Session.Handover != "comment" {
		t.Fatalf("rate: %+v", res.Session)
	}
	if upd := repliesTo(res, staffChat); len(upd) != 1 || !strings.Contains(upd[0].Text, "★★★★☆") {
		t.Errorf("card lacks the rating: %+v", upd)
	}
	res = e.Handle(ctx, *res.Session, false, personText("كانت مفيدة جدا"))
	if res.Session.Handover != "" || len(repliesTo(res, staffChat)) != 1 {
		t.Errorf("comment: %+v / %+v", res.Session, res.Replies)
	}
	// Back with the bot: a question gets an answer, nothing is relayed.
	res = e.Handle(ctx, *res.Session, false, personText("Wohnberechtigungsschein beantragen"))
	if len(repliesTo(res, staffChat)) != 0 {
		t.Errorf("relayed after the hand-over ended: %+v", res.Replies)
	}
	tk, _ := tickets.Get(ctx, s.Ticket)
	if tk.Status != domain.TicketClosed || tk.Rating != 4 || tk.ClosedBy != "person" {
		t.Errorf("ticket = %+v", tk)
	}
}

func TestHandover_OutsideHours(t *testing.T) {
	e := mustEngine(t, func(set *flows.Settings) {
		loc, _ := time.LoadLocation("Europe/Berlin")
		set.Hours = flows.Hours{Loc: loc, Rules: []flows.HoursRule{{Days: []time.Weekday{time.Tuesday}, From: 8 * time.Hour, To: 12 * time.Hour}}}
	})
	s := amalSession()
	s.Lang = "en"
	s.Handover = "describe"
	res := e.Handle(context.Background(), s, false, personPress("hs", ""))
	tuesday := clock.AddDate(0, 0, 1).Format("02/01/2006") + " 08:00" // the clock is a Monday morning
	if own := repliesTo(res, 0); len(own) != 1 || !strings.Contains(own[0].Text, tuesday) || !hasAction(res, "b") {
		t.Errorf("outside hours: %+v", own)
	}
}

func TestHandover_DeleteClosesTicket(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	s := openRequest(t, e, "ar")
	// What the bot adapter records once the card and a relayed message
	// are sent, and a case manager's reply.
	tickets.Touch(ctx, s.Ticket, clock, 700)
	tickets.Relay(ctx, 700, s.Ticket, true)
	tickets.Relay(ctx, 701, s.Ticket, true)
	tickets.Relay(ctx, 702, s.Ticket, false)
	res := e.Handle(ctx, s, false, personPress("dy", strconv.FormatInt(clock.Unix(), 10)))
	if !res.Erase {
		t.Fatal("not erased")
	}
	var told, card bool
	var deleted []int
	for _, rep := range repliesTo(res, staffChat) {
		switch {
		case rep.DeleteID != 0:
			deleted = append(deleted, rep.DeleteID)
		case rep.EditID == 700:
			card = true
			if strings.Contains(rep.Text, "Amal") || strings.Contains(rep.Text, "housing.wbs") || len(rep.Buttons) != 0 {
				t.Errorf("the card still shows the person or offers actions: %+v", rep)
			}
		case strings.Contains(rep.Text, "erased"):
			told = true
		default:
			t.Errorf("unexpected staff reply: %+v", rep)
		}
	}
	if !told || !card || len(deleted) != 1 || deleted[0] != 701 {
		t.Errorf("staff told %v, card blanked %v, deleted %v (want the relayed copy 701 only)", told, card, deleted)
	}
	if _, err := tickets.Get(ctx, s.Ticket); err == nil {
		t.Error("ticket survived erasure")
	}
}

// TestHandover_ReplyAfterErasure: a case manager who answers a person
// after they erased their data (the group was told, but may not have
// read it) is told in the group that the answer was not delivered and
// why — whether they reply with text, a photo, a curated reply or an
// offer, to a relayed message, their own earlier answer or the card.
func TestHandover_ReplyAfterErasure(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	s := openRequest(t, e, "ar")
	id := strconv.FormatInt(s.Ticket, 10)
	tickets.Touch(ctx, s.Ticket, clock, 700)
	tickets.Relay(ctx, 700, s.Ticket, true)
	tickets.Relay(ctx, 701, s.Ticket, true)
	e.HandleStaff(ctx, staffPress(anna.UserID, "T", id))
	tickets.Relay(ctx, 702, s.Ticket, false)
	if res := e.Handle(ctx, s, false, personPress("dy", strconv.FormatInt(clock.Unix(), 10))); !res.Erase {
		t.Fatal("not erased")
	}
	want := fmt.Sprintf("⚠️ #%d: the person has erased their data – your message was not delivered. Nothing sent to this request reaches them.", s.Ticket)
	for _, c := range []struct {
		name string
		ev   domain.Event
	}{
		{"text to a relayed message", domain.Event{Kind: domain.EventText, ReplyTo: 701, Text: "مرحبا"}},
		{"text to her own answer", domain.Event{Kind: domain.EventText, ReplyTo: 702, Text: "مرحبا"}},
		{"text to the card", domain.Event{Kind: domain.EventText, ReplyTo: 700, Text: "مرحبا"}},
		{"photo", domain.Event{Kind: domain.EventMedia, Media: "photo", ReplyTo: 701}},
		{"/reply 1", domain.Event{Kind: domain.EventCommand, Command: "reply", Args: "1", ReplyTo: 701}},
		{"curated reply button", domain.Event{Kind: domain.EventButton, Action: domain.Action{Name: "R", Arg: id + ":1"}}},
		{"/replies", domain.Event{Kind: domain.EventCommand, Command: "replies", ReplyTo: 701}},
	} {
		ev := c.ev
		ev.ChatID, ev.UserID, ev.MessageID = staffChat, anna.UserID, 800
		res := e.HandleStaff(ctx, ev)
		if got := repliesTo(res, amalChat); len(got) != 0 {
			t.Errorf("%s: delivered to the erased person: %+v", c.name, got)
		}
		group := repliesTo(res, staffChat)
		if c.name == "/replies" && len(group) > 0 {
			group = group[1:] // the list of curated replies, then why no buttons
		}
		if len(group) != 1 || group[0].Text != want {
			t.Errorf("%s: group told %+v, want %q", c.name, group, want)
		}
	}
	// A typed /close has no button to show a toast on: the group is told.
	res := e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "close", ReplyTo: 701, ChatID: staffChat, UserID: anna.UserID, MessageID: 801})
	if group := repliesTo(res, staffChat); len(group) != 1 || group[0].Text != "This request is closed or erased." {
		t.Errorf("/close after the erasure: group told %+v", group)
	}
}

func TestHandover_Sweep(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	id := openRequest(t, e, "ar").Ticket
	tickets.Touch(ctx, id, clock, 300) // as the bot adapter records the sent card

	defer func(c time.Time) { clock = c }(clock)
	clock = clock.Add(31 * time.Minute)
	res, err := e.Sweep(ctx)
	if err != nil || len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "31") || res.Replies[0].Ticket != id {
		t.Fatalf("reannounce: %+v, %v", res.Replies, err)
	}
	if res, _ = e.Sweep(ctx); len(res.Replies) != 0 {
		t.Errorf("announced twice within the interval: %+v", res.Replies)
	}
	clock = clock.Add(73 * time.Hour)
	res, _ = e.Sweep(ctx)
	if len(repliesTo(res, amalChat)) != 1 || len(repliesTo(res, staffChat)) != 2 {
		t.Fatalf("timeout close: %+v", res.Replies)
	}
	if tk, _ := tickets.Get(ctx, id); tk.ClosedBy != "timeout" {
		t.Errorf("ticket = %+v", tk)
	}
}

// TestHandover_LeavingDescription: someone who asks for a person and then
// taps elsewhere is back with the bot; their next question is answered,
// not sent to the team.
func TestHandover_LeavingDescription(t *testing.T) {
	e := mustEngine(t)
	s := amalSession()
	s.Lang = "en"
	res := e.Handle(context.Background(), s, false, personPress("h", ""))
	res = e.Handle(context.Background(), *res.Session, false, personPress("a", "housing"))
	res = e.Handle(context.Background(), *res.Session, false, personText("How do I register my address at the Bürgeramt?"))
	if len(repliesTo(res, staffChat)) != 0 || res.Session.Ticket != 0 {
		t.Errorf("question opened a ticket after leaving: %+v", res.Replies)
	}
}

// TestHandover_DoubleTapOnNotice: a second tap on "understood" keeps the
// step the first tap opened: the description still reaches the team, and
// a booking keeps its draft; a second tap on "send" says nothing more.
func TestHandover_DoubleTapOnNotice(t *testing.T) {
	ctx := context.Background()
	e := mustEngine(t)
	fresh := domain.Session{Lang: "en", Epoch: 1}
	res := e.Handle(ctx, fresh, false, personPress("h", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("pa", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("pa", ""))
	if len(res.Replies) != 0 {
		t.Errorf("second tap answered: %q", allText(res))
	}
	res = e.Handle(ctx, *res.Session, false, personText("I need help with a letter from the Jobcenter"))
	if len(repliesTo(res, staffChat)) == 0 || res.Session.Ticket == 0 {
		t.Errorf("the description did not reach the team: %+v", res.Replies)
	}

	res = e.Handle(ctx, fresh, false, personPress("h", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("pa", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("hs", ""))
	if res.Session.Ticket == 0 {
		t.Fatalf("no request sent: %+v", res.Replies)
	}
	if res = e.Handle(ctx, *res.Session, false, personPress("hs", "")); len(res.Replies) != 0 {
		t.Errorf("second tap on send: %q", allText(res))
	}

	b, _ := bookingEngine(t, langs{})
	res = b.Handle(ctx, fresh, false, personPress("b", ""))
	res = b.Handle(ctx, *res.Session, false, personPress("pa", ""))
	res = b.Handle(ctx, *res.Session, false, personPress("pa", ""))
	if len(res.Replies) != 0 || res.Session.Draft == nil {
		t.Errorf("second tap in booking: %q, draft %+v", allText(res), res.Session.Draft)
	}
}

// TestHandover_TypedMenuLeavesDescription: "back to menu" typed where the
// person was asked to describe their matter leaves the step, as the
// button does; it opens no request.
func TestHandover_TypedMenuLeavesDescription(t *testing.T) {
	e := mustEngine(t)
	s := amalSession()
	s.Lang = "en"
	res := e.Handle(context.Background(), s, false, personPress("h", ""))
	res = e.Handle(context.Background(), *res.Session, false, personText("back to menu"))
	if len(repliesTo(res, staffChat)) != 0 || res.Session.Ticket != 0 || res.Session.Handover != "" {
		t.Errorf("typed menu opened a request: %+v", res.Replies)
	}
	if !strings.Contains(allText(res), "How can I help") {
		t.Errorf("typed menu: %q, want the menu", allText(res))
	}
}

// An old "cancel request" button, from a request that has ended, must not
// withdraw the request open now: a case manager may be answering it. The
// person is told which request is open, with its own cancel button.
func TestHandover_OldCancelButtonKeepsTheOpenRequest(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	// The second request, an hour later: a request is one per moment.
	later := mustEngineWithDeps(t, flows.Deps{Tickets: tickets, Now: func() time.Time { return clock.Add(time.Hour) }})
	open := func(e *flows.Engine, s domain.Session) (domain.Session, domain.Button) {
		t.Helper()
		s.Handover = "describe"
		res := e.Handle(ctx, s, false, personPress("hs", ""))
		if res.Session.Handover != "open" {
			t.Fatalf("not opened: %+v", res.Session)
		}
		return *res.Session, find(t, res, "hc")
	}
	s, oldCancel := open(e, amalSession())
	first := s.Ticket
	res := e.Handle(ctx, s, false, personPress(oldCancel.Action.Name, oldCancel.Action.Arg))
	if res.Session.Handover != "" {
		t.Fatalf("its own cancel button did not withdraw the request: %+v", res.Session)
	}
	s, _ = open(later, *res.Session)
	if s.Ticket == first {
		t.Fatal("the second request has the first one's number")
	}
	res = later.Handle(ctx, s, false, personPress(oldCancel.Action.Name, oldCancel.Action.Arg))
	if res.Session.Handover != "open" || res.Session.Ticket != s.Ticket {
		t.Fatalf("an old cancel button withdrew request %d: %+v", s.Ticket, res.Session)
	}
	if tk, err := tickets.Get(ctx, s.Ticket); err != nil || tk.Status == domain.TicketClosed {
		t.Fatalf("the open request was closed: %+v %v", tk, err)
	}
	if cur := find(t, res, "hc"); cur.Action.Arg != ticketID(s.Ticket) {
		t.Errorf("the cancel button offered names request %q, want %d", cur.Action.Arg, s.Ticket)
	}
}

// An old cancel button pressed with no request open says it is out of
// date instead of "your request was withdrawn".
func TestHandover_OldCancelButtonWithNothingOpen(t *testing.T) {
	ctx := context.Background()
	e := mustEngineWith(t, mustTickets(t))
	res := e.Handle(ctx, amalSession(), false, personPress("hc", "41"))
	ar := mustBundle(t).For("ar")
	if got := allText(res); strings.Contains(got, ar.T("handover.cancelled", nil)) || !strings.Contains(got, ar.T("input.stale_button", nil)) {
		t.Errorf("old cancel button, nothing open: %q", got)
	}
}

// TestHandover_CommandsDoWhatTheySay: /start, /help, /menu and the other
// commands of the menu do what they say while a request is open, waiting
// or taken — they are not passed to the case manager as if the person had
// written them — and the person is reminded that what they type still goes
// to the team.
func TestHandover_CommandsDoWhatTheySay(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	en := mustBundle(t).For("en")
	s := openRequest(t, e, "en")
	if s.Handover != "open" {
		t.Fatalf("not opened: %+v", s)
	}
	note := en.T("handover.still_open", map[string]any{"Ticket": s.Ticket})
	check := func(t *testing.T, s domain.Session) {
		for _, c := range []struct{ cmd, want string }{
			{"help", en.T("help.text", nil)},
			{"start", "Lotse"},
			{"menu", en.T("menu.title", nil)},
		} {
			ev := command(c.cmd)
			ev.ChatID = amalChat
			res := e.Handle(ctx, s, false, ev)
			if got := repliesTo(res, staffChat); len(got) != 0 {
				t.Errorf("/%s went to the team: %+v", c.cmd, got)
			}
			if got := allText(res); !strings.Contains(got, c.want) || !strings.Contains(got, note) {
				t.Errorf("/%s answered %q, want %q and the reminder %q", c.cmd, got, c.want, note)
			}
			if res.Session.Handover != "open" || res.Session.Ticket != s.Ticket {
				t.Errorf("/%s left the request: %+v", c.cmd, res.Session)
			}
		}
	}
	t.Run("Waiting", func(t *testing.T) { check(t, s) })
	if res := e.HandleStaff(ctx, staffPress(anna.UserID, "T", ticketID(s.Ticket))); len(repliesTo(res, amalChat)) != 1 {
		t.Fatalf("not taken: %+v", res.Replies)
	}
	t.Run("Taken", func(t *testing.T) { check(t, s) })

	// Once the request has ended the menu is the menu, without the note.
	end := command("end")
	end.ChatID = amalChat
	res := e.Handle(ctx, s, false, end)
	menu := command("menu")
	menu.ChatID = amalChat
	if got := allText(e.Handle(ctx, *res.Session, false, menu)); strings.Contains(got, note) {
		t.Errorf("reminder after the end: %q", got)
	}
}

// takenWhileCollecting is a ticket store in which a case manager takes
// the ticket — and the bot posts what was collected — just after the
// person's message found it waiting and before it is collected: the two
// chats are handled at the same time, by different workers.
type takenWhileCollecting struct {
	domain.TicketStore
	take func()
}

func (s *takenWhileCollecting) Collect(ctx context.Context, ticket int64, item string) error {
	if s.take != nil {
		s.take()
		s.take = nil
	}
	return s.TicketStore.Collect(ctx, ticket, item)
}

// TestHandover_TakenWhileWriting: a message written in the moment a case
// manager takes the request reaches them — it is neither kept for a batch
// already posted nor lost.
func TestHandover_TakenWhileWriting(t *testing.T) {
	ctx := context.Background()
	store := &takenWhileCollecting{TicketStore: mustTickets(t)}
	e := mustEngineWith(t, store)
	s := openRequest(t, e, "ar")
	var taken domain.Result
	store.take = func() { taken = e.HandleStaff(ctx, staffPress(anna.UserID, "T", ticketID(s.Ticket))) }
	res := e.Handle(ctx, s, false, personText("الرسالة وصلت اليوم"))
	if store.take != nil {
		t.Fatal("the message was not collected: the race was not staged")
	}
	var got int
	for _, r := range append(repliesTo(taken, staffChat), repliesTo(res, staffChat)...) {
		if strings.Contains(r.Text, "الرسالة وصلت اليوم") {
			got++
		}
	}
	if got != 1 {
		t.Errorf("the message reached the team %d times: taken %+v, person %+v", got, taken.Replies, res.Replies)
	}
}

// TestHandover_ClosedWhileWriting: a message written in the moment the
// request is closed is answered by the bot, not kept for nobody.
func TestHandover_ClosedWhileWriting(t *testing.T) {
	ctx := context.Background()
	store := &takenWhileCollecting{TicketStore: mustTickets(t)}
	e := mustEngineWith(t, store)
	s := openRequest(t, e, "en")
	store.take = func() { e.HandleStaff(ctx, staffPress(anna.UserID, "X", ticketID(s.Ticket))) }
	res := e.Handle(ctx, s, false, personText("How do I apply for a Wohnberechtigungsschein?"))
	if strings.Contains(allText(res), mustBundle(t).For("en").T("handover.passed_on", nil)) || res.Session.Handover != "" {
		t.Errorf("message to a closed request: %q, %+v", allText(res), res.Session)
	}
	if len(repliesTo(res, 0)) == 0 {
		t.Error("the bot did not answer")
	}
}

// TestHandover_LanguageFollowsThePerson: a person who switches language
// during a hand-over reads the team's messages in the new one from then
// on; the card and the group say so.
func TestHandover_LanguageFollowsThePerson(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	s := openRequest(t, e, "ar")
	tickets.Touch(ctx, s.Ticket, clock, 300) // as the bot adapter records the sent card
	e.HandleStaff(ctx, staffPress(anna.UserID, "T", ticketID(s.Ticket)))

	res := e.Handle(ctx, s, false, personPress("L", "en"))
	if res.Session.Lang != "en" || res.Session.Handover != "open" {
		t.Fatalf("switch: %+v", res.Session)
	}
	group := repliesTo(res, staffChat)
	var told, card bool
	for _, rep := range group {
		told = told || strings.Contains(rep.Text, "#"+ticketID(s.Ticket)) && strings.Contains(rep.Text, "English") && rep.EditID == 0
		card = card || rep.EditID == 300 && strings.Contains(rep.Text, "English")
	}
	if !told || !card {
		t.Errorf("group not told of the new language (note %v, card %v): %+v", told, card, group)
	}
	if tk, _ := tickets.Get(ctx, s.Ticket); tk.Lang != "en" {
		t.Errorf("ticket language = %q, want en", tk.Lang)
	}
	// A language picked again, the same, tells nobody.
	if got := repliesTo(e.Handle(ctx, *res.Session, false, personPress("L", "en")), staffChat); len(got) != 0 {
		t.Errorf("group told without a change: %+v", got)
	}
	// The team's close reaches the person in English.
	closed := e.HandleStaff(ctx, staffPress(anna.UserID, "X", ticketID(s.Ticket)))
	en := mustBundle(t).For("en")
	if got := repliesTo(closed, amalChat); len(got) != 1 || !strings.Contains(got[0].Text, en.T("handover.closed_by_staff", nil)) {
		t.Errorf("close after the switch: %+v", got)
	}
}

// TestHandover_UrgentWhileWaiting: an emergency written while the request
// waits gets the numbers first and reaches the team at once, marked,
// rather than waiting in the batch until someone takes the request.
func TestHandover_UrgentWhileWaiting(t *testing.T) {
	ctx := context.Background()
	e := mustEngineWith(t, mustTickets(t))
	s := openRequest(t, e, "de")
	res := e.Handle(ctx, s, false, personText("ich will nicht mehr leben"))
	if len(res.Replies) == 0 || !strings.Contains(res.Replies[0].Text, "0800 111 0 111") {
		t.Fatalf("first reply is not the crisis line: %+v", res.Replies)
	}
	group := repliesTo(res, staffChat)
	if len(group) != 1 || !strings.HasPrefix(group[0].Text, "🚨") || !strings.Contains(group[0].Text, "ich will nicht mehr leben") || group[0].Ticket != s.Ticket {
		t.Errorf("the team did not get the urgent message at once: %+v", group)
	}
	// A calm message still waits for the batch.
	if got := repliesTo(e.Handle(ctx, s, false, personText("Danke")), staffChat); len(got) != 0 {
		t.Errorf("calm message posted while waiting: %+v", got)
	}
}

// TestHandover_EditedMessage: a person who changes a message they sent
// to the team is told the team does not see the change, rather than that
// the bot wants their question again.
func TestHandover_EditedMessage(t *testing.T) {
	ctx := context.Background()
	e := mustEngineWith(t, mustTickets(t))
	s := openRequest(t, e, "en")
	en := mustBundle(t).For("en")
	res := e.Handle(ctx, s, false, domain.Event{Kind: domain.EventEdited, Text: "my appointment is on Tuesday", ChatID: amalChat, MessageID: 50})
	if got := allText(res); !strings.Contains(got, en.T("handover.edited", nil)) || strings.Contains(got, en.T("input.edited", nil)) {
		t.Errorf("edit during a hand-over: %q", got)
	}
	if len(repliesTo(res, staffChat)) != 0 || res.Session.Handover != "open" {
		t.Errorf("edit: %+v", res)
	}
}

// TestHandover_EndBeforeAnyoneAnswered: /end on a request nobody has
// taken yet withdraws it: no rating of a conversation that never was.
func TestHandover_EndBeforeAnyoneAnswered(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	s := openRequest(t, e, "en")
	end := command("end")
	end.ChatID = amalChat
	res := e.Handle(ctx, s, false, end)
	en := mustBundle(t).For("en")
	if got := allText(res); hasAction(res, "hr") || !strings.Contains(got, en.T("handover.cancelled", nil)) {
		t.Errorf("/end while waiting: %q", got)
	}
	if res.Session.Handover != "" {
		t.Errorf("session: %+v", res.Session)
	}
	if tk, _ := tickets.Get(ctx, s.Ticket); tk.Status != domain.TicketClosed || tk.ClosedBy != "cancelled" {
		t.Errorf("ticket: %+v", tk)
	}
}

// TestHandover_WaitingLocationLabelled: a location (or sticker, contact)
// sent while the request waits is posted, once taken, under the request's
// label as it would be live — not bare among other requests' messages.
func TestHandover_WaitingLocationLabelled(t *testing.T) {
	ctx := context.Background()
	e := mustEngineWith(t, mustTickets(t))
	s := openRequest(t, e, "ar")
	e.Handle(ctx, s, false, domain.Event{Kind: domain.EventMedia, Media: "location", ChatID: amalChat, FirstName: "Amal", MessageID: 70,
		Location: &domain.Location{Lat: 52.5, Lon: 13.4}})
	res := e.HandleStaff(ctx, staffPress(anna.UserID, "T", ticketID(s.Ticket)))
	group := repliesTo(res, staffChat)
	for i, rep := range group {
		if rep.Copy == nil || rep.Copy.MessageID != 70 {
			continue
		}
		label := "#" + ticketID(s.Ticket)
		if rep.Copy.Caption == "" && (i == 0 || !strings.HasPrefix(group[i-1].Text, label)) {
			t.Errorf("location posted without the request's label: %+v", group)
		}
		return
	}
	t.Fatalf("location not posted: %+v", group)
}

// TestHandover_PersonBlocked: the person blocks the bot during a
// hand-over: the request is closed and the team told; nothing is said to
// the person, who can no longer receive it. Someone who blocks the bot
// without ever having written leaves no session behind.
func TestHandover_PersonBlocked(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	s := openRequest(t, e, "ar")
	blocked := domain.Event{Kind: domain.EventBlocked, ChatID: amalChat}
	res := e.Handle(ctx, s, false, blocked)
	if len(repliesTo(res, 0)) != 0 || len(repliesTo(res, amalChat)) != 0 {
		t.Errorf("said something to someone who blocked the bot: %+v", res.Replies)
	}
	if got := repliesTo(res, staffChat); len(got) == 0 || !strings.Contains(got[len(got)-1].Text, "blocked") {
		t.Errorf("team not told: %+v", got)
	}
	if tk, _ := tickets.Get(ctx, s.Ticket); tk.Status != domain.TicketClosed || tk.ClosedBy != "blocked" {
		t.Errorf("ticket: %+v", tk)
	}
	if res.Session == nil || res.Session.Handover != "" {
		t.Errorf("session: %+v", res.Session)
	}
	if res := e.Handle(ctx, domain.Session{}, true, blocked); res.Session != nil || len(res.Replies) != 0 || len(res.Counts) != 0 {
		t.Errorf("a stranger's block: %+v", res)
	}
}

// TestHandover_SweepWaitsForTheTeam: a request made after the team's last
// hours of the week is not closed for inactivity before the team has been
// back for the whole time: the person was told when the team answers.
func TestHandover_SweepWaitsForTheTeam(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	defer func(c time.Time) { clock = c }(clock)
	loc, _ := time.LoadLocation("Europe/Berlin")
	// Office hours on Mondays only; the clock is a Monday morning.
	e := mustEngineWith(t, tickets, func(set *flows.Settings) {
		set.Hours = flows.Hours{Loc: loc, Rules: []flows.HoursRule{{Days: []time.Weekday{time.Monday}, From: 8 * time.Hour, To: 12 * time.Hour}}}
	})
	clock = clock.Add(6 * time.Hour) // Monday afternoon: closed until next Monday
	id := openRequest(t, e, "ar").Ticket

	clock = clock.Add(73 * time.Hour) // Thursday: nobody could have taken it
	res, err := e.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(repliesTo(res, amalChat)) != 0 {
		t.Fatalf("closed while the team was away: %+v", res.Replies)
	}
	if tk, _ := tickets.Get(ctx, id); tk.Status == domain.TicketClosed {
		t.Fatalf("ticket closed: %+v", tk)
	}
	// Back on the next Monday at 08:00; 72 hours after that, still
	// untouched: closed. (The clock is a Monday in every test year.)
	monday := testclock.Start().In(loc).AddDate(0, 0, 7)
	back := time.Date(monday.Year(), monday.Month(), monday.Day(), 8, 0, 0, 0, loc)
	clock = back.Add(72 * time.Hour)
	if res, _ = e.Sweep(ctx); len(repliesTo(res, amalChat)) != 1 {
		t.Errorf("not closed 72 h after the team was back: %+v", res.Replies)
	}
}

// TestHandover_NoReannounceWhileClosed: a waiting request is announced
// again only while the team is at work, not every half hour through the
// night and the weekend.
func TestHandover_NoReannounceWhileClosed(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	defer func(c time.Time) { clock = c }(clock)
	loc, _ := time.LoadLocation("Europe/Berlin")
	e := mustEngineWith(t, tickets, func(set *flows.Settings) {
		set.Hours = flows.Hours{Loc: loc, Rules: []flows.HoursRule{{Days: []time.Weekday{time.Monday, time.Tuesday}, From: 8 * time.Hour, To: 12 * time.Hour}}}
	})
	clock = clock.Add(6 * time.Hour) // Monday 17:00 in Berlin: closed
	openRequest(t, e, "ar")
	for _, later := range []time.Duration{31 * time.Minute, 2 * time.Hour, 10 * time.Hour} {
		clock = clock.Add(later)
		if res, _ := e.Sweep(ctx); len(res.Replies) != 0 {
			t.Errorf("announced again at %s, while closed: %+v", clock.In(loc).Format("Mon 15:04"), res.Replies)
		}
	}
	tuesday := testclock.Start().In(loc).AddDate(0, 0, 1)
	clock = time.Date(tuesday.Year(), tuesday.Month(), tuesday.Day(), 8, 0, 0, 0, loc) // Tuesday 08:00
	if res, _ := e.Sweep(ctx); len(res.Replies) != 1 {
		t.Errorf("not announced again when the team is back: %+v", res.Replies)
	}
}

// TestHandover_WaitingInOrder: what the person sent while waiting reaches
// the case manager in the order it was sent — "here is the letter",
// the photo, "and this is page two" — texts between media kept together.
func TestHandover_WaitingInOrder(t *testing.T) {
	ctx := context.Background()
	e := mustEngineWith(t, mustTickets(t))
	s := openRequest(t, e, "ar")
	photo := func(id int) domain.Event {
		return domain.Event{Kind: domain.EventMedia, Media: "photo", ChatID: amalChat, FirstName: "Amal", MessageID: id}
	}
	for _, ev := range []domain.Event{personText("هذه الرسالة"), personText("الصفحة الأولى"), photo(81), personText("والصفحة الثانية"), photo(82)} {
		e.Handle(ctx, s, false, ev)
	}
	res := e.HandleStaff(ctx, staffPress(anna.UserID, "T", ticketID(s.Ticket)))
	var order []string
	for _, rep := range repliesTo(res, staffChat) {
		switch {
		case rep.Copy != nil:
			order = append(order, strconv.Itoa(rep.Copy.MessageID))
		case strings.Contains(rep.Text, "والصفحة الثانية"):
			order = append(order, "page two")
		case strings.Contains(rep.Text, "هذه الرسالة") && strings.Contains(rep.Text, "الصفحة الأولى"):
			order = append(order, "letter")
		}
	}
	if got := strings.Join(order, ", "); got != "letter, 81, page two, 82" {
		t.Errorf("posted in the order %q, want %q", got, "letter, 81, page two, 82")
	}
}
