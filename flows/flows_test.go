package flows_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"lotse/flows"
	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/kb"
	"lotse/internal/kb/kbtest"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/testclock"
	"lotse/locales"
)

// clock is the engine's and the store's time; tests that move it do not
// run in parallel. It starts on a Monday morning (see testclock).
var clock = testclock.Start()

const staffChat = -100777

var (
	anna = flows.Staff{UserID: 11, Name: "Anna Becker", Languages: []string{"de", "ar"}}
	omar = flows.Staff{UserID: 12, Name: "Omar Haidari", Languages: []string{"fa"}}
)

// mustEngine builds the engine on the shipped texts and a ticket store on
// the test Redis; staffChat 0 disables hand-overs.
func mustEngine(tb testing.TB, opts ...func(*flows.Settings)) *flows.Engine {
	tb.Helper()
	return mustEngineWith(tb, mustStore(tb).Tickets(0), opts...)
}

// mustStore opens a store on the test Redis that reads the engine's clock.
func mustStore(tb testing.TB) *redisstore.Store {
	tb.Helper()
	return redistest.Must(tb).Store(redisstore.Options{Now: func() time.Time { return clock }})
}

func mustEngineWith(tb testing.TB, tickets domain.TicketStore, opts ...func(*flows.Settings)) *flows.Engine {
	tb.Helper()
	return mustEngineWithDeps(tb, flows.Deps{Tickets: tickets}, opts...)
}

// shipped loads the shipped texts and knowledge base once per test binary:
// loading them per engine took a third of the suite's CPU under the race
// detector. The engine only reads them.
func shipped() (msgs, staffMsgs *i18n.Bundle, base *kb.KB, err error) {
	shippedOnce.Do(func() {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		s := &shippedData
		if s.msgs, s.err = i18n.Load(locales.FS, "messages", log); s.err != nil {
			return
		}
		if s.staffMsgs, s.err = i18n.LoadLanguages(locales.FS, "staff", []string{"de", "en"}, log); s.err != nil {
			return
		}
		if s.base, s.err = kbtest.LoadShipped(); s.err == nil {
			s.base.Prepare() // as serve does
		}
	})
	s := shippedData
	return s.msgs, s.staffMsgs, s.base, s.err
}

var (
	shippedOnce sync.Once
	shippedData struct {
		msgs, staffMsgs *i18n.Bundle
		base            *kb.KB
		err             error
	}
)

// facts are the local details the shipped answers name. With one
// missing, building an engine runs the clean-up of every answer that
// names it, half of this suite's CPU under the race detector; the kb
// tests check that clean-up.
var facts = map[string]i18n.Text{
	"jobcenter":           i18n.German("Jobcenter Musterstadt"),
	"auslaenderbehoerde":  i18n.German("Ausländerbehörde Musterstadt, Marktplatz 1"),
	"migrationsberatung":  i18n.German("Migrationsberatung, Kirchweg 3"),
	"sozialamt":           i18n.German("Sozialamt Musterstadt, Marktplatz 1"),
	"buergerbuero":        i18n.German("Bürgerbüro, Marktplatz 1"),
	"agentur_fuer_arbeit": i18n.German("Agentur für Arbeit, Bahnhofstraße 7"),
	"wohnungsamt":         i18n.German("Wohnungsamt, Marktplatz 1"),
	"mietobergrenze":      i18n.German("1 Person: 450 €"),
}

// mustEngineWithDeps fills in texts, knowledge base, log and, unless
// given, the clock.
func mustEngineWithDeps(tb testing.TB, deps flows.Deps, opts ...func(*flows.Settings)) *flows.Engine {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	msgs, staffMsgs, base, err := shipped()
	if err != nil {
		tb.Fatal(err)
	}
	set := flows.Settings{
		Town:               "Musterstadt",
		Offices:            []flows.Office{{Name: i18n.German("Rathaus"), Address: "Marktplatz 1", Phone: "+49 1234 5678"}},
		SessionIdle:        30 * 24 * time.Hour,
		Facts:              facts,
		StaffChatID:        staffChat,
		Staff:              []flows.Staff{anna, omar},
		ReannounceAfter:    30 * time.Minute,
		CloseInactiveAfter: 72 * time.Hour,
	}
	for _, o := range opts {
		o(&set)
	}
	deps.Messages, deps.StaffText, deps.KB = msgs, staffMsgs.For("en"), base
	if deps.Now == nil {
		deps.Now = func() time.Time { return clock }
	}
	deps.Log = log
	return flows.New(deps, set)
}

func noHandover(s *flows.Settings) { s.StaffChatID = 0 }

