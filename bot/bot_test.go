package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/bot"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestBot_Conversation walks a refugee through the bot over HTTP: greeting
// in their language, menu, an answer, the language switch.
func TestBot_Conversation(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	in := mustInstance(t, fake, r, setup{})
	in.poll(t, 4)
	amal := telegramtest.User{ID: 501, FirstName: "Amal", LanguageCode: "ar"}

	fake.SendText(amal, "مرحبا")
	msgs := waitReplies(t, fake, amal.ID, 1)
	greeting := msgs[0]
	if !strings.Contains(greeting.Text, "Musterstadt") || !strings.ContainsRune(greeting.Text, 'ل') {
		t.Fatalf("greeting not in Arabic: %q", greeting.Text)
	}
	if greeting.Params["parse_mode"] != "" {
		t.Errorf("text sent with parse mode %q", greeting.Params["parse_mode"])
	}

	fake.Press(amal, greeting.MessageID, button(t, greeting, "🏠"))
	msgs = waitReplies(t, fake, amal.ID, 2)
	area := msgs[1]
	if area.Method != "editMessageText" || area.MessageID != greeting.MessageID {
		t.Errorf("menu navigation should edit the message, got %s on %d", area.Method, area.MessageID)
	}
	if fake.Calls("answerCallbackQuery") < 1 {
		t.Error("button press not answered")
	}
	var first string
	for _, row := range area.Buttons {
		if first == "" && strings.HasPrefix(row[0].CallbackData, "q:") {
			first = row[0].CallbackData
		}
	}
	fake.Press(amal, area.MessageID, first)
	msgs = waitReplies(t, fake, amal.ID, 3)
	if answer := msgs[2].Text; !strings.Contains(answer, "https://") || !strings.Contains(answer, "\u2068") {
		t.Errorf("answer lacks an isolated source link: %q", answer)
	}

	fake.SendText(amal, "/language")
	msgs = waitReplies(t, fake, amal.ID, 4)
	fake.Press(amal, msgs[3].MessageID, button(t, msgs[3], "Українська"))
	msgs = waitReplies(t, fake, amal.ID, 6)
	if !strings.Contains(msgs[4].Text, "українською") {
		t.Errorf("language switch confirmation = %q", msgs[4].Text)
	}

	// Privacy: after the whole journey every key has a TTL, and none
	// names the chat.
	keys := r.Keys(t)
	if len(keys) == 0 {
		t.Fatal("no keys written")
	}
	for k, ttl := range keys {
		if ttl <= 0 || ttl > 31*24*time.Hour {
			t.Errorf("key %s has TTL %v", k, ttl)
		}
		if strings.Contains(k, "501") {
			t.Errorf("key %s contains the chat id", k)
		}
	}
}

// TestBot_ForgedButtons: tampered, foreign, replayed-after-erasure and
// oversized button data get a calm answer, never an action.
func TestBot_ForgedButtons(t *testing.T) {
	t.Parallel()
	fake := mustPolling(t)
	u := telegramtest.User{ID: 601, FirstName: "Oleh", LanguageCode: "uk"}
	other := telegramtest.User{ID: 602, FirstName: "Olena", LanguageCode: "uk"}

	fake.SendText(u, "/start")
	menu := waitReplies(t, fake, u.ID, 1)[0]
	housing := button(t, menu, "🏠")
	fake.SendText(other, "/start")
	otherMenu := waitReplies(t, fake, other.ID, 1)[0]

	stale := "не діє"
	cases := []struct{ name, data string }{
		{"Tampered", strings.Replace(housing, "housing", "work", 1)},
		{"NoMAC", "a:housing"},
		{"ForeignChat", button(t, otherMenu, "🏠")},
		{"Garbage", "\xff\xfe~~~"},
		{"TooLong", strings.Repeat("x", 64)},
	}
	n := 1
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake.Press(u, menu.MessageID, c.data)
			n++
			msgs := waitReplies(t, fake, u.ID, n)
			if !strings.Contains(msgs[n-1].Text, stale) {
				t.Errorf("reply = %q, want the stale-button note", msgs[n-1].Text)
			}
		})
	}

	t.Run("ReplayAfterDelete", func(t *testing.T) {
		fake.SendText(u, "/delete")
		n++
		confirm := waitReplies(t, fake, u.ID, n)[n-1]
		yes := button(t, confirm, "🗑")
		fake.Press(u, confirm.MessageID, yes)
		n++
		waitReplies(t, fake, u.ID, n)
		fake.Press(u, confirm.MessageID, yes)
		n++
		msgs := waitReplies(t, fake, u.ID, n)
		if last := msgs[n-1].Text; !strings.Contains(last, stale) && !strings.Contains(last, "Musterstadt") {
			t.Errorf("replayed delete answered %q", last)
		}
		if got := fake.Calls("answerCallbackQuery"); got < len(cases)+2 {
			t.Errorf("answered %d presses", got)
		}
	})
}

