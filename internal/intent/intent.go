// Package intent recognises typed requests — "I want to talk to a person",
// "Termin absagen", "randevu almak istiyorum" — so they open the same flow
// as the button. The phrase lists live in locales/intents.yaml; this
// package owns the matching.
//
// A request is recognised only when the message is mainly that request
// (see the top of locales/intents.yaml): a question that merely mentions an
// appointment still goes to the knowledge base. Where the lists take no
// request, a model learnt from locales/intent_examples may (model.go).
//
// It imports kb only for Normalize and Message, so phrases and messages
// fold the same way as the search does, and classify for the model; it
// must not import flows, bot or any store.
package intent

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"lotse/internal/classify"
	"lotse/internal/kb"
	"lotse/locales"
)

// Intent names a request a person can type instead of pressing a button.
type Intent string

// The requests, in the order that breaks ties between equally long matches:
// the more specific or more consequential one first.
const (
	End          Intent = "end"          // end an open hand-over
	Delete       Intent = "delete"       // erase my data
	Cancel       Intent = "cancel"       // cancel an appointment
	Bring        Intent = "bring"        // what to bring to an appointment, and where
	Late         Intent = "late"         // "I'll be late" to my appointment
	Appointments Intent = "appointments" // see or move my appointments
	Person       Intent = "person"       // talk to a case manager
	Booking      Intent = "booking"      // book an appointment
	Language     Intent = "language"     // change the language
	Privacy      Intent = "privacy"      // the privacy notice
	Help         Intent = "help"
	Menu         Intent = "menu"
	// Thanks is thanks, ok and the like on their own: nothing to look up,
	// so the menu rather than "no answer".
	Thanks Intent = "thanks"
)

// All lists every intent in tie-break order.
var All = []Intent{End, Delete, Cancel, Bring, Late, Appointments, Person, Booking, Language, Privacy, Help, Menu, Thanks}

// MaxWords is the longest message (in normalized words) taken as a typed
// request; longer ones are questions or stories for the knowledge base.
const MaxWords = 12

// strict are the intents named by one common word ("help", "data",
// "language"): the message must consist of the request and filler words
// only, so "help with the rent" or "Sprache lernen" stay questions.
var strict = map[Intent]bool{Help: true, Menu: true, Language: true, Privacy: true, Thanks: true}

// slack is how many other words a request may carry ("Termin wegen
// Wohnung", "appointment tomorrow afternoon" has one after fillers).
const slack = 1

// fuzzyMin is the shortest phrase word that also matches with one typo;
// shorter words would collide with other words.
const fuzzyMin = 5

// fillerTypoMin is the shortest filler that also counts with one typo;
// longer than fuzzyMin, as a filler lets a word through.
const fillerTypoMin = fuzzyMin + 1

// Matcher finds the request in a message. It is read-only after Load and
// safe for concurrent use.
type Matcher struct {
	words []word
	exact map[string][]int32   // whole words by text
	stems map[string][]int32   // stems by their first two runes (stemKey)
	fuzzy map[rune][]fuzzyWord // words of fuzzyMin+ runes by first rune
	// typos is fuzzy indexed for lookupTypo: by first rune, whole words
	// by length and stems shortest first.
	typos    map[rune]*typoGroup
	patterns []pattern
	byWord   [][]int32 // word → patterns that use it
	filler   map[string]bool
	// fillerTypo holds fillers of fillerTypoMin+ runes by first rune: a
	// filler typed with one typo ("plese") is no word beyond a request.
	fillerTypo map[rune][][]rune
	langs      map[Intent]map[string]int // items per intent and language, for tests
	// model is the second opinion where the lists find nothing (see
	// modelSure); nil for lists alone.
	model *classify.Model
}

type word struct {
	text   string
	runes  []rune
	prefix bool
}

// fuzzyWord is a phrase word lookupTypo compares with: its runes beside
// its id, so that words of the wrong length are passed over without
// reading them.
type fuzzyWord struct {
	runes  []rune
	id     int32
	prefix bool
	mask   uint64 // runeMask of runes
}