func text(s string) domain.Event    { return domain.Event{Kind: domain.EventText, Text: s} }
func command(c string) domain.Event { return domain.Event{Kind: domain.EventCommand, Command: c} }
func press(name, arg string) domain.Event {
	return domain.Event{Kind: domain.EventButton, Action: domain.Action{Name: name, Arg: arg}, MessageID: 7}
}
func withLang(ev domain.Event, code string) domain.Event { ev.LanguageCode = code; return ev }

func buttons(r domain.Result) []domain.Button {
	var out []domain.Button
	for _, rep := range r.Replies {
		for _, row := range rep.Buttons {
			out = append(out, row...)
		}
	}
	return out
}

func hasAction(r domain.Result, name string) bool {
	for _, b := range buttons(r) {
		if b.Action.Name == name {
			return true
		}
	}
	return false
}

func allText(r domain.Result) string {
	var sb strings.Builder
	for _, rep := range r.Replies {
		sb.WriteString(rep.Text + "\n")
	}
	return sb.String()
}

func TestEngine_FirstContact(t *testing.T) {
	e := mustEngine(t)
	tests := []struct {
		name, code, input, wantLang, wantText string
	}{
		{"Arabic", "ar", "مرحبا", "ar", "Musterstadt"},
		{"UkrainianRegion", "uk-UA", "/start", "uk", "Musterstadt"},
		{"DariByPrs", "prs", "salam", "fa", "Musterstadt"},
		{"KurmanjiByKmr", "kmr", "silav", "ku", "Musterstadt"},
		{"UnknownFallsBackToGerman", "zz", "hi", "de", "Hallo!"},
		{"NoCodeGerman", "", "hi", "de", "Hallo!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := text(tt.input)
			if strings.HasPrefix(tt.input, "/") {
				ev = command("start")
			}
			res := e.Handle(context.Background(), domain.Session{Epoch: 1}, true, withLang(ev, tt.code))
			if res.Session == nil || res.Session.Lang != tt.wantLang {
				t.Fatalf("lang = %+v, want %s", res.Session, tt.wantLang)
			}
			if !strings.Contains(allText(res), tt.wantText) {
				t.Errorf("greeting = %q", allText(res))
			}
			for _, act := range []string{"a", "b", "h", "p", "l"} {
				if !hasAction(res, act) {
					t.Errorf("main menu lacks action %q", act)
				}
			}
			// Before the privacy notice: language and menu position only.
			s := *res.Session
			if s.Acknowledged() || s.Pending != "" {
				t.Errorf("stored more than language and position: %+v", s)
			}
		})
	}
}

func TestEngine_Language(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	res := e.Handle(ctx, domain.Session{Lang: "de", Screen: "menu", Epoch: 1}, false, command("language"))
	labels := map[string]bool{}
	for _, b := range buttons(res) {
		labels[b.Label] = true
	}
	for _, name := range []string{"العربية", "Українська", "دری", "پښتو", "Türkçe", "Kurmancî", "ትግርኛ", "Soomaali", "Русский", "Français", "English", "Deutsch"} {
		if !labels[name] {
			t.Errorf("picker lacks %s", name)
		}
	}
	t.Run("Choose", func(t *testing.T) {
		res := e.Handle(ctx, domain.Session{Lang: "de", Screen: "area:work", Epoch: 1}, false, withLang(press("L", "uk"), "de"))
		if res.Session.Lang != "uk" || !res.Session.LangChosen {
			t.Fatalf("session = %+v", res.Session)
		}
		if res.Session.Screen != "area:work" {
			t.Errorf("screen after switch = %q, want the area again", res.Session.Screen)
		}
		// A chosen language is kept even if Telegram says otherwise.
		res = e.Handle(ctx, *res.Session, false, withLang(command("menu"), "ar"))
		if res.Session.Lang != "uk" {
			t.Errorf("language_code overrode the choice: %s", res.Session.Lang)
		}
	})
	t.Run("ForgedLanguage", func(t *testing.T) {
		res := e.Handle(ctx, domain.Session{Lang: "de", Epoch: 1}, false, press("L", "xx"))
		if res.Session.Lang != "de" || !hasAction(res, "a") {
			t.Errorf("forged language accepted: %+v", res.Session)
		}
	})
}

