package flows_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"lotse/flows"
	"lotse/internal/domain"
)

// backButton finds the button back to the previous language and says
// whether it sits under the first reply.
func backButton(r domain.Result) (domain.Button, bool) {
	for i, rep := range r.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if b.Action.Name == "lb" {
					return b, i == 0
				}
			}
		}
	}
	return domain.Button{}, false
}

// The language follows what the person writes, from the very first
// message, whatever Telegram's language_code says.
func TestLanguage_FollowsWhatIsWritten(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	tests := []struct {
		name, code, input, want, backLabel string
	}{
		{"ArabicOnGermanPhone", "de", "كيف بقدر لاقي شقة بالمدينة", "ar", "Deutsch"},
		{"DariOnGermanPhone", "de", "من به یک خانه نیاز دارم", "fa", "Deutsch"},
		{"PashtoOnEnglishPhone", "en", "زه یو کور لټوم څنګه یې پیدا کړم", "ps", "English"},
		{"TigrinyaOnEnglishPhone", "en", "ኣብ ከተማ ከመይ ገዛ ክረክብ እኽእል", "ti", "English"},
		{"SomaliOnEnglishPhone", "en", "waxaan u baahanahay guri cusub", "so", "English"},
		{"UkrainianOnRussianPhone", "ru", "як мені знайти квартиру в місті", "uk", "русском"},
		{"KurmanjiOnTurkishPhone", "tr", "ez dixwazim bi mirovekî re biaxivim", "ku", "Türkçe"},
		// The script alone decides before the person has settled: no
		// shipped language but Tigrinya is written in Ge'ez.
		{"OneWordOtherScript", "en", "ሰላም", "ti", "English"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Handle(ctx, domain.Session{Epoch: 1}, true, withLang(text(tt.input), tt.code))
			s := res.Session
			if s == nil || s.Lang != tt.want || !s.LangChosen {
				t.Fatalf("session = %+v, want language %s kept", s, tt.want)
			}
			b, first := backButton(res)
			if !first || !strings.Contains(b.Label, tt.backLabel) {
				t.Errorf("back button = %+v (under first reply: %v), want one naming %q", b, first, tt.backLabel)
			}
			// Telegram's hint no longer overrides the detected language.
			res = e.Handle(ctx, *s, false, withLang(command("menu"), tt.code))
			if res.Session.Lang != tt.want {
				t.Errorf("after /menu: %s, want %s", res.Session.Lang, tt.want)
			}
			if _, ok := backButton(res); ok {
				t.Errorf("back button offered again without a switch")
			}
		})
	}
}

// A first message that is only a greeting is too short for the language
// detector to be sure of; a greeting that one language alone has names
// it, on a phone in any other language. Greetings said in several
// languages, or by everyone in Germany, change nothing, nor does a
// greeting once the person has settled on a language.
func TestLanguage_GreetingNamesIt(t *testing.T) {
	e := mustEngine(t, noHandover)
	tests := []firstMessageCase{
		{"de", "Bonjour", "fr"}, {"de", "bonsoir !", "fr"},
		{"de", "Merhaba", "tr"}, {"en", "gunaydin", "tr"},
		{"tr", "Silav", "ku"}, {"de", "rojbaş", "ku"},
		{"de", "Salaan", "so"}, {"en", "iska warran walaal", "so"},
		{"de", "ሰላም", "ti"},
		{"de", "مرحبا", "ar"}, {"en", "صباح الخير", "ar"},
		{"de", "سلام", "fa"}, {"en", "درود", "fa"},
		{"de", "ستړي مه شې", "ps"}, {"de", "sta sanga ye", "ps"},
		{"de", "Привет", "ru"}, {"en", "добрый день", "ru"},
		{"ru", "Привіт", "uk"}, {"de", "добрий день", "uk"},
		{"en", "Guten Tag", "de"}, {"ar", "moin", "de"},
		{"de", "hello", "en"},
		// Two words of a romanised language with a wide lead (QA, 4
		// December); office words and thanks said by everyone do not.
		{"de", "badi maw3ad", "ar"}, {"de", "wakht ghwaram", "ps"}, {"de", "qotsera delye", "ti"},
		{"de", "termin bitte", "de"}, {"en", "ok thanks", "en"}, {"de", "jobcenter brief", "de"},
		// Thanks in one language only name it too (QA, 4 December).
		{"de", "spasibo", "ru"}, {"de", "tesekkurler", "tr"}, {"de", "dyakuyu", "uk"},
		{"de", "mahadsanid", "so"}, {"en", "vielen dank", "de"},
		// A greeting the phone's language says too keeps it.
		{"ar", "سلام", "ar"}, {"ps", "سلام", "ps"}, {"ku", "merhaba", "ku"}, {"tr", "merhaba", "tr"},
		// Words after a greeting say more than it does.
		{"de", "سلام ورور", "ps"}, {"de", "سلام برادر", "fa"}, {"de", "Salaan walaal", "so"},
		// Said by everyone, or in more than one language: the phone's.
		{"en", "Hallo", "en"}, {"ar", "hallo", "ar"}, {"de", "salam", "de"}, {"de", "hi", "de"},
	}
	checkFirstMessageLang(t, e, tests)
	// Settled on Arabic, a French greeting is only a word.
	checkSettledKeeps(t, e, "ar", "Bonjour")
}

