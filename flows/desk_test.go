package flows_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"lotse/flows"
	"lotse/internal/calendar"
	"lotse/internal/domain"
	"lotse/internal/glossary"
	"lotse/internal/i18n"
	"lotse/locales"
)

// openFor opens a ticket for a person of lang and returns the result.
func openFor(t *testing.T, e *flows.Engine, lang string, chat int64) domain.Result {
	t.Helper()
	ctx := context.Background()
	s := domain.Session{Lang: lang, Epoch: 1, PrivacyAck: clock}
	ev := func(k domain.Event) domain.Event { k.ChatID, k.FirstName, k.MessageID = chat, "Lena", 5; return k }
	res := e.Handle(ctx, s, false, ev(press("h", "")))
	return e.Handle(ctx, *res.Session, false, ev(text("Hallo")))
}

func mentioned(rep domain.Reply) map[int64]bool {
	out := map[int64]bool{}
	for _, m := range rep.Mention {
		out[m.UserID] = true
	}
	return out
}

// TestDesk_Routing: speakers of a related language are suggested when
// nobody speaks the person's; a case manager on leave is not mentioned.
func TestDesk_Routing(t *testing.T) {
	ru := flows.Staff{UserID: 13, Name: "Olga Petrova", Languages: []string{"de", "ru"}}
	tickets := mustTickets(t)
	leave := func(s *flows.Settings) {
		s.Staff = []flows.Staff{anna, omar, ru}
		s.Related = flows.DefaultRelated
		s.Booking.Calendar = calendar.Calendar{Loc: time.UTC, Closures: []calendar.Closure{
			{From: clock.Format(time.DateOnly), To: clock.Format(time.DateOnly), Staff: anna.UserID}}}
	}
	e := mustEngineWith(t, tickets, leave)

	card := repliesTo(openFor(t, e, "uk", 501), staffChat)[0]
	if m := mentioned(card); !m[ru.UserID] || m[omar.UserID] || m[anna.UserID] {
		t.Errorf("Ukrainian: mentions %v, want the Russian speaker only", m)
	}
	if !strings.Contains(card.Text, "Related language: Olga Petrova") || !strings.Contains(card.Text, "Ukrainian") {
		t.Errorf("card = %q", card.Text)
	}
	card = repliesTo(openFor(t, e, "ar", 502), staffChat)[0]
	if m := mentioned(card); m[anna.UserID] {
		t.Errorf("Anna is on leave but mentioned: %q", card.Text)
	}
	if strings.Contains(card.Text, "Anna") {
		t.Errorf("card names the case manager on leave: %q", card.Text)
	}

	// Back from leave the next day, she is mentioned again.
	e = mustEngineWith(t, tickets, leave, func(s *flows.Settings) {
		s.Booking.Calendar.Closures[0].From, s.Booking.Calendar.Closures[0].To = "2020-01-01", "2020-01-02"
	})
	if m := mentioned(repliesTo(openFor(t, e, "ar", 503), staffChat)[0]); !m[anna.UserID] {
		t.Errorf("Anna back from leave is not mentioned")
	}
}

