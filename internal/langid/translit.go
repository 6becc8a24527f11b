package langid

import "strings"

// transliterate writes Russian or Ukrainian texts in Latin letters the way
// people type them on a phone without a Cyrillic keyboard. There is no
// one scheme: each letter with several common spellings (х kh or h, й y
// or j or i, я ya or ja or ia, ц ts or c, щ shch or sch, ч also 4) takes
// one picked by the letters of its word so far, so that the model sees
// them all and a text reads the same each time it is trained. Other languages have no texts here:
// Arabic and Persian script leave out short vowels, which romanised
// writing spells, so their romanised forms are learnt from word lists.
func transliterate(lang string, texts []string) []string {
	var table map[rune][]string
	switch lang {
	case "ru":
		table = ruLatin
	case "uk":
		table = ukLatin
	default:
		return nil
	}
	out := make([]string, 0, len(texts))
	var b strings.Builder
	for _, t := range texts {
		b.Reset()
		var h uint32
		for _, r := range strings.ToLower(t) {
			if r == ' ' || r == '\n' {
				h = 0 // a new word: a new pick of spellings
			}
			h = h*31 + uint32(r)
			alts, ok := table[r]
			if !ok {
				b.WriteRune(r)
				continue
			}
			b.WriteString(alts[int(h>>3)%len(alts)])
		}
		out = append(out, b.String())
	}
	return out
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
