package bot_test

import (
	"strings"
	"testing"
	"unicode"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestBot_AnswersInWrittenLanguage: over HTTP, a person whose Telegram
// is set to German writes Arabic, one set to English writes Tigrinya.
// Both are answered in the language they wrote, with a button back to
// the phone's language, and pressing it switches back.
func TestBot_AnswersInWrittenLanguage(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	in.poll(t, 2)

	tests := []struct {
		name     string
		user     telegramtest.User
		text     string
		script   *unicode.RangeTable
		back     string // label of the back button
		backText string // confirmation in the phone's language
	}{
		{"ArabicOnGermanPhone", telegramtest.User{ID: 601, FirstName: "Karim", LanguageCode: "de"},
			"كيف بقدر لاقي شقة بالمدينة", unicode.Arabic, "Weiter auf Deutsch", "Ich schreibe jetzt auf Deutsch."},
		{"TigrinyaOnEnglishPhone", telegramtest.User{ID: 602, FirstName: "Selam", LanguageCode: "en"},
			"ኣብ ከተማ ከመይ ገዛ ክረክብ እኽእል", unicode.Ethiopic, "Continue in English", "I will write in English now."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.SendText(tt.user, tt.text)
			msgs := waitReplies(t, fake, tt.user.ID, 1)
			first := msgs[0]
			if !strings.Contains(first.Text, "Musterstadt") || !hasScript(first.Text, tt.script) {
				t.Fatalf("first reply not in the written language: %q", first.Text)
			}
			back := button(t, first, tt.back)

			fake.Press(tt.user, first.MessageID, back)
			sent := waitFor(t, fake, "switch back", func(s []telegramtest.Sent) bool {
				ms := messagesTo(s, tt.user.ID)
				for i, m := range ms {
					if m.Text == tt.backText {
						return len(ms) > i+1
					}
				}
				return false
			})
			// What follows the confirmation (the screen the person was on)
			// is in the phone's language again.
			msgs = messagesTo(sent, tt.user.ID)
			last := msgs[len(msgs)-1]
			if hasScript(last.Text, tt.script) {
				t.Errorf("after going back still in the written language: %q", last.Text)
			}
		})
	}
}

func hasScript(s string, script *unicode.RangeTable) bool {
	for _, r := range s {
		if unicode.Is(script, r) {
			return true
		}
	}
	return false
}
