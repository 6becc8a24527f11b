package flows_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"lotse/flows"
	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/kb"
)

func withLocalHelp(s *flows.Settings) {
	s.LocalHelp = flows.LocalHelp{
		Legal:        []flows.Contact{{Name: i18n.German("Flüchtlingsrat Musterland"), Phone: "+49 1234 300", Hours: i18n.German("Mo–Fr 10–16")}},
		WomenShelter: []flows.Contact{{Name: i18n.German("Frauenhaus Musterstadt"), Phone: "+49 1234 400"}},
		Crisis:       []flows.Contact{{Name: i18n.German("Krisendienst Musterstadt"), Phone: "+49 1234 500"}},
	}
}

// TestEngine_UrgentByKind: the first reply fits the emergency – crisis
// line for suicidal thoughts, 112 for a body in danger or a fire, 110 and
// the violence helpline for violence – with the local numbers; a
// deportation gets legal help and the rejection answer, not the police;
// a question that merely holds a number gets an ordinary answer.
func TestEngine_UrgentByKind(t *testing.T) {
	e := mustEngine(t, withLocalHelp)
	for _, tt := range []struct {
		lang, text  string
		want, never []string
	}{
		{"en", "I want to kill myself", []string{"0800 111 0 111", "116 123", "112", "Krisendienst Musterstadt"}, []string{"110"}},
		{"ar", "أريد أن أنتحر", []string{"0800 111 0 111", "112"}, []string{"110"}},
		{"ar", "ما بدي عيش بعد اليوم", []string{"0800 111 0 111"}, nil},
		{"de", "Mein Mann schlägt mich, Hilfe", []string{"110", "116 016", "Frauenhaus Musterstadt"}, []string{"0800 111 0 111"}},
		{"uk", "Мене б'ють, допоможіть", []string{"110", "116 016"}, nil},
		{"en", "my baby is turning blue", []string{"112", "116 117"}, []string{"110", "Frauenhaus"}},
		{"fr", "il y a de la fumee dans la cage d'escalier", []string{"112"}, []string{"110", "116 016"}},
		{"de", "Notfall!", []string{"110", "112", "116 117", "0800 111 0 111", "116 016"}, nil},
	} {
		res := e.Handle(context.Background(), domain.Session{Lang: tt.lang, Epoch: 1}, false, text(tt.text))
		if len(res.Replies) == 0 {
			t.Errorf("%s %q: no reply", tt.lang, tt.text)
			continue
		}
		first := res.Replies[0].Text
		for _, w := range tt.want {
			if !strings.Contains(first, w) {
				t.Errorf("%s %q: first reply lacks %q: %q", tt.lang, tt.text, w, first)
			}
		}
		for _, n := range tt.never {
			if strings.Contains(first, n) {
				t.Errorf("%s %q: first reply has %q: %q", tt.lang, tt.text, n, first)
			}
		}
	}

	t.Run("deportation", func(t *testing.T) {
		res := e.Handle(context.Background(), domain.Session{Lang: "de", Epoch: 1}, false, text("ich werde morgen abgeschoben"))
		if len(res.Replies) < 2 {
			t.Fatalf("replies = %+v", res.Replies)
		}
		if got := res.Replies[0].Text; !strings.Contains(got, "Flüchtlingsrat Musterland") || !strings.Contains(got, "Mo–Fr 10–16") || strings.Contains(got, "110") {
			t.Errorf("first reply = %q, want the legal help and no police", got)
		}
		if got := res.Replies[1].Text; !strings.Contains(got, "Verwaltungsgericht") {
			t.Errorf("second reply = %q, want the rejection answer", got)
		}
		if b := buttons(res); len(b) == 0 || b[0].Action.Arg != "status.legal_advice" {
			t.Errorf("buttons = %+v, want the legal advice entry first", b)
		}
	})

	t.Run("numbers are no emergency", func(t *testing.T) {
		for _, q := range []string{"Mieterhöhung um 110 Euro, ist das erlaubt?", "I live in flat 112, who is the caretaker?"} {
			res := e.Handle(context.Background(), domain.Session{Lang: "de", Epoch: 1}, false, text(q))
			if got := allText(res); strings.Contains(got, "116 016") || strings.Contains(got, "0800 111 0 111") {
				t.Errorf("%q got emergency help: %q", q, got)
			}
		}
	})
}

