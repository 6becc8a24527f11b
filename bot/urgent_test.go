package bot_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"lotse/flows"
	"lotse/internal/i18n"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestBot_Urgent runs urgent detection end to end, over HTTP through the
// real adapter and the fake Bot API: an indirect suicidal message in
// Arabic gets the crisis lines first, a rent question that holds 110 gets
// no emergency help, "abgeschoben morgen" gets legal help with the
// configured local contact and the rejection answer, and a German
// farewell that only the urgent model (not the word lists) recognises
// gets the crisis lines too.
func TestBot_Urgent(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	loadShipped()
	conv := flows.New(flows.Deps{
		Messages: msgs, StaffText: staffMsgs.For("en"), KB: base,
		Tickets: r.Store(redisstore.Options{}).Tickets(0), Now: r.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, flows.Settings{
		Town:        "Musterstadt",
		Offices:     []flows.Office{{Name: i18n.German("Rathaus"), Address: "Marktplatz 1", Phone: "+49 1234 5678"}},
		SessionIdle: 30 * 24 * time.Hour,
		Facts:       facts,
		LocalHelp: flows.LocalHelp{
			Legal:  []flows.Contact{{Name: i18n.German("Refugee Law Clinic Musterstadt"), Phone: "+49 1234 5678-310", Hours: i18n.German("Di 14–18")}},
			Crisis: []flows.Contact{{Name: i18n.German("Krisendienst Musterstadt"), Phone: "+49 1234 5678-500"}},
		},
	})
	in := mustInstance(t, fake, r, setup{conv: conv})
	in.poll(t, 4)

	amal := telegramtest.User{ID: 601, FirstName: "Amal", LanguageCode: "ar"}
	jonas := telegramtest.User{ID: 602, FirstName: "Jonas", LanguageCode: "de"}
	samir := telegramtest.User{ID: 603, FirstName: "Samir", LanguageCode: "de"}
	lena := telegramtest.User{ID: 604, FirstName: "Lena", LanguageCode: "de"}
	fake.SendText(amal, "تعبت من الحياة وما بدي عيش بعد اليوم")
	// internal/kb TestKB_UrgencyModel checks that the lists miss this.
	fake.SendText(lena, "ich halte das alles nicht mehr aus, heute nacht verabschiede ich mich")
	fake.SendText(jonas, "110 Euro Mieterhöhung, darf der Vermieter das?")
	fake.SendText(samir, "abgeschoben morgen")

	first := waitReplies(t, fake, amal.ID, 1)[0].Text
	for _, want := range []string{"0800 111 0 111", "116 123", "112", "Krisendienst Musterstadt"} {
		if !strings.Contains(first, want) {
			t.Errorf("Arabic suicidal message: first reply lacks %q: %q", want, first)
		}
	}

	farewell := waitReplies(t, fake, lena.ID, 1)[0].Text
	for _, want := range []string{"0800 111 0 111", "116 123", "Krisendienst Musterstadt"} {
		if !strings.Contains(farewell, want) {
			t.Errorf("farewell caught by the model: first reply lacks %q: %q", want, farewell)
		}
	}

	legal := waitReplies(t, fake, samir.ID, 2)
	if !strings.Contains(legal[0].Text, "Refugee Law Clinic Musterstadt") || !strings.Contains(legal[0].Text, "+49 1234 5678-310") || strings.Contains(legal[0].Text, "110") {
		t.Errorf("deportation: first reply = %q, want the local legal help and no police", legal[0].Text)
	}
	if !strings.Contains(legal[1].Text, "Verwaltungsgericht") {
		t.Errorf("deportation: second reply = %q, want the rejection answer", legal[1].Text)
	}
	button(t, legal[1], "Beratung") // free legal advice, one tap away

	waitReplies(t, fake, jonas.ID, 1)
	for _, m := range messagesTo(fake.Sent(), jonas.ID) {
		if strings.Contains(m.Text, "116 016") || strings.Contains(m.Text, "0800 111 0 111") || strings.Contains(m.Text, "🚨") {
			t.Errorf("rent question got emergency help: %q", m.Text)
		}
	}
}
