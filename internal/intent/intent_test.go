package intent_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"lotse/internal/i18n"
	"lotse/internal/intent"
	"lotse/internal/kb"
	"lotse/locales"
)

type testSet map[string]struct {
	Requests  [][2]string `yaml:"requests"`
	Questions []string    `yaml:"questions"`
}

// mustTestSet reads the test set: requests.yaml, and bring.yaml, written
// with the request for what to bring to an appointment.
func mustTestSet(tb testing.TB) testSet {
	return mustReadSet(tb, "requests.yaml", "bring.yaml", "late.yaml")
}

// mustReadSet reads sets into one: the ones the lists and the model were
// tuned on from locales/intent_examples, the others from testdata.
func mustReadSet(tb testing.TB, names ...string) testSet {
	tb.Helper()
	set := testSet{}
	for _, name := range names {
		b, err := fs.ReadFile(locales.FS, "intent_examples/"+name)
		if errors.Is(err, fs.ErrNotExist) {
			b, err = os.ReadFile(filepath.Join("testdata", name))
		}
		if err != nil {
			tb.Fatal(err)
		}
		var part testSet
		if err := yaml.Unmarshal(b, &part); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		for l, c := range part {
			all := set[l]
			all.Requests = append(all.Requests, c.Requests...)
			all.Questions = append(all.Questions, c.Questions...)
			set[l] = all
		}
	}
	return set
}

// TestMatch_Accuracy measures, per shipped language, how many typed
// requests open the right flow and how many questions that merely mention
// the same words are wrongly taken for a request.
func TestMatch_Accuracy(t *testing.T) {
	testAccuracy(t, mustTestSet(t), 10, 10, floors{minRight: 100, maxWrong: 2, right: 362, wrong: 0})
}

// The sight sets were written one after another, each after the changes
// the one before led to and committed before it was measured (see the
// README). Each was measured once before anything changed because of it
// (the README's figures for messages nobody tuned on); all but the seventh
// were then tuned on. Floors are what each reached: a
// change that loses requests or opens more wrong flows fails.