// A first message of two words langid is not sure of switches when it
// has a letter only the guessed language writes: a Turkish or Kurmanji
// keyboard, not romanised Arabic. Without one, or once settled, nothing
// changes.
func TestLanguage_OwnLettersOnFirstMessage(t *testing.T) {
	e := mustEngine(t, noHandover)
	tests := []firstMessageCase{
		{"de", "yardım lazım", "tr"}, {"en", "alîkarî dixwazim", "ku"}, {"en", "yardım edin", "tr"},
		{"de", "merci beaucoup", "de"}, {"de", "bitte helfen", "de"}, {"de", "ana bdi", "de"},
		{"en", strings.Repeat("ä", 50), "en"}, // no word of any language
	}
	checkFirstMessageLang(t, e, tests)
	checkSettledKeeps(t, e, "de", "yardım lazım")
}

// firstMessageCase is a first message on a phone set to code, and the
// language it must be answered in.
type firstMessageCase struct{ code, input, want string }

// checkFirstMessageLang sends each input as a new person's first message.
func checkFirstMessageLang(t *testing.T, e *flows.Engine, tests []firstMessageCase) {
	t.Helper()
	for _, tt := range tests {
		res := e.Handle(context.Background(), domain.Session{Epoch: 1}, true, withLang(text(tt.input), tt.code))
		if got := res.Session.Lang; got != tt.want {
			t.Errorf("%q on a %s phone: answered in %s, want %s", tt.input, tt.code, got, tt.want)
		}
	}
}

// checkSettledKeeps: a person settled on lang keeps it after input.
func checkSettledKeeps(t *testing.T, e *flows.Engine, lang, input string) {
	t.Helper()
	res := e.Handle(context.Background(), domain.Session{Lang: lang, LangChosen: true, Epoch: 1, Screen: "menu"}, false, withLang(text(input), "de"))
	if res.Session.Lang != lang {
		t.Errorf("settled on %s, %q switched to %s", lang, input, res.Session.Lang)
	}
}