func TestEngine_Knowledge(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	s := domain.Session{Lang: "en", Epoch: 1}
	res := e.Handle(ctx, s, false, press("a", "housing"))
	var qs []domain.Button
	for _, b := range buttons(res) {
		if b.Action.Name == "q" {
			qs = append(qs, b)
		}
	}
	if len(qs) < 4 || !res.Replies[0].Edit {
		t.Fatalf("housing lists %d questions (edit=%v)", len(qs), res.Replies[0].Edit)
	}
	res = e.Handle(ctx, *res.Session, false, press("q", qs[0].Action.Arg))
	out := allText(res)
	for _, want := range []string{"https://", "Last reviewed", "not legal advice"} {
		if !strings.Contains(out, want) {
			t.Errorf("answer lacks %q:\n%s", want, out)
		}
	}
	if !hasAction(res, "a") || !hasAction(res, "m") || !hasAction(res, "h") {
		t.Errorf("answer must end with back, menu and person: %+v", buttons(res))
	}
	if res.Session.Screen != "faq:"+qs[0].Action.Arg {
		t.Errorf("screen = %q", res.Session.Screen)
	}
	t.Run("FreeTextConfident", func(t *testing.T) {
		res := e.Handle(ctx, s, false, text("How do I register my address at the Bürgeramt?"))
		if !strings.Contains(allText(res), "https://") {
			t.Errorf("no answer for a clear question: %s", allText(res))
		}
	})
	t.Run("OutOfScope", func(t *testing.T) {
		res := e.Handle(ctx, s, false, text("what is the weather tomorrow"))
		if strings.Contains(allText(res), "https://") || !hasAction(res, "h") {
			t.Errorf("out-of-scope answered or no person offered: %s", allText(res))
		}
	})
	t.Run("StaleQuestion", func(t *testing.T) {
		res := e.Handle(ctx, s, false, press("q", "housing.nope"))
		if !hasAction(res, "a") {
			t.Errorf("stale question did not show the menu")
		}
	})
}

func TestEngine_BadInput(t *testing.T) {
	e := mustEngine(t)
	s := domain.Session{Lang: "de", Epoch: 1}
	long := strings.Repeat("Wohnung ", 400)
	tests := []struct {
		name string
		ev   domain.Event
		want string
	}{
		{"Photo", domain.Event{Kind: domain.EventMedia, Media: "photo"}, "keine Fotos"},
		{"Document", domain.Event{Kind: domain.EventMedia, Media: "document"}, "keine Fotos"},
		{"Voice", domain.Event{Kind: domain.EventMedia, Media: "voice"}, "Sprachnachrichten"},
		{"Sticker", domain.Event{Kind: domain.EventMedia, Media: "sticker"}, "nur Text"},
		{"Location", domain.Event{Kind: domain.EventMedia, Media: "location"}, "nur Text"},
		{"Edited", domain.Event{Kind: domain.EventEdited}, "geändert"},
		{"UnknownCommand", command("foo"), "Befehl"},
		{"StaleButton", domain.Event{Kind: domain.EventStaleButton}, "nicht mehr aktuell"},
		{"UnknownAction", press("zz", ""), "nicht mehr aktuell"},
		{"TooLong", text(long), "sehr lang"},
		{"Throttled", domain.Event{Kind: domain.EventText, Text: "Wohnberechtigungsschein", Throttled: true}, "sehr schnell"},
		{"Empty", text("   "), "Wobei kann ich helfen"}, // nothing to look up: the menu
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Handle(context.Background(), s, false, tt.ev)
			if len(res.Replies) == 0 {
				t.Fatal("silence")
			}
			if !strings.Contains(allText(res), tt.want) {
				t.Errorf("reply = %q, want %q", allText(res), tt.want)
			}
			if len(buttons(res)) == 0 {
				t.Errorf("dead end: no buttons")
			}
			// Past the flood limit the message is still answered.
			if tt.ev.Throttled && (len(res.Replies) < 2 || !strings.Contains(allText(res), "Wohnberechtigungsschein")) {
				t.Errorf("throttled message not answered: %q", allText(res))
			}
		})
	}
}

