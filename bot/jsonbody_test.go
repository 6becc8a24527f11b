package bot

import (
	"encoding/json"
	"math/bits"
	"reflect"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// sameJSON fails unless got is valid JSON with the value of want's
// encoding by encoding/json.
func sameJSON(t *testing.T, got []byte, want any) {
	t.Helper()
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var gv, wv any
	if err := json.Unmarshal(got, &gv); err != nil {
		t.Fatalf("invalid JSON %s: %v", got, err)
	}
	json.Unmarshal(w, &wv)
	if !reflect.DeepEqual(gv, wv) {
		t.Errorf("hand-written\n%s\nencoding/json\n%s", got, w)
	}
}

// TestJSONBody: the hand-written bodies of sendMessage and editMessageText
// carry what encoding/json would, for ordinary replies and the unusual.
func TestJSONBody(t *testing.T) {
	url, data, odd := "https://example.org/a?b=1&c=<2>", "a:housing~AAAA", "?"
	buttons := [][]tgbotapi.InlineKeyboardButton{
		{{Text: "Wohnung \"suchen\"", CallbackData: &data}, {Text: "Karte", URL: &url}},
		{{Text: "inline", SwitchInlineQuery: &odd}, {Text: "pay", Pay: true}},
		nil,
	}
	texts := []string{"", "Hallo", "Zeile 1\nZeile 2\t\"x\" \\ </a> & ü € 𝄞 مرحبا", "\x00\x01\x1f\x7f",
		"bad \xff\xfe utf-8", "line\u2028sep\u2029para", strings.Repeat("ä", 3000)}
	for _, text := range texts {
		msgs := []jsonMessage{
			{ChatID: 42, Text: text},
			{ChatID: -1001, Text: text, DisableWebPagePreview: true, ReplyMarkup: tgbotapi.InlineKeyboardMarkup{InlineKeyboard: buttons[:1]}},
			{ChatID: 7, Text: text, ParseMode: "HTML", ReplyToMessageID: 9, DisableNotification: true, AllowSendingWithoutReply: true,
				Entities:    []tgbotapi.MessageEntity{{Type: "text_mention", Offset: 1, Length: 2, User: &tgbotapi.User{ID: 5}}},
				ReplyMarkup: &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: buttons}},
			{ChatID: 8, Text: text, ReplyMarkup: tgbotapi.InlineKeyboardMarkup{}},
			{ChatID: 9, Text: text, ReplyMarkup: tgbotapi.NewRemoveKeyboard(true)},
		}
		for _, m := range msgs {
			sameJSON(t, appendMessage(nil, m), m)
		}
		edits := []jsonEdit{
			{ChatID: 42, MessageID: 3, Text: text},
			{ChatID: 42, Text: text, DisableWebPagePreview: true, ReplyMarkup: &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: buttons[:1]}},
		}
		for _, e := range edits {
			sameJSON(t, appendEdit(nil, e), e)
		}
	}
}

// FuzzJSONString: any string, valid UTF-8 or not, is written as a JSON
// string that reads back as encoding/json's encoding of it does.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c", "\x00\n\r\t\x1f", "ü€𝄞", "\xff", "\xe2\x80\xa8", "\xe2\x80", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameJSON(t, appendJSONString(nil, s), s)
	})
}

// TestSpecial: the first byte special marks is the first that is not
// plain, for every byte at every place and pairs of edge bytes (a borrow
// from one byte must not hide or fake another before it).
func TestSpecial(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' }
	first := func(w [8]byte) int {
		if m := special(word8(string(w[:]), 0)); m != 0 {
			return bits.TrailingZeros64(m) / 8
		}
		return 8
	}
	want := func(w [8]byte) int {
		for i, c := range w {
			if !plain(c) {
				return i
			}
		}
		return 8
	}
	for c := range 256 {
		for at := range 8 {
			w := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
			w[at] = byte(c)
			if got := first(w); got != want(w) {
				t.Errorf("byte %#x at %d: first special byte %d, want %d", c, at, got, want(w))
			}
		}
	}
	edges := []byte{0, 1, 0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7f, 0x80, 0xff}
	for _, c1 := range edges {
		for _, c2 := range edges {
			for at1 := range 8 {
				for at2 := range 8 {
					w := [8]byte{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
					w[at1], w[at2] = c1, c2
					if got := first(w); got != want(w) {
						t.Errorf("%q: first special byte %d, want %d", w, got, want(w))
					}
				}
			}
		}
	}
}

// TestSplitText_Fits: a text that fits is sent whole, also one of more
// bytes than the limit whose UTF-16 units are within it.
func TestSplitText_Fits(t *testing.T) {
	long := strings.Repeat("a", 10) + "\n" + strings.Repeat("b", 10)
	tests := []struct {
		text  string
		limit int
		want  []string
	}{
		{"kurz", 10, []string{"kurz"}},
		{"äöü", 3, []string{"äöü"}}, // six bytes, three units
		{"𝄞𝄞", 3, []string{"𝄞", "𝄞"}},
		{long, 15, []string{strings.Repeat("a", 10), strings.Repeat("b", 10)}},
	}
	for _, tt := range tests {
		if got := splitText(tt.text, tt.limit); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitText(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
		}
	}
}

// BenchmarkJSONBody: an ordinary answer (about 1.3 KB of text and four
// buttons) as encoding/json wrote it before, and by hand.
func BenchmarkJSONBody(b *testing.B) {
	var rows [][]tgbotapi.InlineKeyboardButton
	for i := range 4 {
		data := "a:kb~" + strings.Repeat("x", 20+i)
		rows = append(rows, []tgbotapi.InlineKeyboardButton{{Text: "Weitere Fragen zu Wohnung", CallbackData: &data}})
	}
	m := jsonMessage{ChatID: 1234567890, Text: strings.Repeat("Mit einer Duldung dürfen Sie oft arbeiten. ", 30),
		DisableWebPagePreview: true, ReplyMarkup: tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}}
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf strings.Builder
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(m)
		}
	})
	b.Run("by-hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			appendMessage(make([]byte, 0, len(m.Text)+bodyExtra), m)
		}
	})
}
