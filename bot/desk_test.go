package bot_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"lotse/flows"
	"lotse/internal/glossary"
	"lotse/internal/i18n"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
	"lotse/internal/translate"
	"lotse/internal/translate/translatetest"
	"lotse/locales"
)

// deskEngine is mustEngine with machine translation through the fake
// LibreTranslate tr, cached in r.
func deskEngine(tb testing.TB, r *redistest.Redis, tr *translatetest.Server) *flows.Engine {
	tb.Helper()
	loadShipped()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	gloss, err := glossary.Load(locales.FS, "glossary.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	store := r.Store(redisstore.Options{})
	svc := translate.New(translate.NewLibre(tr.URL(), "", nil), store.Translations(time.Hour), gloss,
		translate.Options{Timeout: 500 * time.Millisecond, Log: log})
	if err := svc.LoadLanguages(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return flows.New(flows.Deps{
		Messages: msgs, StaffText: staffMsgs.For("en"), KB: base, Tickets: store.Tickets(0), Now: r.Now, Log: log,
		Translator: svc, Glossary: gloss,
	}, flows.Settings{
		Town: "Musterstadt", Offices: []flows.Office{{Name: i18n.German("Rathaus"), Address: "Marktplatz 1"}},
		SessionIdle: 30 * 24 * time.Hour, StaffChatID: staffChat, Staff: []flows.Staff{anna, omar}, Facts: facts,
		ReannounceAfter: 30 * time.Minute, CloseInactiveAfter: 72 * time.Hour,
	})
}

// mustDesk starts a fake Bot API, the fake translator and one replica, on
// a Redis of its own, that polls with four workers and translates.
func mustDesk(t *testing.T) (*telegramtest.Server, *translatetest.Server) {
	t.Helper()
	fake := mustFake(t)
	tr := translatetest.Start(t)
	r := redistest.Must(t)
	mustInstance(t, fake, r, setup{pacing: fastPacing, conv: deskEngine(t, r, tr)}).poll(t, 4)
	return fake, tr
}

// TestBot_DeskArabic: an Arabic ↔ German conversation over HTTP with the
// fake translator: the team reads the original and a marked German
// translation, the person reads the reply in Arabic with the office terms
// in German, explained once, and the original one tap away; when the
// translator is slow the original goes out at once with a note.
func TestBot_DeskArabic(t *testing.T) {
	fake, tr := mustDesk(t)
	amal := telegramtest.User{ID: 3101, FirstName: "Amal", LanguageCode: "ar"}

	card := askForPerson(t, fake, amal, "عندي Duldung وأحتاج عمل")
	if !strings.Contains(card.Text, "Arabic") || !strings.Contains(card.Text, "machine translation") {
		t.Errorf("card = %q", card.Text)
	}
	relay := waitIn(t, fake, staffChat, 2)[1]
	if !strings.Contains(relay.Text, "عندي Duldung") || !strings.Contains(relay.Text, "Machine translation from Arabic:") ||
		!strings.Contains(relay.Text, "de: ") || !strings.Contains(relay.Text, "Duldung") {
		t.Fatalf("relay = %q", relay.Text)
	}
	takeRequest(t, fake, annaUser, card, amal)

	staffN := len(inChat(fake.Sent(), staffChat))
	fake.ReplyTo(staffGroup, annaUser, relay.MessageID, "Bitte bringen Sie die Fiktionsbescheinigung zur Ausländerbehörde.")
	msgs := waitIn(t, fake, amal.ID, 7)
	reply, gl := msgs[5], msgs[6]
	if !strings.Contains(reply.Text, "ar: BITTE BRINGEN") || !strings.Contains(reply.Text, "Fiktionsbescheinigung") ||
		!strings.Contains(reply.Text, "Ausländerbehörde") || !strings.Contains(reply.Text, "🤖") {
		t.Fatalf("translated reply = %q", reply.Text)
	}
	if !strings.Contains(gl.Text, "Fiktionsbescheinigung – ") || !strings.Contains(gl.Text, "Ausländerbehörde – ") {
		t.Errorf("glossary explanation = %q", gl.Text)
	}
	fake.Press(amal, reply.MessageID, button(t, reply, "📄"))
	msgs = waitIn(t, fake, amal.ID, 9)
	if msgs[8].Method != "copyMessage" || msgs[8].Params["from_chat_id"] != "-1009999" {
		t.Errorf("original = %+v", msgs[8])
	}

	// A curated reply: checked Arabic text, not a machine translation.
	calls := len(tr.Calls())
	fake.ReplyTo(staffGroup, annaUser, relay.MessageID, "/reply 3")
	msgs = waitIn(t, fake, amal.ID, 10)
	if !strings.Contains(msgs[9].Text, "سأتصل بك غداً") {
		t.Errorf("curated reply = %q", msgs[9].Text)
	}
	if len(tr.Calls()) != calls {
		t.Errorf("a curated reply went through the translator")
	}

	// The translator hangs: the person's message reaches the team at once,
	// untranslated, with a note.
	tr.SetDelay(10 * time.Second)
	start := time.Now()
	fake.SendText(amal, "هل وصلت رسالتي؟")
	waitText(t, fake, "untranslated relay", staffChat, staffN, "هل وصلت رسالتي")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("relay waited %s on the translator", d)
	}
	for _, m := range inChat(fake.Sent(), staffChat)[staffN:] {
		if strings.Contains(m.Text, "هل وصلت رسالتي") && !strings.Contains(m.Text, "Translation not possible right now") {
			t.Errorf("relay without the note: %q", m.Text)
		}
	}
}

// TestBot_DeskTigrinya: the provider lacks Tigrinya: the card says so, the
// person's message is relayed as it is and never sent to the translator,
// and the German reply reaches the person unchanged.
func TestBot_DeskTigrinya(t *testing.T) {
	fake, tr := mustDesk(t)
	selam := telegramtest.User{ID: 3201, FirstName: "Selam", LanguageCode: "ti"}

	card := askForPerson(t, fake, selam, "ሰላም፣ ብዛዕባ Duldung ሓገዝ የድልየኒ")
	if !strings.Contains(card.Text, "No machine translation for Tigrinya") {
		t.Errorf("card = %q", card.Text)
	}
	relay := waitIn(t, fake, staffChat, 2)[1]
	if strings.Contains(relay.Text, "Machine translation") || !strings.Contains(relay.Text, "ሰላም") {
		t.Errorf("relay = %q", relay.Text)
	}
	takeRequest(t, fake, annaUser, card, selam)
	fake.ReplyTo(staffGroup, annaUser, relay.MessageID, "Bitte kommen Sie morgen mit der Duldung.")
	msgs := waitIn(t, fake, selam.ID, 7)
	if !strings.Contains(msgs[5].Text, "Bitte kommen Sie morgen mit der Duldung.") || len(msgs[5].Buttons) != 0 {
		t.Errorf("reply = %q %v", msgs[5].Text, msgs[5].Buttons)
	}
	if !strings.Contains(msgs[6].Text, "Duldung – ") {
		t.Errorf("glossary explanation = %q", msgs[6].Text)
	}
	if n := len(tr.Calls()); n != 0 {
		t.Errorf("translator asked %d times for an unsupported language", n)
	}
}

// TestBot_StaffCommandMenu: the staff group gets its own command menu,
// scoped to that chat.
func TestBot_StaffCommandMenu(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	e := mustEngine(t, r)
	in.client.RegisterChatCommands(t.Context(), e.StaffChatID(), e.StaffCommandMenu())
	reqs := fake.Requests("setMyCommands")
	if len(reqs) != 1 || !strings.Contains(reqs[0].Params["scope"], `"chat"`) || !strings.Contains(reqs[0].Params["scope"], "-1009999") ||
		!strings.Contains(reqs[0].Params["commands"], "replies") {
		t.Fatalf("setMyCommands = %+v", reqs)
	}
}

// TestBot_DeskCaptionTranslated: a case manager's photo or file with a
// caption reaches the person with the caption in their language, as a
// text reply does, the original one tap away.
func TestBot_DeskCaptionTranslated(t *testing.T) {
	fake, _ := mustDesk(t)
	amal := telegramtest.User{ID: 3111, FirstName: "Amal", LanguageCode: "ar"}
	card := askForPerson(t, fake, amal, "أحتاج مساعدة في استمارة")
	relay := waitIn(t, fake, staffChat, 2)[1]
	takeRequest(t, fake, annaUser, card, amal)
	fake.SendMediaIn(staffGroup, annaUser, relay.MessageID, "document", "Bitte dieses Formular ausfüllen")
	msgs := waitIn(t, fake, amal.ID, 6)
	cp := msgs[5]
	if cp.Method != "copyMessage" || !strings.Contains(cp.Params["caption"], "ar: BITTE DIESES FORMULAR") || !strings.Contains(cp.Params["caption"], "🤖") {
		t.Fatalf("copy = %s %q", cp.Method, cp.Params["caption"])
	}
	fake.Press(amal, cp.MessageID, button(t, cp, "📄"))
	if orig := waitIn(t, fake, amal.ID, 8)[7]; orig.Method != "copyMessage" || orig.Params["from_chat_id"] != "-1009999" {
		t.Errorf("original = %+v", orig)
	}
}
