package i18n

import "strings"

// Language is one language Lotse ships. Its name, as shown in the picker,
// is the message "language.name" in its own file.
type Language struct {
	Code string
	RTL  bool
}

// Languages lists the shipped languages in picker order. Dari/Farsi ships
// under "fa" and Kurmanji under "ku": go-i18n has CLDR plural rules for
// those tags but none for "prs" or "kmr".
var Languages = []Language{
	{Code: "ar", RTL: true},
	{Code: "uk"},
	{Code: "fa", RTL: true},
	{Code: "ps", RTL: true},
	{Code: "tr"},
	{Code: "ku"},
	{Code: "ti"},
	{Code: "so"},
	{Code: "ru"},
	{Code: "fr"},
	{Code: "en"},
	{Code: "de"},
}

// Default is the language of the municipality, used when Telegram tells us
// nothing we ship. Fallback is the last resort for a missing message.
const (
	Default  = "de"
	Fallback = "en"
)

// telegramCodes maps the primary subtag of Telegram's language_code (an
// IETF tag chosen by the client, often with region) to a shipped language.
// An explicit table, because go-i18n's matcher maps "prs" and "de" to its
// default and would send a Dari speaker German or English text.
var telegramCodes = map[string]string{
	"ar": "ar", "arb": "ar", "apc": "ar", "ajp": "ar", "acm": "ar",
	"fa": "fa", "prs": "fa", "pes": "fa", "tg": "fa",
	"ps": "ps", "pbt": "ps", "pbu": "ps",
	"uk": "uk", "ru": "ru", "be": "ru",
	"tr": "tr",
	"ku": "ku", "kmr": "ku",
	"ti": "ti", "so": "so",
	"fr": "fr", "en": "en", "de": "de", "gsw": "de",
}

// Match maps Telegram's language_code to a shipped language, or "" if we
// do not ship it.
func Match(languageCode string) string {
	code := strings.ToLower(strings.TrimSpace(languageCode))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	return telegramCodes[code]
}

// Shipped reports whether code is a shipped language.
func Shipped(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// IsRTL reports whether the language is written right to left.
func IsRTL(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return l.RTL
		}
	}
	return false
}
