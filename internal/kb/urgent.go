package kb

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// urgentList holds the words and phrases from urgent.yaml that signal
// violence, a medical emergency, suicide or danger.
//
// Each item is one or more words. A word ending in "*" is a stem and
// matches any word starting with it ("notaufnahm*" matches
// "Notaufnahme"); every other word must match a whole word, so "heat" does
// not fire on "heating". Items go through Normalize, so accents and letter
// variants need not be listed.
type urgentList struct {
	exact  map[string][]urgentPattern // by first word
	prefix map[rune][]urgentPattern   // by first rune of the first word's stem
	langs  map[string]int             // items per language, for Check
}

type urgentPattern []urgentWord

type urgentWord struct {
	text   string
	prefix bool
}

func newUrgentList() *urgentList {
	return &urgentList{exact: map[string][]urgentPattern{}, prefix: map[rune][]urgentPattern{}, langs: map[string]int{}}
}

// merge adds the lists of one urgent.yaml: a map from language code to
// items. Overrides add to the shipped lists; they cannot remove.
func (u *urgentList) merge(b []byte) error {
	var m map[string][]string
	if err := decodeStrict(b, &m); err != nil {
		return err
	}
	langs := make([]string, 0, len(m))
	for l := range m {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		for _, item := range m[lang] {
			p, err := parseUrgent(item)
			if err != nil {
				return fmt.Errorf("%s: %q: %w", lang, item, err)
			}
			if p == nil {
				continue
			}
			u.langs[lang]++
			if p[0].prefix {
				r, _ := utf8.DecodeRuneInString(p[0].text)
				u.prefix[r] = append(u.prefix[r], p)
			} else {
				u.exact[p[0].text] = append(u.exact[p[0].text], p)
			}
		}
	}
	return nil
}

func parseUrgent(item string) (urgentPattern, error) {
	var p urgentPattern
	for _, w := range strings.Fields(item) {
		star := strings.HasSuffix(w, "*")
		toks := strings.Fields(Normalize(strings.TrimSuffix(w, "*")))
		for i, t := range toks {
			p = append(p, urgentWord{text: t, prefix: star && i == len(toks)-1})
		}
	}
	for _, w := range p {
		if w.prefix && utf8.RuneCountInString(w.text) < 3 {
			return nil, fmt.Errorf("stem %q is too short, it would match too many words", w.text)
		}
	}
	return p, nil
}

// Urgent reports whether text contains a word or phrase that signals
// danger or an emergency in any language. It errs on the side of caution:
// the bot then shows emergency numbers and offers a person.
func (k *KB) Urgent(text string) bool {
	u := k.urgent
	toks := strings.Fields(Normalize(text))
	alts := make([]string, len(toks))
	for i, t := range toks {
		// Arabic script attaches the article and prepositions.
		alts[i] = stripArabicPrefix(t)
	}
	for i, t := range toks {
		for _, w := range []string{t, alts[i]} {
			for _, p := range u.exact[w] {
				if p.matchAt(toks, alts, i) {
					return true
				}
			}
			r, _ := utf8.DecodeRuneInString(w)
			for _, p := range u.prefix[r] {
				if p.matchAt(toks, alts, i) {
					return true
				}
			}
			if alts[i] == t {
				break
			}
		}
	}
	return false
}

func (p urgentPattern) matchAt(toks, alts []string, i int) bool {
	if i+len(p) > len(toks) {
		return false
	}
	for j, w := range p {
		if !w.match(toks[i+j]) && !w.match(alts[i+j]) {
			return false
		}
	}
	return true
}

func (w urgentWord) match(t string) bool {
	if w.prefix {
		return strings.HasPrefix(t, w.text)
	}
	return t == w.text
}