func TestEngine_Privacy(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	s := domain.Session{Lang: "en", Epoch: 1}
	res := e.Handle(ctx, s, false, command("privacy"))
	out := allText(res)
	for _, want := range []string{"not end-to-end encrypted", "30 days", "/delete"} {
		if !strings.Contains(out, want) {
			t.Errorf("privacy notice lacks %q", want)
		}
	}
	// The notice promises questions are not kept; the exception for an
	// unanswered question is told once, and only where it applies.
	t.Run("QuestionsExceptionOnce", func(t *testing.T) {
		keeping := mustEngineWithDeps(t, flows.Deps{Questions: mustStore(t).Questions()})
		b := mustBundle(t)
		for _, l := range i18n.Languages {
			lang := l.Code
			exception := b.For(lang).T("privacy.questions", nil)
			ls := domain.Session{Lang: lang, Epoch: 1}
			if got := strings.Count(allText(keeping.Handle(ctx, ls, false, command("privacy"))), "90"); got != 1 {
				t.Errorf("%s: the 90 days of a kept question are told %d times, want once", lang, got)
			}
			if !strings.Contains(allText(keeping.Handle(ctx, ls, false, command("privacy"))), exception) {
				t.Errorf("%s: questions are kept, the notice does not say when", lang)
			}
			if strings.Contains(allText(e.Handle(ctx, ls, false, command("privacy"))), exception) {
				t.Errorf("%s: no question is kept, yet the notice tells when", lang)
			}
		}
	})
	t.Run("TypedUnderTheNotice", func(t *testing.T) {
		// Something unclear typed under the notice a booking asked for: the
		// way on is the button, and the booking still waits for it.
		res := e.Handle(ctx, s, false, press("b", ""))
		res = e.Handle(ctx, *res.Session, false, text("its about the thing from before"))
		if res.Session.Pending != "b" || !hasAction(res, "pa") {
			t.Fatalf("typed under the notice: %q %+v, want the ack button and the booking waiting", allText(res), res.Session)
		}
		res = e.Handle(ctx, *res.Session, false, press("pa", ""))
		if !strings.Contains(allText(res), "Marktplatz 1") {
			t.Errorf("booking did not continue after the ack: %s", allText(res))
		}
	})
	t.Run("BookingAsksFirst", func(t *testing.T) {
		res := e.Handle(ctx, s, false, press("b", ""))
		if res.Session.Pending != "b" || !hasAction(res, "pa") {
			t.Fatalf("booking did not ask for the privacy acknowledgement: %+v", res.Session)
		}
		res = e.Handle(ctx, *res.Session, false, press("pa", ""))
		if !res.Session.Acknowledged() || res.Session.Pending != "" {
			t.Fatalf("ack not recorded: %+v", res.Session)
		}
		if !strings.Contains(allText(res), "Marktplatz 1") {
			t.Errorf("booking did not continue to the offices: %s", allText(res))
		}
		// Once acknowledged, no second notice.
		res = e.Handle(ctx, *res.Session, false, press("h", ""))
		if hasAction(res, "pa") || !hasAction(res, "hs") {
			t.Errorf("person request after ack: %s", allText(res))
		}
		// Without a staff group, the offices instead.
		plain := mustEngine(t, noHandover)
		res = plain.Handle(ctx, *res.Session, false, press("h", ""))
		if !strings.Contains(allText(res), "+49 1234 5678") {
			t.Errorf("person request without staff group: %s", allText(res))
		}
	})
	t.Run("Delete", func(t *testing.T) {
		res := e.Handle(ctx, s, false, command("delete"))
		var yes domain.Button
		for _, b := range buttons(res) {
			if b.Action.Name == "dy" {
				yes = b
			}
		}
		if yes.Action.Arg != strconv.FormatInt(clock.Unix(), 10) {
			t.Fatalf("confirm button = %+v", yes)
		}
		res = e.Handle(ctx, s, false, press("dy", yes.Action.Arg))
		if !res.Erase || res.Session != nil || !strings.Contains(allText(res), "Deleted") {
			t.Fatalf("delete = %+v", res)
		}
		old := strconv.FormatInt(clock.Add(-time.Hour).Unix(), 10)
		if res := e.Handle(ctx, s, false, press("dy", old)); res.Erase {
			t.Error("an hour-old confirmation erased")
		}
		if res := e.Handle(ctx, s, false, press("dy", "garbage")); res.Erase {
			t.Error("a forged confirmation erased")
		}
		if res := e.Handle(ctx, s, false, press("dn", "")); res.Erase || !strings.Contains(allText(res), "nothing was deleted") {
			t.Errorf("cancel = %s", allText(res))
		}
	})
}

func TestEngine_CommandMenu(t *testing.T) {
	e := mustEngine(t)
	for _, l := range i18n.Languages {
		for _, c := range e.CommandMenu(l.Code) {
			if c.Description == "" || len([]rune(c.Description)) > 256 || c.Description == "command."+c.Name {
				t.Errorf("%s /%s: description %q", l.Code, c.Name, c.Description)
			}
		}
	}
}