// Arabic, Russian, Dari and Tigrinya typed in Latin letters on a German phone are
// answered in the language, in its own script (which these writers read),
// from the first message, with the button back to German; one word or a
// romanised language of the script the person already has does not
// switch.
func TestLanguage_RomanizedAnsweredInOwnScript(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	tests := []struct {
		name, input, want, script string
	}{
		{"Arabizi", "marhaba, ana bdi es2al 3an el sakan", "ar", "أنا Lotse"},
		{"RussianTranslit", "zdravstvuyte, mne nuzhna pomoshch s kvartiroy", "ru", "Я Lotse"},
		{"Finglish", "salam, man ye khune mikham baraye khanevadam", "fa", "من Lotse"},
		{"TigrinyaLatin", "selam, kemey aleka, ane kab Eritrea eye", "ti", "ኣነ Lotse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Handle(ctx, domain.Session{Epoch: 1}, true, withLang(text(tt.input), "de"))
			s := res.Session
			if s == nil || s.Lang != tt.want || s.LangFrom != "de" {
				t.Fatalf("session = %+v, want %s switched from de", s, tt.want)
			}
			if got := allText(res); !strings.Contains(got, tt.script) {
				t.Errorf("replies %q, want the greeting in %s script (%q)", got, tt.want, tt.script)
			}
			b, first := backButton(res)
			if !first || !strings.Contains(b.Label, "Deutsch") {
				t.Errorf("back button = %+v (under first reply: %v), want one to Deutsch", b, first)
			}
		})
	}
	keep := []struct{ lang, input string }{
		{"de", "shukran"}, {"de", "kifak"}, {"de", "privet"},
		// Ukrainian and Russian in Latin letters are too close to leave
		// the one the person has for the other.
		{"uk", "privet, mne nuzhna pomoshch s kvartiroy"},
	}
	for _, tt := range keep {
		res := e.Handle(ctx, domain.Session{Lang: tt.lang, LangChosen: true, Epoch: 1, Screen: "menu"}, false, withLang(text(tt.input), "de"))
		if res.Session.Lang != tt.lang {
			t.Errorf("%s %q: switched to %s", tt.lang, tt.input, res.Session.Lang)
		}
	}
}

// A question typed in Russian or Ukrainian in Latin letters on a German
// phone is answered from the knowledge base, in Cyrillic: the search reads
// the Latin words back into Cyrillic, so the person does not get the "no
// answer" reply in their language.
func TestLanguage_RomanizedQuestionAnswered(t *testing.T) {
	e := mustEngine(t, noHandover)
	_, _, base, err := shipped()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ input, lang, id string }{
		{"gde mozhno nayti kvartiru dlya semi", "ru", "housing.find_flat"},
		{"skilky hodyn tryvaye intehratsiynyy kurs", "uk", "work.integration_course"},
	}
	for _, tt := range tests {
		s := domain.Session{Lang: "de", Epoch: 1, PrivacyAck: clock, Screen: "menu"}
		res := e.Handle(context.Background(), s, false, withLang(text(tt.input), "de"))
		if res.Session == nil || res.Session.Lang != tt.lang {
			t.Errorf("%q: session %+v, want %s", tt.input, res.Session, tt.lang)
			continue
		}
		txt, ok := base.Text(tt.id, tt.lang)
		if !ok || txt.Lang != tt.lang {
			t.Fatalf("%s has no %s text", tt.id, tt.lang)
		}
		if got := allText(res); !strings.Contains(got, "❓ "+txt.Question) {
			t.Errorf("%q: replies %q, want the answer to %q", tt.input, got, txt.Question)
		}
	}
}

// Russian, Ukrainian, Arabic or Dari written in Latin letters is not
// unsure evidence of a Latin-script language: the phone's language stays,
// and an emergency in it is answered in it.
func TestLanguage_TransliterationKeepsPhoneLanguage(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	tests := []struct{ code, input, want string }{
		{"ru", "muzh menya b'et", "110"},
		{"ru", "pomogite mne pozhaluysta", ""},
		{"uk", "ya ne hochu zhit", ""},
		{"ar", "ana abgha asheghel bas ma a3ref almani", ""},
		{"uk", "mene b'ye cholovik", ""},
		// Slang and keyboard runs are no language either.
		{"de", "lol lol haha", ""},
		{"fr", "asdf qwer zxcv", ""},
	}
	for _, tt := range tests {
		res := e.Handle(ctx, domain.Session{Epoch: 1}, true, withLang(text(tt.input), tt.code))
		if res.Session == nil || res.Session.Lang != tt.code {
			t.Errorf("%s phone, %q: session %+v, want %s kept", tt.code, tt.input, res.Session, tt.code)
			continue
		}
		if tt.want != "" && !strings.Contains(allText(res), tt.want) {
			t.Errorf("%s phone, %q: no %s in %q", tt.code, tt.input, tt.want, allText(res))
		}
	}
}

