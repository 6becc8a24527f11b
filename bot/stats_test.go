package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/flows"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/stats"
	"lotse/internal/telegramtest"
)

func today(r *redistest.Redis) string { return r.Now().UTC().Format(stats.Day) }

// dayCounts reads the test's counters of today.
func dayCounts(t *testing.T, in *instance, r *redistest.Redis) map[string]int64 {
	t.Helper()
	days, err := in.store.Stats(0).Days(context.Background(), []string{today(r)})
	if err != nil {
		t.Fatal(err)
	}
	return days[0]
}

// TestStats_NoExtraRoundTrip: counting sends nothing to Redis while an
// ordinary message is processed; the counts reach Redis in one pipeline
// at the flush. (BenchmarkAdapter shows the whole cost per message.)
func TestStats_NoExtraRoundTrip(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	var statsCalls atomic.Int64
	r.Client.AddHook(statsHook{&statsCalls})
	raw := func(id int, text string) []byte {
		return []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1763700000,"chat":{"id":4242,"type":"private"},"from":{"id":4242,"is_bot":false,"first_name":"U","language_code":"de"},"text":%q}}`, id, id, text))
	}
	const n = 10
	ctx := context.Background()
	for i := 0; i <= n; i++ {
		text := "Wie finde ich eine Wohnung?"
		if i == 0 {
			text = "/start"
		}
		if err := in.d.Process(ctx, raw(1+i, text)); err != nil {
			t.Fatal(err)
		}
	}
	if got := statsCalls.Load(); got != 0 {
		t.Errorf("processing %d messages sent %d statistics round trips, want 0", n+1, got)
	}
	if err := in.tally.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := statsCalls.Load(); got != 1 {
		t.Errorf("flush cost %d round trips, want 1", got)
	}
	c := dayCounts(t, in, r)
	if c["msg:de"] != n+1 || c["new:de"] != 1 {
		t.Errorf("messages/new = %d/%d, want %d/1 (%v)", c["msg:de"], c["new:de"], n+1, c)
	}
	var answers int64
	for f, v := range c {
		if strings.HasPrefix(f, "answer:") {
			answers += v
		}
	}
	if answers != n || c["area:housing"] != n {
		t.Errorf("answers = %d, housing = %d, want %d each (%v)", answers, c["area:housing"], n, c)
	}
	keys := r.Keys(t)
	k := r.Prefix + ":stats:{" + today(r) + "}"
	if ttl, ok := keys[k]; !ok || ttl <= 0 || ttl > 402*24*time.Hour {
		t.Errorf("stats key %s TTL = %v (present %v), want ≤ 400 days after the day", k, ttl, ok)
	}
}

// TestBot_StatsInStaffGroup: /stats in the staff group answers from the
// same counters, this week and this month, small figures as "< 5".
func TestBot_StatsInStaffGroup(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	in.poll(t, 4)
	for i := 0; i < 6; i++ {
		u := telegramtest.User{ID: int64(8100 + i), FirstName: "P", LanguageCode: "uk"}
		fake.SendText(u, "Wie finde ich eine Wohnung?")
		waitReplies(t, fake, u.ID, 1)
	}
	// A reply goes out just before its update is counted and committed.
	// The messages are counted under the language they are written in,
	// German, not the one of the people's Telegram (uk).
	for deadline := time.Now().Add(5 * time.Second); dayCounts(t, in, r)["msg:de"] < 6 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if err := in.tally.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	fake.SendTextIn(staffGroup, annaUser, "/stats")
	msgs := waitIn(t, fake, staffChat, 1)
	got := msgs[len(msgs)-1].Text
	for _, want := range []string{"This week", "This month", "Messages: 6 · new people: 6", "Requests: < 5"} {
		if !strings.Contains(got, want) {
			t.Errorf("/stats lacks %q:\n%s", want, got)
		}
	}
}

// TestBot_ConsentedQuestion: after "no answer" the bot asks once; only
// "yes" keeps the question, masked; "no" and ignoring it keep nothing.
func TestBot_ConsentedQuestion(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	in.poll(t, 4)
	questions := in.store.Questions()
	ctx := context.Background()
	// Words no entry knows, in no particular language (masking is
	// tested in flows).
	const odd = "blorf zimzam quaxel"

	yes := telegramtest.User{ID: 8201, FirstName: "Nadia", LanguageCode: "en"}
	fake.SendText(yes, "/start")
	waitReplies(t, fake, yes.ID, 1)
	fake.SendText(yes, odd)
	msgs := waitReplies(t, fake, yes.ID, 3)
	ask := msgs[len(msgs)-1]
	if !strings.Contains(ask.Text, "without your name") {
		t.Fatalf("no consent question after no answer: %q", ask.Text)
	}
	fake.Press(yes, ask.MessageID, button(t, ask, "Yes"))
	waitFor(t, fake, "thanks", func(s []telegramtest.Sent) bool {
		m := messagesTo(s, yes.ID)
		return strings.Contains(m[len(m)-1].Text, "90 days")
	})
	kept, err := questions.Since(ctx, r.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 {
		t.Fatalf("kept %d questions, want 1", len(kept))
	}
	if q := kept[0]; q.Text != odd || q.Lang != "en" || q.Ref == "" {
		t.Errorf("kept question = %+v", q)
	}
	// Asked once per conversation.
	before := len(messagesTo(fake.Sent(), yes.ID))
	fake.SendText(yes, "blorf zimzam quaxel again")
	msgs = waitReplies(t, fake, yes.ID, before+1)
	time.Sleep(100 * time.Millisecond)
	for _, m := range messagesTo(fake.Sent(), yes.ID)[before:] {
		if strings.Contains(m.Text, "without your name") {
			t.Errorf("asked a second time: %q", m.Text)
		}
	}

	no := telegramtest.User{ID: 8202, FirstName: "Omid", LanguageCode: "en"}
	fake.SendText(no, "/start")
	waitReplies(t, fake, no.ID, 1)
	fake.SendText(no, "quaxel blorf zimzam")
	msgs = waitReplies(t, fake, no.ID, 3)
	fake.Press(no, msgs[2].MessageID, button(t, msgs[2], "No"))
	waitReplies(t, fake, no.ID, 4)

	// Ignoring the question and pressing "yes" later keeps nothing: the
	// question was dropped with the next message.
	late := telegramtest.User{ID: 8203, FirstName: "Lea", LanguageCode: "en"}
	fake.SendText(late, "/start")
	waitReplies(t, fake, late.ID, 1)
	fake.SendText(late, "zimzam quaxel blorf")
	msgs = waitReplies(t, fake, late.ID, 3)
	fake.SendText(late, "/menu")
	waitReplies(t, fake, late.ID, 4)
	fake.Press(late, msgs[2].MessageID, button(t, msgs[2], "Yes"))
	waitReplies(t, fake, late.ID, 5)

	if kept, _ = questions.Since(ctx, r.Now().Add(-time.Hour)); len(kept) != 1 {
		t.Errorf("kept %d questions after a no and a late yes, want still 1", len(kept))
	}
	for k, ttl := range r.Keys(t) {
		if strings.Contains(k, ":questions:") && (ttl <= 0 || ttl > 92*24*time.Hour) {
			t.Errorf("%s TTL = %v, want ≤ 91 days", k, ttl)
		}
	}
}

// TestBot_NothingToLookUp: thanks, an emoji or a lone "?" get the menu,
// not "no answer" – and do not use up the one consent question, which
// the next real question without an answer still gets.
func TestBot_NothingToLookUp(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing})
	in.poll(t, 4)
	u := telegramtest.User{ID: 8211, FirstName: "Nadia", LanguageCode: "ar"}
	fake.SendText(u, "مرحبا")
	waitReplies(t, fake, u.ID, 1)
	n := 1
	for _, s := range []string{"شكرا", "🙏", "?", "  👍  "} {
		fake.SendText(u, s)
		msgs := waitReplies(t, fake, u.ID, n+1)
		time.Sleep(100 * time.Millisecond)
		msgs = messagesTo(fake.Sent(), u.ID)
		if len(msgs) != n+1 {
			t.Fatalf("%q: %d replies, want 1", s, len(msgs)-n)
		}
		n = len(msgs)
		// The menu, under "how can I help" or, after thanks, "you're
		// welcome – can I help with anything else".
		if m := msgs[n-1]; !strings.Contains(m.Text, "أستطيع مساعدتك") || len(m.Buttons) < 3 {
			t.Errorf("%q got %q, want the menu", s, m.Text)
		}
	}
	fake.SendText(u, "blorf zimzam quaxel")
	msgs := waitReplies(t, fake, u.ID, n+2)
	// Nonsense may be taken for another language; the question is
	// recognised by its yes button.
	if ask := msgs[n+1]; len(ask.Buttons) != 1 || !strings.HasPrefix(ask.Buttons[0][0].Text, "✅") {
		t.Errorf("no consent question after the first real miss: %q", ask.Text)
	}
}

// TestBot_ThanksInMoreWords: thanks and ok in a few words, in every
// language, get the menu, not "no answer", and do not spend the one
// request to keep a question.
func TestBot_ThanksInMoreWords(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing})
	in.poll(t, 4)
	thanks := map[string][]string{
		"de": {"Vielen Dank", "danke schön"}, "en": {"thank you so much", "ok thanks"},
		"fr": {"merci beaucoup", "d'accord"}, "ar": {"شكرا جزيلا", "تمام"},
		"tr": {"çok teşekkürler", "tamam"}, "ru": {"спасибо большое", "хорошо"},
		"uk": {"дуже дякую", "добре"}, "fa": {"خیلی ممنون", "باشه"},
		"ps": {"ډېره مننه", "ښه"}, "ku": {"gelek spas", "temam"},
		"ti": {"ብጣዕሚ የቐንየለይ", "ሕራይ"}, "so": {"aad u mahadsanid", "waa hagaag"},
	}
	id := int64(8220)
	for lang, says := range thanks {
		id++
		u := telegramtest.User{ID: id, FirstName: "Nadia", LanguageCode: lang}
		fake.SendText(u, "/start")
		n := len(waitReplies(t, fake, u.ID, 1))
		for _, s := range says {
			fake.SendText(u, s)
			waitReplies(t, fake, u.ID, n+1)
			time.Sleep(100 * time.Millisecond)
			msgs := messagesTo(fake.Sent(), u.ID)
			if len(msgs) != n+1 {
				t.Fatalf("%s %q: %d replies, want 1", lang, s, len(msgs)-n)
			}
			n = len(msgs)
			if m := msgs[n-1]; len(m.Buttons) < 3 {
				t.Errorf("%s %q got %q, want the menu", lang, s, m.Text)
			}
		}
	}
}

// TestBot_NumbersAndLinksAlone: "123", a phone number or a link alone
// get the menu, not "no answer", and the phone number is never put up to
// be kept as a question; the next real miss still gets the request.
func TestBot_NumbersAndLinksAlone(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing})
	in.poll(t, 4)
	u := telegramtest.User{ID: 8240, FirstName: "Nadia", LanguageCode: "en"}
	fake.SendText(u, "/start")
	n := len(waitReplies(t, fake, u.ID, 1))
	for _, s := range []string{"123", "+49 176 1234567", "https://www.example.org/wohngeld", "0176 / 123 45 67"} {
		fake.SendText(u, s)
		waitReplies(t, fake, u.ID, n+1)
		time.Sleep(100 * time.Millisecond)
		msgs := messagesTo(fake.Sent(), u.ID)
		if len(msgs) != n+1 {
			t.Fatalf("%q: %d replies, want 1", s, len(msgs)-n)
		}
		n = len(msgs)
		if m := msgs[n-1]; !strings.Contains(m.Text, "How can I help") || len(m.Buttons) < 3 {
			t.Errorf("%q got %q, want the menu", s, m.Text)
		}
	}
	fake.SendText(u, "blorf zimzam quaxel")
	msgs := waitReplies(t, fake, u.ID, n+2)
	if ask := msgs[n+1]; len(ask.Buttons) != 1 || !strings.HasPrefix(ask.Buttons[0][0].Text, "✅") {
		t.Errorf("no consent question after the first real miss: %q", ask.Text)
	}
}

// TestBot_Export: after a journey – a hand-over taken, closed and rated,
// a consented question – /export lists each item in a JSON file and a
// summary in the person's language, nothing of another person; after
// /delete the export is empty.
func TestBot_Export(t *testing.T) {
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	in.poll(t, 4)
	u := telegramtest.User{ID: 8301, FirstName: "Samira", LanguageCode: "ar"}
	other := telegramtest.User{ID: 8302, FirstName: "Otherperson", LanguageCode: "de"}
	askForPerson(t, fake, other, "Andere Frage von Otherperson")
	card := askForPerson(t, fake, u, "سؤال عن السكن")
	fake.PressIn(staffGroup, annaUser, card.MessageID, button(t, card, "Take"))
	waitIn(t, fake, u.ID, 5)
	fake.SendText(u, "/end")
	msgs := waitFor(t, fake, "rating", func(s []telegramtest.Sent) bool {
		m := messagesTo(s, u.ID)
		return len(m[len(m)-1].Buttons) > 0 && strings.Contains(m[len(m)-1].Buttons[0][0].Text, "⭐")
	})
	rateMsg := messagesTo(msgs, u.ID)
	rating := rateMsg[len(rateMsg)-1]
	n := len(messagesTo(fake.Sent(), u.ID))
	fake.Press(u, rating.MessageID, rating.Buttons[0][3].CallbackData) // 4 stars
	msgs = waitReplies(t, fake, u.ID, n+1)
	comment := msgs[len(msgs)-1] // an optional comment: skip it
	fake.Press(u, comment.MessageID, comment.Buttons[0][0].CallbackData)
	// Skipping gets two messages, the thanks and the menu: both are
	// counted before the next question, whenever the second arrives.
	n = len(waitReplies(t, fake, u.ID, n+3))
	fake.SendText(u, "بلورف زمزم كواكسل")
	msgs = waitReplies(t, fake, u.ID, n+2) // no answer, and may the team read it
	ask := msgs[n+1]
	fake.Press(u, ask.MessageID, ask.Buttons[0][0].CallbackData)
	waitReplies(t, fake, u.ID, n+3)

	export := func() (string, flows.PersonExport) {
		t.Helper()
		docs := len(fake.Requests("sendDocument"))
		fake.SendText(u, "/export")
		sent := waitFor(t, fake, "export file", func(s []telegramtest.Sent) bool { return len(fake.Requests("sendDocument")) > docs })
		_ = sent
		doc := fake.Requests("sendDocument")[docs]
		if doc.ChatID != u.ID || doc.FileName != "lotse-export.json" {
			t.Fatalf("export sent to %d as %q", doc.ChatID, doc.FileName)
		}
		var data flows.PersonExport
		if err := json.Unmarshal(doc.FileBytes, &data); err != nil {
			t.Fatalf("export is not JSON: %v\n%s", err, doc.FileBytes)
		}
		m := messagesTo(fake.Sent(), u.ID)
		summary := ""
		for _, s := range m {
			if strings.Contains(s.Text, "📦") {
				summary = s.Text
			}
		}
		if strings.Contains(string(doc.FileBytes), "Otherperson") || strings.Contains(summary, "Otherperson") {
			t.Errorf("export contains another person's data")
		}
		// As a number of its own: a timestamp may contain the same digits.
		if regexp.MustCompile(`(^|[^0-9])` + fmt.Sprint(anna.UserID) + `([^0-9]|$)`).Match(doc.FileBytes) {
			t.Errorf("export contains the case manager's Telegram id")
		}
		return summary, data
	}
	summary, data := export()
	if data.Conversation == nil || data.Conversation.Language != "ar" || data.Conversation.PrivacyAcknowledged == nil || data.Conversation.MenuPosition == "" {
		t.Errorf("conversation = %+v", data.Conversation)
	}
	if len(data.Handovers) != 1 || data.Handovers[0].Rating != 4 || data.Handovers[0].Status != "closed" || data.Handovers[0].FirstName != "Samira" || data.Handovers[0].DeletedAfter == nil {
		t.Errorf("handovers = %+v", data.Handovers)
	}
	if len(data.Questions) != 1 || !strings.Contains(data.Questions[0].Text, "بلورف") || data.Questions[0].Expires.IsZero() {
		t.Errorf("questions = %+v", data.Questions)
	}
	for _, want := range []string{"📦 ما يحفظه Lotse عنك", "العربية", "1\u2069", "بلورف"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}

	fake.SendText(u, "/delete")
	msgs = waitReplies(t, fake, u.ID, len(messagesTo(fake.Sent(), u.ID))+1)
	confirm := msgs[len(msgs)-1]
	fake.Press(u, confirm.MessageID, confirm.Buttons[0][0].CallbackData)
	waitReplies(t, fake, u.ID, len(msgs)+1)
	summary, data = export()
	if data.Conversation != nil || len(data.Handovers)+len(data.Appointments)+len(data.Questions) != 0 {
		t.Errorf("export after /delete = %+v", data)
	}
	if kept, _ := in.store.Questions().Since(context.Background(), r.Now().Add(-time.Hour)); len(kept) != 0 {
		t.Errorf("question kept after /delete: %+v", kept)
	}
	if !strings.Contains(summary, "📦") || strings.Contains(summary, "/delete") {
		t.Errorf("summary after /delete = %q, want nothing stored and no /delete to offer", summary)
	}
}

// statsHook counts the round trips (commands or pipelines) that touch
// a statistics key.
type statsHook struct{ n *atomic.Int64 }

func touchesStats(cmd redis.Cmder) bool {
	for _, a := range cmd.Args() {
		if k, ok := a.(string); ok && strings.Contains(k, ":stats:{") {
			return true
		}
	}
	return false
}

func (h statsHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h statsHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if touchesStats(cmd) {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h statsHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if touchesStats(c) {
				h.n.Add(1)
				break
			}
		}
		return next(ctx, cmds)
	}
}