// TestEngine_UrgentFirstInEveryState: while booking, describing a matter,
// talking to a case manager, rating, or with a caption, an edit or command
// words, the help comes first and the state goes on as before.
func TestEngine_UrgentFirstInEveryState(t *testing.T) {
	ctx := context.Background()
	const urgent = "ich will nicht mehr leben"
	first := func(t *testing.T, res domain.Result) {
		t.Helper()
		if len(res.Replies) == 0 || !strings.Contains(res.Replies[0].Text, "0800 111 0 111") {
			t.Fatalf("first reply is not the crisis line: %+v", res.Replies)
		}
	}

	t.Run("booking", func(t *testing.T) {
		e, _ := bookingEngine(t, langs{})
		ev := func(name, arg string) domain.Event {
			return domain.Event{Kind: domain.EventButton, ChatID: amalChat, MessageID: 9, Action: domain.Action{Name: name, Arg: arg}}
		}
		res := e.Handle(ctx, amalSession(), false, ev("b", ""))
		res = e.Handle(ctx, *res.Session, false, ev("bt", find(t, res, "bt").Action.Arg))
		day := find(t, res, "bd")
		res = e.Handle(ctx, *res.Session, false, personText(urgent))
		first(t, res)
		// The draft survives: the day can still be chosen.
		res = e.Handle(ctx, *res.Session, false, ev("bd", day.Action.Arg))
		find(t, res, "bs")
	})

	t.Run("describing a matter", func(t *testing.T) {
		e := mustEngine(t)
		res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
		res = e.Handle(ctx, *res.Session, false, personText(urgent))
		first(t, res)
		if res.Session.Handover != "open" || len(repliesTo(res, staffChat)) == 0 {
			t.Errorf("the request did not reach the team: %+v", res.Session)
		}
	})

	t.Run("talking to a case manager", func(t *testing.T) {
		e := mustEngine(t)
		res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
		res = e.Handle(ctx, *res.Session, false, personPress("hs", ""))
		res = e.Handle(ctx, *res.Session, false, personText(urgent))
		first(t, res)
		if n := strings.Count(allText(res), "0800 111 0 111"); n != 1 {
			t.Errorf("crisis line shown %d times", n)
		}
	})

	t.Run("caption, edit, command words", func(t *testing.T) {
		e := mustEngine(t)
		for _, ev := range []domain.Event{
			{Kind: domain.EventMedia, Media: "photo", Text: urgent, ChatID: amalChat},
			{Kind: domain.EventEdited, Text: urgent, ChatID: amalChat},
			{Kind: domain.EventCommand, Command: "start", Args: urgent, ChatID: amalChat},
		} {
			first(t, e.Handle(ctx, amalSession(), false, ev))
		}
	})

	t.Run("kept when the handler fails", func(t *testing.T) {
		tickets := &flakyTickets{TicketStore: mustStore(t).Tickets(0)}
		e := mustEngineWith(t, tickets)
		res := e.Handle(ctx, amalSession(), false, personPress("h", ""))
		res = e.Handle(ctx, *res.Session, false, personPress("hs", ""))
		tickets.down.Store(true)
		res = e.Handle(ctx, *res.Session, false, personText("بدي موت"))
		first(t, res)
		if !strings.Contains(allText(res), genericError(t, "ar")) {
			t.Errorf("the failure was not reported: %q", allText(res))
		}
	})
}

// TestEngine_AlarmNotFirmAnswersToo: an alarm that rests on one alarm word
// in passing, which the urgent model does not back (kb.Alarm), shows the
// help first and answers the question after it; a firm alarm shows the
// help alone, so nothing pushes it out of sight.
func TestEngine_AlarmNotFirmAnswersToo(t *testing.T) {
	e := mustEngine(t, withLocalHelp)
	_, _, base, err := shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text string
		firm bool
	}{
		// "The shelter's caretaker will kill me if I don't pay, how do I
		// find a flat?"
		{"مشرف السكن بدو يقتلني اذا ما دفعت، كيف احصل على شقة", false},
		{"زوجي يضربني كل يوم وانا خايفة، كيف احصل على شقة", true},
	} {
		// The lists and the model are tuned on: should this message's
		// alarm change, choose another that shows the case.
		if u, firm := base.Alarm(kb.NewMessage(tt.text)); u == 0 || firm != tt.firm {
			t.Fatalf("%q: alarm %q firm %v, want an alarm firm %v", tt.text, u, firm, tt.firm)
		}
		res := e.Handle(context.Background(), domain.Session{Lang: "ar", Epoch: 1}, false, text(tt.text))
		if len(res.Replies) == 0 || !strings.Contains(res.Replies[0].Text, "110") {
			t.Fatalf("%q: first reply is not the help: %+v", tt.text, res.Replies)
		}
		// The answer or the questions it may be, with their buttons.
		answered := slices.ContainsFunc(buttons(res), func(b domain.Button) bool { return strings.HasPrefix(b.Action.Arg, "housing.") })
		if answered == tt.firm {
			t.Errorf("%q (firm %v): answered %v; replies %+v", tt.text, tt.firm, answered, res.Replies)
		}
	}
}