// TestDesk_PreviousFirst: a returning person's previous case manager is
// told privately and has the take first; a colleague can take over
// explicitly, or take once the time is up.
func TestDesk_PreviousFirst(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWithDeps(t, flows.Deps{Tickets: tickets}, func(s *flows.Settings) { s.PreviousFirst = 10 * time.Minute })
	// Two days ago Anna helped the person.
	before, err := tickets.Open(ctx, domain.Ticket{ChatID: 601, Lang: "ar", Created: clock.Add(-48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.Take(ctx, before.ID, anna.UserID, anna.Name, false, clock.Add(-47*time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.Close(ctx, before.ID, "staff", "", clock.Add(-46*time.Hour)); err != nil {
		t.Fatal(err)
	}

	again := openFor(t, e, "ar", 601)
	card := repliesTo(again, staffChat)[0]
	if !strings.Contains(card.Text, "Last helped by Anna Becker") || !strings.Contains(card.Text, "10 more min") {
		t.Errorf("card = %q", card.Text)
	}
	dm := repliesTo(again, anna.UserID)
	if len(dm) != 1 || !strings.Contains(dm[0].Text, "#"+ticketID(card.Ticket)) || !strings.Contains(dm[0].Text, "10 min") {
		t.Fatalf("no private note to the previous case manager: %+v", dm)
	}
	res := e.HandleStaff(ctx, staffPress(omar.UserID, "T", ticketID(card.Ticket)))
	if !strings.Contains(res.Toast, "kept for Anna Becker") {
		t.Errorf("colleague's take: toast %q", res.Toast)
	}
	if tk, _ := tickets.Get(ctx, card.Ticket); tk.Status != domain.TicketWaiting {
		t.Errorf("ticket taken during the reserved time: %+v", tk.Status)
	}
	res = e.HandleStaff(ctx, staffPress(anna.UserID, "T", ticketID(card.Ticket)))
	if tk, _ := tickets.Get(ctx, card.Ticket); tk.Owner != anna.UserID {
		t.Errorf("previous case manager could not take: %+v %q", tk, res.Toast)
	}
}

func ticketID(id int64) string { return strconv.FormatInt(id, 10) }

func mustBundle(tb testing.TB) *i18n.Bundle {
	tb.Helper()
	b, err := i18n.Load(locales.FS, "messages", slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestDesk_CuratedReplies: every curated reply exists in every language,
// /replies lists them in the staff language, and /reply sends the checked
// text in the person's language with the glossary explained.
func TestDesk_CuratedReplies(t *testing.T) {
	ctx := context.Background()
	msgs := mustBundle(t)
	for _, id := range flows.CuratedReplies {
		de := msgs.For("de").T(id, nil)
		for _, l := range i18n.Languages {
			got := msgs.For(l.Code).T(id, nil)
			if got == "" || got == id || l.Code != "de" && l.Code != "en" && got == msgs.For("en").T(id, nil) {
				t.Errorf("%s: no %s text", id, l.Code)
			}
			if l.Code != "de" && got == de {
				t.Errorf("%s: %s is the German text", id, l.Code)
			}
		}
	}

	tickets := mustTickets(t)
	gloss, err := glossary.Load(locales.FS, "glossary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := mustEngineWithDeps(t, flows.Deps{Tickets: tickets, Glossary: gloss})
	open := openFor(t, e, "ar", 701)
	relay := repliesTo(open, staffChat)[1]
	if err := tickets.Relay(ctx, 900, relay.Ticket, true); err != nil {
		t.Fatal(err)
	}
	e.HandleStaff(ctx, staffPress(anna.UserID, "T", ticketID(relay.Ticket)))
	list := e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "replies", ChatID: staffChat, UserID: anna.UserID, ReplyTo: 900})
	if txt := allText(list); !strings.Contains(txt, "1. Please send me a photo") || !strings.Contains(txt, "6. ") {
		t.Errorf("/replies = %q", txt)
	}
	if !hasAction(list, "R") {
		t.Errorf("/replies as a reply offers no buttons")
	}
	// The Arabic "bring your passport" keeps no German office term, so
	// nothing is explained (the German text's "Termin" is not in it).
	res := e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "reply", Args: "2", ChatID: staffChat, UserID: anna.UserID, ReplyTo: 900})
	if person := repliesTo(res, 701); len(person) != 1 {
		t.Errorf("terms the person's text lacks are explained: %+v", person[1:])
	}
	res = e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "reply", Args: "4", ChatID: staffChat, UserID: anna.UserID, ReplyTo: 900})
	person := repliesTo(res, 701)
	if len(person) != 2 || person[0].Text != "👤 Anna Becker\n"+msgs.For("ar").T("reply.abh", nil) {
		t.Fatalf("person got %+v", person)
	}
	if !strings.Contains(person[1].Text, "Ausländerbehörde – ") {
		t.Errorf("glossary term not explained: %q", person[1].Text)
	}
	res = e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "reply", Args: "4", ChatID: staffChat, UserID: anna.UserID, ReplyTo: 900})
	if n := len(repliesTo(res, 701)); n != 1 {
		t.Errorf("term explained twice in one conversation: %d messages", n)
	}
	res = e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "reply", Args: "99", ChatID: staffChat, UserID: anna.UserID, ReplyTo: 900})
	if !strings.Contains(allText(res), "/reply <number>") {
		t.Errorf("bad number: %q", allText(res))
	}
}

// TestDesk_Help: /help lists the staff commands in the staff language, and
// the group's command menu holds the same commands.
func TestDesk_Help(t *testing.T) {
	e := mustEngineWith(t, mustTickets(t))
	res := e.HandleStaff(context.Background(), domain.Event{Kind: domain.EventCommand, Command: "help", ChatID: staffChat, UserID: anna.UserID})
	txt := allText(res)
	for _, c := range e.StaffCommandMenu() {
		if !strings.Contains(txt, "/"+c.Name) {
			t.Errorf("/help lacks /%s: %q", c.Name, txt)
		}
		if c.Description == "" || strings.HasPrefix(c.Description, "staff.") {
			t.Errorf("menu entry %s without description", c.Name)
		}
	}
	if !strings.Contains(txt, "Commands in this group") {
		t.Errorf("/help = %q", txt)
	}
}

