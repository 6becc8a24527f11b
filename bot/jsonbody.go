package bot

import (
	"encoding/json"
	"math/bits"
	"strconv"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The bodies of sendMessage and editMessageText are written by hand:
// encoding/json walked the keyboard's buttons by reflection, each with
// eight fields to look at, which cost more than the rest of encoding a
// reply. What an ordinary reply does not have (entities, other kinds of
// keyboard, buttons other than callback and link) is encoded by
// encoding/json and spliced in, so every message is still sent whole.

// appendMessage appends m as a JSON object.
func appendMessage(b []byte, m jsonMessage) []byte {
	b = append(b, `{"chat_id":`...)
	b = strconv.AppendInt(b, m.ChatID, 10)
	if m.Text != "" {
		b = append(b, `,"text":`...)
		b = appendJSONString(b, m.Text)
	}
	b = appendCommon(b, m.ParseMode, m.Entities, m.DisableWebPagePreview)
	if m.ReplyToMessageID != 0 {
		b = append(b, `,"reply_to_message_id":`...)
		b = strconv.AppendInt(b, int64(m.ReplyToMessageID), 10)
	}
	if m.DisableNotification {
		b = append(b, `,"disable_notification":true`...)
	}
	if m.AllowSendingWithoutReply {
		b = append(b, `,"allow_sending_without_reply":true`...)
	}
	b = appendMarkup(b, m.ReplyMarkup)
	return append(b, '}')
}

// appendEdit appends e as a JSON object.
func appendEdit(b []byte, e jsonEdit) []byte {
	b = append(b, `{"chat_id":`...)
	b = strconv.AppendInt(b, e.ChatID, 10)
	if e.MessageID != 0 {
		b = append(b, `,"message_id":`...)
		b = strconv.AppendInt(b, int64(e.MessageID), 10)
	}
	b = append(b, `,"text":`...)
	b = appendJSONString(b, e.Text)
	b = appendCommon(b, e.ParseMode, e.Entities, e.DisableWebPagePreview)
	b = appendMarkup(b, e.ReplyMarkup)
	return append(b, '}')
}

func appendCommon(b []byte, parseMode string, entities []tgbotapi.MessageEntity, noPreview bool) []byte {
	if parseMode != "" {
		b = append(b, `,"parse_mode":`...)
		b = appendJSONString(b, parseMode)
	}
	if len(entities) > 0 {
		b = append(b, `,"entities":`...)
		b = appendMarshal(b, entities)
	}
	if noPreview {
		b = append(b, `,"disable_web_page_preview":true`...)
	}
	return b
}

// appendMarkup appends the reply_markup field, if there is one.
func appendMarkup(b []byte, markup any) []byte {
	var kb *tgbotapi.InlineKeyboardMarkup
	switch m := markup.(type) {
	case nil:
		return b
	case tgbotapi.InlineKeyboardMarkup:
		kb = &m
	case *tgbotapi.InlineKeyboardMarkup:
		if m == nil {
			return b
		}
		kb = m
	default:
		b = append(b, `,"reply_markup":`...)
		return appendMarshal(b, markup)
	}
	b = append(b, `,"reply_markup":{"inline_keyboard":`...)
	if kb.InlineKeyboard == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i, row := range kb.InlineKeyboard {
		if i > 0 {
			b = append(b, ',')
		}
		if row == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, '[')
		for j, btn := range row {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendButton(b, btn)
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

func appendButton(b []byte, btn tgbotapi.InlineKeyboardButton) []byte {
	if btn.LoginURL != nil || btn.SwitchInlineQuery != nil || btn.SwitchInlineQueryCurrentChat != nil ||
		btn.CallbackGame != nil || btn.Pay {
		return appendMarshal(b, btn)
	}
	b = append(b, `{"text":`...)
	b = appendJSONString(b, btn.Text)
	if btn.URL != nil {
		b = append(b, `,"url":`...)
		b = appendJSONString(b, *btn.URL)
	}
	if btn.CallbackData != nil {
		b = append(b, `,"callback_data":`...)
		b = appendJSONString(b, *btn.CallbackData)
	}
	return append(b, '}')
}

// appendMarshal appends v as encoding/json writes it; the types spliced
// in here (entities, keyboards, buttons) always encode.
func appendMarshal(b []byte, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, j...)
}

// appendJSONString appends s as a JSON string, with what encoding/json
// escapes escaped alike, except <, > and &, which need no escaping outside
// HTML: invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are escaped.
// Runs of eight bytes that are all printable ASCII but " and \ (most of
// a reply) are passed over a word at a time, and a word that is not goes
// straight to its first byte that needs a look.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			m := special(word8(s, i))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) / 8 // the first byte that is not plain
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if !jsonPlain[c] {
				b = append(b, s[start:i]...)
				b = appendEscape(b, c)
				start = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == utf8.RuneError && size == 1:
			esc = `\ufffd`
		case r == '\u2028':
			esc = `\u2028`
		case r == '\u2029':
			esc = `\u2029`
		}
		if esc != "" {
			b = append(b, s[start:i]...)
			b = append(b, esc...)
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// special sets the high bit of each byte of x that is below 0x20, a
// quote, a backslash or above 0x7f, the lowest exactly; higher ones may
// be set wrongly after it. Each test sets a byte's high bit where it
// matches ((v - n·ones) &^ v where v is below n, and v = 0 for a quote or
// backslash after x ^ c·ones); a borrow reaches a byte only from a lower
// one that matched.
func special(x uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	quote, backslash := x^(ones*'"'), x^(ones*'\\')
	control := (x - ones*0x20) &^ x
	return (control | (quote-ones)&^quote | (backslash-ones)&^backslash | x) & high
}

// word8 reads eight bytes of s from i, the first lowest.
func word8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// jsonPlain are the bytes of valid UTF-8 written as they are.
var jsonPlain = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()

func appendEscape(b []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}