// A chosen language stays when a message is short, a number, an emoji, a
// German office term, or mixes those into the person's language.
func TestLanguage_KeptOnUnclearMessages(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	tests := []struct{ lang, input string }{
		{"ar", "ok"}, {"ar", "hallo"}, {"ar", "👍"}, {"ar", "12345"}, {"ar", "Jobcenter"},
		{"ar", "ich habe termin بكرة بالجوب سنتر"},
		{"uk", "спасибо"}, {"uk", "Jobcenter Termin Anmeldung WBS дякую"},
		{"fa", "Anmeldung Wohnung Jobcenter لطفا کمک"},
		{"en", "ok danke schön"},
		{"de", "سلام"}, // settled: one word is not enough, even in another script
		{"ti", "Jobcenter Termin ሓገዝ"},
	}
	for _, tt := range tests {
		s := domain.Session{Lang: tt.lang, LangChosen: true, Epoch: 1, Screen: "menu"}
		res := e.Handle(ctx, s, false, withLang(text(tt.input), "de"))
		if res.Session.Lang != tt.lang || res.Session.LangFrom != "" {
			t.Errorf("%s %q: switched to %s", tt.lang, tt.input, res.Session.Lang)
		}
		if _, ok := backButton(res); ok {
			t.Errorf("%s %q: back button without a switch", tt.lang, tt.input)
		}
	}
}

