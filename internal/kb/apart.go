package kb

import "strings"

// apartLists are words that begin alike but are different words, which
// the similarity would otherwise take for one word inflected: a short
// Arabic-script stem takes one more letter (عمل, عملي), so Pashto "کور"
// (a house) found "کورس" (a course) and "کورنۍ" (the family), and
// "bring my family" was the integration course. Words of one group never
// match each other; each still matches itself and its other forms.
var apartLists = []string{
	"کور کورس کورنۍ", // ps: house, course, family
}

// apart maps a normalized, stemmed word of apartLists to its group,
// numbered from 1.
var apart = buildApart(apartLists)

func buildApart(lists []string) map[string]uint8 {
	m := map[string]uint8{}
	for i, list := range lists {
		for _, w := range strings.Fields(Normalize(list)) {
			m[stem(w)] = uint8(i + 1)
		}
	}
	return m
}