// TestBot_Dedupe: the same update delivered twice — to one replica or to
// two at once — is processed once.
func TestBot_Dedupe(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	a := mustInstance(t, fake, r, setup{})
	b := mustInstance(t, fake, r, setup{})
	raw := []byte(`{"update_id":9001,"message":{"message_id":1,"date":1763700000,"chat":{"id":701,"type":"private"},"from":{"id":701,"is_bot":false,"first_name":"A","language_code":"en"},"text":"/help"}}`)

	var wg sync.WaitGroup
	for _, d := range []*bot.Dispatcher{a.d, a.d, b.d, b.d} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.Process(context.Background(), raw); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(messagesTo(fake.Sent(), 701)); got != 1 {
		t.Fatalf("one update delivered 4 times produced %d replies", got)
	}
}

// TestBot_OrderAcrossReplicas: two replicas sharing one Redis both receive
// a chat's updates at the same moment (a redelivered batch); every update
// is applied once, in order.
func TestBot_OrderAcrossReplicas(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	a := mustInstance(t, fake, r, setup{pacing: fastPacing})
	b := mustInstance(t, fake, r, setup{pacing: fastPacing})
	cmds := []string{"/help", "/privacy", "/menu", "/language", "/delete", "/help", "/menu", "/privacy"}
	var raws [][]byte
	for i, c := range cmds {
		raws = append(raws, []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1763700000,"chat":{"id":801,"type":"private"},"from":{"id":801,"is_bot":false,"first_name":"B","language_code":"en"},"text":%q}}`, 5000+i, i+1, c)))
	}
	var wg sync.WaitGroup
	for _, d := range []*bot.Dispatcher{a.d, b.d} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, raw := range raws {
				if err := d.Process(context.Background(), raw); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	msgs := messagesTo(fake.Sent(), 801)
	if len(msgs) != len(cmds) {
		t.Fatalf("%d updates produced %d replies", len(cmds), len(msgs))
	}
	want := []string{"How Lotse helps", "Privacy", "How can I help", "choose your language", "really want to delete", "How Lotse helps", "How can I help", "Privacy"}
	for i, m := range msgs {
		if !strings.Contains(m.Text, want[i]) {
			t.Errorf("reply %d = %q, want %q (out of order?)", i, m.Text, want[i])
		}
	}
}

var fastPacing = bot.Pacing{PerChat: 1000, ChatBurst: 100, PerGroup: 1000, GroupBurst: 100, Bulk: 1000, BulkBurst: 100}

// TestBot_KilledMidBatch: a replica is killed while a batch is in flight;
// the next one gets the unconfirmed updates again. Nothing is lost, and
// only an update whose reply was on the wire at the kill may be doubled.
func TestBot_KilledMidBatch(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	const chats, perChat = 6, 4
	var users []telegramtest.User
	for c := 0; c < chats; c++ {
		users = append(users, telegramtest.User{ID: int64(900 + c), FirstName: "K", LanguageCode: "en"})
	}
	for i := 0; i < perChat; i++ {
		for _, u := range users {
			fake.SendText(u, "/help")
		}
	}
	a := mustInstance(t, fake, r, setup{pacing: bot.Pacing{PerChat: 20, ChatBurst: 1}})
	a.poll(t, chats)
	waitFor(t, fake, "part of the batch", func(s []telegramtest.Sent) bool { return len(s) >= chats })
	a.stop() // kill: requests in flight are aborted, nothing is confirmed
	<-a.done
	if fake.Pending() == 0 {
		t.Fatal("the whole batch was confirmed before the kill; the test proves nothing")
	}

	b := mustInstance(t, fake, r, setup{pacing: fastPacing})
	b.poll(t, chats)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for fake.Pending() > 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	for _, u := range users {
		got := len(messagesTo(fake.Sent(), u.ID))
		if got < perChat {
			t.Errorf("chat %d: %d of %d updates answered: lost", u.ID, got, perChat)
		}
		if got > perChat+1 {
			t.Errorf("chat %d: %d replies for %d updates: doubled beyond the one in flight", u.ID, got, perChat)
		}
	}
}

// TestBot_Webhook: Telegram pushes to the webhook; wrong or missing
// secrets get 403; a failed update gets 503 and is delivered again.
func TestBot_Webhook(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{})
	const secret = "s3cr3t_T0ken-abc"
	srv := httptest.NewServer(in.d.Webhook(secret))
	defer srv.Close()
	if err := in.client.SetWebhook(context.Background(), srv.URL+"/webhook", secret); err != nil {
		t.Fatal(err)
	}
	if url, got := fake.Webhook(); got != secret || url != srv.URL+"/webhook" {
		t.Fatalf("registered webhook %q with secret %q", url, got)
	}
	u := telegramtest.User{ID: 1001, FirstName: "W", LanguageCode: "fr"}
	fake.SendText(u, "/start")
	if msgs := waitReplies(t, fake, u.ID, 1); !strings.Contains(msgs[0].Text, "Bonjour") {
		t.Errorf("greeting = %q", msgs[0].Text)
	}

	body := []byte(`{"update_id":77,"message":{"message_id":1,"date":1,"chat":{"id":1002,"type":"private"},"text":"hi"}}`)
	for name, hdr := range map[string]string{"Missing": "", "Wrong": "guess", "Prefix": secret[:5]} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		if hdr != "" {
			req.Header.Set(bot.SecretHeader, hdr)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s secret: status %d, want 403", name, resp.StatusCode)
		}
	}
	if n := len(messagesTo(fake.Sent(), 1002)); n != 0 {
		t.Errorf("forged update was processed (%d replies)", n)
	}

	t.Run("RetriedAfterFailure", func(t *testing.T) {
		fake.FailNext("sendMessage", 1, http.StatusInternalServerError, 0)
		fake.SendText(u, "/help")
		waitReplies(t, fake, u.ID, 2)
		var statuses []int
		for _, d := range fake.Deliveries() {
			statuses = append(statuses, d.Status)
		}
		if !containsInt(statuses, http.StatusServiceUnavailable) {
			t.Errorf("deliveries %v: a failed update must not be acknowledged", statuses)
		}
		if got := len(messagesTo(fake.Sent(), u.ID)); got != 2 {
			t.Errorf("after the retry the chat has %d replies, want 2", got)
		}
	})
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TestBot_Groups: the bot leaves groups strangers add it to, and stays
// silent in the staff group.
func TestBot_Groups(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	const staff = -100500
	in := mustInstance(t, fake, redistest.Must(t), setup{staffChat: staff})
	in.poll(t, 2)
	stranger := telegramtest.User{ID: 1101, FirstName: "S"}
	fake.AddToGroup(telegramtest.Chat{ID: -4242, Type: "group", Title: "x"}, stranger)
	fake.SendTextIn(telegramtest.Chat{ID: -4343, Type: "supergroup", Title: "y"}, stranger, "hello bot")
	fake.SendTextIn(telegramtest.Chat{ID: staff, Type: "supergroup", Title: "Staff"}, stranger, "hello")
	sent := waitFor(t, fake, "leaving", func(s []telegramtest.Sent) bool { return len(fake.Requests("leaveChat")) >= 2 })
	for _, s := range sent {
		if s.ChatID == staff {
			t.Errorf("bot acted in the staff group: %s", s.Method)
		}
		if s.Method == "sendMessage" && s.ChatID < 0 {
			t.Errorf("bot wrote into a stranger's group: %q", s.Text)
		}
	}
	// README, staff group setup: IT reads the group's id (for
	// STAFF_CHAT_ID) in the log when the bot leaves a group it does not
	// know. A group's id names no person.
	named := func() bool {
		logs := in.logs.String()
		return strings.Contains(logs, "group_id=-4242") && strings.Contains(logs, "group_id=-4343")
	}
	for deadline := time.Now().Add(5 * time.Second); !named() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if !named() {
		t.Errorf("the log does not name the groups left:\n%s", in.logs.String())
	}
}

// TestBot_FloodControl: on 429 the client waits retry_after and the reply
// still arrives.
func TestBot_FloodControl(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{})
	in.poll(t, 2)
	fake.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	u := telegramtest.User{ID: 1201, FirstName: "F", LanguageCode: "de"}
	start := time.Now()
	fake.SendText(u, "/help")
	waitReplies(t, fake, u.ID, 1)
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("reply after %v: retry_after of 1 s not obeyed", waited)
	}
	if got := fake.Calls("sendMessage"); got != 2 {
		t.Errorf("sendMessage calls = %d, want 2 (one refused, one retried)", got)
	}
}

// TestBot_Pacing: messages to one chat are spaced to the per-chat limit.
func TestBot_Pacing(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: bot.Pacing{PerChat: 10, ChatBurst: 2, PerGroup: 20, GroupBurst: 2, Bulk: 1000, BulkBurst: 10}})
	in.poll(t, 2)
	u := telegramtest.User{ID: 1301, FirstName: "P", LanguageCode: "de"}
	for i := 0; i < 8; i++ {
		fake.SendText(u, "/help")
	}
	msgs := waitReplies(t, fake, u.ID, 8)
	// 8 messages, burst 2, then 10/s: the last one leaves 6/10 s after
	// the first. The fake stamps a message when it arrives; on a busy
	// machine the first one was held 44 ms longer on its way than the
	// last (a span of 256 ms at 20/s): so a slower rate and room for
	// 150 ms. Unpaced, the eight replies arrive within 20 ms.
	if span := msgs[7].At.Sub(msgs[0].At); span < 450*time.Millisecond {
		t.Errorf("8 messages to one chat within %v: not paced", span)
	}
}

// TestBot_Throttle: a person who floods the bot gets the message that
// goes past the limit answered and is told once to slow down; further
// messages in the burst get no reply, but for an emergency.
func TestBot_Throttle(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing, opts: []func(*bot.Options){func(o *bot.Options) { o.UserRate, o.UserBurst = 0.01, 3 }}})
	in.poll(t, 1)
	u := telegramtest.User{ID: 1701, LanguageCode: "en"}
	for i := 0; i < 8; i++ {
		fake.SendText(u, "/help")
	}
	waitReplies(t, fake, u.ID, 5)
	deadline := time.Now().Add(300 * time.Millisecond)
	for fake.Pending() > 0 || time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// Three answers, the fourth message answered with the slow-down note,
	// then nothing.
	msgs := messagesTo(fake.Sent(), u.ID)
	if len(msgs) != 5 || msgs[3].Text != msgs[0].Text || !strings.Contains(msgs[4].Text, "very fast") {
		t.Errorf("flood of 8 got %d replies; the 4th message should be answered, then the slow-down note: %+v", len(msgs), msgs)
	}

	// Still over the limit, an emergency is answered all the same.
	fake.SendText(u, "he has a knife and is hitting me")
	msgs = waitReplies(t, fake, u.ID, 6)
	if !strings.Contains(msgs[5].Text, "110") {
		t.Errorf("emergency during a flood answered with %q, want the emergency numbers", msgs[5].Text)
	}
}

// TestBot_Unsupported: a server without setMyCommands is tolerated.
func TestBot_Unsupported(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	fake.Unsupported("setMyCommands")
	in := mustInstance(t, fake, redistest.Must(t), setup{})
	in.client.RegisterCommands(context.Background(), []string{"de", "ar"}, "de", mustEngine(t, redistest.Must(t)).CommandMenu)
	if !strings.Contains(in.logs.String(), "does not support setMyCommands") {
		t.Errorf("unsupported method not logged: %s", in.logs.String())
	}
	in.poll(t, 1)
	u := telegramtest.User{ID: 1401, LanguageCode: "de"}
	fake.SendText(u, "/start")
	waitReplies(t, fake, u.ID, 1)

	fake2 := mustFake(t)
	in2 := mustInstance(t, fake2, redistest.Must(t), setup{})
	in2.client.RegisterCommands(context.Background(), []string{"de", "ar"}, "de", mustEngine(t, redistest.Must(t)).CommandMenu)
	if got := fake2.Calls("setMyCommands"); got != 3 {
		t.Errorf("setMyCommands calls = %d, want default + 2 languages", got)
	}
}

// TestBot_NoSecretsOrContentInLogs: transport errors carry the token in
// their URL; message text and names never reach the log.
func TestBot_NoSecretsOrContentInLogs(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{})
	in.poll(t, 2)
	u := telegramtest.User{ID: 1501, FirstName: "Canary-Name", LanguageCode: "en"}
	fake.SendText(u, "canary-text my phone is 0176 555")
	waitReplies(t, fake, u.ID, 1)
	fake.Close() // now every request fails at the transport
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(in.logs.String(), "getUpdates failed") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	logs := in.logs.String()
	if !strings.Contains(logs, "getUpdates failed") {
		t.Fatalf("expected transport errors in the log, got: %s", logs)
	}
	for _, secret := range []string{token, "test-token-SECRET", "canary", "Canary-Name", "0176"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}

// TestBot_MediaAndEdits: every kind of non-text message gets a calm answer.
func TestBot_MediaAndEdits(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing, opts: []func(*bot.Options){func(o *bot.Options) { o.UserRate, o.UserBurst = 100, 100 }}})
	in.poll(t, 2)
	u := telegramtest.User{ID: 1601, LanguageCode: "en"}
	kinds := []string{"photo", "sticker", "voice", "audio", "video", "video_note", "document", "location", "contact", "animation"}
	for _, k := range kinds {
		fake.SendMedia(u, k, "") // a caption is answered as text: TestBot_PhotoWithQuestion
	}
	fake.SendText(u, "/start")
	fake.EditText(u, 1, "edited")
	fake.SendText(u, "/nonsense")
	fake.SendText(u, strings.Repeat("ä", 5000))
	// 5,000 letters are read up to the first thousand: no answer, the way
	// to a person, and a note that only the first part was read.
	sent := waitFor(t, fake, "the note on a long message", func(s []telegramtest.Sent) bool {
		msgs := messagesTo(s, u.ID)
		return len(msgs) > len(kinds)+3 && strings.Contains(msgs[len(msgs)-1].Text, "first part")
	})
	for i, m := range messagesTo(sent, u.ID) {
		if strings.TrimSpace(m.Text) == "" {
			t.Errorf("reply %d is empty", i)
		}
	}
}

// TestBot_EditedIntoUrgent: a message or a caption edited into an
// emergency gets the emergency numbers, not only "you changed a message".
func TestBot_EditedIntoUrgent(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing})
	in.poll(t, 2)
	u := telegramtest.User{ID: 1602, LanguageCode: "en"}
	fake.SendText(u, "hello")
	fake.SendMedia(u, "photo", "a letter")
	waitReplies(t, fake, u.ID, 2)
	fake.EditText(u, 1, "i want to kill myself")
	fake.EditText(u, 3, "my baby is not breathing")
	msgs := waitReplies(t, fake, u.ID, 6)
	var all string
	for _, m := range msgs[2:] {
		all += m.Text + "\n"
	}
	for _, want := range []string{"0800 111 0 111", "112"} {
		if !strings.Contains(all, want) {
			t.Errorf("edits into an emergency lack %s:\n%s", want, all)
		}
	}
}

// TestBot_PhotoWithQuestion: a photo whose caption is a question gets a
// short notice about photos and then the answer to the caption, as if it
// had been typed.
func TestBot_PhotoWithQuestion(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing})
	in.poll(t, 2)
	u := telegramtest.User{ID: 1603, LanguageCode: "en"}
	fake.SendText(u, "hello")
	waitReplies(t, fake, u.ID, 1)
	fake.SendMedia(u, "photo", "how do I register my address?")
	msgs := waitReplies(t, fake, u.ID, 3)
	if !strings.Contains(msgs[1].Text, "I am answering your text") {
		t.Errorf("notice = %q, want the short photo notice", msgs[1].Text)
	}
	if !strings.Contains(msgs[2].Text, "❓") {
		t.Errorf("caption not answered: %q", msgs[2].Text)
	}
}