// TestDesk_TapBeforeCardStored: the card's id is stored only once Telegram
// returned it, so a quick tap can find none. The tapped card is edited;
// no second card is sent, which would keep the person's name after they
// erase their data.
func TestDesk_TapBeforeCardStored(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWithDeps(t, flows.Deps{Tickets: tickets})
	card := repliesTo(openFor(t, e, "ar", 701), staffChat)[0]
	if !card.Card || card.EditID != 0 {
		t.Fatalf("first card = %+v", card)
	}

	tap := staffPress(anna.UserID, "T", ticketID(card.Ticket))
	tap.MessageID = 4242 // the card, whose id the store does not know yet
	res := e.HandleStaff(ctx, tap)
	edits := repliesTo(res, staffChat)
	if len(edits) != 1 || edits[0].EditID != 4242 || !strings.Contains(edits[0].Text, "Anna Becker") {
		t.Fatalf("take of an unstored card: %+v", edits)
	}

	// With no tap to name it (the person closes at once), the edit waits
	// for a later one rather than becoming a new message.
	s := domain.Session{Lang: "ar", Epoch: 1, PrivacyAck: clock, Handover: "open", Ticket: card.Ticket}
	res = e.Handle(ctx, s, false, domain.Event{Kind: domain.EventCommand, Command: "end", ChatID: 701, MessageID: 9})
	for _, rep := range repliesTo(res, staffChat) {
		if rep.EditID == 0 && strings.Contains(rep.Text, "Lena") {
			t.Errorf("a second card names the person: %q", rep.Text)
		}
	}
}

// TestDesk_EditedAnswer: a case manager who edits an answer the person
// has already received is told that the person still sees the first
// version; edits of the team's own chatter stay unanswered.
func TestDesk_EditedAnswer(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	id := repliesTo(openFor(t, e, "ar", 701), staffChat)[0].Ticket
	if err := tickets.Relay(ctx, 800, id, true); err != nil { // the relayed description
		t.Fatal(err)
	}
	answer := domain.Event{Kind: domain.EventText, ChatID: staffChat, UserID: anna.UserID, ReplyTo: 800, MessageID: 801, Text: "Termin am Dienstag"}
	if res := e.HandleStaff(ctx, answer); len(repliesTo(res, 701)) == 0 {
		t.Fatalf("answer not delivered: %+v", res.Replies)
	}
	edited := answer
	edited.Kind, edited.Text = domain.EventEdited, "Termin am Mittwoch"
	res := e.HandleStaff(ctx, edited)
	if got := repliesTo(res, staffChat); len(got) != 1 || !strings.Contains(got[0].Text, "#"+ticketID(id)) || len(repliesTo(res, 701)) != 0 {
		t.Errorf("edited answer: %+v, want one note in the group", res.Replies)
	}
	chatter := domain.Event{Kind: domain.EventEdited, ChatID: staffChat, UserID: anna.UserID, MessageID: 802, Text: "Kaffee?"}
	if res := e.HandleStaff(ctx, chatter); len(res.Replies) != 0 {
		t.Errorf("edited chatter answered: %+v", res.Replies)
	}
}

// TestDesk_Queue: /queue shows who waits, in which language (by name, as
// the card does), about what, with whom and for how long, longest first.
func TestDesk_Queue(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	queue := domain.Event{Kind: domain.EventCommand, Command: "queue", ChatID: staffChat, UserID: anna.UserID}
	if got := repliesTo(e.HandleStaff(ctx, queue), staffChat); len(got) != 1 || !strings.Contains(got[0].Text, "No open requests") {
		t.Errorf("empty queue: %+v", got)
	}
	first := openRequest(t, e, "ar").Ticket
	s := domain.Session{Lang: "uk", Epoch: 1, PrivacyAck: clock, Handover: "describe"}
	ev := personPress("hs", "")
	ev.ChatID = 702
	second := e.Handle(ctx, s, false, ev).Session.Ticket
	e.HandleStaff(ctx, staffPress(omar.UserID, "T", ticketID(second)))

	got := repliesTo(e.HandleStaff(ctx, queue), staffChat)
	if len(got) != 1 {
		t.Fatalf("queue: %+v", got)
	}
	lines := strings.Split(got[0].Text, "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "#"+ticketID(first)) || !strings.HasPrefix(lines[2], "#"+ticketID(second)) {
		t.Fatalf("queue = %q", got[0].Text)
	}
	for _, want := range []string{"Amal", "Arabic", "Housing", "waiting"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("waiting line lacks %q: %q", want, lines[1])
		}
	}
	for _, want := range []string{"Ukrainian", omar.Name} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("taken line lacks %q: %q", want, lines[2])
		}
	}
}