// typoGroup holds the fuzzy words of one first rune: whole words by their
// length in runes, so a word is compared only with those one letter
// longer or shorter, and stems by length, so the search stops at the
// first stem too long.
type typoGroup struct {
	byLen [][]fuzzyWord
	stems []fuzzyWord
}

// runeMask sets one of 64 bits for each rune of r. Words one edit apart
// (within1) differ in at most one bit each way: a substitution or an
// added letter brings one rune the other word lacks, a swap none. So
// words whose masks differ more need no closer look.
func runeMask(r []rune) uint64 {
	var m uint64
	for _, c := range r {
		m |= 1 << (uint32(c) % 64)
	}
	return m
}

// maskNear reports whether masks a and b differ in at most one bit each
// way, as words one edit apart do.
func maskNear(a, b uint64) bool {
	return bits.OnesCount64(a&^b) <= 1 && bits.OnesCount64(b&^a) <= 1
}

type pattern struct {
	intent Intent // "" for a block item
	words  []int32
}

const blockKey = "block"

// Load parses a phrase file in the format of locales/intents.yaml.
func Load(b []byte) (*Matcher, error) {
	var raw map[string]map[string][]string
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("intent: load: %w", err)
	}
	m := &Matcher{exact: map[string][]int32{}, stems: map[string][]int32{}, fuzzy: map[rune][]fuzzyWord{},
		filler: map[string]bool{}, fillerTypo: map[rune][][]rune{}, langs: map[Intent]map[string]int{}}
	ids := map[string]int32{} // by text, "*" marking a stem
	// An item several languages share ("randevu* iptal*" in Turkish and
	// Kurmanji) is one pattern: checking it twice cannot change a match.
	items := map[string]bool{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		langs := make([]string, 0, len(raw[key]))
		for l := range raw[key] {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		if key == "filler" {
			for _, l := range langs {
				for _, item := range raw[key][l] {
					for _, w := range strings.Fields(kb.Normalize(item)) {
						w = foldGeez(w)
						if m.filler[w] {
							continue
						}
						m.filler[w] = true
						if r := []rune(w); len(r) >= fillerTypoMin {
							m.fillerTypo[r[0]] = append(m.fillerTypo[r[0]], r)
						}
					}
				}
			}
			continue
		}
		in := Intent(key)
		if key != blockKey && !slices.Contains(All, in) {
			return nil, fmt.Errorf("intent: load: unknown request %q", key)
		}
		if key == blockKey {
			in = ""
		}
		m.langs[in] = map[string]int{}
		for _, l := range langs {
			for _, item := range raw[key][l] {
				ws, err := parseItem(item)
				if err != nil {
					return nil, fmt.Errorf("intent: load: %s.%s: %q: %w", key, l, item, err)
				}
				if len(ws) == 0 {
					continue
				}
				p := pattern{intent: in}
				for _, w := range ws {
					key := w.text
					if w.prefix {
						key += "*"
					}
					if in == "" {
						// A block word is a word of its own even where a
						// request has it too: otherwise whichever list
						// came first decided whether it matched with a
						// typo ("cancle" lost cancel once "was cancel*"
						// blocked).
						key = "!" + key
					}
					id, ok := ids[key]
					if !ok {
						id = m.addWord(w, in != "")
						ids[key] = id
					}
					if !slices.Contains(p.words, id) {
						p.words = append(p.words, id)
					}
				}
				m.langs[in][l]++
				sorted := slices.Sorted(slices.Values(p.words))
				k := fmt.Sprint(in, sorted)
				if items[k] {
					continue
				}
				items[k] = true
				pi := int32(len(m.patterns))
				m.patterns = append(m.patterns, p)
				for _, id := range p.words {
					m.byWord[id] = append(m.byWord[id], pi)
				}
			}
		}
	}
	m.indexTypos()
	return m, nil
}

