package flows_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"lotse/flows"
	"lotse/internal/domain"
	"lotse/internal/offers"
)

// offersFixture is a small directory whose dates follow the test clock:
// seven language courses (two pages), a football club and a legal advice
// service translated, one course that ended yesterday.
func offersFixture(tb testing.TB) *offers.Live {
	tb.Helper()
	day := func(d int) string { return clock.AddDate(0, 0, d).Format(time.DateOnly) }
	var b strings.Builder
	b.WriteString("id,title,category,description,district,lat,lon,languages,free,url,valid_until,last_checked,tags,title_ar,description_ar,title_uk,description_uk,address\n")
	for i := 1; i <= 7; i++ {
		lang, district, lat := "de", "Mitte", 51.960+float64(i)*0.001
		if i%2 == 0 {
			lang, district, lat = "de,ar", "Nord", 51.985+float64(i)*0.001
		}
		fmt.Fprintf(&b, "kurs-%d,Deutschkurs %d,language,Kurs am Vormittag,%s,%.4f,7.6261,\"%s\",yes,https://www.vhs.de/%d,,%s,,,,,,Markt %d\n",
			i, i, district, lat, lang, i, day(-10), i)
	}
	b.WriteString("kurs-kita,Deutschkurs mit Kinderbetreuung,language,Kinder werden betreut,Mitte,51.9612,7.6270,\"de,ar,fa\",yes,https://www.vhs.de/kita,," + day(-3) + ",\"childcare,women\",دورة لغة ألمانية مع رعاية الأطفال,يتم الاعتناء بالأطفال,,,Am Markt 4\n")
	b.WriteString("fussball,Fußball für Kinder,sport,Training für Kinder,Nord,51.9902,7.6350,\"de,ar\",yes,https://www.sv-nord.de,," + day(-3) + ",children,نادي كرة القدم للأطفال,تدريب مفتوح للأطفال,,,Nordwiese\n")
	b.WriteString("recht,Kostenlose Rechtsberatung,counselling,Anwältinnen beraten,Mitte,51.9603,7.6248,\"de,uk\",yes,https://www.anwalt.de,," + day(-3) + ",,,,Безкоштовна юридична консультація,Адвокатки консультують,Rathausplatz 2\n")
	b.WriteString("alt,Alter Kurs,language,Vorbei,Mitte,51.96,7.62,de,yes,https://www.vhs.de/alt," + day(-1) + "," + day(-30) + ",,,,,,Markt 9\n")
	list, probs := offers.Parse("fixture.csv", []byte(b.String()), offers.DefaultCategories())
	if len(probs) > 0 || len(list) != 11 {
		tb.Fatalf("fixture: %d offers, %v", len(list), probs)
	}
	d := offers.Build(list, offers.DefaultCategories(), "fixture")
	return offers.NewLive(d, offers.DefaultCategories(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// offerViews are the offer counters of a result, by field.
func offerViews(r domain.Result) map[string]int64 {
	out := map[string]int64{}
	for _, c := range r.Counts {
		if strings.HasPrefix(c.Field, "offer:") {
			out[c.Field] += c.N
		}
	}
	return out
}

func mustOffersEngine(tb testing.TB) *flows.Engine {
	tb.Helper()
	return mustEngineWithDeps(tb, flows.Deps{Tickets: mustStore(tb).Tickets(0), Offers: offersFixture(tb)})
}

func actionArg(r domain.Result, name, labelPart string) (string, bool) {
	for _, b := range buttons(r) {
		if b.Action.Name == name && strings.Contains(b.Label, labelPart) {
			return b.Action.Arg, true
		}
	}
	return "", false
}

func mustPress(t *testing.T, e *flows.Engine, s *domain.Session, r domain.Result, name, labelPart string) domain.Result {
	t.Helper()
	arg, ok := actionArg(r, name, labelPart)
	if !ok {
		t.Fatalf("no %s button with %q in %q: %+v", name, labelPart, allText(r), buttons(r))
	}
	res := e.Handle(context.Background(), *s, false, press(name, arg))
	if res.Session == nil {
		t.Fatalf("press %s %s: no session", name, arg)
	}
	*s = *res.Session
	return res
}

func TestOffers_MenuAndTypedRequests(t *testing.T) {
	e := mustOffersEngine(t)
	ctx := context.Background()
	res := e.Handle(ctx, domain.Session{Lang: "ar", Epoch: 1}, false, command("menu"))
	if !hasAction(res, "o") {
		t.Error("main menu lacks the offers button")
	}
	if plain := mustEngine(t); hasAction(plain.Handle(ctx, domain.Session{Lang: "de", Epoch: 1}, false, command("menu")), "o") {
		t.Error("without a directory the menu must not offer it")
	}
	for _, tt := range []struct{ lang, text string }{
		{"de", "Angebote"}, {"en", "courses"}, {"ar", "دورات"}, {"uk", "курси"}, {"fa", "کلاس ها"}, {"tr", "kurslar"}, {"de", "  ANGEBOTE vor Ort "},
	} {
		t.Run(tt.text, func(t *testing.T) {
			res := e.Handle(ctx, domain.Session{Lang: tt.lang, Epoch: 1}, false, text(tt.text))
			if !hasAction(res, "ol") || res.Session.Screen != "offers" {
				t.Errorf("%q did not open the topics: %q", tt.text, allText(res))
			}
		})
	}
}

func TestOffers_BrowseFilterAndOpen(t *testing.T) {
	e := mustOffersEngine(t)
	s := domain.Session{Lang: "ar", LangChosen: true, Epoch: 1}
	res := e.Handle(context.Background(), s, false, command("offers"))
	s = *res.Session
	if _, ok := actionArg(res, "ol", "نوادي"); ok {
		t.Error("a topic without offers is listed")
	}
	res = mustPress(t, e, &s, res, "ol", "دورات اللغة")
	list := allText(res)
	if !strings.Contains(list, "(8) · 1/2") || strings.Count(list, "\n") < 5 {
		t.Fatalf("first page:\n%s", list)
	}
	if strings.Contains(list, "Alter Kurs") {
		t.Error("an ended offer is listed")
	}
	var offerButtons int
	for _, b := range buttons(res) {
		if b.Action.Name == "oo" {
			offerButtons++
		}
	}
	if offerButtons != 5 {
		t.Errorf("%d offers on a page, want 5", offerButtons)
	}
	res = mustPress(t, e, &s, res, "ol", "التالي")
	if !strings.Contains(allText(res), "2/2") || !hasAction(res, "ol") {
		t.Fatalf("second page:\n%s", allText(res))
	}
	res = mustPress(t, e, &s, res, "ol", "السابق")
	t.Run("InMyLanguage", func(t *testing.T) {
		s := s
		res := mustPress(t, e, &s, res, "ol", "بلغتي")
		got := allText(res)
		if !strings.Contains(got, "(4)") || strings.Contains(got, "Deutschkurs 1") {
			t.Errorf("filtered by Arabic:\n%s", got)
		}
		if _, ok := actionArg(res, "ol", "✅ 🗣"); !ok {
			t.Error("the active filter is not marked")
		}
	})
	t.Run("District", func(t *testing.T) {
		s := s
		res := mustPress(t, e, &s, res, "od", "")
		res = mustPress(t, e, &s, res, "ol", "Nord")
		if got := allText(res); !strings.Contains(got, "🏘 Nord") || !strings.Contains(got, "(3)") {
			t.Errorf("district Nord:\n%s", got)
		}
	})
	t.Run("ChildcareAndWomen", func(t *testing.T) {
		s := s
		res := mustPress(t, e, &s, res, "ol", "رعاية الأطفال")
		res = mustPress(t, e, &s, res, "ol", "للنساء")
		if got := allText(res); !strings.Contains(got, "(1)") || !strings.Contains(got, "دورة لغة ألمانية مع رعاية الأطفال") {
			t.Errorf("childcare and women:\n%s", got)
		}
	})
	t.Run("OpenTranslated", func(t *testing.T) {
		s := s
		res := mustPress(t, e, &s, res, "ol", "رعاية الأطفال")
		res = mustPress(t, e, &s, res, "oo", "رعاية")
		if len(res.Replies) != 2 || res.Replies[1].Venue == nil || res.Replies[1].Venue.Lat != 51.9612 {
			t.Fatalf("offer without map location: %+v", res.Replies)
		}
		got := res.Replies[0].Text
		for _, want := range []string{"🗣", "يتم الاعتناء بالأطفال", "https://www.vhs.de/kita", "العربية", "💶"} {
			if !strings.Contains(got, want) {
				t.Errorf("offer lacks %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "بالألمانية فقط") {
			t.Error("a translated offer is marked German only")
		}
		if !res.Replies[0].Edit {
			t.Error("opening an offer should replace the list")
		}
		if n := offerViews(res); len(n) != 1 || n["offer:language"] != 1 {
			t.Errorf("opening an offer counted %v, want offer:language once", n)
		}
		back := mustPress(t, e, &s, res, "ol", "العودة")
		if _, ok := actionArg(back, "ol", "✅ 👶"); !ok {
			t.Error("back does not return to the filtered list")
		}
	})
	t.Run("OpenGermanOnly", func(t *testing.T) {
		s := s
		res := mustPress(t, e, &s, res, "oo", "Deutschkurs 1")
		if got := res.Replies[0].Text; !strings.Contains(got, "Kurs am Vormittag") || !strings.Contains(got, "بالألمانية فقط") {
			t.Errorf("German fallback not marked:\n%s", got)
		}
	})
	t.Run("EndedOfferIsStale", func(t *testing.T) {
		res := e.Handle(context.Background(), s, false, press("oo", "alt|-1|||0"))
		if !strings.Contains(allText(res), "ما") && hasAction(res, "oo") {
			t.Errorf("ended offer opened: %q", allText(res))
		}
		if res.Replies[0].Venue != nil || strings.Contains(allText(res), "Vorbei") {
			t.Error("an ended offer must not be shown")
		}
		if n := offerViews(res); len(n) != 0 {
			t.Errorf("an offer not shown was counted: %v", n)
		}
	})
	t.Run("ForgedState", func(t *testing.T) {
		for _, arg := range []string{"x|||0", "0|Z||0", "0||999,1|0", "0|||-1", ""} {
			res := e.Handle(context.Background(), s, false, press("ol", arg))
			if hasAction(res, "oo") {
				t.Errorf("state %q was accepted", arg)
			}
		}
	})
}

func TestOffers_NearMe(t *testing.T) {
	e := mustOffersEngine(t)
	ctx := context.Background()
	s := domain.Session{Lang: "uk", LangChosen: true, Epoch: 1}
	res := e.Handle(ctx, s, false, command("offers"))
	s = *res.Session
	res = mustPress(t, e, &s, res, "on", "")
	if !strings.Contains(allText(res), "📎") {
		t.Fatalf("no explanation how to share: %q", allText(res))
	}
	at := &domain.Location{Lat: 51.99021, Lon: 7.63499} // at the football ground
	res = e.Handle(ctx, s, false, domain.Event{Kind: domain.EventMedia, Media: "location", Location: at, MessageID: 9})
	s = *res.Session
	got := allText(res)
	if !strings.Contains(got, "1. Fußball für Kinder — Nord · 0 m") {
		t.Fatalf("nearest first:\n%s", got)
	}
	if strings.Contains(s.Screen, "51.99") || strings.Contains(fmt.Sprint(s), "7.63") {
		t.Errorf("the location is kept in the session: %+v", s)
	}
	arg, _ := actionArg(res, "ol", "Далі")
	if !strings.Contains(arg, "51.990,7.635") {
		t.Errorf("the next page loses the order: %q", arg)
	}
	for _, b := range buttons(res) {
		if n := len(b.Action.Name) + 1 + len(b.Action.Arg) + 12; n > 64 {
			t.Errorf("button %q has %d bytes of data", b.Label, n)
		}
	}
	res = mustPress(t, e, &s, res, "ol", "Далі")
	if got := allText(res); !strings.Contains(got, "2/2") || !strings.Contains(got, "📍") {
		t.Errorf("second page near me:\n%s", got)
	}
	res = mustPress(t, e, &s, res, "oo", "Безкоштовна")
	if got := res.Replies[0].Text; !strings.Contains(got, "km") || !strings.Contains(got, "Адвокатки") {
		t.Errorf("offer near me:\n%s", got)
	}
	t.Run("LocationWithoutDirectory", func(t *testing.T) {
		plain := mustEngine(t)
		res := plain.Handle(ctx, s, false, domain.Event{Kind: domain.EventMedia, Media: "location", Location: at})
		if hasAction(res, "oo") || len(res.Replies) != 1 {
			t.Errorf("location without offers: %+v", res.Replies)
		}
	})
}

func TestOffers_FreeText(t *testing.T) {
	e := mustOffersEngine(t)
	tests := []struct{ lang, q, want string }{
		{"de", "deutschkurs mit kinderbetreuung", "Deutschkurs mit Kinderbetreuung"},
		{"ar", "نادي كرة قدم للأطفال", "نادي كرة القدم للأطفال"},
		{"uk", "безкоштовна юридична консультація", "Безкоштовна юридична консультація"},
		{"fa", "کلاس زبان آلمانی با نگهداری کودک", "Deutschkurs mit Kinderbetreuung"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			res := e.Handle(context.Background(), domain.Session{Lang: tt.lang, LangChosen: true, Epoch: 1}, false, text(tt.q))
			var found bool
			for _, b := range buttons(res) {
				found = found || b.Action.Name == "oo" && strings.Contains(b.Label, tt.want)
			}
			if !found {
				t.Errorf("%q: no offer button %q: %q %+v", tt.q, tt.want, allText(res), buttons(res))
			}
		})
	}
	t.Run("FirstMessage", func(t *testing.T) {
		res := e.Handle(context.Background(), domain.Session{Epoch: 1}, true, withLang(text("نادي كرة قدم للأطفال"), "ar"))
		if !strings.Contains(allText(res), "Musterstadt") || !hasAction(res, "oo") {
			t.Errorf("first message: no greeting or no offer: %q", allText(res))
		}
	})
	res := e.Handle(context.Background(), domain.Session{Lang: "de", Epoch: 1}, false, text("wie ist das wetter"))
	if hasAction(res, "oo") {
		t.Error("offers suggested for small talk")
	}
}

// TestOffers_SuggestedForTheTopic: with the shipped sample offers, an
// answer gets offers that are about what was asked, not offers whose
// description mentions one of its words in passing.
func TestOffers_SuggestedForTheTopic(t *testing.T) {
	e := mustSampleOffersEngine(t)
	suggested := func(lang, q string) []string {
		res := e.Handle(context.Background(), domain.Session{Lang: lang, LangChosen: true, Epoch: 1}, false, text(q))
		var out []string
		for _, b := range buttons(res) {
			if b.Action.Name == "oo" {
				out = append(out, b.Label)
			}
		}
		return out
	}
	if got := suggested("de", "Ich finde keine Wohnung, was soll ich tun?"); !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "Wohnungssuche") }) {
		t.Errorf("flat search: offers %q, want the Wohnungssuche-Sprechstunde", got)
	}
	for _, q := range []struct{ lang, q string }{
		{"en", "deadline for anmeldung"},                        // the Sprachcafé is "ohne Anmeldung"
		{"fr", "jai recu le bescheid du bamf je comprends pas"}, // the Tafel wants a "Bescheid vom Jobcenter"
		{"de", "wie bekomme ich meine schufa"},                  // schufa is not Schuhe
		{"de", "meine Aufenthaltserlaubnis läuft bald ab"},      // nor "läuft" a Lauftreff
	} {
		if got := suggested(q.lang, q.q); len(got) > 0 {
			t.Errorf("%q: offers %q suggested", q.q, got)
		}
	}
}

func TestOffers_StaffSendsOffer(t *testing.T) {
	ctx := context.Background()
	tickets := mustStore(t).Tickets(0)
	e := mustEngineWithDeps(t, flows.Deps{Tickets: tickets, Offers: offersFixture(t)})
	tk, err := tickets.Open(ctx, domain.Ticket{ChatID: amalChat, FirstName: "Amal", Lang: "ar", Created: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := tickets.Relay(ctx, 900, tk.ID, true); err != nil {
		t.Fatal(err)
	}
	staffCmd := func(user int64, replyTo int, args string) domain.Result {
		return e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "offer", Args: args, ChatID: staffChat, UserID: user, ReplyTo: replyTo})
	}
	res := staffCmd(anna.UserID, 900, "fussball")
	person := repliesTo(res, amalChat)
	if len(person) != 2 || !strings.Contains(person[0].Text, "Anna Becker") || !strings.Contains(person[0].Text, "نادي كرة القدم للأطفال") || person[1].Venue == nil {
		t.Fatalf("person got %+v", person)
	}
	if got := repliesTo(res, staffChat); len(got) != 1 || !strings.Contains(got[0].Text, "fussball") {
		t.Errorf("staff confirmation: %+v", got)
	}
	t.Run("SearchLists", func(t *testing.T) {
		res := staffCmd(anna.UserID, 0, "rechtsberatung")
		if got := repliesTo(res, staffChat); len(got) != 1 || !strings.Contains(got[0].Text, "/offer recht") {
			t.Errorf("search: %+v", got)
		}
	})
	t.Run("NotAReply", func(t *testing.T) {
		res := staffCmd(anna.UserID, 0, "recht")
		if len(repliesTo(res, amalChat)) != 0 || len(repliesTo(res, staffChat)) != 1 {
			t.Errorf("without a ticket: %+v", res.Replies)
		}
	})
	t.Run("NotStaff", func(t *testing.T) {
		res := staffCmd(999, 900, "recht")
		if len(repliesTo(res, amalChat)) != 0 {
			t.Errorf("a stranger sent an offer: %+v", res.Replies)
		}
	})
	t.Run("ClosedTicket", func(t *testing.T) {
		if _, err := tickets.Close(ctx, tk.ID, "staff", "", clock); err != nil {
			t.Fatal(err)
		}
		if res := staffCmd(anna.UserID, 900, "recht"); len(repliesTo(res, amalChat)) != 0 {
			t.Errorf("offer sent into a closed ticket: %+v", res.Replies)
		}
	})
}

// TestOffers_TypedOnOffersScreen: the offers screen asks the person to
// write what they look for; what they write is answered with the offers
// that fit, not with "I'm not sure what you mean" and questions first.
func TestOffers_TypedOnOffersScreen(t *testing.T) {
	e := mustOffersEngine(t)
	for _, tt := range []struct{ lang, q, want string }{
		{"de", "Deutschkurs mit Kinderbetreuung", "Deutschkurs mit Kinderbetreuung"},
		{"ar", "دورة لغة ألمانية مع رعاية الأطفال", "دورة لغة ألمانية مع رعاية الأطفال"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			s := domain.Session{Lang: tt.lang, LangChosen: true, Epoch: 1}
			res := e.Handle(context.Background(), s, false, command("offers"))
			s = *res.Session
			res = e.Handle(context.Background(), s, false, text(tt.q))
			var found bool
			for _, b := range buttons(res) {
				found = found || b.Action.Name == "oo" && strings.Contains(b.Label, tt.want)
			}
			if !found {
				t.Errorf("%q on the offers screen: no offer %q: %q", tt.q, tt.want, allText(res))
			}
			msgs, _, _, err := shipped()
			if err != nil {
				t.Fatal(err)
			}
			if notSure := msgs.For(tt.lang).T("faq.suggest", nil); strings.Contains(allText(res), notSure) {
				t.Errorf("%q on the offers screen: answered %q", tt.q, notSure)
			}
		})
	}
}

