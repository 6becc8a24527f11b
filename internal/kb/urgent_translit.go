package kb

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Russian and Ukrainian are often typed in Latin letters on a phone
// without a Cyrillic keyboard ("ne mogu dyshat", "muzh menya bet"), in no
// fixed scheme: ш is "sh", "s" or "sch", и is "i" or "y", я "ya", "ja" or
// "ia". Every Cyrillic word of the ru and uk items therefore also gets a
// Latin twin, and both the twin and a Latin word of a message are reduced
// to a skeleton in which these spellings meet. The skeleton is lossy (ш,
// щ and с meet, so do ч and ц), so it is only used in a message that
// also contains a Latin word which is clearly Russian or Ukrainian ("menya",
// "nas", "segodnya"): otherwise "dim" would be "дым" (smoke) and "insult"
// "инсульт" (stroke).

// cyrLatin is the Latin each Cyrillic letter is usually typed as. й, ё and
// ї are not here: Normalize has already turned them into и, е and і.
var cyrLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'є': "ye",
	'ж': "zh", 'з': "z", 'и': "i", 'і': "i", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
	'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y",
	'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
}

// cyrToLatin writes a normalized Cyrillic word in Latin letters; Ukrainian
// г is "h" ("dopomoha"), Russian г is "g". ok is false when w has other
// letters.
func cyrToLatin(w, lang string) (string, bool) {
	var b strings.Builder
	for _, r := range w {
		if r == 'г' && lang == "uk" {
			b.WriteByte('h')
			continue
		}
		l, ok := cyrLatin[r]
		if !ok {
			return "", false
		}
		b.WriteString(l)
	}
	return b.String(), true
}

// latinSkeleton reduces a normalized Latin word to the form in which the
// usual ways of typing one Cyrillic word meet: "zhit", "zit" and "zhyt"
// all become "zit"; "prosnutsya" and "prosnutsa" "prosnuca". It appends
// to dst and reports false for a word with letters outside a–z.
func latinSkeleton(dst []byte, s string) ([]byte, bool) {
	start := len(dst)
	for i := 0; i < len(s); {
		c := s[i]
		if c < 'a' || c > 'z' {
			return dst[:start], false
		}
		// Digraphs start with s, c, t, z or k; the letter is checked
		// first, as most letters start none.
		rest := s[i:]
		switch {
		case c == 's' && strings.HasPrefix(rest, "shch"):
			dst, i = append(dst, 's'), i+4
		case c == 's' && strings.HasPrefix(rest, "sch"):
			dst, i = append(dst, 's'), i+3
		case c == 's' && strings.HasPrefix(rest, "sh"):
			dst, i = append(dst, 's'), i+2
		case c == 'c' && strings.HasPrefix(rest, "ch"), c == 't' && (strings.HasPrefix(rest, "ts") || strings.HasPrefix(rest, "tz")):
			dst, i = append(dst, 'c'), i+2
		case c == 'z' && strings.HasPrefix(rest, "zh"):
			dst, i = append(dst, 'z'), i+2
		case c == 'k' && strings.HasPrefix(rest, "kh"):
			dst, i = append(dst, 'h'), i+2
		default:
			switch c {
			case 'x':
				c = 'h'
			case 'w':
				c = 'v'
			case 'q':
				c = 'k'
			case 'y', 'j':
				c = 'i'
			}
			dst, i = append(dst, c), i+1
		}
	}
	// Soft vowels: "ya", "ia" and "a" are one sound after a consonant, "yo"
	// and "e" are both ё; a doubled letter is one.
	out := dst[:start]
	for _, c := range dst[start:] {
		n := len(out) - start
		if n > 0 && out[len(out)-1] == c {
			continue
		}
		if n > 0 && out[len(out)-1] == 'i' && (c == 'a' || c == 'e' || c == 'o' || c == 'u') {
			if c == 'o' {
				c = 'e' // ё: Normalize made it е in the items, people type "yo"
			}
			out[len(out)-1] = c
			if n > 1 && out[len(out)-2] == c {
				out = out[:len(out)-1]
			}
			continue
		}
		// Normalize drops an e after a, o, u (German ae, oe, ue); the
		// folding above can make such pairs anew.
		if n > 0 && c == 'e' && (out[len(out)-1] == 'a' || out[len(out)-1] == 'o' || out[len(out)-1] == 'u') {
			continue
		}
		out = append(out, c)
	}
	return out, true
}

