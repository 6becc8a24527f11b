package bot

import (
	"encoding/json"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// FuzzDecode: no update, however malformed, makes decoding panic, and
// every private-chat event it yields has a kind the flows handle.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A"},"text":"/start@lotse_bot x"}}`,
		`{"update_id":2,"edited_message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"x"}}`,
		`{"update_id":3,"callback_query":{"id":"q","from":{"id":5,"is_bot":false,"first_name":"A"},"data":"a:housing~AAAAAAAAAAA"}}`,
		`{"update_id":4,"my_chat_member":{"chat":{"id":-5,"type":"group"},"from":{"id":5},"date":1,"old_chat_member":{"user":{"id":1},"status":"left"},"new_chat_member":{"user":{"id":1},"status":"member"}}}`,
		`{"update_id":5,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"sticker":{"file_id":"x"}}}`,
		`{"update_id":6,"message":{"message_id":1,"date":1,"text":"no chat"}}`,
		`{"update_id":7,"channel_post":{"message_id":1,"date":1,"chat":{"id":-100,"type":"channel"}}}`,
		`{"update_id":8,"inline_query":{"id":"1","from":{"id":5},"query":"x"}}`,
		`{}`, `[]`, `null`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var u tgbotapi.Update
		if json.Unmarshal(raw, &u) != nil {
			return
		}
		in, ok := decode(&u)
		if !ok || in.chatType != "private" || in.leave {
			return
		}
		switch in.event.Kind {
		case domain.EventText, domain.EventCommand, domain.EventMedia, domain.EventEdited, domain.EventStaleButton:
		default:
			t.Fatalf("private event with kind %d from %s", in.event.Kind, raw)
		}
		if in.event.Kind == domain.EventCommand && in.event.Command == "" {
			t.Fatalf("empty command from %s", raw)
		}
	})
}

// FuzzButtons: forged button data never verifies and never panics; what
// we encode always fits Telegram's 64 bytes and decodes to itself.
func FuzzButtons(f *testing.F) {
	c := buttonCodec{key: []byte("k")}
	f.Add(int64(5), uint32(1), "q", "housing.wbs", "q:housing.wbs~abcdefghijk")
	f.Add(int64(-5), uint32(0), "", "", "~")
	f.Add(int64(0), uint32(7), "dy", "1763700000", "\xff\xfe")
	f.Fuzz(func(t *testing.T, chat int64, epoch uint32, name, arg, forged string) {
		if a, ok := c.decode(chat, epoch, forged); ok {
			// Only data this codec produced may verify.
			again, err := c.encode(chat, epoch, a)
			if err != nil || again != forged {
				t.Fatalf("forged %q verified as %+v", forged, a)
			}
		}
		data, err := c.encode(chat, epoch, domain.Action{Name: name, Arg: arg})
		if err != nil {
			return
		}
		if len(data) > maxCallbackData {
			t.Fatalf("encoded %d bytes", len(data))
		}
		a, ok := c.decode(chat, epoch, data)
		if name != "" && !containsColon(name) && (!ok || a.Name != name || a.Arg != arg) {
			t.Fatalf("round trip of %q/%q: %+v %v", name, arg, a, ok)
		}
		if _, ok := c.decode(chat+1, epoch, data); ok {
			t.Fatalf("button of chat %d verified for chat %d", chat, chat+1)
		}
	})
}

func containsColon(s string) bool {
	for _, r := range s {
		if r == ':' {
			return true
		}
	}
	return false
}

func TestSplitText(t *testing.T) {
	long := ""
	for i := 0; i < 600; i++ {
		long += "Zeile mit 😀 Emoji\n"
	}
	parts := splitText(long, 4096)
	if len(parts) < 2 {
		t.Fatalf("not split: %d parts", len(parts))
	}
	joined := 0
	for _, p := range parts {
		units := 0
		for _, r := range p {
			units++
			if r >= 0x10000 {
				units++
			}
		}
		if units > 4096 {
			t.Errorf("part of %d units", units)
		}
		joined += len([]rune(p))
	}
	if joined < len([]rune(long))-len(parts) {
		t.Errorf("text lost in splitting")
	}
}
