package bot

import (
	"encoding/json"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// incoming is an update as the adapter sees it: where it came from, and
// what a flow should see of it.
type incoming struct {
	chatID   int64
	chatType string // private, group, supergroup, channel
	// leave asks to leave a group the bot was added to.
	leave bool
	// callbackID must be answered even when the press is stale.
	callbackID   string
	callbackData string
	event        domain.Event
}

// decode turns a Telegram update into an incoming event. ok is false for
// updates that concern no chat we serve; they are acknowledged and dropped.
func decode(u *tgbotapi.Update) (in incoming, ok bool) {
	switch {
	case u.Message != nil:
		in = fromMessage(u.Message, domain.EventText)
	case u.EditedMessage != nil:
		in = fromMessage(u.EditedMessage, domain.EventEdited)
	case u.CallbackQuery != nil:
		in = fromCallback(u.CallbackQuery)
	case u.MyChatMember != nil:
		in.chatID = u.MyChatMember.Chat.ID
		in.chatType = u.MyChatMember.Chat.Type
		st := u.MyChatMember.NewChatMember.Status
		if in.chatType == "private" && st == "kicked" {
			// The person blocked the bot: an open hand-over must end.
			in.event = domain.Event{Kind: domain.EventBlocked, UpdateID: int64(u.UpdateID), ChatID: in.chatID}
			return in, in.chatID != 0
		}
		in.leave = in.chatType != "private" && (st == "member" || st == "administrator")
		return in, in.chatID != 0 && in.leave
	case u.ChannelPost != nil && u.ChannelPost.Chat != nil:
		return incoming{chatID: u.ChannelPost.Chat.ID, chatType: "channel", leave: true}, true
	default:
		return in, false
	}
	if in.chatID == 0 {
		return in, false
	}
	in.event.UpdateID = int64(u.UpdateID)
	in.event.ChatID = in.chatID
	return in, true
}

// decodeRaw decodes an update as stored in the inbox.
func decodeRaw(raw []byte) (incoming, bool) {
	var u tgbotapi.Update
	if json.Unmarshal(raw, &u) != nil {
		return incoming{}, false
	}
	return decode(&u)
}

func fromMessage(m *tgbotapi.Message, kind domain.EventKind) incoming {
	in := incoming{}
	if m.Chat == nil {
		return in
	}
	in.chatID, in.chatType = m.Chat.ID, m.Chat.Type
	ev := &in.event
	ev.Kind = kind
	ev.At = time.Unix(int64(m.Date), 0)
	ev.MessageID = m.MessageID
	if m.From != nil {
		ev.LanguageCode, ev.FirstName, ev.UserID = m.From.LanguageCode, m.From.FirstName, m.From.ID
	}
	if m.ReplyToMessage != nil {
		ev.ReplyTo = m.ReplyToMessage.MessageID
	}
	if kind == domain.EventEdited {
		// The new wording is kept only for the urgent check: someone who
		// rewrites a message into a cry for help must get the numbers.
		ev.Text = m.Text
		if ev.Text == "" {
			ev.Text = m.Caption
		}
		return in
	}
	if media := mediaKind(m); media != "" {
		ev.Kind, ev.Media, ev.Text = domain.EventMedia, media, m.Caption
		if loc := m.Location; loc != nil {
			ev.Location = &domain.Location{Lat: loc.Latitude, Lon: loc.Longitude}
		} else if m.Venue != nil {
			ev.Location = &domain.Location{Lat: m.Venue.Location.Latitude, Lon: m.Venue.Location.Longitude}
		}
		return in
	}
	ev.Text = m.Text
	if name, args, ok := parseCommand(m.Text); ok {
		ev.Kind, ev.Command, ev.Args = domain.EventCommand, name, args
	}
	return in
}

func fromCallback(q *tgbotapi.CallbackQuery) incoming {
	in := incoming{callbackID: q.ID, callbackData: q.Data}
	if q.From != nil {
		in.chatID, in.chatType = q.From.ID, "private"
		in.event.LanguageCode, in.event.FirstName, in.event.UserID = q.From.LanguageCode, q.From.FirstName, q.From.ID
	}
	if q.Message != nil && q.Message.Chat != nil {
		in.chatID, in.chatType = q.Message.Chat.ID, q.Message.Chat.Type
		in.event.MessageID = q.Message.MessageID
	}
	// Verified against the session's epoch once the session is loaded.
	in.event.Kind = domain.EventStaleButton
	return in
}

// parseCommand reads "/name@bot args". Entities are not required: some
// clients and servers omit them for commands typed by hand.
func parseCommand(text string) (name, args string, ok bool) {
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", "", false
	}
	head, args, _ := strings.Cut(text[1:], " ")
	head, _, _ = strings.Cut(head, "@")
	head = strings.ToLower(head)
	for _, r := range head {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return "", "", false
		}
	}
	return head, strings.TrimSpace(args), head != ""
}

func mediaKind(m *tgbotapi.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case m.Photo != nil:
		return "photo"
	case m.Voice != nil:
		return "voice"
	case m.Audio != nil:
		return "audio"
	case m.VideoNote != nil:
		return "video_note"
	case m.Video != nil:
		return "video"
	case m.Animation != nil:
		return "animation"
	case m.Document != nil:
		return "document"
	case m.Location != nil, m.Venue != nil:
		return "location"
	case m.Contact != nil:
		return "contact"
	case m.Text == "":
		// Polls, dice, games, service messages: nothing to read.
		return "other"
	}
	return ""
}