// addWord indexes a phrase word; block words never match with a typo, so a
// request word one letter away from one is not blocked.
func (m *Matcher) addWord(w word, typos bool) int32 {
	id := int32(len(m.words))
	m.words = append(m.words, w)
	m.byWord = append(m.byWord, nil)
	first := w.runes[0]
	if w.prefix {
		k := stemKey(w.text)
		m.stems[k] = append(m.stems[k], id)
	} else {
		m.exact[w.text] = append(m.exact[w.text], id)
	}
	if typos && len(w.runes) >= fuzzyMin {
		m.fuzzy[first] = append(m.fuzzy[first], fuzzyWord{runes: w.runes, id: id, prefix: w.prefix, mask: runeMask(w.runes)})
	}
	return id
}

// indexTypos builds m.typos from m.fuzzy.
func (m *Matcher) indexTypos() {
	m.typos = make(map[rune]*typoGroup, len(m.fuzzy))
	for first, ws := range m.fuzzy {
		g := &typoGroup{}
		for _, w := range ws {
			if w.prefix {
				g.stems = append(g.stems, w)
				continue
			}
			for len(g.byLen) <= len(w.runes) {
				g.byLen = append(g.byLen, nil)
			}
			g.byLen[len(w.runes)] = append(g.byLen[len(w.runes)], w)
		}
		slices.SortStableFunc(g.stems, func(a, b fuzzyWord) int { return len(a.runes) - len(b.runes) })
		m.typos[first] = g
	}
}

func parseItem(item string) ([]word, error) {
	var out []word
	for _, f := range strings.Fields(item) {
		star := strings.HasSuffix(f, "*")
		toks := strings.Fields(kb.Normalize(strings.TrimSuffix(f, "*")))
		for i, t := range toks {
			t = foldGeez(t)
			w := word{text: t, runes: []rune(t), prefix: star && i == len(toks)-1}
			if w.prefix && len(w.runes) < 3 {
				return nil, fmt.Errorf("stem %q is too short, it would match too many words", t)
			}
			out = append(out, w)
		}
	}
	return out, nil
}

// Shipped returns the matcher for the phrase lists embedded in the binary,
// with the model learnt from the embedded examples. Both are checked by
// this package's tests, so a broken list or example file cannot ship.
var Shipped = sync.OnceValue(func() *Matcher {
	b, err := locales.FS.ReadFile("intents.yaml")
	if err != nil {
		panic(fmt.Sprintf("intent: shipped phrases: %v", err))
	}
	m, err := Load(b)
	if err != nil {
		panic(fmt.Sprintf("intent: shipped phrases: %v", err))
	}
	ex, err := readExamples(locales.FS, "intent_examples")
	if err == nil {
		err = m.Learn(ex)
	}
	if err != nil {
		panic(fmt.Sprintf("intent: shipped examples: %v", err))
	}
	return m
})

// Match returns the request text is mainly made of, if any.
func (m *Matcher) Match(text string) (Intent, bool) {
	norm := kb.Normalize(text)
	r := m.read(norm, strings.Fields(norm))
	return r.Request, r.Request != ""
}

// Reading is what the matcher makes of a message, in one pass over its
// words: the request it is mainly made of, and the request it names among
// other things ("ich brauche einen Termin, weil mein Vermieter mir
// gekündigt hat"): too much else for a typed request, but its flow may
// well be wanted. A mention is read in the first MaxWords words; no block
// word may occur, and the requests named by one common word (help, menu,
// language, privacy, thanks) are never mentions.
type Reading struct {
	Request Intent // "" if the message is not mainly a request
	Mention Intent // "" if it names none
	// Guessed is set when Request is the model's opinion, not the lists'
	// (see modelSure). Where a misread message would be lost – written to
	// a case manager, or describing a matter for the team – a caller
	// takes the lists' requests only.
	Guessed bool
}

