package flows_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"lotse/internal/domain"
	"lotse/internal/intent"
	"lotse/internal/kb"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

// shape is what a reply shows, without what changes between two calls
// (message edits, timestamps in button data).
func shape(res domain.Result) []string {
	var out []string
	for _, rep := range res.Replies {
		var acts []string
		for _, row := range rep.Buttons {
			for _, b := range row {
				acts = append(acts, b.Label+"→"+b.Action.Name)
			}
		}
		out = append(out, rep.Text+" "+strings.Join(acts, ","))
	}
	return out
}

// TestIntents_OpenTheButtonFlow types each request, in several languages,
// and expects exactly the replies of the matching command or button. A
// typed cancel with one appointment ahead is its cancel button in the
// list of /appointments.
func TestIntents_OpenTheButtonFlow(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	_, booked := bookFirstSlot(t, e, amalSession(), amalChat)
	tests := []struct {
		name, lang, text, command, wantAction string
	}{
		{"PersonEnglish", "en", "can someone from the office help me", "person", "hs"},
		{"PersonArabic", "ar", "أريد التحدث مع موظف", "person", "hs"},
		{"BookingTurkish", "tr", "randevu almak istiyorum", "appointment", "bt"},
		{"BookingGermanInDari", "fa", "Termin میخوام", "appointment", "bt"},
		{"AppointmentsRussian", "ru", "мои записи", "appointments", "ac"},
		{"CancelGerman", "de", "termin absagen bitte", "appointments", "ay"},
		{"CancelSomali", "so", "ballanta jooji", "appointments", "ay"},
		{"DeleteUkrainian", "uk", "видаліть мої дані", "delete", "dy"},
		{"LanguageFrench", "fr", "changer de langue", "language", "L"},
		{"PrivacyPashto", "ps", "محرمیت", "privacy", "d"},
		{"MenuTigrinya", "ti", "ምናሌ", "menu", "a"},
		{"HelpKurmanji", "ku", "alikari", "help", "h"},
		// Missed when tried from outside.
		{"BookingIntegrationTeam", "en", "can i get an appointment with the integration team", "appointment", "bt"},
		{"CancelCantCome", "en", "i cant come to my appointment, cancel it", "appointments", "ay"},
		{"CancelNichtKommen", "de", "ich kann nicht kommen termin absagen", "appointments", "ay"},
		// QA, 4 December: a suggestion to book, or a new booking.
		{"CancelDontWant", "en", "i dont want the appointment anymore", "appointments", "ay"},
		{"CancelVeuxPlus", "fr", "je veux plus le rdv", "appointments", "ay"},
		{"MoveOtherDay", "en", "can i come other day, monday not possible for me", "appointments", "ac"},
		{"MoveRussian", "ru", "можно перенести на другое время?", "appointments", "ac"},
		{"DeleteArabizi", "ar", "im7u kel ma3lumati", "delete", "dy"},
		{"DeletePashtoLatin", "ps", "zama malumat lare kra", "delete", "dy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The session is in the language typed, so only the request
			// differs between the two events, not the language.
			booked := booked
			booked.Lang, booked.LangChosen = tt.lang, true
			typed := e.Handle(ctx, booked, false, domain.Event{Kind: domain.EventText, Text: tt.text, ChatID: amalChat, FirstName: "Amal"})
			cmd := e.Handle(ctx, booked, false, domain.Event{Kind: domain.EventCommand, Command: tt.command, ChatID: amalChat, FirstName: "Amal"})
			if tt.wantAction == "ay" {
				cmd = e.Handle(ctx, *cmd.Session, false, personPress("ac", find(t, cmd, "ac").Action.Arg))
			}
			if !hasAction(typed, tt.wantAction) {
				t.Fatalf("typed %q: no %q button in %v", tt.text, tt.wantAction, shape(typed))
			}
			if !slices.Equal(shape(typed), shape(cmd)) {
				t.Errorf("typed %q:\n%v\nwant as /%s:\n%v", tt.text, shape(typed), tt.command, shape(cmd))
			}
			if typed.Session.Handover != cmd.Session.Handover || typed.Session.Screen != cmd.Session.Screen {
				t.Errorf("typed %q left session %+v, /%s %+v", tt.text, typed.Session, tt.command, cmd.Session)
			}
		})
	}
}

