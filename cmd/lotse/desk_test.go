package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
	"lotse/internal/translate/translatetest"
)

// TestServe_DeskTranslation: an Arabic ↔ German conversation at the desk
// through the real program, once with each provider as configured by
// environment: the team reads the Arabic original with a German machine
// translation, the person reads Anna's German reply in Arabic with the
// office terms kept in German; a Tigrinya request, which neither fake
// offers, gets a card that says so and nothing sent to the translator.
func TestServe_DeskTranslation(t *testing.T) {
	for _, tc := range []struct {
		provider, key string
		start         func(testing.TB, ...translatetest.Option) *translatetest.Server
		format        string // how the provider was asked to treat the text
	}{
		{provider: "libretranslate", start: translatetest.Start, format: "text"},
		{provider: "deepl", key: "d5e6-f7a8:fx", start: translatetest.StartDeepL, format: "xml"},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			const token, staffChat = "47:desk-token", -100470
			fake := telegramtest.MustStart(t, token)
			tr := tc.start(t, translatetest.WithKey(tc.key))
			r := redistest.Must(t)
			addr := freeAddr(t)
			vars := r.Env()
			vars["TELEGRAM_BOT_TOKEN"], vars["TELEGRAM_API_URL"], vars["METRICS_ADDR"] = token, fake.URL(), addr
			vars["STAFF_CHAT_ID"] = fmt.Sprint(staffChat)
			vars["TRANSLATE_PROVIDER"], vars["TRANSLATE_URL"], vars["TRANSLATE_API_KEY"] = tc.provider, tr.URL(), tc.key
			var logs syncWriter
			startServe(t, vars, &logs)
			waitHTTP(t, "http://"+addr+"/healthz", http.StatusOK)

			group := telegramtest.Chat{ID: staffChat, Type: "supergroup", Title: "Team"}
			anna := telegramtest.User{ID: 100001, FirstName: "Anna"} // staff in the sample config
			waitIn := func(chat int64, n int) []telegramtest.Sent {
				t.Helper()
				sent, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(shown(s, chat)) >= n })
				if err != nil {
					t.Fatalf("waiting for %d messages in %d: %v", n, chat, err)
				}
				return shown(sent, chat)
			}
			button := func(m telegramtest.Sent, label string) string {
				t.Helper()
				for _, row := range m.Buttons {
					for _, b := range row {
						if strings.Contains(b.Text, label) {
							return b.CallbackData
						}
					}
				}
				t.Fatalf("no button %q on %q", label, m.Text)
				return ""
			}
			// ask takes a person from /person through the privacy notice
			// to a request; it returns the card and the relayed message.
			ask := func(u telegramtest.User, description string) (card, relay telegramtest.Sent) {
				t.Helper()
				before, staffBefore := len(shown(fake.Sent(), u.ID)), len(shown(fake.Sent(), staffChat))
				fake.SendText(u, "/person")
				msgs := waitIn(u.ID, before+2)
				notice := msgs[len(msgs)-1]
				fake.Press(u, notice.MessageID, button(notice, "✅"))
				waitIn(u.ID, before+3)
				fake.SendText(u, description)
				waitIn(u.ID, before+4)
				staff := waitIn(staffChat, staffBefore+2)
				return staff[staffBefore], staff[staffBefore+1]
			}

			amal := telegramtest.User{ID: 47101, FirstName: "Amal", LanguageCode: "ar"}
			card, relay := ask(amal, "عندي Duldung وأحتاج عمل")
			if !strings.Contains(card.Text, "maschineller Übersetzung") {
				t.Errorf("card = %q", card.Text)
			}
			if !strings.Contains(relay.Text, "عندي Duldung") || !strings.Contains(relay.Text, "Maschinelle Übersetzung aus") ||
				!strings.Contains(relay.Text, "de: ") || strings.Count(relay.Text, "Duldung") != 2 {
				t.Fatalf("relay = %q", relay.Text)
			}
			fake.PressIn(group, anna, card.MessageID, button(card, "🙋"))
			seen := len(waitIn(amal.ID, 5))

			fake.ReplyTo(group, anna, relay.MessageID, "Bitte bringen Sie die Fiktionsbescheinigung zur Ausländerbehörde.")
			reply := waitIn(amal.ID, seen+1)[seen]
			if !strings.Contains(reply.Text, "ar: BITTE BRINGEN") || !strings.Contains(reply.Text, "Fiktionsbescheinigung") ||
				!strings.Contains(reply.Text, "Ausländerbehörde") {
				t.Errorf("translated reply = %q", reply.Text)
			}
			calls := tr.Calls()
			if len(calls) != 2 {
				t.Fatalf("%d translations, want 2: %+v", len(calls), calls)
			}
			for _, c := range calls {
				if c.APIKey != tc.key || c.Format != tc.format || strings.Contains(c.Q, "Duldung") || strings.Contains(c.Q, "Fiktionsbescheinigung") {
					t.Errorf("request = %+v", c)
				}
			}

			selam := telegramtest.User{ID: 47102, FirstName: "Selam", LanguageCode: "ti"}
			card, relay = ask(selam, "ሰላም ሓገዝ የድልየኒ")
			if !strings.Contains(card.Text, "Keine maschinelle Übersetzung für") {
				t.Errorf("Tigrinya card = %q", card.Text)
			}
			if strings.Contains(relay.Text, "Maschinelle Übersetzung") || len(tr.Calls()) != 2 {
				t.Errorf("Tigrinya went to the translator: relay %q, %d calls", relay.Text, len(tr.Calls()))
			}
			for _, never := range []string{"Duldung", "عندي", "Fiktionsbescheinigung", "ሰላም", "d5e6"} {
				if strings.Contains(logs.String(), never) {
					t.Errorf("logs contain %q", never)
				}
			}
		})
	}
}