// TestOffers_LanguageSwitchKeepsList: a language picked while reading a
// list of offers shows that list (topic and filters) again in the new language, as it does
// for every other screen, not the main menu.
func TestOffers_LanguageSwitchKeepsList(t *testing.T) {
	e := mustOffersEngine(t)
	s := domain.Session{Lang: "ar", LangChosen: true, Epoch: 1}
	res := e.Handle(context.Background(), s, false, command("offers"))
	s = *res.Session
	res = mustPress(t, e, &s, res, "ol", "دورات اللغة")
	res = mustPress(t, e, &s, res, "ol", "مجاني")
	res = e.Handle(context.Background(), s, false, press("L", "uk"))
	if got := allText(res); !strings.Contains(got, "Мовні курси (8)") || !hasAction(res, "oo") {
		t.Errorf("after switching to Ukrainian on a list, want that list in Ukrainian:\n%s", got)
	}
	t.Run("Topics", func(t *testing.T) {
		s := domain.Session{Lang: "ar", LangChosen: true, Epoch: 1}
		res := e.Handle(context.Background(), s, false, command("offers"))
		res = e.Handle(context.Background(), *res.Session, false, press("L", "uk"))
		if !hasAction(res, "ol") || res.Session.Screen != "offers" {
			t.Errorf("after switching to Ukrainian on the offers' topics, want the topics:\n%s", allText(res))
		}
	})
}

