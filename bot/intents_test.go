package bot_test

import (
	"strings"
	"testing"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// buttonData finds the callback data of the button for a flow action.
func buttonData(tb testing.TB, s telegramtest.Sent, action string) string {
	tb.Helper()
	for _, row := range s.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, action+":") {
				return b.CallbackData
			}
		}
	}
	tb.Fatalf("no %q button in %+v", action, s.Buttons)
	return ""
}

// TestBot_TypedRequests: requests typed in words open the same flow as
// the button, end to end over HTTP: an Arabic and a Somali request for a
// person show the privacy notice and then the hand-over; a Turkish
// request for an appointment leads to the offices (this bot has no office
// hours to book).
func TestBot_TypedRequests(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	in.poll(t, 4)

	tests := []struct {
		name string
		user telegramtest.User
		text string
		// after acknowledging the notice: the button or text expected
		wantAction, wantText string
	}{
		{"ArabicPerson", telegramtest.User{ID: 611, FirstName: "Amal", LanguageCode: "ar"}, "ممكن احكي مع موظف من المكتب؟", "hs:", ""},
		{"SomaliPerson", telegramtest.User{ID: 612, FirstName: "Hodan", LanguageCode: "en"}, "Waxaan rabaa inaan la hadlo qof", "hs:", ""},
		{"TurkishBooking", telegramtest.User{ID: 613, FirstName: "Emre", LanguageCode: "tr"}, "randevu almak istiyorum", "", "Marktplatz 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.SendText(tt.user, tt.text)
			var notice telegramtest.Sent
			waitFor(t, fake, "privacy notice", func(s []telegramtest.Sent) bool {
				for _, m := range messagesTo(s, tt.user.ID) {
					for _, row := range m.Buttons {
						for _, b := range row {
							if strings.HasPrefix(b.CallbackData, "pa:") {
								notice = m
								return true
							}
						}
					}
				}
				return false
			})
			n := len(messagesTo(fake.Sent(), tt.user.ID))
			fake.Press(tt.user, notice.MessageID, buttonData(t, notice, "pa"))
			msgs := waitReplies(t, fake, tt.user.ID, n+1)
			last := msgs[len(msgs)-1]
			if tt.wantAction != "" {
				buttonData(t, last, strings.TrimSuffix(tt.wantAction, ":"))
			}
			if !strings.Contains(last.Text, tt.wantText) {
				t.Errorf("after the notice: %q, want %q", last.Text, tt.wantText)
			}
			for _, m := range msgs {
				if strings.Contains(m.Text, "❓") {
					t.Errorf("got a knowledge base answer: %q", m.Text)
				}
			}
		})
	}
}