// TestIntents_GermanHumanIsNotAnAnswer: the request that once got a
// confident answer about refugees from Ukraine opens the hand-over.
func TestIntents_GermanHumanIsNotAnAnswer(t *testing.T) {
	ctx := context.Background()
	e := mustEngine(t)
	res := e.Handle(ctx, amalSession(), false, personText("ich möchte mit einem Menschen sprechen"))
	if res.Session.Handover != "describe" || !hasAction(res, "hs") {
		t.Errorf("hand-over not opened: %+v %v", res.Session, shape(res))
	}
	if strings.Contains(allText(res), "❓") || hasAction(res, "q") {
		t.Errorf("got a knowledge base answer: %v", shape(res))
	}

	// Before the privacy notice was acknowledged, the notice comes first
	// and the hand-over continues after it, as with the button.
	fresh := domain.Session{Lang: "de", Epoch: 1}
	res = e.Handle(ctx, fresh, false, personText("ich möchte mit einem Menschen sprechen"))
	if !hasAction(res, "pa") || res.Session.Pending != "h" {
		t.Errorf("privacy notice not shown first: %+v %v", res.Session, shape(res))
	}
}

// TestIntents_QuestionsStillAnswered: a question that mentions an
// appointment goes to the knowledge base, not to booking.
func TestIntents_QuestionsStillAnswered(t *testing.T) {
	e := mustEngine(t)
	res := e.Handle(context.Background(), amalSession(), false,
		personText("I missed my appointment at the Ausländerbehörde, what happens now?"))
	if hasAction(res, "bt") || hasAction(res, "hs") || res.Session.Handover != "" {
		t.Errorf("question opened a flow: %v", shape(res))
	}
}

// TestIntents_States: typed requests work where the button would — in the
// middle of booking, on first contact — and during an open hand-over only
// the requests whose commands work during a hand-over act; the rest is relayed.
func TestIntents_States(t *testing.T) {
	ctx := context.Background()

	t.Run("DuringBooking", func(t *testing.T) {
		e, _ := bookingEngine(t, langs{})
		s := amalSession()
		res := e.Handle(ctx, s, false, personPress("b", ""))
		if res.Session.Draft == nil {
			t.Fatal("booking not started")
		}
		res = e.Handle(ctx, *res.Session, false, personText("I want to talk to a person"))
		if res.Session.Handover != "describe" {
			t.Errorf("typed person request mid-booking: %+v", res.Session)
		}
	})

	t.Run("FirstContact", func(t *testing.T) {
		e := mustEngine(t)
		res := e.Handle(ctx, domain.Session{Epoch: 1}, true, withLang(personText("Waxaan rabaa inaan la hadlo qof"), "so"))
		if !strings.Contains(allText(res), "Musterstadt") || !hasAction(res, "pa") || res.Session.Pending != "h" {
			t.Errorf("first message: want greeting and privacy notice for the hand-over: %v", shape(res))
		}
	})

	t.Run("OpenHandover", func(t *testing.T) {
		tickets := redistest.Must(t).Store(redisstore.Options{}).Tickets(0)
		e := mustEngineWith(t, tickets)
		res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
		res = e.Handle(ctx, *res.Session, false, personText("Ich habe eine Frage zum Brief"))
		s := *res.Session
		if s.Handover != "open" {
			t.Fatalf("ticket not opened: %+v", s)
		}
		for _, tt := range []struct {
			text, action string // action "" : relayed to the staff group
		}{
			{"delete my data", "dy"},
			{"تغيير اللغة", "L"},
			{"datenschutz", "d"},
			{"I want an appointment", ""},
			{"menu", ""},
			{"ich möchte mit einem Menschen sprechen", ""},
			// The model alone takes it for "change the language"; written
			// to a case manager, it is theirs.
			{"botun dilini turkce olarak degistir", ""},
		} {
			res := e.Handle(ctx, s, false, personText(tt.text))
			// While nobody has taken the request, what the person writes
			// is collected for the case manager, not posted yet.
			relayed := res.Session.Handover == "open" && !hasAction(res, "bt") && !hasAction(res, "a") && !hasAction(res, "hs")
			if tt.action == "" && (!relayed || hasAction(res, "L") || hasAction(res, "dy") || hasAction(res, "d")) {
				t.Errorf("%q: want passed on to the case manager, got %+v %v", tt.text, res.Session, shape(res))
			}
			if tt.action != "" && !hasAction(res, tt.action) {
				t.Errorf("%q: want the %q flow, got %v", tt.text, tt.action, shape(res))
			}
		}
		// Nobody has taken it: ending withdraws it, with nothing to rate.
		res = e.Handle(ctx, s, false, personText("Gespräch beenden"))
		if res.Session.Handover != "" || hasAction(res, "hr") {
			t.Errorf("typed end: %+v", res.Session)
		}
	})
}