// The first message is never lost behind the greeting: a clear question
// gets the greeting and the answer, an unclear one the greeting and the
// choices, one without an answer the greeting and the way to a person, a
// mere greeting only the greeting.
func TestEngine_FirstMessageIsAnswered(t *testing.T) {
	e := mustEngine(t)
	for _, tt := range []struct {
		name, code, input string
		wantAnswer        bool // "q" buttons or an answer
		wantNoMatch       bool // the honest "no answer" with the person button
	}{
		{"ClearQuestion", "de", "darf ich mit duldung arbeiten", true, false},
		{"UnclearQuestion", "en", "wbs duldung", true, false},
		{"NoAnswer", "en", "who won the football match yesterday evening", false, true},
		{"Greeting", "de", "Hallo", false, false},
		// Greetings in words the search does not know (QA, 4 December:
		// "no answer" and the question whether to keep it).
		{"IslamicGreeting", "de", "salam 3alaykom", false, false},
		{"TigrinyaGreeting", "de", "selam nkhulkhum", false, false},
		{"TranslitGreeting", "de", "dobryi den", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Handle(context.Background(), domain.Session{Epoch: 1}, true, withLang(text(tt.input), tt.code))
			if !strings.Contains(allText(res), "Musterstadt") {
				t.Errorf("no greeting: %q", allText(res))
			}
			answered := len(res.Replies) > 1 && (strings.Contains(allText(res), "❓") || hasAction(res, "q"))
			if answered != tt.wantAnswer {
				t.Errorf("answered = %v, want %v: %q", answered, tt.wantAnswer, allText(res))
			}
			noMatch := strings.Contains(allText(res), mustBundle(t).For(tt.code).T("faq.no_match", nil)) && hasAction(res, "h")
			if noMatch != tt.wantNoMatch {
				t.Errorf("no-answer reply = %v, want %v: %q", noMatch, tt.wantNoMatch, allText(res))
			}
		})
	}
}

// Whatever comes first – a sticker, a voice message, a photographed letter
// with a question, a command Lotse does not know – the person is greeted
// once, then told what happens with it.
func TestEngine_FirstContactNotText(t *testing.T) {
	e := mustEngine(t)
	en := mustBundle(t).For("en")
	greeting := en.T("start.greeting", i18n.Data{"Town": "Musterstadt"})
	for _, c := range []struct {
		name string
		ev   domain.Event
		then string // the reply after the greeting; "" for none
	}{
		{"Sticker", domain.Event{Kind: domain.EventMedia, Media: "sticker"}, ""},
		{"Voice", domain.Event{Kind: domain.EventMedia, Media: "voice"}, en.T("input.voice", nil)},
		{"PhotoWithQuestion", domain.Event{Kind: domain.EventMedia, Media: "photo", Text: "may i work with a duldung"}, en.T("input.document_caption", nil)},
		{"UnknownCommand", domain.Event{Kind: domain.EventCommand, Command: "foo"}, en.T("input.unknown_command", nil)},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := e.Handle(context.Background(), domain.Session{Epoch: 1}, true, withLang(c.ev, "en"))
			if len(res.Replies) == 0 || res.Replies[0].Text != greeting {
				t.Fatalf("first reply is not the greeting: %q", allText(res))
			}
			if n := strings.Count(allText(res), greeting); n != 1 {
				t.Errorf("greeted %d times", n)
			}
			switch {
			case c.then == "" && len(res.Replies) != 1:
				t.Errorf("want the greeting alone: %q", allText(res))
			case c.then != "" && (len(res.Replies) < 2 || res.Replies[1].Text != c.then):
				t.Errorf("after the greeting: %q, want %q", allText(res), c.then)
			}
		})
	}
}

// TestEngine_CommandInOwnWords: people type commands in their language
// ("/termin", "/sprache", "/randevu"), which Telegram sends as commands;
// they were told "I do not know this command". A command word that reads
// as a typed request opens its flow, as the word typed without the slash
// does; anything else is still an unknown command.
func TestEngine_CommandInOwnWords(t *testing.T) {
	e, _ := bookingEngine(t, langs{})
	for _, c := range []struct {
		lang, command, args, action string
	}{
		{"de", "termin", "", "bt"},
		{"tr", "randevu", "", "bt"},
		{"de", "sprache", "", "L"},
		{"de", "datenschutz", "", "d"},
	} {
		s := amalSession()
		s.Lang, s.LangChosen = c.lang, true
		ev := domain.Event{Kind: domain.EventCommand, Command: c.command, Args: c.args, ChatID: amalChat}
		res := e.Handle(context.Background(), s, false, withLang(ev, c.lang))
		if !hasAction(res, c.action) {
			t.Errorf("/%s in %s: want a %q button, got %q %+v", c.command, c.lang, c.action, allText(res), buttons(res))
		}
	}
	en := mustBundle(t).For("en")
	s := amalSession()
	s.Lang, s.LangChosen = "en", true
	res := e.Handle(context.Background(), s, false, withLang(domain.Event{Kind: domain.EventCommand, Command: "foo", ChatID: amalChat}, "en"))
	if got := allText(res); !strings.Contains(got, en.T("input.unknown_command", nil)) {
		t.Errorf("/foo: %q, want the unknown command", got)
	}
}