// ReadMessage reads the message's words, normalized once for every
// matcher (see kb.Message).
func (m *Matcher) ReadMessage(msg *kb.Message) Reading { return m.read(msg.Norm, msg.Words) }

// read reads a normalized message and its words.
func (m *Matcher) read(norm string, toks []string) Reading {
	whole := len(toks) <= MaxWords
	if !whole {
		toks = toks[:MaxWords]
	}
	in, other, what := m.best(toks)
	var r Reading
	switch what {
	case foundBlock:
		return r
	case foundRequest:
		limit := slack
		if strict[in] {
			limit = 0
		} else {
			r.Mention = in
		}
		if whole && other <= limit {
			r.Request = in
			return r
		}
	}
	// The lists take no request: the model's opinion (see modelSure).
	if !whole {
		return r
	}
	if g := m.guess(norm); g != "" {
		r.Request, r.Guessed = g, true
		if !strict[g] {
			r.Mention = g
		}
	}
	return r
}

// found is what best found in a message.
type found int

const (
	foundNothing found = iota // no item matched
	foundBlock                // a block word not of the request's own items
	foundRequest
)

// best finds the request the words match best and counts the words beyond
// it. At most MaxWords words.
func (m *Matcher) best(toks []string) (in Intent, other int, f found) {
	if len(toks) == 0 || len(toks) > MaxWords {
		return "", 0, foundNothing
	}
	// Which phrase words each token matches, as indexes into m.words.
	var hits [MaxWords][]int32
	var buf [MaxWords * 4]int32
	free := buf[:0:len(buf)]
	var alts [3]string
	for i, t := range toks {
		start := len(free)
		h := free[start:start:cap(free)]
		vs := variants(t, alts[:0])
		for _, a := range vs {
			h = m.lookup(a, h)
		}
		if t := vs[0]; len(h) == 0 && !m.filler[t] && utf8.RuneCountInString(t) >= fuzzyMin-1 {
			h = m.lookupTypo(t, h)
		}
		hits[i] = h[:len(h):len(h)]
		free = free[:start+len(h)]
	}

	// A pattern matches when each of its words is matched by some token.
	// Tokens used by the matched patterns: of all requests that are not
	// strict together (an appointment word serves booking and what to
	// bring alike), of each strict one (language, privacy, help...) on its
	// own. A word only another strict request knows stays a word beyond
	// the request: "arapça" (a language) or "Almanya" (one typo from
	// "almanca") beside an appointment, "ښه" (thanks; here "improve")
	// beside "language".
	var covered, blocked uint32
	var best *pattern
	var usedBy [16]uint32 // tokens the items of each request matched, by All
	var seen [64]int32
	checked := seen[:0]
	for i := range toks {
		for _, wid := range hits[i] {
			for _, pi := range m.byWord[wid] {
				if slices.Contains(checked, pi) {
					continue
				}
				if len(checked) < cap(checked) {
					checked = append(checked, pi)
				}
				p := &m.patterns[pi]
				used, ok := p.matchIn(hits[:len(toks)])
				if !ok {
					continue
				}
				if p.intent == "" {
					// A block word: the message is about something
					// else, unless it is a word of the request
					// itself (see below).
					blocked |= used
					continue
				}
				usedBy[slices.Index(All, p.intent)] |= used
				if !strict[p.intent] {
					covered |= used
				}
				if best == nil || better(p, best) {
					best = p
				}
			}
		}
	}
	// The words that keep "I missed my appointment" or "termin verspätet"
	// from opening the booking ("late", "verspät*", "geç kal*") are the
	// words of the late request, and "forget" (I forgot my appointment)
	// is a word of "forget me" (delete my data): a block word among the
	// matched request's own item words does not block it; any other
	// block word still does ("late at the Jobcenter").
	if best == nil {
		if blocked != 0 {
			return "", 0, foundBlock
		}
		return "", 0, foundNothing
	}
	own := usedBy[slices.Index(All, best.intent)]
	if blocked&^own != 0 {
		return "", 0, foundBlock
	}
	if strict[best.intent] {
		covered = own // better: no other request matched
	}
	for i, t := range toks {
		if covered&(1<<i) == 0 && !m.isFiller(t) {
			other++
		}
	}
	return best.intent, other, foundRequest
}

