package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// TestServe_DeleteLeavesNothing walks a whole journey through the real
// program and the fake Bot API – a question, a booking, a hand-over with
// messages both ways, a rating and a comment – then /delete, and scans
// every Redis key and value and the staff group for what is left of the
// person: their Telegram id, their pseudonym or their name.
func TestServe_DeleteLeavesNothing(t *testing.T) {
	t.Parallel()
	const tok, secret = "45:erase-token", "erase-test-secret"
	fake := telegramtest.MustStart(t, tok)
	r := redistest.Must(t)
	staff := telegramtest.Chat{ID: -1001234567, Type: "supergroup", Title: "Team"}
	anna := telegramtest.User{ID: 100001, FirstName: "Anna"} // staff in the sample config
	u := telegramtest.User{ID: 5550123, FirstName: "Hamidullah", LanguageCode: "de"}
	pseudonym := domain.NewPseudonyms([]byte(secret)).Chat(u.ID)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, time.Now, []string{"serve"}, env(map[string]string{
			"TELEGRAM_BOT_TOKEN": tok, "TELEGRAM_API_URL": fake.URL(), "LOTSE_SECRET": secret,
			"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix, "HTTP_ADDR": freeAddr(t), "METRICS_ADDR": freeAddr(t),
			"REDIS_CLUSTER": fmt.Sprint(r.Cluster), "REDIS_SENTINEL_MASTER": r.SentinelMaster,
			"STAFF_CHAT_ID": strconv.FormatInt(staff.ID, 10),
		}), nil, io.Discard, io.Discard)
	}()
	defer func() { cancel(); <-done }()

	// next waits for a message shown to the person (sent or edited) after
	// the ones already seen that satisfies ok, and returns it.
	seen := 0
	next := func(what string, ok func(telegramtest.Sent) bool) telegramtest.Sent {
		t.Helper()
		var found telegramtest.Sent
		_, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
			for i, m := range shown(s, u.ID) {
				if i >= seen && ok(m) {
					found, seen = m, i+1
					return true
				}
			}
			return false
		})
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		return found
	}
	data := func(m telegramtest.Sent, prefix string) string {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, prefix) {
					return b.CallbackData
				}
			}
		}
		return ""
	}
	with := func(prefix string) func(telegramtest.Sent) bool {
		return func(m telegramtest.Sent) bool { return data(m, prefix) != "" }
	}
	saying := func(sub string) func(telegramtest.Sent) bool {
		return func(m telegramtest.Sent) bool { return strings.Contains(m.Text, sub) }
	}
	press := func(m telegramtest.Sent, prefix string) { t.Helper(); fake.Press(u, m.MessageID, data(m, prefix)) }
	inStaff := func(what string, cond func(telegramtest.Sent) bool) telegramtest.Sent {
		t.Helper()
		var found telegramtest.Sent
		_, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
			for _, m := range s {
				if m.ChatID == staff.ID && cond(m) {
					found = m
					return true
				}
			}
			return false
		})
		if err != nil {
			t.Fatalf("waiting in the staff group for %s: %v", what, err)
		}
		return found
	}

	// A question, then an appointment.
	fake.SendText(u, "Was ist ein Wohnberechtigungsschein?")
	next("answer", saying("Wohnberechtigungsschein"))
	fake.SendText(u, "/appointment")
	press(next("privacy notice", with("pa:")), "pa:")
	press(next("topics", with("bt:")), "bt:")
	press(next("offices", with("bo:")), "bo:")
	press(next("days", with("bd:")), "bd:")
	press(next("times", with("bs:")), "bs:")
	press(next("confirmation prompt", with("bc:")), "bc:")
	next("booked", saying("Marktplatz"))

	// A hand-over: the request, the take, messages both ways.
	fake.SendText(u, "/person")
	next("describe", with("hs:"))
	fake.SendText(u, "Ich brauche Hilfe mit dem Mietvertrag")
	card := inStaff("the card", func(m telegramtest.Sent) bool { return strings.Contains(m.Text, "Hamidullah") && len(m.Buttons) > 0 })
	fake.PressIn(staff, anna, card.MessageID, data(card, "T:"))
	next("taken", with("he:"))
	fake.SendText(u, "Hallo Anna, hier ist das Foto")
	fake.SendMedia(u, "photo", "Mein Mietvertrag")
	relayed := inStaff("the relayed message", func(m telegramtest.Sent) bool { return strings.Contains(m.Text, "Hallo Anna") })
	inStaff("the relayed photo", func(m telegramtest.Sent) bool { return m.Method == "copyMessage" })
	fake.ReplyTo(staff, anna, relayed.MessageID, "Gern, ich schaue es mir an.")
	next("the case manager's answer", saying("ich schaue es mir an"))

	// The end, a rating and a comment.
	fake.SendText(u, "/end")
	press(next("rating", with("hr:")), "hr:")
	next("comment prompt", with("hk:"))
	fake.SendText(u, "Sehr nett, danke Anna")
	inStaff("the comment", func(m telegramtest.Sent) bool { return strings.Contains(m.Text, "Sehr nett") })

	// Erase.
	fake.SendText(u, "/delete")
	press(next("delete confirmation", with("dy:")), "dy:")
	_, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
		deletes := 0
		for _, m := range s {
			if m.Method == "deleteMessage" && m.ChatID == staff.ID {
				deletes++
			}
		}
		return deletes >= 4 // the description, the text, the photo, the comment
	})
	if err != nil {
		t.Fatalf("relayed copies not deleted: %v", err)
	}
	// Anna answers the person's message all the same: the answer goes
	// nowhere, and the group is told why, in the staff language.
	next("erased", saying("Gelöscht"))
	toPerson := len(fake.BotMessages(u.ID))
	fake.ReplyTo(staff, anna, relayed.MessageID, "Haben Sie noch eine Frage?")
	inStaff("the answer refused", func(m telegramtest.Sent) bool {
		return strings.Contains(m.Text, "Die Person hat ihre Daten gelöscht – deine Nachricht wurde nicht zugestellt.")
	})
	if got := fake.BotMessages(u.ID); len(got) != toPerson {
		t.Errorf("an answer after the erasure reached the person: %+v", got[toPerson:])
	}
	// The card's edit may come after the deletes; on a busy machine a
	// stop right after them raced it.
	for deadline := time.Now().Add(15 * time.Second); staffShows(fake.BotMessages(staff.ID)) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	done <- nil

	// Nothing in the staff group names the person any more.
	for _, m := range fake.BotMessages(staff.ID) {
		if staffShows([]telegramtest.Sent{m}) {
			t.Errorf("staff group still shows the person: %s %q", m.Method, m.Text)
		}
	}
	// Nothing in Redis points to them.
	needles := []string{strconv.FormatInt(u.ID, 10), pseudonym, "Hamidullah", "Mietvertrag", "Sehr nett"}
	for key, dump := range dumpKeys(t, r) {
		for _, n := range needles {
			if strings.Contains(key, n) || strings.Contains(dump, n) {
				t.Errorf("key %s still holds %q: %.200s", key, n, dump)
			}
		}
	}
}

// dumpKeys reads every key of the test's prefix with its value as text.
func dumpKeys(t *testing.T, r *redistest.Redis) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for key := range r.Keys(t) {
		var v any
		var err error
		switch typ, _ := r.Client.Type(ctx, key).Result(); typ {
		case "string":
			v, err = r.Client.Get(ctx, key).Result()
		case "hash":
			v, err = r.Client.HGetAll(ctx, key).Result()
		case "set":
			v, err = r.Client.SMembers(ctx, key).Result()
		case "zset":
			v, err = r.Client.ZRangeWithScores(ctx, key, 0, -1).Result()
		case "list":
			v, err = r.Client.LRange(ctx, key, 0, -1).Result()
		default:
			v = typ
		}
		if err != nil {
			t.Fatal(err)
		}
		out[key] = fmt.Sprint(v)
	}
	return out
}

// staffShows reports whether any of the staff group's messages names the
// person of TestServe_DeleteLeavesNothing.
func staffShows(msgs []telegramtest.Sent) bool {
	for _, m := range msgs {
		if strings.Contains(m.Text, "Hamidullah") || strings.Contains(m.Text, "Mietvertrag") {
			return true
		}
	}
	return false
}