// TestOffers_InHelp: /help names /offers where there are offers, as the
// messenger's command menu does.
func TestOffers_InHelp(t *testing.T) {
	res := mustOffersEngine(t).Handle(context.Background(), domain.Session{Lang: "ar", LangChosen: true, Epoch: 1}, false, command("help"))
	if got := allText(res); !strings.Contains(got, "• /offers – عروض محلية") {
		t.Errorf("/help lacks /offers: %q", got)
	}
	if got := allText(mustEngine(t).Handle(context.Background(), domain.Session{Lang: "ar", Epoch: 1}, false, command("help"))); strings.Contains(got, "/offers") {
		t.Errorf("/help names /offers without a directory: %q", got)
	}
}

// TestOffers_LocationFirst: a location as the very first message is met
// as every first message is, with the greeting, then the offers near it.
func TestOffers_LocationFirst(t *testing.T) {
	ev := domain.Event{Kind: domain.EventMedia, Media: "location", Location: &domain.Location{Lat: 51.96, Lon: 7.62}}
	res := mustOffersEngine(t).Handle(context.Background(), domain.Session{Epoch: 1}, true, withLang(ev, "ar"))
	if len(res.Replies) < 2 || !strings.Contains(res.Replies[0].Text, "Musterstadt") || !hasAction(res, "oo") {
		t.Errorf("location first: want the greeting, then the offers near it: %q", allText(res))
	}
}

// mustSampleOffersEngine is an engine without hand-over whose directory
// is the shipped sample offers, as lotse serve has them without a config.
func mustSampleOffersEngine(tb testing.TB) *flows.Engine {
	tb.Helper()
	list, probs := offers.Parse(offers.SampleName, offers.Sample(), offers.DefaultCategories())
	if offers.Errors(probs) > 0 {
		tb.Fatal(probs)
	}
	live := offers.NewLive(offers.Build(list, offers.DefaultCategories(), "sample"), offers.DefaultCategories(), nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return mustEngineWithDeps(tb, flows.Deps{Offers: live}, noHandover)
}
