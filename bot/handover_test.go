package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"lotse/bot"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

var (
	staffGroup = telegramtest.Chat{ID: staffChat, Type: "supergroup", Title: "Integrationsmanagement"}
	annaUser   = telegramtest.User{ID: anna.UserID, FirstName: "Anna"}
	omarUser   = telegramtest.User{ID: omar.UserID, FirstName: "Omar"}
)

// askForPerson takes a person from /person through the privacy notice to
// a request with a description; it returns the card in the staff group.
func askForPerson(t *testing.T, fake *telegramtest.Server, u telegramtest.User, description string) telegramtest.Sent {
	t.Helper()
	before := len(inChat(fake.Sent(), u.ID))
	staffBefore := len(inChat(fake.Sent(), staffChat))
	fake.SendText(u, "/person")
	msgs := waitIn(t, fake, u.ID, before+2)
	notice := msgs[len(msgs)-1]
	fake.Press(u, notice.MessageID, button(t, notice, "✅"))
	msgs = waitIn(t, fake, u.ID, before+3)
	if !strings.Contains(msgs[len(msgs)-1].Text, "🙋") {
		t.Fatalf("no description prompt: %q", msgs[len(msgs)-1].Text)
	}
	fake.SendText(u, description)
	waitIn(t, fake, u.ID, before+4)
	staff := waitIn(t, fake, staffChat, staffBefore+2)
	return staff[staffBefore]
}

// takeRequest has a case manager take the request on card, made with
// askForPerson in a new chat, and waits for the person to be told: the
// fifth message in their chat.
func takeRequest(t *testing.T, fake *telegramtest.Server, by telegramtest.User, card telegramtest.Sent, person telegramtest.User) {
	t.Helper()
	fake.PressIn(staffGroup, by, card.MessageID, button(t, card, "🙋"))
	waitIn(t, fake, person.ID, 5)
}

