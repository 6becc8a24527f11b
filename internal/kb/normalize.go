package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds s into the form used for matching: lowercase words
// separated by single spaces, without accents or punctuation. People type on
// phones, often without the right keyboard, so spelling variants that a
// reader would treat as the same word must come out identical:
//
//   - Latin: accents removed (ü→u, é→e, ç→c), ß→ss, and the German
//     transliterations ae/oe/ue fold the same way (fuer = für = fur).
//   - Arabic script: hamza forms of alef (أ إ آ ٱ) → ا, all yeh forms
//     (ي ى ې ۍ ئ) → Persian ی, kaf (ك) → Persian ک, teh marbuta (ة) → ه,
//     ؤ → و; harakat, superscript alef, tatweel and lone hamza are dropped.
//   - Digits: Arabic-Indic and Persian digits become ASCII.
//   - Invisible format characters (ZWNJ, ZWJ, bidi marks, soft hyphen) are
//     removed, so Persian words join the way most people type them.
//   - An apostrophe inside a Cyrillic word is dropped (Ukrainian сім'я =
//     сімя); elsewhere it separates words (French l'emploi).
//
// Normalize is used on both the content and the query, so the folding only
// has to be consistent, not linguistically exact.
func Normalize(s string) string {
	if !isASCII(s) {
		if strings.ContainsRune(s, '´') {
			// NFKD turns the acute accent into space + combining mark, which
			// would split a word that used it as an apostrophe.
			s = strings.ReplaceAll(s, "´", "'")
		}
		// NFKD skips what follows broken UTF-8, so repair it first.
		s = norm.NFKD.String(strings.ToValidUTF8(s, " "))
	}

	var b strings.Builder
	b.Grow(len(s))
	var prev, prev2 rune // last two runes written to the current word
	space := false       // a separator is pending
	write := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		// German transliteration: "ae", "oe", "ue" are written for ä, ö, ü.
		// Skip the "e" unless it belongs to "eue", "aue" or "que". prev
		// stays, so a run of e's goes too and Normalize is idempotent.
		if r == 'e' && (prev == 'a' || prev == 'o' || (prev == 'u' && prev2 != 'a' && prev2 != 'e' && prev2 != 'q')) {
			return
		}
		b.WriteRune(r)
		prev2, prev = prev, r
	}
	sep := func() {
		space = true
		prev, prev2 = 0, 0
	}

	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && c != '\'' && c != '`' {
			// ASCII, most of most messages, without the Unicode tables:
			// no accents or format characters, no letter to fold.
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				write(rune(c))
			case 'A' <= c && c <= 'Z':
				write(rune(c + 'a' - 'A'))
			default:
				sep()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.Is(unicode.Mn, r):
			// Accents, harakat, superscript alef: dropped.
		case unicode.Is(unicode.Cf, r):
			// ZWNJ, ZWJ, bidi marks, soft hyphen: dropped, the word stays joined.
		case isApostrophe(r):
			next, _ := utf8.DecodeRuneInString(s[i:])
			if isCyrillic(prev) && isCyrillic(next) {
				continue
			}
			sep()
		case unicode.IsDigit(r):
			write(ASCIIDigit(r))
		case unicode.IsLetter(r):
			if f, ok := foldLetter(r); ok {
				for _, fr := range f {
					write(fr)
				}
				continue
			}
			if r == 'ـ' || r == 'ء' {
				// Tatweel stretches a word, a lone hamza is often left out.
				continue
			}
			write(unicode.ToLower(r))
		default:
			sep()
		}
	}
	return b.String()
}

// isASCII reports whether s is all ASCII, which NFKD leaves as it is.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// ASCIIDigit is r as an ASCII digit when it is an Arabic-Indic or
// Persian one, else r.
func ASCIIDigit(r rune) rune {
	switch {
	case r >= '٠' && r <= '٩':
		return '0' + r - '٠'
	case r >= '۰' && r <= '۹':
		return '0' + r - '۰'
	}
	return r
}