func TestMatch_Sights(t *testing.T) {
	for _, c := range []struct {
		file   string
		minReq int // requests each language needs
		minQ   int // questions each language needs
		floors floors
	}{
		{"firstsight.yaml", 12, 12, floors{minRight: 100, maxWrong: 0, right: 156, wrong: 0}},
		{"secondsight.yaml", 6, 6, floors{minRight: 100, maxWrong: 0, right: 72, wrong: 0}},
		{"thirdsight.yaml", 8, 8, floors{minRight: 100, maxWrong: 0, right: 96, wrong: 0}},
		{"fourthsight.yaml", 8, 8, floors{minRight: 100, maxWrong: 0, right: 96, wrong: 0}},
		{"fifthsight.yaml", 8, 8, floors{minRight: 100, maxWrong: 0, right: 96, wrong: 0}},
		{"sixthsight.yaml", 8, 8, floors{minRight: 100, maxWrong: 0, right: 96, wrong: 0}},
		// The seventh was never tuned on: its figures moved only with the
		// changes the eighth, ninth and tenth led to, and with the model
		// (60 → 67 right; one more question taken, 2 wrong flows in all).
		{"seventhsight.yaml", 8, 8, floors{minRight: 25, maxWrong: 7, right: 67, wrong: 2}},
		// The eighth opened 81 of 120 at first sight, with no wrong flow.
		{"eighthsight.yaml", 10, 6, floors{minRight: 100, maxWrong: 0, right: 120, wrong: 0}},
		// The ninth opened 74 of 120 at first sight; 4 requests went to a
		// neighbouring flow and 3 questions were taken.
		{"ninthsight.yaml", 10, 6, floors{minRight: 100, maxWrong: 0, right: 120, wrong: 0}},
		// The tenth (19 requests in fa, ps, ti, so, ku and ar, 7 or 8 in the
		// others) opened 100 of 157 at first sight; 5 requests went to a
		// neighbouring flow, no question was taken.
		{"tenthsight.yaml", 7, 6, floors{minRight: 100, maxWrong: 0, right: 157, wrong: 0}},
		// The eleventh (13 requests in fa, ps, ti, so, ku, ar, uk and ru, 9
		// in the others) opened 88 of 140 at first sight; no request went
		// to a neighbouring flow, 2 questions were taken. The 12 it still
		// misses are longer than MaxWords; each names its flow as a mention.
		{"eleventhsight.yaml", 9, 6, floors{minRight: 77, maxWrong: 0, right: 128, wrong: 0}},
		// The twelfth (14 requests in fa, ps, ti, so, ku and ar, 9 in the
		// others, every flow with late) opened 105 of 138 at first sight
		// (ru 5/9, ar and fa 9/14 weakest); 1 request went to a
		// neighbouring flow (ru), no question was taken. The one it still
		// misses ("ez li vir ci dikarim bikim", what can I do here) holds
		// "çi bikim", the block words of "what shall I do".
		{"twelfthsight.yaml", 9, 6, floors{minRight: 92, maxWrong: 0, right: 137, wrong: 0}},
		// The thirteenth (12 requests and 6 questions per language) was
		// the first measured with the model: at first sight the lists
		// alone opened 76 of 144 (ps 4, uk and ru 5), with the model 96
		// (58–83 % per language); 4 requests went to a neighbouring flow
		// and 1 question was taken, all by the lists. Then the lists
		// learnt the social worker by name and "call me back" (101); the
		// model does not learn from it, so it keeps measuring the model
		// on messages it has not seen. Then privacy and help asked as a
		// question (116).
		{"thirteenthsight.yaml", 12, 6, floors{minRight: 66, maxWrong: 6, right: 116, wrong: 5}},
		// The asks set (privacy and help asked as a question, 4 requests,
		// and 4 look-alikes about someone else's data or help per
		// language; testdata, so the model does not learn from it) opened
		// 10 of 48 at first sight; 1 request went to a neighbouring flow
		// (ps, person) and 2 questions were taken ("who can help me with
		// the rent" in de and ps, for a person). The 4 it still misses ask
		// whether data go to "someone", a person word (ar, ps, ku, ti).
		{"asks.yaml", 4, 4, floors{minRight: 75, maxWrong: 13, right: 44, wrong: 1}},
	} {
		t.Run(strings.TrimSuffix(c.file, ".yaml"), func(t *testing.T) {
			testAccuracy(t, mustReadSet(t, c.file), c.minReq, c.minQ, c.floors)
		})
	}
}

// floors are what a test set must keep: per language, the share of
// requests right (percent) and of all messages opening a wrong flow; in
// all languages together, requests right and wrong flows opened.
type floors struct {
	minRight, maxWrong float64
	right, wrong       int
}

// testAccuracy runs a test set and checks its floors. A wrong flow is a
// question taken for a request or a request taken for another.
func testAccuracy(t *testing.T, set testSet, minReq, minQ int, f floors) {
	m := intent.Shipped()
	var table strings.Builder
	table.WriteString("| language | requests right | wrong triggers | questions taken |\n| --- | --- | --- | --- |\n")
	allRight, allWrong, allReq, allTaken, allQ := 0, 0, 0, 0, 0
	for _, l := range i18n.Languages {
		cases, ok := set[l.Code]
		if !ok || len(cases.Requests) < minReq || len(cases.Questions) < minQ {
			t.Errorf("%s: test set needs ≥ %d requests and ≥ %d questions", l.Code, minReq, minQ)
			continue
		}
		right, wrong, taken := 0, 0, 0
		for _, c := range cases.Requests {
			got, ok := m.Match(c[1])
			switch {
			case ok && string(got) == c[0]:
				right++
			case ok:
				wrong++
				t.Logf("%s: %q: got %s, want %s", l.Code, c[1], got, c[0])
			default:
				t.Logf("%s: %q: not recognised, want %s", l.Code, c[1], c[0])
			}
		}
		for _, q := range cases.Questions {
			if got, ok := m.Match(q); ok {
				wrong++
				taken++
				t.Logf("%s: question %q taken for %s", l.Code, q, got)
			}
		}
		allRight += right
		allWrong += wrong
		allReq += len(cases.Requests)
		allTaken += taken
		allQ += len(cases.Questions)
		rightPct := 100 * float64(right) / float64(len(cases.Requests))
		wrongPct := 100 * float64(wrong) / float64(len(cases.Requests)+len(cases.Questions))
		fmt.Fprintf(&table, "| %s | %d/%d (%.0f %%) | %d/%d (%.0f %%) | %d/%d |\n", l.Code, right, len(cases.Requests), rightPct,
			wrong, len(cases.Requests)+len(cases.Questions), wrongPct, taken, len(cases.Questions))
		if rightPct < f.minRight || wrongPct > f.maxWrong {
			t.Errorf("%s: %.0f %% right (want ≥ %.0f), %.0f %% wrong triggers (want ≤ %.0f)", l.Code, rightPct, f.minRight, wrongPct, f.maxWrong)
		}
	}
	fmt.Fprintf(&table, "| all | %d/%d | %d/%d | %d/%d |\n", allRight, allReq, allWrong, allReq+allQ, allTaken, allQ)
	if allRight < f.right || allWrong > f.wrong {
		t.Errorf("all languages: %d requests right (want ≥ %d), %d wrong flows (want ≤ %d)", allRight, f.right, allWrong, f.wrong)
	}
	t.Log("\n" + table.String())
}