// translitGate are words, as skeletons, that mark a Latin message as
// Russian or Ukrainian. Words that are also common in German, English,
// French or Turkish ("ne", "tam", "on", "moi", "sho" = "so", "yego" =
// "ego") are left out.
var translitGate = func() map[string]bool {
	m := map[string]bool{}
	var buf []byte
	for _, w := range strings.Fields(`menya menja mene mne mnie meni nas nam nasha moy moya
		chto shcho scho shto chtoby shchob eto vona oni vony yiyi
		ochen duzhe mogu mozhu mozhe hochu khochu pomogite pomogi dopomozhit dopomozhy
		segodnya sohodni sogodnya zavtra nochyu vnochi muzh cholovik rebenok dytyna ditina
		uzhe vzhe nichego nichoho nema nemaye pozhaluysta laska gde kogda koly kak
		tolko tilky tebya tebe sebya sebe srochno terminovo priezzhajte priezzhayte pryizhdzhayte
		bystro skoree shvydko`) {
		var ok bool
		if buf, ok = latinSkeleton(buf[:0], w); ok {
			m[string(buf)] = true
		}
	}
	return m
}()

// addTranslit gives every Cyrillic word of p a Latin twin, for a Russian
// or Ukrainian item. The twin is a word of its own, found only through the
// skeleton, and added to the same slot.
func (u *urgentList) addTranslit(p *urgentPattern, lang string) {
	if lang != "ru" && lang != "uk" {
		return
	}
	// A short word that is the whole item ("дым" → "dim") meets too many
	// Latin words of other languages; inside a phrase or next to another
	// part it is safe.
	alone := len(p.parts) == 1 && len(p.parts[0]) == 1
	add := func(ph urgentPhrase) {
		for j, slot := range ph {
			for _, id := range slot {
				w := u.words[id]
				// Ukrainian г is typed "h" by most, "g" by those used
				// to Russian ("tyagarem"): a twin for each.
				schemes := []string{lang}
				if lang == "uk" && strings.ContainsRune(w.text, 'г') {
					schemes = append(schemes, "ru")
				}
				for _, as := range schemes {
					lat, ok := cyrToLatin(w.text, as)
					if !ok || lat == "" {
						continue
					}
					sk, ok := latinSkeleton(nil, Normalize(lat))
					if !ok || len(sk) == 0 || alone && len(sk) < 4 || w.prefix && len(sk) < 3 {
						continue
					}
					if tw := u.latinTwin(string(sk), w.prefix); !slices.Contains(ph[j], tw) {
						ph[j] = append(ph[j], tw)
					}
				}
			}
		}
	}
	for _, ph := range p.parts {
		add(ph)
	}
	for _, ph := range p.not {
		add(ph)
	}
}

// latinTwin returns the id of the Latin word or stem with skeleton sk.
func (u *urgentList) latinTwin(sk string, prefix bool) int32 {
	w := urgentWord{text: sk, prefix: prefix, latin: true}
	b := u.building()
	if id, ok := b.wordID[w]; ok {
		return id
	}
	id := int32(len(u.words))
	u.words = append(u.words, w)
	b.wordID[w] = id
	m := b.latin
	if prefix {
		m = b.latinStems
		if len(sk) < len(u.latinStemBytes) {
			u.latinStemBytes[len(sk)] = true
		}
	}
	m[sk] = append(m[sk], id)
	if len(sk) >= 3 {
		u.latinHead[[3]byte{sk[0], sk[1], sk[2]}] = true
	}
	return id
}

// translitMessage reports whether a message of these tokens reads as
// Russian or Ukrainian in Latin letters: it has a gate word, or two words
// of four letters or more that are Latin twins ("muzhchina s nozhom").
func (u *urgentList) translitMessage(toks []string) bool {
	if u.latin.len() == 0 {
		return false
	}
	var arr [48]byte
	twins := 0
	for _, t := range toks {
		if r, _ := utf8.DecodeRuneInString(t); r < 'a' || r > 'z' {
			continue
		}
		sk, ok := latinSkeleton(arr[:0], t)
		if !ok {
			continue
		}
		if translitGate[string(sk)] {
			return true
		}
		if len(sk) >= 4 && u.hasTwin(sk) {
			if twins++; twins == 2 {
				return true
			}
		}
	}
	return false
}

// hasTwin reports whether the skeleton sk is a Latin twin or starts with a
// twin stem.
func (u *urgentList) hasTwin(sk []byte) bool {
	if len(sk) < 3 || !u.latinHead[[3]byte(sk[:3])] {
		return false // most words of other languages stop here
	}
	if len(u.latin.getBytes(sk)) > 0 {
		return true
	}
	for n := 3; n <= len(sk) && n < len(u.latinStemBytes); n++ {
		if u.latinStemBytes[n] && len(u.latinStems.getBytes(sk[:n])) > 0 {
			return true
		}
	}
	return false
}

// lookupTranslit adds the ids of the ru and uk words whose Latin twin
// matches the Latin word t.
func (u *urgentList) lookupTranslit(m *urgentMatch, t string) {
	sk, ok := latinSkeleton(m.buf[:0], t)
	m.buf = sk
	if !ok {
		return
	}
	m.add(u.latin.getBytes(sk))
	for n := 3; n <= len(sk) && n < len(u.latinStemBytes); n++ {
		if u.latinStemBytes[n] {
			m.add(u.latinStems.getBytes(sk[:n]))
		}
	}
}