// TestDesk_HandBack: a case manager who cannot go on with a request (the
// wrong card taken, the end of a shift) hands it back: it waits again for
// anyone to take, the person is told, and what they write meanwhile is
// kept for whoever takes it next. Only the owner can hand it back.
func TestDesk_HandBack(t *testing.T) {
	ctx := context.Background()
	tickets := mustTickets(t)
	e := mustEngineWith(t, tickets)
	s := openRequest(t, e, "en")
	id := ticketID(s.Ticket)
	tickets.Touch(ctx, s.Ticket, clock, 300) // as the bot adapter records the sent card
	res := e.HandleStaff(ctx, staffPress(anna.UserID, "T", id))
	back := ""
	for _, rep := range repliesTo(res, staffChat) {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if b.Action.Name == "G" && rep.EditID == 300 {
					back = b.Action.Arg
				}
			}
		}
	}
	if back == "" {
		t.Fatalf("the taken card offers no way to hand it back: %+v", res.Replies)
	}
	if res := e.HandleStaff(ctx, staffPress(omar.UserID, "G", back)); res.Toast == "" || len(repliesTo(res, amalChat)) != 0 {
		t.Errorf("a colleague handed back Anna's request: %+v", res)
	}
	if tk, _ := tickets.Get(ctx, s.Ticket); tk.Owner != anna.UserID {
		t.Fatalf("owner after a colleague's press: %+v", tk)
	}

	res = e.HandleStaff(ctx, staffPress(anna.UserID, "G", back))
	tk, _ := tickets.Get(ctx, s.Ticket)
	if tk.Status != domain.TicketWaiting || tk.Owner != 0 {
		t.Fatalf("not waiting again: %+v", tk)
	}
	en := mustBundle(t).For("en")
	if got := repliesTo(res, amalChat); len(got) != 1 || !strings.Contains(got[0].Text, en.T("handover.handed_back", nil)) {
		t.Errorf("person not told: %+v", got)
	}
	var card, announced bool
	for _, rep := range repliesTo(res, staffChat) {
		takeButton := len(rep.Buttons) > 0 && rep.Buttons[0][0].Action.Name == "T"
		card = card || rep.EditID == 300 && takeButton
		announced = announced || rep.EditID == 0 && takeButton && strings.Contains(rep.Text, "#"+id)
	}
	if !card || !announced {
		t.Errorf("group: card waiting %v, announced %v: %+v", card, announced, res.Replies)
	}
	// Waiting again: collected for the next case manager, who gets it.
	if got := repliesTo(e.Handle(ctx, s, false, personText("Are you still there?")), staffChat); len(got) != 0 {
		t.Errorf("posted while waiting again: %+v", got)
	}
	res = e.HandleStaff(ctx, staffPress(omar.UserID, "T", id))
	if !strings.Contains(allText(res), "Are you still there?") || !strings.Contains(allText(res), omar.Name) {
		t.Errorf("next take: %+v", res.Replies)
	}
	// A second press of the old button: no longer Anna's.
	if res := e.HandleStaff(ctx, staffPress(anna.UserID, "G", back)); res.Toast == "" || len(repliesTo(res, amalChat)) != 0 {
		t.Errorf("stale hand-back: %+v", res)
	}
}

// TestDesk_TakeProcessedAgain: the take's update processed again (its
// replies did not all go out) posts what was collected and tells the
// person again; a second tap, another update, does neither.
func TestDesk_TakeProcessedAgain(t *testing.T) {
	ctx := context.Background()
	e := mustEngineWith(t, mustTickets(t))
	s := openRequest(t, e, "ar")
	e.Handle(ctx, s, false, personText("ما زلت أنتظر"))
	take := staffPress(anna.UserID, "T", ticketID(s.Ticket))
	take.UpdateID = 900
	for i := 0; i < 2; i++ {
		res := e.HandleStaff(ctx, take)
		if !strings.Contains(allText(res), "ما زلت أنتظر") || len(repliesTo(res, amalChat)) != 1 {
			t.Errorf("take, attempt %d: %+v", i+1, res.Replies)
		}
	}
	tap := take
	tap.UpdateID = 901
	if res := e.HandleStaff(ctx, tap); strings.Contains(allText(res), "ما زلت أنتظر") || len(repliesTo(res, amalChat)) != 0 {
		t.Errorf("second tap: %+v", res.Replies)
	}
}