// TestShipped_EveryLanguage checks that each request can be typed in every
// shipped language and that each is in the test set.
func TestShipped_EveryLanguage(t *testing.T) {
	m := intent.Shipped()
	set := mustTestSet(t)
	for _, in := range intent.All {
		for _, l := range i18n.Languages {
			if m.Items(in, l.Code) == 0 {
				t.Errorf("%s: no phrases in %s", in, l.Code)
			}
		}
		if in == intent.End {
			continue // tested in the hand-over flow
		}
		tested := false
		for _, cases := range set {
			for _, c := range cases.Requests {
				tested = tested || c[0] == string(in)
			}
		}
		if !tested {
			t.Errorf("%s: not in the test set", in)
		}
	}
}

func TestMatch(t *testing.T) {
	m := intent.Shipped()
	tests := []struct {
		name, text string
		want       intent.Intent // "" for none
	}{
		{"GermanHuman", "ich möchte mit einem Menschen sprechen", intent.Person},
		{"GermanTermInArabic", "بدي Termin لو سمحت", intent.Booking},
		{"ArabicAttachedArticle", "والموعد", intent.Booking},
		{"TypoInStem", "Tremin absagen", intent.Cancel},
		{"TypoInWord", "delete my dta", intent.Delete},
		{"CancelBeatsBooking", "Termin absagen", intent.Cancel},
		{"DeleteAppointmentIsCancel", "delete my appointment", intent.Cancel},
		{"Punctuation", "Termin???", intent.Booking},
		{"TooLong", "hello I would like to ask whether I could perhaps get an appointment with someone next week", ""},
		{"BlockWord", "Termin beim Jobcenter", ""},
		{"StrictHelp", "help with the rent", ""},
		{"StrictLanguage", "Sprache lernen", ""},
		{"TwoOtherWords", "Termin wegen Kindergeld Antrag", ""},
		{"Empty", "  ", ""},
		{"OnlyFillers", "ich möchte bitte", ""},
		// Ninth round: word order does not count, so "my" beside an
		// appointment word must not turn "I want" into my appointments.
		{"DariIWantAppointment", "مه نوبت میخواهم", intent.Booking},
		{"DariWhenMyAppointment", "ملاقات مه چی وخت است", intent.Appointments},
		{"PersianINeedAppointment", "نوبت لازم دارم", intent.Booking},
		{"TermInTurkishCancel", "termin iptal", intent.Cancel},
		{"TurkishHowToUseNotSomaliMeeting", "nasil kullanilir", intent.Help},
		{"RussianAnyoneFromAPlace", "есть кто из украины", ""},
		{"PersianBringForResidence", "چه چیزهایی برای اقامت بیاورم", ""},
		// ü folds to u: "würde" (would) is "wurde" (was), so only a
		// cancellation that happened blocks, not the polite form.
		{"GermanWouldLike", "ich würde gern einen Termin", intent.Booking},
		{"GermanWasCancelled", "mein Termin wurde abgesagt", ""},
		{"TypoInLongFiller", "plese help", intent.Help},
		{"TypoInLongFillerSomali", "fadlaan luuqada bedel", intent.Language},
		// A short filler with a typo is a word beyond the request for the
		// lists; the model reads the request all the same.
		{"TypoInShortFillerModelReads", "bitet sprache ändern", intent.Language},
		// Tried from outside through the bot, none opened its flow before.
		{"DeleteAllAboutMe", "lösch bitte alles was ihr über mich habt", intent.Delete},
		{"RussianSwapLanguage", "поменять язык", intent.Language},
		{"UkrainianSwapLanguage", "поміняти мову", intent.Language},
		{"UkrainianWhomToTalkTo", "з ким можна поговорити", intent.Person},
		{"DariOneOfTheStaff", "یکی از کارمندا کمکم کنه", intent.Person},
		{"SomaliTalkToMe", "qof ila hadla", intent.Person},
		{"PrivacyPolicy", "privacy policy", intent.Privacy},
		{"RussianHelp", "помощь", intent.Help},
		// and the same words in questions still go to the knowledge base.
		{"HelpWithFlat", "помощь с квартирой", ""},
		{"WhatAboutFlats", "was habt ihr über Wohnungen und Miete", ""},
		// The knowledge base has no entry on data protection in general;
		// the model takes the question for the privacy notice, which says
		// what Lotse keeps and for how long.
		{"WhatIsPrivacy", "was bedeutet Datenschutz", intent.Privacy},
		// Found by a QA pass: a household's size is no person ("personen"
		// was French "personne" with a typo), thanks in Latin letters, a
		// Somali "cut my appointment", what to bring "to the appointment".
		{"CountingPeople", "und für 4 personen", ""},
		{"CountingPersons", "and for 4 persons?", ""},
		{"OnePerson", "une personne svp", intent.Person},
		{"RussianLatinThanks", "ok spasibo bolshoe", intent.Thanks},
		{"UkrainianLatinThanks", "dyakuyu", intent.Thanks},
		{"TigrinyaLatinThanks", "yekenyeley", intent.Thanks},
		{"SomaliCutAppointment", "ballanta iga jar", intent.Cancel},
		{"FrenchBringToAppointment", "qu est ce que je dois amener au rendez vous", intent.Bring},
		{"LevantineBringToTermin", "شو لازم اجيب معي عالتيرمين", intent.Bring},
		// Typed in Latin letters: Arabizi, Persian, Pashto, Tigrinya.
		{"ArabiziAppointment", "bdi maw3id", intent.Booking},
		{"ArabiziSomeone", "bdi 7ada yesa3edni", intent.Person},
		{"PersianLatinDelete", "ettelaatamo pak kon", intent.Delete},
		{"PashtoLatinCancel", "mulaqat laghwa kawam", intent.Cancel},
		{"TigrinyaLatinAppointment", "qoxera ydeli", intent.Booking},
		// Tigrinya endings fold: ቀይሩ, ቀይሮ and the stem ቀይር* meet;
		// ቁጽሪ (number) keeps its first vowel and is no ቆጸራ (appointment).
		{"TigrinyaEnding", "ቋንቋ ቀይሩ", intent.Language},
		{"TigrinyaNumberNoAppointment", "ቁጽሪ ግብሪ", ""},
		// Privacy asked as a question, switching and the bot itself.
		{"WhoSeesMyData", "wer sieht meine daten", intent.Privacy},
		{"SwitchToGerman", "switch to german", intent.Language},
		{"HowToUseTheBot", "how do i use the bot", intent.Help},
		{"NotABot", "хочу человека не бот", intent.Person},
		{"VaccinationAppointment", "termin für die impfung verschieben", ""},
		// Tenth round: the new items' neighbours stay questions.
		{"RussianLivesWithSomeone", "я живу с кем-то", ""},
		{"FrenchPassportInFrench", "passeport en français", ""},
		{"UkrainianReturnToUkraine", "повернутися в україну", ""},
		{"DariINeedAnAppointment", "مه یک وقت ملاقات کار دارم", intent.Booking},
		{"PashtoWasCancelled", "زما ملاقات فسخ شو", ""},
		// Eleventh round: Kurmanji "silav" (hello) is no Turkish "sil"
		// (delete); "book me" is no "my appointments"; "how do I work"
		// and "if it is cancelled" stay questions.
		{"KurmanjiHelloAppointment", "silav, randevu dixwazim", intent.Booking},
		{"KurmanjiHelloWhereIsMyData", "silav daneyen min li ku ne", intent.Privacy},
		{"TurkishDeleteAppointment", "randevumu silin", intent.Cancel},
		{"TurkishDeleteData", "verilerimi silebilir misiniz", intent.Delete},
		{"RussianBookMe", "запишите меня на приём", intent.Booking},
		{"UkrainianBookMe", "запишіть мене на прийом", intent.Booking},
		{"RussianIHaveAnAppointment", "у меня запись на завтра", intent.Appointments},
		{"UkrainianTheyBookedMe", "мене записали", intent.Appointments},
		{"ArabicHowDoIWork", "كيف بشتغل", ""},
		{"PashtoIfCancelled", "که ملاقات لغوه شي", ""},
		{"EnglishDontUnderstandLetter", "i dont understand the letter from the landlord", ""},
		{"EnglishDontUnderstand", "i dont understand", intent.Language},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := m.Match(tt.text)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("Match(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
			}
		})
	}
}