// TestBot_HandoverCycle: request, card, take, relay both ways with text and
// media, end, rating — over HTTP with a private chat and a supergroup.
func TestBot_HandoverCycle(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing})
	in.poll(t, 4)
	amal := telegramtest.User{ID: 3001, FirstName: "Amal", LanguageCode: "ar"}

	card := askForPerson(t, fake, amal, "عندي رسالة من مكتب الأجانب <a href='x'>*bold*</a>")
	if !strings.Contains(card.Text, "Amal") || !strings.Contains(card.Text, "Arabic") {
		t.Fatalf("card = %q", card.Text)
	}
	if !strings.Contains(card.Params["entities"], "text_mention") || !strings.Contains(card.Params["entities"], fmt.Sprint(anna.UserID)) {
		t.Errorf("card does not mention the Arabic-speaking case manager: %s", card.Params["entities"])
	}
	relay := waitIn(t, fake, staffChat, 2)[1]
	if !strings.Contains(relay.Text, "<a href='x'>*bold*</a>") || relay.Params["parse_mode"] != "" {
		t.Errorf("relayed text must arrive literally, without parse mode: %q %q", relay.Text, relay.Params["parse_mode"])
	}

	// Two case managers tap Take at once: exactly one gets it.
	fake.PressIn(staffGroup, annaUser, card.MessageID, button(t, card, "🙋"))
	fake.PressIn(staffGroup, omarUser, card.MessageID, button(t, card, "🙋"))
	msgs := waitIn(t, fake, amal.ID, 5)
	if !strings.Contains(msgs[4].Text, "Anna Becker") {
		t.Fatalf("person not told who took over: %q", msgs[4].Text)
	}
	takes := func(s []telegramtest.Sent) (n int) {
		for _, m := range inChat(s, staffChat) {
			if m.Method == "editMessageText" && strings.Contains(m.Text, "Taken by") {
				n++
			}
		}
		return n
	}
	taken := waitFor(t, fake, "card edit", func(s []telegramtest.Sent) bool { return takes(s) > 0 })
	if n := takes(taken); n != 1 {
		t.Errorf("card shows %d takes", n)
	}

	// The person sends a photo; it reaches the staff group as media.
	staffN := len(inChat(fake.Sent(), staffChat))
	fake.SendMedia(amal, "photo", "الرسالة")
	copied := waitIn(t, fake, staffChat, staffN+1)[staffN]
	if copied.Method != "copyMessage" || copied.Params["from_chat_id"] != fmt.Sprint(amal.ID) || !strings.Contains(copied.Params["caption"], "#") {
		t.Fatalf("photo relay = %+v", copied)
	}

	// Anna answers the photo with text and with a photo of her own.
	waitRelayed(t, in, copied.MessageID)
	fake.ReplyTo(staffGroup, annaUser, copied.MessageID, "شكرا، سأتصل بك غدا")
	msgs = waitIn(t, fake, amal.ID, 6)
	if !strings.Contains(msgs[5].Text, "Anna Becker") || !strings.Contains(msgs[5].Text, "غدا") {
		t.Fatalf("staff text reply = %q", msgs[5].Text)
	}
	fake.SendMediaIn(staffGroup, annaUser, copied.MessageID, "document", "Formular")
	msgs = waitIn(t, fake, amal.ID, 7)
	if msgs[6].Method != "copyMessage" || msgs[6].Params["from_chat_id"] != fmt.Sprint(staffChat) {
		t.Fatalf("staff media reply = %+v", msgs[6])
	}

	// Staff chatter that replies to nothing of a ticket stays in the group.
	fake.SendTextIn(staffGroup, omarUser, "Kaffee?")

	fake.SendText(amal, "/end")
	msgs = waitIn(t, fake, amal.ID, 8)
	rating := msgs[7]
	fake.Press(amal, rating.MessageID, button(t, rating, "5⭐"))
	if comment := waitIn(t, fake, amal.ID, 9)[8]; len(comment.Buttons) == 0 {
		t.Errorf("comment prompt without a skip button: %q", comment.Text)
	}
	fake.SendText(amal, "شكرا جزيلا")
	waitIn(t, fake, amal.ID, 11) // thanks, and the menu
	waitMessage(t, fake, "rating on the card", staffChat, 0, func(m telegramtest.Sent) bool {
		return m.MessageID == card.MessageID && strings.Contains(m.Text, "★★★★★")
	})
	if len(containing(fake.Sent(), amal.ID, "Kaffee")) != 0 {
		t.Errorf("staff chatter reached the person")
	}
}

// TestBot_HandoverInterleaved: many people talk to case managers at once;
// every staff reply reaches exactly the person of its ticket.
func TestBot_HandoverInterleaved(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing})
	in.poll(t, 8)
	const people = 6
	var users []telegramtest.User
	for i := 0; i < people; i++ {
		users = append(users, telegramtest.User{ID: int64(3100 + i), FirstName: fmt.Sprintf("P%d", i), LanguageCode: "uk"})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	relays := map[int64]int{} // person → a relayed message id in the staff group
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fake.SendText(u, "/person")
		}()
	}
	wg.Wait()
	for _, u := range users {
		notice := waitIn(t, fake, u.ID, 2)[1]
		fake.Press(u, notice.MessageID, button(t, notice, "✅"))
	}
	for _, u := range users {
		waitIn(t, fake, u.ID, 3)
		fake.SendText(u, fmt.Sprintf("question of %s", u.FirstName))
	}
	sent := waitIn(t, fake, staffChat, 2*people)
	for _, m := range sent {
		for _, u := range users {
			if strings.Contains(m.Text, "question of "+u.FirstName) {
				mu.Lock()
				relays[u.ID] = m.MessageID
				mu.Unlock()
			}
		}
	}
	if len(relays) != people {
		t.Fatalf("relayed %d of %d questions", len(relays), people)
	}
	for _, u := range users {
		waitRelayed(t, in, relays[u.ID])
		fake.ReplyTo(staffGroup, omarUser, relays[u.ID], "answer for "+u.FirstName)
	}
	for _, u := range users {
		waitText(t, fake, "answers", u.ID, 0, "answer for")
		for _, m := range inChat(fake.Sent(), u.ID) {
			if strings.Contains(m.Text, "answer for") && !strings.Contains(m.Text, "answer for "+u.FirstName) {
				t.Errorf("%s received %q", u.FirstName, m.Text)
			}
		}
	}
}