// A message longer than a thousand letters, a whole story pasted in, is
// read up to there and answered; the person learns the rest was not read,
// and only what was read would be kept for the team.
func TestEngine_VeryLongMessageReadInPart(t *testing.T) {
	e := mustEngineWithDeps(t, flows.Deps{Tickets: mustStore(t).Tickets(0), Questions: mustStore(t).Questions()})
	story := "Darf ich mit Duldung arbeiten? " + strings.Repeat("Wir haben so viel erlebt auf dem Weg hierher und ich moechte alles erzaehlen. ", 20)
	res := e.Handle(context.Background(), domain.Session{Lang: "de", Epoch: 1}, false, text(story))
	de := mustBundle(t).For("de")
	got := allText(res)
	if !strings.Contains(got, "❓") && !hasAction(res, "q") {
		t.Errorf("the question at the start was not answered: %q", got)
	}
	if last := res.Replies[len(res.Replies)-1].Text; last != de.T("input.long_read_start", nil) {
		t.Errorf("last reply %q, want the note that only the first part was read", last)
	}
	if q := res.Session.Question; utf8.RuneCountInString(q) > 1000 {
		t.Errorf("kept %d letters of the question, want at most 1000", utf8.RuneCountInString(q))
	}
	// A story with no answer in its first part: the honest "no answer",
	// the way to a person, and the question kept only up to the limit.
	story = strings.Repeat("Wir haben so viel erlebt auf dem Weg hierher und ich moechte alles erzaehlen. ", 20)
	res = e.Handle(context.Background(), domain.Session{Lang: "de", Epoch: 1}, false, text(story))
	if !strings.Contains(allText(res), de.T("faq.no_match", nil)) || !hasAction(res, "h") {
		t.Errorf("want the no-answer reply with the person button: %q", allText(res))
	}
	if q := res.Session.Question; q == "" || utf8.RuneCountInString(q) > 1000 || strings.HasSuffix(q, "erz") {
		t.Errorf("kept question: %d letters, ends %q", utf8.RuneCountInString(q), q[max(0, len(q)-20):])
	}
}

// A long message with several concerns gets the clearest one answered and
// the others offered as buttons.
func TestEngine_LongMessage(t *testing.T) {
	e := mustEngine(t)
	s := domain.Session{Lang: "de", Epoch: 1}
	res := e.Handle(context.Background(), s, false, text("Guten Tag, wir wohnen seit einem Jahr im Heim und suchen eine Sozialwohnung, "+
		"brauche ich dafuer einen WBS? Meine Duldung laeuft naechsten Monat ab, was muss ich tun? "+
		"Ausserdem habe ich ein Jobangebot, darf ich mit Duldung ueberhaupt arbeiten?"))
	if len(res.Replies) != 2 || !strings.Contains(res.Replies[0].Text, "❓") {
		t.Fatalf("want an answer and the other topics, got %q", allText(res))
	}
	var also []string
	for _, row := range res.Replies[1].Buttons {
		for _, b := range row {
			if b.Action.Name == "q" {
				also = append(also, b.Action.Arg)
			}
		}
	}
	if len(also) < 2 {
		t.Errorf("other topics offered: %v (%q)", also, res.Replies[1].Text)
	}
}

// TestEngine_ConsentTyped: asked whether the team may read an unanswered
// question, people type the answer shown on the buttons ("Ja", "نعم")
// as often as they tap it; before, a typed "Ja" dropped the question and
// showed the menu, though the person had agreed.
func TestEngine_ConsentTyped(t *testing.T) {
	e := mustEngineWithDeps(t, flows.Deps{Tickets: mustStore(t).Tickets(0), Questions: mustStore(t).Questions()})
	cases := []struct{ lang, question, answer, wantKey string }{
		{"de", "Wie funktioniert die Mülltrennung hier", "Ja", "consent.thanks"},
		{"de", "Wie funktioniert die Mülltrennung hier", "nein!", "consent.declined"},
		{"ar", "متى تفتح حديقة الحيوانات", "نعم", "consent.thanks"},
		{"en", "my cat is lazy", "yes.", "consent.thanks"},
		{"fa", "گربه من تنبل است", "آره", "consent.thanks"},
		{"de", "Wie funktioniert die Mülltrennung hier", "ja gerne", "consent.thanks"},
	}
	for _, c := range cases {
		tr := mustBundle(t).For(c.lang)
		res := e.Handle(context.Background(), domain.Session{Lang: c.lang, Epoch: 1}, false, text(c.question))
		if res.Session.Question == "" || !hasAction(res, "cy") {
			t.Fatalf("%s %q: no consent asked: %q", c.lang, c.question, allText(res))
		}
		res = e.Handle(context.Background(), *res.Session, false, text(c.answer))
		if got := allText(res); !strings.Contains(got, tr.T(c.wantKey, nil)) {
			t.Errorf("%s typed %q: got %q, want %s", c.lang, c.answer, got, c.wantKey)
		}
		if res.Session.Question != "" {
			t.Errorf("%s typed %q: the question still waits", c.lang, c.answer)
		}
	}
	// "ok" may only acknowledge the "no answer": no consent, and the
	// question is not kept.
	res := e.Handle(context.Background(), domain.Session{Lang: "de", Epoch: 1}, false, text("Wie funktioniert die Mülltrennung hier"))
	res = e.Handle(context.Background(), *res.Session, false, text("ok"))
	if got := allText(res); strings.Contains(got, mustBundle(t).For("de").T("consent.thanks", nil)) {
		t.Errorf("a typed ok was taken as consent: %q", got)
	}
	// With no question waiting, "Ja" stays what it was: the menu.
	res = e.Handle(context.Background(), domain.Session{Lang: "de", Epoch: 1}, false, text("Ja"))
	if got := allText(res); strings.Contains(got, mustBundle(t).For("de").T("consent.gone", nil)) {
		t.Errorf("a lone Ja answered a consent never asked: %q", got)
	}
}