// TestTypedRequest_Guessed: a request only the model reads opens its flow
// from the conversation, but never takes the place of a matter being
// described for the team.
func TestTypedRequest_Guessed(t *testing.T) {
	ctx := context.Background()
	const lang, menu = "botun dilini turkce olarak degistir", "menuyu tekrar ac"
	for _, m := range []string{lang, menu} {
		if rd := intent.Shipped().ReadMessage(kb.NewMessage(m)); !rd.Guessed {
			t.Fatalf("%q: %+v, want a request only the model reads", m, rd)
		}
	}
	e := mustEngine(t)
	s := domain.Session{Lang: "tr", Epoch: 1, PrivacyAck: clock}
	// The language flow: it names Turkish, so it picks it at once.
	if res := e.Handle(ctx, s, false, text(lang)); !strings.Contains(allText(res), mustBundle(t).For("tr").T("language.changed", nil)) {
		t.Errorf("%q: want Turkish picked, got %v", lang, shape(res))
	}
	res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
	if res.Session.Handover != "describe" {
		t.Fatalf("not asked to describe: %+v", res.Session)
	}
	res = e.Handle(ctx, *res.Session, false, personText(menu))
	if res.Session.Handover == "" || strings.Contains(allText(res), "How can I help") {
		t.Errorf("%q while describing a matter left the step: %+v %q", menu, res.Session, allText(res))
	}
}

// TestTypedRequest_MentionedFlowOffered: a message that asks for an
// appointment among other things is not opened as the booking, but its
// button comes first, above the answer or the choices.
func TestTypedRequest_MentionedFlowOffered(t *testing.T) {
	e := mustEngine(t)
	s := domain.Session{Lang: "de", Epoch: 1, PrivacyAck: clock}
	for _, c := range []struct {
		text   string
		action string // "" for no flow button
	}{
		{"ich brauche bitte einen termin weil wir bald aus dem heim raus muessen und keiner hilft", "b"},
		{"kann ich meinen termin absagen, mein sohn ist krank und hat seit gestern hohes fieber", "ba"},
		{"wir muessen bald aus dem heim raus und keiner hilft uns", ""},
	} {
		res := e.Handle(context.Background(), s, false, text(c.text))
		if hasAction(res, "bt") || strings.Contains(allText(res), "📅") && res.Session.Draft != nil {
			t.Errorf("%q opened the booking", c.text)
		}
		var first string
		if len(res.Replies) > 0 && len(res.Replies[0].Buttons) > 0 {
			first = res.Replies[0].Buttons[0][0].Action.Name
		}
		flowFirst := first == "b" || first == "ba"
		if c.action != "" && first != c.action || c.action == "" && flowFirst {
			t.Errorf("%q: first button %q, want %q: %q", c.text, first, c.action, allText(res))
		}
	}
}
