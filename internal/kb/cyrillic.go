package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Russian and Ukrainian are often typed in Latin letters ("mne nuzhna
// kvartira", "meni potribna kvartyra"), and once the language detector has
// recognised such a message the person is answered in their language. The
// index knows these languages only in Cyrillic, so a Latin word of a ru or
// uk query that is no index term is read back into Cyrillic by rule and
// searched as that; the search's typo tolerance absorbs what the rule
// reads wrong (a missing soft sign, и for ы). German office words
// ("jobcenter", "duldung") are terms and stay as typed.

// cyrillicReading returns query with its Latin words read in Cyrillic, for
// a query in Russian or Ukrainian; ok is false when nothing was read.
func (k *KB) cyrillicReading(query, lang string) (string, bool) {
	lang = baseLang(lang)
	if lang != "ru" && lang != "uk" {
		return query, false
	}
	mask := stopMask(lang)
	var b strings.Builder
	changed := false
	for i := 0; i < len(query); {
		j := latinWordEnd(query, i)
		if j == i {
			_, size := utf8.DecodeRuneInString(query[i:])
			if changed {
				b.WriteString(query[i : i+size])
			}
			i += size
			continue
		}
		w := query[i:j]
		cyr, ok := k.readCyrillic(w, lang, mask)
		if ok && !changed {
			b.Grow(len(query) * 2)
			b.WriteString(query[:i])
			changed = true
		}
		if changed {
			if ok {
				b.WriteString(cyr)
			} else {
				b.WriteString(w)
			}
		}
		i = j
	}
	if !changed {
		return query, false
	}
	return b.String(), true
}

// latinWordEnd is the end of the word of ASCII letters (and apostrophes
// inside it) that starts at i, or i when none does. A word that touches
// another letter or a digit ("büro", "sha2a") is not one.
func latinWordEnd(s string, i int) int {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return i
		}
	}
	j := i
	for j < len(s) {
		c := s[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			j++
		case c == '\'' && j > i && j+1 < len(s) && isASCIILetter(s[j+1]):
			j++
		default:
			if r, _ := utf8.DecodeRuneInString(s[j:]); j > i && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return i
			}
			return j
		}
	}
	return j
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// readCyrillic reads the Latin word w in Cyrillic, unless it is an index
// term or a stopword as it stands.
func (k *KB) readCyrillic(w, lang string, mask uint32) (string, bool) {
	n := Normalize(strings.ReplaceAll(w, "'", ""))
	if len(n) < 2 || isStopword(n, mask) {
		return "", false
	}
	if _, ok := k.idx.lookup(n); ok {
		return "", false
	}
	// An off-topic word is known too ("Klassenfahrt" is not "классенфахрт").
	if offTopic.has(n) {
		return "", false
	}
	return latinToCyrillic(strings.ToLower(w), lang == "uk"), true
}

// latinToCyrillic reads a lowercase Latin word as Russian or Ukrainian
// (uk) written in one of the informal schemes: "shch" щ, "zh" ж, "kh" х,
// "ch" ч, "sh" ш, "ts" ц, "ya"/"ja" я, "yu"/"ju" ю, "ye"/"je" е (є in
// Ukrainian), "yi" ї; y is ы in Russian and и in Ukrainian after a
// consonant, й after a vowel; Ukrainian h is г and i is і; an apostrophe
// is Russian ь.
func latinToCyrillic(w string, uk bool) string {
	var b strings.Builder
	b.Grow(2 * len(w))
	vowel := false // the last letter written is a vowel
	put := func(s string, v bool) {
		b.WriteString(s)
		vowel = v
	}
	for i := 0; i < len(w); {
		rest := w[i:]
		if s, n, v, ok := cyrCluster(rest, uk); ok {
			put(s, v)
			i += n
			continue
		}
		c := w[i]
		i++
		switch c {
		case 'y', 'j':
			if i < len(w) {
				if s, ok := iotated(w[i], uk); ok {
					put(s, true)
					i++
					continue
				}
			}
			switch {
			case vowel || c == 'j':
				put("й", false)
			case uk:
				put("и", true)
			default:
				put("ы", true)
			}
		case '\'':
			if !uk {
				put("ь", false)
			}
		default:
			s, v := cyrLetter(c, uk)
			put(s, v)
		}
	}
	return b.String()
}

// cyrClusters are the Latin letter groups for one Cyrillic letter, longest
// first.
var cyrClusters = []struct{ lat, ru, uk string }{
	{"shch", "щ", "щ"}, {"sch", "щ", "щ"}, {"sh", "ш", "ш"}, {"ch", "ч", "ч"},
	{"zh", "ж", "ж"}, {"kh", "х", "х"}, {"ts", "ц", "ц"}, {"tz", "ц", "ц"},
}

func cyrCluster(s string, uk bool) (string, int, bool, bool) {
	for _, c := range cyrClusters {
		if strings.HasPrefix(s, c.lat) {
			if uk {
				return c.uk, len(c.lat), false, true
			}
			return c.ru, len(c.lat), false, true
		}
	}
	return "", 0, false, false
}

// iotated is the vowel that y or j before the vowel v stands for.
func iotated(v byte, uk bool) (string, bool) {
	switch v {
	case 'a':
		return "я", true
	case 'u':
		return "ю", true
	case 'e':
		if uk {
			return "є", true
		}
		return "е", true
	case 'o':
		if uk {
			return "йо", true
		}
		return "ё", true
	case 'i':
		if uk {
			return "ї", true
		}
	}
	return "", false
}

// cyrLetter reads one Latin letter; v reports a vowel.
func cyrLetter(c byte, uk bool) (string, bool) {
	switch c {
	case 'a':
		return "а", true
	case 'e':
		return "е", true
	case 'i':
		if uk {
			return "і", true
		}
		return "и", true
	case 'o':
		return "о", true
	case 'u':
		return "у", true
	case 'h':
		if uk {
			return "г", false
		}
		return "х", false
	}
	return string(cyrConsonants[c-'a']), false
}

// cyrConsonants reads the letters a–z one by one (q as к, w as в, x as
// х); vowels, h and y are decided above.
var cyrConsonants = []rune("абцдефгхийклмнопкрстуввхыз")