// TestEngine_Interjection: "hä?", "huh?" or "hein ?" say the person did
// not understand, not what they ask. Before, they got an entry on rental
// contracts or shared accommodation, or "no answer" and the question
// whether the team may keep "häh"; now the menu, as a lone "?" does.
func TestEngine_Interjection(t *testing.T) {
	e := mustEngineWithDeps(t, flows.Deps{Tickets: mustStore(t).Tickets(0), Questions: mustStore(t).Questions()})
	for _, c := range []struct{ lang, text string }{
		{"de", "hä?"}, {"de", "häh"}, {"de", "hmm"}, {"en", "huh?"}, {"en", "hmm"}, {"fr", "hein ?"},
		{"ar", "هاه؟"}, {"ar", "ها؟"}, {"fa", "هان؟"}, {"ru", "чего?"}, {"ru", "хм"}, {"uk", "га?"}, {"tr", "efendim?"},
	} {
		res := e.Handle(context.Background(), domain.Session{Lang: c.lang, Epoch: 1}, false, text(c.text))
		want := mustBundle(t).For(c.lang).T("menu.title", nil)
		if got := allText(res); !strings.Contains(got, want) || res.Session.Question != "" {
			t.Errorf("%s %q: %q, want the menu", c.lang, c.text, got)
		}
	}
}

// People type the number of a question offered for an unclear message
// ("2", "٢") instead of tapping it: that is the question chosen, not
// something to look up, answered with the menu.
func TestEngine_SuggestionNumberTyped(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	suggest := func(t *testing.T) (domain.Session, []domain.Button) {
		t.Helper()
		res := e.Handle(ctx, domain.Session{Lang: "ar", LangChosen: true, Epoch: 1}, false, text("كيف أجد عمل؟ وكم ساعة الدورة"))
		var qs []domain.Button
		for _, b := range buttons(res) {
			if b.Action.Name == "q" {
				qs = append(qs, b)
			}
		}
		if len(qs) < 2 {
			t.Fatalf("no questions offered: %q", allText(res))
		}
		return *res.Session, qs
	}
	for _, typed := range []string{"2", "٢", " 2. "} {
		t.Run(typed, func(t *testing.T) {
			s, qs := suggest(t)
			res := e.Handle(ctx, s, false, text(typed))
			if got := allText(res); !strings.Contains(got, "❓ "+qs[1].Label) {
				t.Errorf("%q typed under the offered questions: want %q, got %q", typed, qs[1].Label, got)
			}
			if taken := countOf(res, "suggest_taken"); taken != 1 {
				t.Errorf("%q typed: suggestion taken counted %d times", typed, taken)
			}
		})
	}
	s, qs := suggest(t)
	res := e.Handle(ctx, s, false, text(strconv.Itoa(len(qs)+1)))
	if strings.Contains(allText(res), "❓") {
		t.Errorf("a number beyond the list opened an answer: %q", allText(res))
	}
	s, _ = suggest(t)
	res = e.Handle(ctx, s, false, text("كلبي ينبح كل ليلة"))
	if res = e.Handle(ctx, *res.Session, false, text("2")); strings.Contains(allText(res), "❓") {
		t.Errorf("a number two messages after the list opened an answer: %q", allText(res))
	}
}

// countOf adds up the counter field of a result.
func countOf(r domain.Result, field string) int64 {
	var n int64
	for _, c := range r.Counts {
		if c.Field == field {
			n += c.N
		}
	}
	return n
}

