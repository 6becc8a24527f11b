package bot

import (
	"context"
	"errors"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// maxTextUnits is Telegram's message length limit, counted in UTF-16 code
// units as the Bot API counts them.
const maxTextUnits = 4096

// sendAll delivers the replies in order. Text goes without parse mode:
// nothing in it can format, mention or link as the bot.
func (d *Dispatcher) sendAll(ctx context.Context, chatID int64, pressedMsg int, epoch uint32, replies []domain.Reply) error {
	for _, r := range replies {
		markup, err := d.keyboard(chatID, epoch, r.Buttons)
		if err != nil {
			return err
		}
		chunks := splitText(r.Text, maxTextUnits)
		for i, chunk := range chunks {
			var kb *tgbotapi.InlineKeyboardMarkup
			if i == len(chunks)-1 {
				kb = markup
			}
			if r.Edit && i == 0 && pressedMsg != 0 && len(chunks) == 1 {
				if d.edit(ctx, chatID, pressedMsg, chunk, kb) {
					continue
				}
			}
			msg := tgbotapi.NewMessage(chatID, chunk)
			msg.DisableWebPagePreview = true
			if kb != nil {
				msg.ReplyMarkup = *kb
			}
			if _, err := d.client.Send(ctx, chatID, false, msg); err != nil {
				return err
			}
		}
	}
	return nil
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
	if utf16Len(text) <= limit {
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

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
