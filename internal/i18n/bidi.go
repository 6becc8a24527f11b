package i18n

import (
	"strings"
	"unicode"
)

// Unicode directional isolates. A Latin date, a phone number or a URL
// inside an Arabic sentence is reordered by the bidi algorithm ("112"
// after the full stop, "+49 30" as "30 49+"); wrapping each inserted value
// in FSI…PDI makes it render as one unit in its own direction.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)

// Isolate wraps s in a first-strong isolate, unless it is empty.
func Isolate(s string) string {
	if s == "" {
		return s
	}
	return fsi + s + pdi
}

// StripOverrides removes directional embeddings, overrides and isolates
// from text a person wrote: they can make a message look different to the
// case manager than what was written (Trojan Source). Marks (LRM, RLM,
// ALM) that real Arabic and Persian text uses stay, and so do line breaks.
func StripOverrides(s string) string {
	return strings.Map(func(r rune) rune {
		if isOverride(r) {
			return -1
		}
		return r
	}, s)
}

// OneLine makes a short person-provided string (a first name, a comment)
// safe to show on one line among the bot's own text: every directional
// control, including marks, is removed, and line breaks and other control
// characters become single spaces, so it can neither reorder nor break
// out of the line it is shown in.
func OneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case isOverride(r) || r == '\u200E' || r == '\u200F' || r == '\u061C':
			continue
		case unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isOverride(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}