// foldLetter maps letters whose variants are typed interchangeably and
// which NFKD does not decompose.
func foldLetter(r rune) (string, bool) {
	switch r {
	case 'ß', 'ẞ':
		return "ss", true
	case 'ı':
		return "i", true
	case 'ł', 'Ł':
		return "l", true
	case 'ø', 'Ø':
		return "o", true
	case 'đ', 'Đ':
		return "d", true
	case 'æ', 'Æ':
		return "ae", true
	case 'œ', 'Œ':
		return "oe", true
	case 'ٱ', 'ٲ', 'ٳ':
		return "ا", true
	case 'ي', 'ى', 'ې', 'ۍ', 'ے':
		return "ی", true
	case 'ك', 'ڪ':
		return "ک", true
	case 'ة', 'ە', 'ۀ', 'ھ', 'ہ', 'ۂ':
		return "ه", true
	case 'ګ':
		return "گ", true
	}
	// Ethiopic: the ሠ, ፀ and ኀ series are spelled interchangeably with
	// ሰ, ጸ and ሀ in everyday Tigrinya writing; so, on phones and by
	// writers schooled in Amharic, are ሐ and ሀ (ስራሕ, ስራህ), ቐ and ቀ
	// (ፍቓድ, ፍቃድ), ኸ and ከ, ዐ and አ (ዑቕባ, ኡቕባ), and አ and ኣ (ኣበይ,
	// አበይ).
	switch {
	case r >= 0x1220 && r <= 0x1227:
		return string(r + 0x10), true
	case r >= 0x1340 && r <= 0x1346:
		return string(r - 8), true
	case r >= 0x1280 && r <= 0x1286:
		return string(r - 0x80), true
	case r >= 0x1210 && r <= 0x1217, // ሐ → ሀ
		r >= 0x1250 && r <= 0x1256, r >= 0x1258 && r <= 0x125D, // ቐ → ቀ
		r >= 0x12B8 && r <= 0x12BE, r >= 0x12C0 && r <= 0x12C5: // ኸ → ከ
		return string(r - 0x10), true
	case r == 0x12A0 || r == 0x12D0: // አ, ዐ → ኣ
		return "ኣ", true
	case r >= 0x12D1 && r <= 0x12D6: // ዑ … ዖ → ኡ … ኦ
		return string(r - 0x30), true
	}
	return "", false
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '`', 'ʻ', '′':
		return true
	}
	return false
}

func isCyrillic(r rune) bool { return r >= 0x0400 && r <= 0x04FF }

// isArabicScript reports whether the word starts with an Arabic-script
// letter (Arabic, Persian, Pashto).
func isArabicScript(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return r >= 0x0600 && r <= 0x06FF
}

// Arabic-script affixes that a light stemmer removes. Roots are short, so a
// stem must keep at least three letters.
var (
	arPrefixes = []string{"وال", "بال", "کال", "فال", "لل", "ال", "نمی", "می"}
	arSuffixes = []string{"ها", "هم", "هن", "کم", "نا", "ات", "ون", "ین", "یه", "ه", "ی"}
)

// stripArabicPrefix removes one article or verb prefix.
func stripArabicPrefix(w string) string {
	for _, p := range arPrefixes {
		if strings.HasPrefix(w, p) && utf8.RuneCountInString(w)-utf8.RuneCountInString(p) >= 3 {
			return w[len(p):]
		}
	}
	return w
}

// stem reduces an Arabic-script word to a light stem (one prefix, one
// suffix). Other scripts are left alone: the matcher's prefix and typo
// tolerance handles their inflection.
func stem(w string) string {
	if !isArabicScript(w) {
		return w
	}
	w = stripArabicPrefix(w)
	for _, s := range arSuffixes {
		if strings.HasSuffix(w, s) && utf8.RuneCountInString(w)-utf8.RuneCountInString(s) >= 3 {
			return w[:len(w)-len(s)]
		}
	}
	return w
}
