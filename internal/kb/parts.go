package kb

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parts is the answer to a message that may hold several concerns.
type Parts struct {
	// Main is what to answer, or to offer as choices: the whole message's
	// result, or a sentence's when only that one is clear.
	Main Result
	// Also are the other entries the message's sentences asked about, best
	// first, not including Main's.
	Also []string
}

// Bounds of the split: a clause needs at least minPartWords words to be
// searched on its own, and one sentence is cut at commas only when it is
// longer than longSentence words. At most maxParts are searched: a father
// writing about a flat, a WBS, his Gestattung, a course and a job offer in
// 110 words had eleven, and the job offer came last.
const (
	minPartWords = 3
	longSentence = 12
	maxParts     = 16
	maxAlso      = 3

	// keepWholeCover: a whole message whose best entry explains this
	// share of it or more is not set aside for one clear sentence about
	// an entry it does not suggest.
	keepWholeCover = 0.9
)

// SearchParts answers a message the way a person writes when they have
// several concerns at once (a father asking about a flat, his Duldung and
// work in one message): the whole text and each sentence or clause are
// searched. A sentence found clearly can be answered even if the whole
// message is too mixed to be; the other sentences' topics are offered
// besides. A message of one sentence is searched as a whole only.
func (k *KB) SearchParts(query, lang string) Parts {
	whole, c := k.search(query, lang)
	return k.searchParts(query, whole, c.coverage, lang)
}

// SearchMessage is SearchParts(m.Text, lang) with the whole message's
// search reading the message's terms (see Message).
func (k *KB) SearchMessage(m *Message, lang string) Parts {
	whole, c := k.searchMessage(m, lang)
	return k.searchParts(m.Text, whole, c.coverage, lang)
}

// searchParts completes SearchParts given the whole query's result and how
// much of the query its best entry explains (confidence.coverage).
func (k *KB) searchParts(query string, whole Result, wholeCover float64, lang string) Parts {
	if !mayHaveParts(query) {
		return Parts{Main: whole}
	}
	parts := clauses(query)
	if len(parts) < 2 {
		return Parts{Main: whole}
	}
	type hit struct {
		m         Match
		confident bool
	}
	// Clear sentences first, in the order they were written, then the ones
	// only suggested, the best first: a greeting sentence that names the
	// children ("I am the father of three") matches family reunification
	// weakly and must not push the flat he asks for down.
	var hits []hit
	main := whole
	for _, p := range parts {
		res := k.Search(p.text, lang)
		if len(res.Best) == 0 {
			continue
		}
		if res.Confident && p.offTopic(lang) {
			res.Confident = false
		}
		// A clear sentence is answered instead of the whole message,
		// unless the whole message's best entry explains nearly all of it
		// and the sentence's entry is none of its suggestions: in "can I
		// work? I have a Duldung" the second sentence is the context of
		// the first, not a question about the Duldung.
		if res.Confident && !main.Confident &&
			(wholeCover < keepWholeCover || slices.ContainsFunc(whole.Best, func(m Match) bool { return m.ID == res.Best[0].ID })) {
			main = res
		}
		hits = append(hits, hit{res.Best[0], res.Confident})
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		switch {
		case a.confident != b.confident:
			if a.confident {
				return -1
			}
			return 1
		case a.confident:
			return 0
		}
		return cmp.Compare(b.m.Score, a.m.Score)
	})
	out := Parts{Main: main}
	seen := map[string]bool{}
	limit := maxAlso
	if len(main.Best) > 0 {
		seen[main.Best[0].ID] = true
	} else {
		limit++ // nothing else to show: the four choices a phone shows at once
	}
	for _, confident := range []bool{true, false} {
		for _, h := range hits {
			if h.confident == confident && !seen[h.m.ID] && len(out.Also) < limit {
				seen[h.m.ID] = true
				out.Also = append(out.Also, h.m.ID)
			}
		}
	}
	return out
}

// clause is a part of a message searched on its own: a whole sentence,
// or a piece of a long sentence cut at a comma, with the sentence it was
// cut from.
type clause struct{ text, sentence string }

// offTopic reports whether c was cut from a sentence that names a topic
// the base does not cover (offTopic): such a clause is no question of its
// own. In "we watched a film where the police beat a man, is that allowed
// in germany" the second clause asks about the film, not about moving to
// another city.
func (c clause) offTopic(lang string) bool {
	return c.sentence != "" && offTopic.anyOffTopic(analyze(c.sentence, stopMask(baseLang(lang))))
}

