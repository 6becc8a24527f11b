package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// maxTextUnits is Telegram's message length limit, counted in UTF-16 code
// units as the Bot API counts them.
const maxTextUnits = 4096

// deliver sends the replies in order. ownChat is the chat of the event
// (0 for none); replies to it are signed with its session epoch, replies
// to other chats with epoch 0. Text goes without parse mode: nothing in it
// can format, mention or link as the bot.
func (d *Dispatcher) deliver(ctx context.Context, ownChat int64, pressedMsg int, epoch uint32, bulk bool, replies []domain.Reply) error {
	for i := 0; i < len(replies); i++ {
		r := replies[i]
		chat, ep := r.ChatID, epoch
		if chat == 0 {
			chat = ownChat
		}
		if chat != ownChat {
			ep = 0
		}
		msgID, err := d.sendReply(ctx, chat, ep, pressedMsg, chat == ownChat, bulk, r)
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.Permanent() {
			// Blocked by the person, a message gone, a chat left: retrying
			// cannot help, and the rest of the replies must still go out.
			d.log.Warn("reply refused", "chat", d.pseu.Chat(chat), "err", err)
			if r.OnRefused != nil {
				// Said after the event's other replies (a confirmation
				// that it was sent, say), so it is the last word.
				replies = append(slices.Clip(replies), *r.OnRefused)
			}
			continue
		}
		if err != nil {
			return err
		}
		if r.Ticket != 0 && msgID != 0 && d.opt.Tickets != nil {
			if err := d.opt.Tickets.Relay(ctx, msgID, r.Ticket, true); err != nil {
				return err
			}
			if r.Card {
				if err := d.opt.Tickets.Touch(ctx, r.Ticket, d.opt.Now(), msgID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// sendReply sends one reply and returns the id of the (last) message.
func (d *Dispatcher) sendReply(ctx context.Context, chat int64, epoch uint32, pressedMsg int, own, bulk bool, r domain.Reply) (int, error) {
	markup, err := d.keyboard(chat, epoch, r.Buttons)
	if err != nil {
		return 0, err
	}
	switch {
	case r.DeleteID != 0:
		// A message too old to delete is refused as a bad request, which
		// deliver logs and passes over like any permanent refusal.
		return 0, d.client.Request(ctx, tgbotapi.NewDeleteMessage(chat, r.DeleteID))
	case r.Copy != nil:
		c := tgbotapi.NewCopyMessage(chat, r.Copy.FromChatID, r.Copy.MessageID)
		c.Caption = r.Copy.Caption
		if markup != nil {
			c.ReplyMarkup = *markup
		}
		return d.client.Send(ctx, chat, bulk, c)
	case r.Venue != nil:
		v := tgbotapi.NewVenue(chat, r.Venue.Title, r.Venue.Address, r.Venue.Lat, r.Venue.Lon)
		return d.client.Send(ctx, chat, bulk, v)
	case r.Document != nil:
		doc := tgbotapi.NewDocument(chat, tgbotapi.FileBytes{Name: r.Document.Name, Bytes: r.Document.Data})
		return d.client.Send(ctx, chat, bulk, doc)
	case r.EditID != 0:
		if d.edit(ctx, chat, r.EditID, r.Text, markup) {
			return r.EditID, nil
		}
		return 0, nil
	}
	chunks := splitText(r.Text, maxTextUnits)
	var last int
	for i, chunk := range chunks {
		var kb *tgbotapi.InlineKeyboardMarkup
		if i == len(chunks)-1 {
			kb = markup
		}
		if own && r.Edit && i == 0 && pressedMsg != 0 && len(chunks) == 1 && d.edit(ctx, chat, pressedMsg, chunk, kb) {
			return pressedMsg, nil
		}
		msg := tgbotapi.NewMessage(chat, chunk)
		msg.DisableWebPagePreview = true
		if kb != nil {
			msg.ReplyMarkup = *kb
		}
		if len(r.Mention) > 0 && len(chunks) == 1 {
			msg.Entities = mentions(chunk, r.Mention)
		}
		if last, err = d.client.Send(ctx, chat, bulk, msg); err != nil {
			return 0, err
		}
	}
	return last, nil
}

// mentions links case managers by user id (text_mention entities), so they
// are notified without usernames; offsets count UTF-16 units.
func mentions(text string, ms []domain.Mention) []tgbotapi.MessageEntity {
	var out []tgbotapi.MessageEntity
	from := 0
	for _, m := range ms {
		i := strings.Index(text[from:], m.Text)
		if i < 0 {
			i = strings.Index(text, m.Text)
			if i < 0 {
				continue
			}
		} else {
			i += from
		}
		out = append(out, tgbotapi.MessageEntity{Type: "text_mention", Offset: i18n.UTF16Len(text[:i]),
			Length: i18n.UTF16Len(m.Text), User: &tgbotapi.User{ID: m.UserID}})
		from = i + len(m.Text)
	}
	return out
}

// edit replaces the pressed message; it reports false when the message
// cannot be edited (too old, deleted) so the caller sends a new one.
func (d *Dispatcher) edit(ctx context.Context, chatID int64, msgID int, text string, kb *tgbotapi.InlineKeyboardMarkup) bool {
	e := tgbotapi.NewEditMessageText(chatID, msgID, text)
	e.DisableWebPagePreview = true
	e.ReplyMarkup = kb
	_, err := d.client.Send(ctx, chatID, false, e)
	var apiErr *APIError
	if err == nil || errors.As(err, &apiErr) && strings.Contains(apiErr.Description, "not modified") {
		return true
	}
	return false
}

func (d *Dispatcher) keyboard(chatID int64, epoch uint32, rows [][]domain.Button) (*tgbotapi.InlineKeyboardMarkup, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		out := make([]tgbotapi.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			if b.URL != "" {
				out = append(out, tgbotapi.NewInlineKeyboardButtonURL(b.Label, b.URL))
				continue
			}
			data, err := d.codec.encode(chatID, epoch, b.Action)
			if err != nil {
				return nil, err
			}
			out = append(out, tgbotapi.NewInlineKeyboardButtonData(b.Label, data))
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return &kb, nil
}

// splitText cuts text into pieces of at most limit UTF-16 units, at line
// breaks where possible and never inside a character.
func splitText(text string, limit int) []string {
	// A character takes at least as many bytes in UTF-8 as units in
	// UTF-16: a text of at most limit bytes fits without counting.
	if len(text) <= limit || i18n.UTF16Len(text) <= limit {
		return []string{text}
	}
	var out []string
	runes := []rune(text)
	for len(runes) > 0 {
		units, cut, lastBreak := 0, len(runes), -1
		for i, r := range runes {
			n := utf16.RuneLen(r)
			if units+n > limit {
				cut = i
				break
			}
			units += n
			if r == '\n' {
				lastBreak = i + 1
			}
		}
		if cut < len(runes) && lastBreak > 0 {
			cut = lastBreak
		}
		out = append(out, strings.TrimRight(string(runes[:cut]), "\n"))
		runes = runes[cut:]
	}
	return out
}
