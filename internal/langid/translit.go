package langid

import "strings"

// transliterate writes Russian or Ukrainian texts in Latin letters the way
// people type them on a phone without a Cyrillic keyboard. There is no
// one scheme: each letter with several common spellings (х kh or h, й y
// or j or i, я ya or ja or ia, ц ts or c, щ shch or sch, ч also 4) takes
// one picked by the letters of its word so far, so that the model sees
// them all and a text reads the same each time it is trained. Tigrinya
// is written the same way: its Ge'ez letters each spell a consonant and
// a vowel (ethiopicLatin). Arabic and Persian script leave out short
// vowels, which romanised writing spells, so their romanised forms are
// learnt from word lists.
func transliterate(lang string, texts []string) []string {
	var spell func(r, next rune) []string
	switch lang {
	case "ru":
		spell = func(r, _ rune) []string { return ruLatin[r] }
	case "uk":
		spell = func(r, _ rune) []string { return ukLatin[r] }
	case "ti":
		spell = ethiopicLatin
	default:
		return nil
	}
	out := make([]string, 0, len(texts))
	var b strings.Builder
	for _, t := range texts {
		b.Reset()
		var h uint32
		rs := []rune(strings.ToLower(t))
		for i, r := range rs {
			if r == ' ' || r == '\n' {
				h = 0 // a new word: a new pick of spellings
			}
			h = h*31 + uint32(r)
			var next rune
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			alts := spell(r, next)
			if alts == nil {
				b.WriteRune(r)
				continue
			}
			b.WriteString(alts[int(h>>3)%len(alts)])
		}
		out = append(out, b.String())
	}
	return out
}

// ethiopicLatin spells a Ge'ez letter the ways Eritreans type it in
// Latin letters: the syllabary's rows of eight are a consonant each, its
// columns the vowels ä (typed e or a), u, i, a, e, the sixth order
// (mostly no vowel: ክንደይ "kndey", sometimes i or e, never at the end
// of a word: ገንዘብ "genzeb") and o, the eighth the consonant with wa. Punctuation becomes Latin; numerals and letters
// Tigrinya does not use are left as they are (nil).
func ethiopicLatin(r, next rune) []string {
	switch r {
	case '።':
		return []string{"."}
	case '፣', '፤':
		return []string{","}
	case '፧':
		return []string{"?"}
	}
	if r < 0x1200 || r > 0x135F {
		return nil
	}
	row, col := int(r-0x1200)/8, int(r-0x1200)%8
	cons, ok := geezRows[row]
	if !ok {
		return nil
	}
	var alts []string
	if cons.labial {
		// ቈ ቊ ቋ ቌ ቍ: kwe, kwi, kwa, kwe, kw.
		vowel := [8][]string{{"we", "wa"}, nil, {"wi"}, {"wa"}, {"we"}, {"u", "w"}, nil, nil}[col]
		for _, c := range cons.spell {
			for _, v := range vowel {
				alts = append(alts, c+v)
			}
		}
		if len(alts) == 0 {
			return nil // unassigned in a labial row
		}
		return alts
	}
	vowels := [8][]string{{"e"}, {"u"}, {"i"}, {"a"}, {"e", "ie"}, {"", "", "i"}, {"o"}, {"wa"}}[col]
	if col == 5 && (next < 0x1200 || next > 0x135F) {
		vowels = []string{""}
	}
	if cons.spell == nil { // አ ዐ: a vowel alone
		return [8][]string{{"a", "e"}, {"u"}, {"i"}, {"a"}, {"e"}, {"e", "i", "a"}, {"o"}, {"wa"}}[col]
	}
	for _, v := range vowels {
		for _, c := range cons.spell {
			alts = append(alts, c+v)
		}
	}
	return alts
}

type geezRow struct {
	spell  []string
	labial bool // a row of kw-, gw-, hw- letters, laid out apart
}

