package kb

import (
	"strings"
	"unicode/utf8"
)

// messagesDir holds the bot's own texts, one file per language.
const messagesDir = "messages"

// knownWords are real, harmless words that lie one typo from an urgent
// word or stem: "gehalt" (salary) from gewalt*, "gewählt" (dialled) from
// the same. Such a word is read with a typo only at its end, where words
// inflect ("couteaux" is still "couteau", "болять" not "болить"); a
// letter changed inside it makes another word. The words come from the
// calm examples, the knowledge base's questions, answers and phrases and
// the bot's own messages – the words of everyday questions. Only those
// whose reading would change are kept: about a thousand, not the whole
// vocabulary.
type knownWords map[string]struct{}

// buildKnownWords gathers k.urgent.known from the calm examples, the
// trees' messages and k's texts; the urgent lists must be merged.
func (k *KB) buildKnownWords(trees []*tree, calm []string) {
	u := k.urgent
	u.known = nil
	// Texts repeat their words: each distinct word as written is
	// normalized once, and only words that can be a typo at all (long
	// enough, in a script with typos, starting like a list word, not an
	// index term, which gets no typo anyway) are tried against the lists.
	raw, seen := map[string]bool{}, map[string]bool{}
	known := knownWords{}
	add := func(text string) {
		for _, r := range strings.Fields(text) {
			if raw[r] {
				continue
			}
			raw[r] = true
			for _, w := range strings.Fields(Normalize(r)) {
				if !seen[w] {
					seen[w] = true
					if u.mayTypo(w) && !k.knownWord(w) && u.innerTypo(w) {
						known[w] = struct{}{}
					}
				}
			}
		}
	}
	for _, m := range calm {
		add(m)
	}
	for _, t := range trees {
		// The messages are read whole, keys and comments too: every word
		// in them is an ordinary word, and no YAML needs decoding.
		for _, l := range t.messages {
			add(string(l.data))
		}
	}
	for _, lang := range k.files {
		for _, t := range k.langs[lang].texts.all() {
			add(t.question)
			add(t.answer)
			for p := range t.phrases.all() {
				add(p)
			}
		}
	}
	u.known = known
}

// mayTypo reports whether lookup can read w with a typo at all.
func (u *urgentList) mayTypo(w string) bool {
	return len(w) >= fuzzyStemRunes-1 && !hasDigit(w) && typoScript(w) && u.fuzzyHead[head(w)] &&
		utf8.RuneCountInString(w) >= fuzzyStemRunes-1
}

// innerTypo reports whether lookup reads w, with a typo inside it, as a
// list word or stem.
func (u *urgentList) innerTypo(w string) bool {
	m := urgentMatch{probeInner: true}
	u.lookup(&m, w, true)
	return m.inner
}

// endEdit reports whether a and b, one typo apart, differ only in the last
// letter of the shorter one or by a letter added after it: an ending.
func endEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	i := 0
	for i < len(ra) && i < len(rb) && ra[i] == rb[i] {
		i++
	}
	return i >= min(len(ra), len(rb))-1
}