// clauses cuts a message into sentences (and long sentences at commas and
// before joiners), keeping those with enough words to stand as a question. A full stop
// between digits ("18.36", "3.000") does not end a sentence.
func clauses(text string) []clause {
	var out []clause
	add := func(s, sentence string) {
		if len(out) < maxParts && len(strings.Fields(s)) >= minPartWords {
			out = append(out, clause{strings.TrimSpace(s), sentence})
		}
	}
	for _, sentence := range splitRunes(text, isSentenceEnd) {
		if len(strings.Fields(sentence)) <= longSentence {
			add(sentence, "")
			continue
		}
		for _, c := range splitRunes(sentence, isClauseEnd) {
			for _, j := range splitJoined(c) {
				add(j, strings.TrimSpace(sentence))
			}
		}
	}
	return out
}

// joiners are the words that start another concern inside a long run-on
// sentence, as people write without commas ("badi a3ref kif ale2i shoghl
// w kaman el heim fi ktir 3afan"): "and also" and its kin, normalized.
// Single words only where they cannot be anything else.
var joiners = func() map[string]bool {
	m := map[string]bool{}
	for _, j := range []string{
		"und auch", "außerdem", "ausserdem", "und noch", "and also", "also i", "et aussi", "et puis",
		"w kaman", "wkaman", "u kaman", "و كمان", "وكمان", "و ايضا", "وايضا",
		"و همچنین", "همچنین", "و همینطور", "hamchenin", "او همدارنګه", "همدارنګه",
		"і ще", "а також", "и ещё", "и еще", "а также",
		"bir de", "ayrıca", "û her wiha", "herwiha", "herweha", "sidoo kale",
	} {
		m[Normalize(j)] = true
	}
	return m
}()

// splitJoined cuts a piece of a sentence longer than longSentence words
// before each joiner of one or two words; shorter pieces are left whole.
func splitJoined(piece string) []string {
	words := strings.Fields(piece)
	if len(words) <= longSentence {
		return []string{piece}
	}
	var out []string
	start := 0
	for i := 1; i < len(words); i++ {
		one := Normalize(words[i])
		two := one
		if i+1 < len(words) {
			two += " " + Normalize(words[i+1])
		}
		if joiners[one] || joiners[two] {
			out = append(out, strings.Join(words[start:i], " "))
			start = i
		}
	}
	return append(out, strings.Join(words[start:], " "))
}

// mayHaveParts reports false when clauses(text) cannot find two parts:
// nothing after the first place that might end a sentence or clause has
// enough words to be a part. Most messages are one question, and
// splitting them costs more than searching them.
func mayHaveParts(text string) bool {
	i := indexPartEnd(text)
	if i < 0 {
		return false
	}
	words, in := 0, false
	for _, r := range text[i:] {
		space := unicode.IsSpace(r)
		if !space && !in {
			if words++; words >= minPartWords {
				return true
			}
		}
		in = !space
	}
	return false
}

// partEndASCII marks the ASCII characters that may end a sentence or
// clause: isSentenceEnd or isClauseEnd without neighbours.
var partEndASCII = func() (t [utf8.RuneSelf]bool) {
	for c := range rune(utf8.RuneSelf) {
		t[c] = isSentenceEnd(0, c, 0) || isClauseEnd(0, c, 0)
	}
	return t
}()

// indexPartEnd is the byte index of the first rune of text that may end a
// sentence or clause (isSentenceEnd or isClauseEnd without neighbours),
// or -1; ASCII is read byte by byte.
func indexPartEnd(text string) int {
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			if partEndASCII[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if isSentenceEnd(0, r, 0) || isClauseEnd(0, r, 0) {
			return i
		}
		i += size
	}
	return -1
}

func splitRunes(text string, cut func(prev, r, next rune) bool) []string {
	rs := []rune(text)
	var out []string
	start := 0
	for i, r := range rs {
		prev, next := rune(0), rune(0)
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		if cut(prev, r, next) {
			out = append(out, string(rs[start:i]))
			start = i + 1
		}
	}
	return append(out, string(rs[start:]))
}

func isSentenceEnd(prev, r, next rune) bool {
	switch r {
	case '.':
		return !(unicode.IsDigit(prev) && unicode.IsDigit(next))
	case '!', '?', '\n', ';', '؟', '؛', '۔', '።', '፧', '।':
		return true
	}
	return false
}

func isClauseEnd(prev, r, next rune) bool {
	switch r {
	case ',':
		return !(unicode.IsDigit(prev) && unicode.IsDigit(next))
	case '،', '፣':
		return true
	}
	return false
}