// TestBot_HandoverRestartAndReplay: a replica restarts mid-conversation
// and an update arrives twice; nothing is lost or relayed twice.
func TestBot_HandoverRestartAndReplay(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	r := redistest.Must(t)
	a := mustInstance(t, fake, r, setup{pacing: fastPacing})
	a.poll(t, 2)
	u := telegramtest.User{ID: 3201, FirstName: "Nadia", LanguageCode: "fa"}
	card := askForPerson(t, fake, u, "سلام، کمک لازم دارم")
	takeRequest(t, fake, omarUser, card, u)
	a.stop()
	<-a.done

	b := mustInstance(t, fake, r, setup{pacing: fastPacing})
	raw := []byte(fmt.Sprintf(`{"update_id":990001,"message":{"message_id":77,"date":1763700000,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"Nadia","language_code":"fa"},"text":"پیام بعد از راه‌اندازی مجدد"}}`, u.ID, u.ID))
	for i := 0; i < 2; i++ {
		if err := b.d.Process(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(containing(fake.Sent(), staffChat, "راه‌اندازی")); n != 1 {
		t.Errorf("message relayed %d times after restart and replay", n)
	}
}

// TestBot_HandoverBatching: what a person sends while the ticket waits is
// collected and posted in one message when a case manager takes it, so
// waiting people cannot flood the group past Telegram's 20 messages a
// minute; nothing is lost, and a reply to the batch reaches the person.
func TestBot_HandoverBatching(t *testing.T) {
	t.Parallel()
	fake := mustFake(t)
	in := mustInstance(t, fake, redistest.Must(t), setup{pacing: fastPacing, opts: []func(*bot.Options){func(o *bot.Options) { o.UserRate, o.UserBurst = 100, 100 }}})
	in.poll(t, 8)
	u := telegramtest.User{ID: 3301, FirstName: "Leyla", LanguageCode: "tr"}
	card := askForPerson(t, fake, u, "ilk mesaj")
	before := len(inChat(fake.Sent(), staffChat))
	const n = 12
	for i := 0; i < n; i++ {
		fake.SendText(u, fmt.Sprintf("parça %d", i))
	}
	waitIn(t, fake, u.ID, 4+n) // each acknowledged to the person
	if got := len(inChat(fake.Sent(), staffChat)); got != before {
		t.Fatalf("%d group messages while the ticket waits", got-before)
	}
	fake.PressIn(staffGroup, annaUser, card.MessageID, button(t, card, "🙋"))
	waitText(t, fake, "the collected texts", staffChat, 0, fmt.Sprintf("parça %d", n-1))
	var batch telegramtest.Sent
	for _, m := range inChat(fake.Sent(), staffChat)[before:] {
		if strings.Contains(m.Text, "parça 0") {
			batch = m
		}
	}
	for i := 0; i < n; i++ {
		if !strings.Contains(batch.Text, fmt.Sprintf("parça %d", i)) {
			t.Errorf("batch lacks text %d: %q", i, batch.Text)
		}
	}
	fake.ReplyTo(staffGroup, annaUser, batch.MessageID, "tamam")
	waitText(t, fake, "reply to the batch", u.ID, 0, "tamam")
}

// TestBot_HandoverPersonBlocked: a person who has blocked the bot cannot
// be reached; the case manager whose answer Telegram refuses is told so
// in the group instead of believing it arrived — for text and for media.
func TestBot_HandoverPersonBlocked(t *testing.T) {
	t.Parallel()
	fake := mustPolling(t)
	u := telegramtest.User{ID: 3401, FirstName: "Samir", LanguageCode: "ar"}
	card := askForPerson(t, fake, u, "مرحبا")
	relay := waitIn(t, fake, staffChat, 2)[1]
	takeRequest(t, fake, annaUser, card, u)

	for _, c := range []struct {
		method string
		send   func()
	}{
		{"sendMessage", func() { fake.ReplyTo(staffGroup, annaUser, relay.MessageID, "هل أنت هناك؟") }},
		{"copyMessage", func() { fake.SendMediaIn(staffGroup, annaUser, relay.MessageID, "document", "Formular") }},
	} {
		staffN := len(inChat(fake.Sent(), staffChat))
		fake.FailNext(c.method, 1, 403, 0)
		c.send()
		waitMessage(t, fake, "the warning after a refused "+c.method, staffChat, staffN, func(m telegramtest.Sent) bool {
			return strings.HasPrefix(m.Text, "⚠️") && strings.Contains(m.Text, "#1")
		})
	}
}

// TestBot_HandoverCommands: /help and /start typed during a hand-over are
// answered by the bot and never reach the staff group.
func TestBot_HandoverCommands(t *testing.T) {
	t.Parallel()
	fake := mustPolling(t)
	u := telegramtest.User{ID: 3501, FirstName: "Olena", LanguageCode: "uk"}
	card := askForPerson(t, fake, u, "Допоможіть, будь ласка")
	takeRequest(t, fake, annaUser, card, u)
	staffN := len(inChat(fake.Sent(), staffChat))
	fake.SendText(u, "/help")
	fake.SendText(u, "/start")
	fake.SendText(u, "дякую")
	waitText(t, fake, "the thanks relayed", staffChat, staffN, "дякую")
	for _, m := range inChat(fake.Sent(), staffChat)[staffN:] {
		if strings.Contains(m.Text, "/help") || strings.Contains(m.Text, "/start") {
			t.Errorf("a command reached the staff group: %q", m.Text)
		}
	}
	if got := len(inChat(fake.Sent(), u.ID)); got < 7 {
		t.Errorf("the person got %d messages, want help and greeting after the 5 before", got)
	}
}

// TestBot_NotOwnerWithoutPrivateChat: a colleague who answers a request
// someone else has is told privately — or, when Telegram refuses the
// private message because they never started the bot, in the group.
func TestBot_NotOwnerWithoutPrivateChat(t *testing.T) {
	t.Parallel()
	fake := mustPolling(t)
	u := telegramtest.User{ID: 3601, FirstName: "Yusuf", LanguageCode: "tr"}
	card := askForPerson(t, fake, u, "Merhaba")
	relay := waitIn(t, fake, staffChat, 2)[1]
	takeRequest(t, fake, annaUser, card, u)
	staffN := len(inChat(fake.Sent(), staffChat))
	fake.FailNext("sendMessage", 1, 403, 0)
	fake.ReplyTo(staffGroup, omarUser, relay.MessageID, "Ich mach das")
	waitText(t, fake, "the group told whose request it is", staffChat, staffN, "Anna Becker", "#1")
	if len(containing(fake.Sent(), u.ID, "Ich mach das")) != 0 {
		t.Errorf("a colleague's answer reached the person")
	}
}

// TestBot_HandBack: over HTTP, the case manager who has a request hands it
// back from the card; the person is told, and a colleague takes it from
// the announcement and gets what the person wrote meanwhile.
func TestBot_HandBack(t *testing.T) {
	t.Parallel()
	fake := mustPolling(t)
	u := telegramtest.User{ID: 3701, FirstName: "Hawre", LanguageCode: "ku"}
	card := askForPerson(t, fake, u, "Silav")
	takeRequest(t, fake, annaUser, card, u)
	var current telegramtest.Sent
	waitFor(t, fake, "the taken card", func([]telegramtest.Sent) bool {
		for _, m := range fake.BotMessages(staffChat) {
			if m.MessageID == card.MessageID && strings.Contains(m.Text, "Taken by") {
				current = m
				return true
			}
		}
		return false
	})
	staffN := len(inChat(fake.Sent(), staffChat))
	fake.PressIn(staffGroup, annaUser, card.MessageID, button(t, current, "↩️"))
	msgs := waitIn(t, fake, u.ID, 6)
	if !strings.HasPrefix(msgs[5].Text, "↩️") {
		t.Fatalf("person not told: %q", msgs[5].Text)
	}
	fake.SendText(u, "Hûn li wir in?")
	waitIn(t, fake, u.ID, 7) // passed on, collected
	var again telegramtest.Sent
	for _, m := range inChat(fake.Sent(), staffChat)[staffN:] {
		if m.Method == "sendMessage" && strings.HasPrefix(m.Text, "↩️") {
			again = m
		}
	}
	if again.MessageID == 0 {
		t.Fatal("the request was not announced again")
	}
	fake.PressIn(staffGroup, omarUser, again.MessageID, button(t, again, "🙋"))
	waitText(t, fake, "the collected message for Omar", staffChat, staffN, "Hûn li wir in?")
	if msgs := waitIn(t, fake, u.ID, 8); !strings.Contains(msgs[7].Text, "Omar") {
		t.Errorf("person not told who took over: %q", msgs[7].Text)
	}
}

// TestBot_PersonBlocksDuringHandover: a person who blocks the bot during
// a hand-over can no longer be reached: the request is closed at once and
// the team told, instead of answering into the void until it times out.
func TestBot_PersonBlocksDuringHandover(t *testing.T) {
	t.Parallel()
	fake := mustPolling(t)
	u := telegramtest.User{ID: 3801, FirstName: "Dawit", LanguageCode: "ti"}
	card := askForPerson(t, fake, u, "ሰላም")
	takeRequest(t, fake, annaUser, card, u)
	staffN := len(inChat(fake.Sent(), staffChat))
	fake.Block(u)
	waitFor(t, fake, "the group told and the card closed", func(s []telegramtest.Sent) bool {
		var told, closed bool
		for _, m := range inChat(s, staffChat)[staffN:] {
			told = told || m.Method == "sendMessage" && strings.Contains(m.Text, "#1") && strings.Contains(m.Text, "blocked")
			closed = closed || m.MessageID == card.MessageID && strings.Contains(m.Text, "🔒")
		}
		return told && closed
	})
}

// TestBot_TakeRetried: Telegram fails for a moment while the bot posts
// what the person wrote while waiting; the take is tried again, and what
// was collected still reaches the case manager, and the person is told
// who took over — nothing is lost to the retry.
func TestBot_TakeRetried(t *testing.T) {
	t.Parallel()
	fake := mustPolling(t)
	u := telegramtest.User{ID: 3901, FirstName: "Ali", LanguageCode: "fa"}
	card := askForPerson(t, fake, u, "سلام")
	fake.SendText(u, "پیام در انتظار")
	waitIn(t, fake, u.ID, 5)
	fake.FailNext("sendMessage", 1, 502, 0)
	fake.PressIn(staffGroup, annaUser, card.MessageID, button(t, card, "🙋"))
	waitFor(t, fake, "collected posted and person told", func(s []telegramtest.Sent) bool {
		var posted, told bool
		for _, m := range inChat(s, staffChat) {
			posted = posted || strings.Contains(m.Text, "پیام در انتظار")
		}
		for _, m := range inChat(s, u.ID) {
			told = told || strings.Contains(m.Text, "Anna Becker")
		}
		return posted && told
	})
}