// A language picked with /language gives way to a message clearly in
// another one; the back button returns and then holds the old language.
func TestLanguage_BackButton(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	s := domain.Session{Lang: "fa", LangChosen: true, Epoch: 1, Screen: "menu"}
	res := e.Handle(ctx, s, false, text("زه غواړم له یو انسان سره خبرې وکړم"))
	if res.Session.Lang != "ps" || res.Session.LangFrom != "fa" {
		t.Fatalf("after Pashto: %+v", res.Session)
	}
	// The switch is remembered in one short field.
	js, err := json.Marshal(res.Session)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"lf":"fa"`) {
		t.Errorf("session JSON %s lacks the switch", js)
	}
	b, _ := backButton(res)
	res = e.Handle(ctx, *res.Session, false, press(b.Action.Name, b.Action.Arg))
	if got := res.Session; got.Lang != "fa" || got.LangFrom != "" || !got.LangKeep {
		t.Fatalf("after back: %+v", got)
	}
	if !strings.Contains(allText(res), "دری") && !strings.Contains(allText(res), "فارسی") {
		t.Errorf("back did not answer in Dari: %q", allText(res))
	}
	// Having asked for Dari, the person keeps it whatever they write …
	res = e.Handle(ctx, *res.Session, false, text("زه غواړم له یو انسان سره خبرې وکړم"))
	if res.Session.Lang != "fa" {
		t.Errorf("switched again after back: %s", res.Session.Lang)
	}
	// … until they pick a language again, which lets writing count again.
	res = e.Handle(ctx, *res.Session, false, press("L", "en"))
	if res.Session.LangKeep || res.Session.Lang != "en" {
		t.Fatalf("after picking: %+v", res.Session)
	}
	res = e.Handle(ctx, *res.Session, false, text("ich möchte mit einer person sprechen"))
	if res.Session.Lang != "de" || res.Session.LangFrom != "en" {
		t.Errorf("German after picking English: %+v", res.Session)
	}
	// A back button without a switch behind it is stale.
	res = e.Handle(ctx, domain.Session{Lang: "de", LangChosen: true, Epoch: 1}, false, press("lb", ""))
	if res.Session.Lang != "de" || res.Session.LangKeep {
		t.Errorf("stale back button changed the session: %+v", res.Session)
	}
}

// A language's own name, typed ("English", "دری", "Русский"), picks that
// language at once: asking to choose again, perhaps in a language the
// person cannot read or in the wrong one ("دری" reads as Pashto to the
// detector), is a needless step.
func TestLanguage_TypedNamePicksIt(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	for _, tt := range []struct{ phone, typed, want, says string }{
		{"ar", "English", "en", "I will write in English now."},
		{"de", "دری", "fa", ""},
		{"de", " русский ", "ru", ""},
		{"ar", "Deutsch", "de", "Ich schreibe jetzt auf Deutsch."},
		{"de", "Kurmancî", "ku", ""},
		// Named in another language, in a request (QA, 4 December: the
		// choice came again, in German).
		{"de", "arabic please", "ar", ""},
		{"de", "mozhno po russki?", "ru", ""},
		{"de", "af soomaali", "so", ""},
		{"en", "parlez francais svp", "fr", ""},
		{"de", "farsi lotfan", "fa", ""},
	} {
		t.Run(tt.typed, func(t *testing.T) {
			res := e.Handle(ctx, domain.Session{Lang: tt.phone, Epoch: 1, Screen: "menu"}, false, withLang(text(tt.typed), tt.phone))
			if res.Session == nil || res.Session.Lang != tt.want || !res.Session.LangChosen {
				t.Fatalf("%q on a %s phone: session %+v, want %s: %q", tt.typed, tt.phone, res.Session, tt.want, allText(res))
			}
			if hasAction(res, "L") {
				t.Errorf("%q: asked to choose again: %q", tt.typed, allText(res))
			}
			if hasAction(res, "lb") {
				t.Errorf("%q: a way back from the language asked for: %+v", tt.typed, buttons(res))
			}
			if tt.says != "" && !strings.Contains(allText(res), tt.says) {
				t.Errorf("%q: want %q in %q", tt.typed, tt.says, allText(res))
			}
		})
	}
	t.Run("FirstMessage", func(t *testing.T) {
		res := e.Handle(ctx, domain.Session{Epoch: 1}, true, withLang(text("English"), "ar"))
		if got := allText(res); res.Session.Lang != "en" || !strings.HasPrefix(got, "Hello!") || strings.Contains(got, "مرحب") || len(res.Replies) != 1 {
			t.Errorf("\"English\" first on an Arabic phone: want one greeting in English, got %q", got)
		}
	})
	// Two languages named: the choice.
	if res := e.Handle(ctx, domain.Session{Lang: "de", Epoch: 1, Screen: "menu"}, false, text("english or arabic language?")); !hasAction(res, "L") {
		t.Errorf("two languages named did not show the choice: %q", allText(res))
	}
	// "language" itself still shows the choice.
	if res := e.Handle(ctx, domain.Session{Lang: "de", Epoch: 1}, false, text("Sprache")); !hasAction(res, "L") {
		t.Errorf("\"Sprache\" did not show the choice: %q", allText(res))
	}
}

// TestLanguage_CommandWithLanguage: "/language ar", "/language English",
// "/language Deutsch" switch at once, as the typed names do; before, the
// argument was ignored and the choice shown again. An argument that names
// no language shows the choice.
func TestLanguage_CommandWithLanguage(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	for _, tt := range []struct{ args, want, says string }{
		{"ar", "ar", "سأكتب لك الآن بالعربية."},
		{"EN", "en", "I will write in English now."},
		{"uk-UA", "uk", ""},
		{"Deutsch", "de", "Ich schreibe jetzt auf Deutsch."},
		{"دری", "fa", ""},
	} {
		ev := command("language")
		ev.Args = tt.args
		res := e.Handle(ctx, domain.Session{Lang: "fr", Epoch: 1, Screen: "menu"}, false, withLang(ev, "fr"))
		if res.Session == nil || res.Session.Lang != tt.want || !res.Session.LangChosen || hasAction(res, "L") {
			t.Errorf("/language %s: session %+v, want %s at once: %q", tt.args, res.Session, tt.want, allText(res))
			continue
		}
		if tt.says != "" && !strings.Contains(allText(res), tt.says) {
			t.Errorf("/language %s: want %q in %q", tt.args, tt.says, allText(res))
		}
	}
	ev := command("language")
	ev.Args = "xx"
	if res := e.Handle(ctx, domain.Session{Lang: "fr", Epoch: 1}, false, withLang(ev, "fr")); !hasAction(res, "L") || res.Session.Lang != "fr" {
		t.Errorf("/language xx: want the choice, in French: %q", allText(res))
	}
}

// The way back to the phone's language under the questions offered for
// an unclear message offers the same questions again, in that language,
// not the main menu.
func TestLanguage_BackKeepsSuggestions(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	res := e.Handle(ctx, domain.Session{Lang: "uk", Epoch: 1, Screen: "menu"}, false, withLang(text("Wie finde ich Arbeit und wie lange dauert der Kurs?"), "uk"))
	var before []string
	for _, b := range buttons(res) {
		if b.Action.Name == "q" {
			before = append(before, b.Action.Arg)
		}
	}
	if res.Session.Lang != "de" || len(before) < 2 || !hasAction(res, "lb") {
		t.Fatalf("German unclear question on a Ukrainian phone: %+v %q %+v", res.Session, allText(res), buttons(res))
	}
	res = e.Handle(ctx, *res.Session, false, press("lb", ""))
	var after []string
	for _, b := range buttons(res) {
		if b.Action.Name == "q" {
			after = append(after, b.Action.Arg)
		}
	}
	if res.Session.Lang != "uk" || strings.Join(after, ",") != strings.Join(before, ",") || !strings.Contains(allText(res), "Може, це одне з цих запитань?") {
		t.Errorf("back to Ukrainian: want the questions %v again in Ukrainian, got %v %q", before, after, allText(res))
	}
}

// Pashto, Dari or Arabic typed in Latin letters that the detector takes
// for Turkish or Somali by a narrow lead does not switch: in the middle
// of a Dari conversation "the police come tomorrow to deport me" got
// the legal help in Turkish (QA, 4 December). Those languages' own
// messages lead widely and still switch.
func TestLanguage_NarrowLatinLeadKeepsLanguage(t *testing.T) {
	e := mustEngine(t, noHandover)
	checkSettledKeeps(t, e, "fa", "farda polis miad mano deport kone")
	checkFirstMessageLang(t, e, []firstMessageCase{
		// Not Turkish; Pashto by the words of its urgent list that fired
		// (TestLanguage_UrgentInRomanisedWords).
		{"de", "kor ke or lagedale", "ps"},
		{"de", "ma baddi 3ish", "ar"},
		{"de", "merhaba ben ev ariyorum yardim eder misiniz", "tr"},
		{"de", "waxaan raadinayaa guri cusub oo magaalada ah", "so"},
	})
	res := e.Handle(context.Background(), domain.Session{Lang: "fa", LangChosen: true, Epoch: 1, Screen: "menu"}, false,
		withLang(text("merhaba, ben Türkçe konuşuyorum, ev arıyorum"), "de"))
	if res.Session.Lang != "tr" {
		t.Errorf("clear Turkish after Dari: %s, want tr", res.Session.Lang)
	}
}

// An emergency typed in romanised words the detector is not sure of is
// answered in the language whose urgent list those words are from, with
// the way back; only a language of another script than the person's,
// and only when one language's words fired most (QA, 4 December).
func TestLanguage_UrgentInRomanisedWords(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	for _, tt := range []struct{ input, want, script string }{
		{"khone atish gerefte", "fa", "آتش"},
		{"el bet fi dokhan ktir", "ar", "الإطفاء"},
		{"jozi bi2otelni", "ar", "110"},
	} {
		res := e.Handle(ctx, domain.Session{Epoch: 1}, true, withLang(text(tt.input), "de"))
		if res.Session.Lang != tt.want || res.Session.LangFrom != "de" {
			t.Errorf("%q on a German phone: answered in %s (from %q), want %s", tt.input, res.Session.Lang, res.Session.LangFrom, tt.want)
			continue
		}
		if got := allText(res); !strings.Contains(got, tt.script) {
			t.Errorf("%q: replies %q, want the help in %s", tt.input, got, tt.want)
		}
		if b, first := backButton(res); !first || !strings.Contains(b.Label, "Deutsch") {
			t.Errorf("%q: back button %+v (first %v), want one to Deutsch", tt.input, b, first)
		}
	}
	// A Dari speaker's romanised Arabic words do not make them Arabic.
	checkSettledKeeps(t, e, "fa", "jozi bi2otelni")
}