// geezRows are the consonants of the rows Tigrinya writes, by row number
// from U+1200, with their common Latin spellings.
var geezRows = map[int]geezRow{
	0x00: {spell: []string{"h"}}, 0x01: {spell: []string{"l"}}, 0x02: {spell: []string{"h"}},
	0x03: {spell: []string{"m"}}, 0x04: {spell: []string{"s"}}, 0x05: {spell: []string{"r"}},
	0x06: {spell: []string{"s"}}, 0x07: {spell: []string{"sh"}}, 0x08: {spell: []string{"q", "k"}},
	0x09: {spell: []string{"q", "k"}, labial: true}, 0x0A: {spell: []string{"kh", "q", "h"}},
	0x0B: {spell: []string{"kh", "q"}, labial: true}, 0x0C: {spell: []string{"b"}}, 0x0D: {spell: []string{"v"}},
	0x0E: {spell: []string{"t"}}, 0x0F: {spell: []string{"ch"}}, 0x10: {spell: []string{"h", "kh"}},
	0x11: {spell: []string{"h"}, labial: true}, 0x12: {spell: []string{"n"}}, 0x13: {spell: []string{"ny", "gn"}},
	0x14: {}, 0x15: {spell: []string{"k"}}, 0x16: {spell: []string{"k"}, labial: true},
	0x17: {spell: []string{"kh", "h", "x"}}, 0x18: {spell: []string{"kh", "h"}, labial: true},
	0x19: {spell: []string{"w"}}, 0x1A: {}, 0x1B: {spell: []string{"z"}}, 0x1C: {spell: []string{"zh", "j"}},
	0x1D: {spell: []string{"y"}}, 0x1E: {spell: []string{"d"}}, 0x20: {spell: []string{"j"}},
	0x21: {spell: []string{"g"}}, 0x22: {spell: []string{"g"}, labial: true}, 0x24: {spell: []string{"t"}},
	0x25: {spell: []string{"ch", "c"}}, 0x26: {spell: []string{"p"}}, 0x27: {spell: []string{"ts", "ts", "s", "tz"}},
	0x28: {spell: []string{"ts", "s"}}, 0x29: {spell: []string{"f"}}, 0x2A: {spell: []string{"p"}},
}

// ruLatin and ukLatin give each Cyrillic letter its common Latin
// spellings, most usual first.
var ruLatin = map[rune][]string{
	'а': {"a"}, 'б': {"b"}, 'в': {"v"}, 'г': {"g"}, 'д': {"d"}, 'е': {"e"}, 'ё': {"yo", "e", "jo"},
	'ж': {"zh", "zh", "j"}, 'з': {"z"}, 'и': {"i"}, 'й': {"y", "j", "i"}, 'к': {"k"}, 'л': {"l"},
	'м': {"m"}, 'н': {"n"}, 'о': {"o"}, 'п': {"p"}, 'р': {"r"}, 'с': {"s"}, 'т': {"t"}, 'у': {"u"},
	'ф': {"f"}, 'х': {"h", "kh"}, 'ц': {"ts", "c"}, 'ч': {"ch", "ch", "4"}, 'ш': {"sh"}, 'щ': {"sch", "shch", "sh"},
	'ъ': {""}, 'ы': {"y", "i"}, 'ь': {"", "'"}, 'э': {"e"}, 'ю': {"yu", "ju", "u"}, 'я': {"ya", "ja", "a"},
}

var ukLatin = map[rune][]string{
	'а': {"a"}, 'б': {"b"}, 'в': {"v"}, 'г': {"h", "g"}, 'ґ': {"g"}, 'д': {"d"}, 'е': {"e"}, 'є': {"ye", "ie", "je", "e"},
	'ж': {"zh", "zh", "j"}, 'з': {"z"}, 'и': {"y", "y", "i"}, 'і': {"i"}, 'ї': {"yi", "i", "ji"}, 'й': {"y", "i", "j"},
	'к': {"k"}, 'л': {"l"}, 'м': {"m"}, 'н': {"n"}, 'о': {"o"}, 'п': {"p"}, 'р': {"r"}, 'с': {"s"}, 'т': {"t"},
	'у': {"u"}, 'ф': {"f"}, 'х': {"kh", "h"}, 'ц': {"ts", "c"}, 'ч': {"ch"}, 'ш': {"sh"}, 'щ': {"shch", "sch"},
	'ь': {"", "'"}, 'ю': {"yu", "iu", "ju"}, 'я': {"ya", "ia", "ja"}, '’': {"", "'"}, '\'': {"", "'"},
}