// better reports whether p is a more specific match than q: a specific
// request over a common word ("someone help me" is a person, not help),
// then more words, then the intent order.
func better(p, q *pattern) bool {
	if strict[p.intent] != strict[q.intent] {
		return !strict[p.intent]
	}
	if len(p.words) != len(q.words) {
		return len(p.words) > len(q.words)
	}
	return slices.Index(All, p.intent) < slices.Index(All, q.intent)
}

// matchIn reports whether every word of p is matched by a token, and which
// tokens matched.
func (p *pattern) matchIn(hits [][]int32) (uint32, bool) {
	var used uint32
	for _, w := range p.words {
		found := false
		for i, h := range hits {
			if slices.Contains(h, w) {
				used |= 1 << i
				found = true
			}
		}
		if !found {
			return 0, false
		}
	}
	return used, true
}

func (m *Matcher) isFiller(t string) bool {
	var alts [3]string
	for _, a := range variants(t, alts[:0]) {
		if m.filler[a] {
			return true
		}
	}
	// One typo from a long filler, the first letter right, as request
	// words are matched.
	if utf8.RuneCountInString(t) < fillerTypoMin-1 {
		return false
	}
	var rb [64]rune
	tr, ok := runesIn(t, &rb)
	if !ok {
		return false
	}
	for _, f := range m.fillerTypo[tr[0]] {
		if within1(tr, f) {
			return true
		}
	}
	return false
}

// runesIn decodes t into buf, which keeps it off the heap; ok is false
// for a word longer than buf, too long to be compared for typos.
func runesIn(t string, buf *[64]rune) (tr []rune, ok bool) {
	tr = buf[:0]
	for _, r := range t {
		if len(tr) == cap(tr) {
			return nil, false
		}
		tr = append(tr, r)
	}
	return tr, true
}

// lookup appends the phrase words t matches exactly or by stem.
func (m *Matcher) lookup(t string, out []int32) []int32 {
	for _, id := range m.exact[t] {
		out = appendNew(out, id)
	}
	for _, id := range m.stems[stemKey(t)] {
		if strings.HasPrefix(t, m.words[id].text) {
			out = appendNew(out, id)
		}
	}
	return out
}

// stemKey is the first two runes of a word, by which stems are indexed: a
// word is compared only with the stems it could start with, however many
// Latin transliterations share its first letter. Stems have at least three.
func stemKey(t string) string {
	n := 0
	for i := range t {
		if n == 2 {
			return t[:i]
		}
		n++
	}
	return t
}

// lookupTypo appends the phrase words t matches with one typo (a letter
// wrong, missing, added, or two swapped). The first letter must be right:
// people rarely get it wrong, and it keeps the search short.
//
// The words are appended in the order of their ids, the order the
// unindexed search over m.fuzzy found them in (see lookupTypoAll in the
// tests), so a full out drops the same ones.
func (m *Matcher) lookupTypo(t string, out []int32) []int32 {
	var rb [64]rune
	tr, ok := runesIn(t, &rb)
	if !ok {
		return out
	}
	g := m.typos[tr[0]]
	if g == nil {
		return out
	}
	// pm[n] is the runeMask of tr[:n].
	var pm [65]uint64
	for i, r := range tr {
		pm[i+1] = pm[i] | 1<<(uint32(r)%64)
	}
	var fb [16]int32
	found := fb[:0]
	// within1 needs lengths at most one apart.
	for n := max(len(tr)-1, 0); n <= len(tr)+1 && n < len(g.byLen); n++ {
		for _, w := range g.byLen[n] {
			if maskNear(pm[len(tr)], w.mask) && within1(tr, w.runes) {
				found = append(found, w.id)
			}
		}
	}
	for _, w := range g.stems {
		// A stem matches a word that starts with it, typo included. Its
		// last letter must be right, or "calisab(ilir)" would match
		// "calisan*" and every inflection one letter off a stem would.
		if len(w.runes)-1 > len(tr) {
			break // too long for any n below, as are the stems after it
		}
		last := w.runes[len(w.runes)-1]
		for n := len(w.runes) - 1; n <= len(w.runes)+1; n++ {
			if n <= len(tr) && n >= fuzzyMin-1 && tr[n-1] == last && maskNear(pm[n], w.mask) && within1(tr[:n], w.runes) {
				found = append(found, w.id)
				break
			}
		}
	}
	slices.Sort(found)
	for _, id := range found {
		out = appendNew(out, id)
	}
	return out
}