// TestEngine_FollowUp: right after the answer "Am I allowed to work?",
// "and with a Duldung?" asks about working with a Duldung. Alone it got
// the Duldung's own entry; now the work permission is answered again and
// the Duldung offered beside it. After the menu, the same words are the
// Duldung's.
func TestEngine_FollowUp(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	s := domain.Session{Lang: "en", Epoch: 1}
	res := e.Handle(ctx, s, false, text("Am I allowed to work?"))
	if res.Session.Screen != "faq:work.permission" {
		t.Fatalf("first answer: screen %q, %q", res.Session.Screen, allText(res))
	}
	res = e.Handle(ctx, *res.Session, false, text("and with a duldung?"))
	if res.Session.Screen != "faq:work.permission" {
		t.Errorf("follow-up: screen %q, want the work permission again; %q", res.Session.Screen, allText(res))
	}
	offered := false
	for _, b := range buttons(res) {
		offered = offered || b.Action.Arg == "status.duldung"
	}
	if !offered {
		t.Errorf("follow-up: the Duldung is not offered beside: %q", allText(res))
	}
	s.Screen = "menu"
	res = e.Handle(ctx, s, false, text("and with a duldung?"))
	if res.Session.Screen != "faq:status.duldung" {
		t.Errorf("after the menu: screen %q, want the Duldung", res.Session.Screen)
	}
}

// TestEngine_FollowUpInWordsThatNameNothing: "how much?", "ne kadar?"
// right after an answer ask on about it; they got the menu without a
// word (QA, 4 December). Now they are asked what exactly, with the
// answer one tap away; "ok" still shows the menu.
func TestEngine_FollowUpInWordsThatNameNothing(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	for _, tt := range []struct{ lang, q, then string }{
		{"en", "Am I allowed to work?", "how much?"},
		{"tr", "çalışabilir miyim?", "ne kadar?"},
	} {
		res := e.Handle(ctx, domain.Session{Lang: tt.lang, LangChosen: true, Epoch: 1}, false, text(tt.q))
		prev, ok := strings.CutPrefix(res.Session.Screen, "faq:")
		if !ok {
			t.Fatalf("%q: not answered: %q", tt.q, allText(res))
		}
		after := e.Handle(ctx, *res.Session, false, text(tt.then))
		want := strings.SplitN(mustBundle(t).For(tt.lang).T("faq.followup_unclear", i18n.Data{"Question": "X"}), "\n", 2)[1]
		if !strings.Contains(allText(after), want) {
			t.Errorf("%q after %q: %q, want asked what exactly", tt.then, tt.q, allText(after))
		}
		again := false
		for _, b := range buttons(after) {
			again = again || b.Action.Name == "q" && b.Action.Arg == prev
		}
		if !again {
			t.Errorf("%q after %q: no way back to the answer in %v", tt.then, tt.q, buttons(after))
		}
		if ok := e.Handle(ctx, *res.Session, false, text("ok")); strings.Contains(allText(ok), want) {
			t.Errorf("\"ok\" after an answer asked what exactly: %q", allText(ok))
		}
	}
}

// TestEngine_ThanksThankedBack: "danke" after an answer gets "you're
// welcome" over the menu, not the menu alone (QA, 4 December).
func TestEngine_ThanksThankedBack(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	de := mustBundle(t).For("de")
	res := e.Handle(ctx, domain.Session{Lang: "de", LangChosen: true, Epoch: 1}, false, text("darf ich mit duldung arbeiten"))
	res = e.Handle(ctx, *res.Session, false, text("danke"))
	if got := allText(res); !strings.Contains(got, de.T("menu.welcome", nil)) || !hasAction(res, "a") {
		t.Errorf("\"danke\" after an answer: %q, want thanked back over the menu", got)
	}
	if res := e.Handle(ctx, domain.Session{Lang: "de", LangChosen: true, Epoch: 1}, false, text("menü")); strings.Contains(allText(res), de.T("menu.welcome", nil)) {
		t.Errorf("\"menü\" thanked back: %q", allText(res))
	}
}

// TestEngine_YesToTheChoices: "yes" under "is it one of these
// questions?" gets the choices again with "which one?", not "no answer"
// and the question whether to keep it (QA, 4 December).
func TestEngine_YesToTheChoices(t *testing.T) {
	e := mustEngine(t)
	ctx := context.Background()
	en := mustBundle(t).For("en")
	res := e.Handle(ctx, domain.Session{Lang: "en", LangChosen: true, Epoch: 1}, false, text("problem papers"))
	if !strings.HasPrefix(res.Session.Screen, "suggest:") {
		t.Fatalf("no choices for %q: %q", "problem papers", allText(res))
	}
	res = e.Handle(ctx, *res.Session, false, text("yes"))
	if got := allText(res); !strings.Contains(got, en.T("faq.tap_one", nil)) || !hasAction(res, "q") || strings.Contains(got, en.T("faq.no_match", nil)) {
		t.Errorf("\"yes\" under the choices: %q, want them again with \"which one?\"", got)
	}
}