func TestLoad_Errors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"UnknownRequest", "weather:\n  en: [rain]\n", `unknown request "weather"`},
		{"ShortStem", "booking:\n  en: [ap*]\n", "too short"},
		{"NotYAML", "booking: [", "intent: load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := intent.Load([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load: %v, want %q", err, tt.want)
			}
		})
	}
}

func BenchmarkMatch(b *testing.B) {
	m := intent.Shipped()
	msgs := []string{
		"ich möchte mit einem Menschen sprechen",
		"randevu almak istiyorum",
		"أريد التحدث مع موظف",
		"Ich habe meinen Termin bei der Ausländerbehörde verpasst, was passiert jetzt?",
		"Wie viel Miete darf meine Wohnung kosten?",
		"Хочу записатися на прийом",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Match(msgs[i%len(msgs)])
	}
}

// TestMatchMessage_SameAsMatch: a message analyzed once for every matcher
// is read as its text is.
func TestMatchMessage_SameAsMatch(t *testing.T) {
	m := intent.Shipped()
	var texts []string
	for _, cases := range mustTestSet(t) {
		for _, c := range cases.Requests {
			texts = append(texts, c[1])
		}
		texts = append(texts, cases.Questions...)
	}
	for _, text := range texts {
		got := m.ReadMessage(kb.NewMessage(text)).Request
		gotOK := got != ""
		want, wantOK := m.Match(text)
		if got != want || gotOK != wantOK {
			t.Errorf("ReadMessage(%q).Request = %q %v, want %q %v", text, got, gotOK, want, wantOK)
		}
	}
}

// TestMention: a request named among other things is reported, unless a
// block word says the message is about something else or the request is
// one common word.
func TestMention(t *testing.T) {
	m := intent.Shipped()
	for _, c := range []struct {
		text string
		want intent.Intent
	}{
		{"ich brauche einen termin weil wir bald aus dem heim raus muessen und keiner hilft", intent.Booking},
		{"i need an appointment, the landlord wants us out by friday and we dont know what to do", intent.Booking},
		{"ich habe meinen termin beim jobcenter verpasst was passiert jetzt", ""},
		{"help with the rent please my landlord wants more money", ""},
		{"wir muessen bald aus dem heim raus und keiner hilft uns", ""},
		{"ካብ ሃይም ወጺአ ናይ ባዕለይ ገዛ ክሕዝ ይኽእል ዶ", ""},       // ገዛ (house) is no ግዜ (time)
		{"وقتی کیسم باز است اجازه کار دارم یا نه", ""}, // اجازه کار (work permit) is no Dari "I need" (کار دارم)
	} {
		if got := m.ReadMessage(kb.NewMessage(c.text)).Mention; got != c.want {
			t.Errorf("ReadMessage(%q).Mention = %q, want %q", c.text, got, c.want)
		}
	}
}