func appendNew(s []int32, id int32) []int32 {
	if slices.Contains(s, id) || len(s) == cap(s) {
		return s
	}
	return append(s, id)
}

// within1 reports whether a and b differ by at most one edit (substitution,
// insertion, deletion, or swap of neighbours).
func within1(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return true
		}
		if i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(a[i+2:], b[i+2:]) {
			return true
		}
		return slices.Equal(a[i+1:], b[i+1:])
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return slices.Equal(a[i:], b[i+1:])
	}
	return false
}

// Arabic-script prefixes people attach to a word: the article, "and",
// "with", "for", colloquial "on" (ع, عال) and their combinations. A
// stripped word keeps at least three letters, like the roots it belongs to.
var arPrefixes = []string{"وال", "بال", "فال", "کال", "عال", "لل", "ال", "و", "ب", "ل", "ف", "ع"}

// tiPrefixes are the Tigrinya prepositions written onto a word: ን (to,
// for), ብ (with, by).
var tiPrefixes = []string{"ን", "ብ"}

// foldGeez writes each Ge'ez syllable but the first as the first of its
// row, the same consonant with its vowel dropped: Tigrinya inflects by the
// vowel of the last syllables ("ቀይር", "ቀይሮ", "ቀይሩ" all "change"), and
// people spell those vowels differently, so a stem matches across both.
// The first keeps its vowel, or words with the same consonants would
// meet: ቆጸራ (appointment) and ቁጽሪ (number), ግዜ (time) and ገዛ (house).
// Other words are returned as they are.
func foldGeez(t string) string {
	r, _ := utf8.DecodeRuneInString(t)
	if r < 0x1200 || r > 0x137F {
		return t
	}
	b := make([]rune, 0, len(t)/3)
	for i, r := range t {
		if i > 0 && r >= 0x1200 && r <= 0x135A {
			r -= (r - 0x1200) % 8
		}
		b = append(b, r)
	}
	return string(b)
}

// variants returns t and, for Arabic-script and Ge'ez words, t without
// an attached prefix (both the longest and a single letter, "وبالموعد"
// aside). Ge'ez words come folded (foldGeez), the whole word first.
func variants(t string, out []string) []string {
	out = append(out, t)
	r, _ := utf8.DecodeRuneInString(t)
	prefixes := arPrefixes
	geez := false
	switch {
	case r >= 0x0600 && r <= 0x06FF:
	case r >= 0x1200 && r <= 0x137F:
		prefixes = tiPrefixes
		geez = true
		out[len(out)-1] = foldGeez(t)
	default:
		return out
	}
	for _, p := range prefixes {
		if strings.HasPrefix(t, p) && utf8.RuneCountInString(t)-utf8.RuneCountInString(p) >= 3 {
			if geez {
				out = append(out, foldGeez(t[len(p):]))
			} else {
				out = append(out, t[len(p):])
			}
			if len(out) == cap(out) {
				break
			}
		}
	}
	return out
}

// Items reports how many phrases the lists hold for a request in a
// language, so tests can check every shipped language has some.
func (m *Matcher) Items(in Intent, lang string) int { return m.langs[in][lang] }
