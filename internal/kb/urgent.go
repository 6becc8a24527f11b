package kb

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Urgency is the set of emergency kinds a message signals. The reply
// depends on it: a crisis line for suicidal thoughts, 112 for a medical
// emergency or fire, 110 and the violence helpline for violence, legal
// help for an imminent deportation.
type Urgency uint8

// The kinds of emergency, in the order their help is shown.
const (
	UrgentSuicide Urgency = 1 << iota
	UrgentMedical
	UrgentViolence
	UrgentFire
	UrgentLegal
	// UrgentGeneral is a call for help without a kind ("Notfall", "call
	// 112"): all national numbers.
	UrgentGeneral
	// urgentOthers marks a "poisoning" item of urgent.yaml: a child or
	// relative swallowed pills, medicine or a cleaning liquid. That is a
	// poisoning, medical, and it outweighs suicide: pills and "took" alone
	// read as the person's own overdose, so a suicide kind found beside it
	// is dropped (othersFirst). Never a kind of its own.
	urgentOthers
)

// urgentPoisoning is what a "poisoning" item finds: medical, and suicide
// not, whatever else found it.
const urgentPoisoning = UrgentMedical | urgentOthers

// othersFirst settles what was found: after a poisoning item (a child or
// relative swallowed something) the help is 112, not the crisis line
// first, so suicide goes, and so does the mark.
func (u Urgency) othersFirst() Urgency {
	if u.Has(urgentOthers) {
		u &^= UrgentSuicide | urgentOthers
	}
	return u
}

type urgencyName struct {
	name string
	u    Urgency
}

// urgencyNames are the category keys of urgent.yaml, in display order.
var urgencyNames = []urgencyName{
	{"suicide", UrgentSuicide}, {"medical", UrgentMedical}, {"violence", UrgentViolence},
	{"fire", UrgentFire}, {"legal", UrgentLegal}, {"general", UrgentGeneral},
}

// Has reports whether u includes c.
func (u Urgency) Has(c Urgency) bool { return u&c != 0 }

// Kinds lists the kinds in u in display order, by their urgent.yaml name.
func (u Urgency) Kinds() []string {
	var out []string
	for _, n := range urgencyNames {
		if u.Has(n.u) {
			out = append(out, n.name)
		}
	}
	return out
}

func (u Urgency) String() string { return strings.Join(u.Kinds(), "+") }

// ParseUrgency reads a category name of urgent.yaml.
func ParseUrgency(name string) (Urgency, bool) {
	for _, n := range urgencyNames {
		if n.name == name {
			return n.u, true
		}
	}
	return 0, false
}

const (
	// urgentWindow is how far apart (in words) the parts of an "a & b"
	// item may be: close enough to belong to one statement.
	urgentWindow = 5
	// Typo tolerance (one letter wrong, missing, extra or swapped, not the
	// first) applies to Latin and Cyrillic words and stems at least this
	// long: shorter ones have too many harmless neighbours ("hits" –
	// "hats", "судом" – "садом"). Arabic and Ethiopic script pack a root
	// into few letters, where one letter off is another common word
	// ("مسموم" poisoned – "مسموح" allowed), so they get none.
	fuzzyWordRunes = 6
	fuzzyStemRunes = 6
	// maxUrgentTokens bounds the work per message; Telegram allows 4096
	// characters, which is well under this many words.
	maxUrgentTokens = 1200
)

// urgentList is the compiled urgent.yaml: a vocabulary of words and stems,
// indexed for exact, stem and one-typo lookup, and the items built from it.
type urgentList struct {
	words []urgentWord
	// b holds what adding items needs, nil once the lists are frozen
	// (freeze) for matching.
	b          *urgentBuild
	exact      idTable          // whole word → ids
	stems      idTable          // stem → ids
	stemBytes  [64]bool         // byte lengths of stems, to skip useless prefix lookups
	fuzzyWord  idTable          // long whole words and their one-letter deletions
	fuzzyStem  idTable          // long stems and their one-letter deletions
	maxStem    int              // longest fuzzy stem, in runes
	fuzzyLens  [64]bool         // rune lengths of fuzzy stems
	fuzzyHead  map[[2]rune]bool // first two letters of fuzzy words and stems
	patterns   []urgentPattern
	byFirst    idLists        // by word id: the patterns whose first part can start with it
	langs      map[string]int // items per language, for Check
	categories map[string]Urgency
	known      knownWords // real words one typo from ours (urgent_known.go)

	// Latin twins of the ru and uk words, as skeletons (urgent_translit.go).
	latin          idTable
	latinStems     idTable
	latinStemBytes [32]bool
	latinHead      map[[3]byte]bool // first three letters of twins of 3+ letters
}

// urgentBuild is the lookup tables of an urgentList as maps, which items
// are added to, and the words' ids.
type urgentBuild struct {
	wordID                                                map[urgentWord]int32
	exact, stems, fuzzyWord, fuzzyStem, latin, latinStems map[string][]int32
}

// tables are the list's lookup tables, in the order the cache writes them.
func (u *urgentList) tables() []*idTable {
	return []*idTable{&u.exact, &u.stems, &u.fuzzyWord, &u.fuzzyStem, &u.latin, &u.latinStems}
}

func (b *urgentBuild) maps() []*map[string][]int32 {
	return []*map[string][]int32{&b.exact, &b.stems, &b.fuzzyWord, &b.fuzzyStem, &b.latin, &b.latinStems}
}

// building returns the maps to add items to, made again from the tables
// if the lists were frozen (an override merged after the shipped lists).
func (u *urgentList) building() *urgentBuild {
	if u.b != nil {
		return u.b
	}
	b := &urgentBuild{wordID: make(map[urgentWord]int32, len(u.words))}
	for i, w := range u.words {
		b.wordID[w] = int32(i)
	}
	for i, m := range b.maps() {
		t := u.tables()[i]
		*m = make(map[string][]int32, t.len())
		for k, ids := range t.all() {
			(*m)[k] = slices.Clone(ids)
		}
	}
	u.b = b
	return b
}

// freeze makes the lookup tables of the maps items were added to, and the
// patterns' index by first word.
func (u *urgentList) freeze() {
	if u.b != nil {
		for i, m := range u.b.maps() {
			*u.tables()[i] = freezeIDs(*m)
		}
		u.b = nil
	}
	u.indexFirst()
}

// indexFirst fills byFirst from the patterns, each pattern once per word,
// in pattern order, and marks the weak ones.
func (u *urgentList) indexFirst() {
	for i := range u.patterns {
		u.patterns[i].weak = u.weakItem(&u.patterns[i])
	}
	firsts := func(yield func(w, pid int32)) {
		for pid, p := range u.patterns {
			slot := p.parts[0][0]
			for i, w := range slot {
				if !slices.Contains(slot[:i], w) {
					yield(w, int32(pid))
				}
			}
		}
	}
	l := idLists{end: make([]uint32, len(u.words))}
	firsts(func(w, _ int32) { l.end[w]++ })
	n := uint32(0)
	for i, c := range l.end {
		n += c
		l.end[i] = n
	}
	l.ids = make([]int32, n)
	start := make([]uint32, len(u.words))
	for i := range start {
		if i > 0 {
			start[i] = l.end[i-1]
		}
	}
	firsts(func(w, pid int32) {
		l.ids[start[w]] = pid
		start[w]++
	})
	u.byFirst = l
}

// weakItem reports whether p is one slot alone: a word, a stem or their
// alternatives, with or without excluded neighbours, and no number. On
// messages nobody had tuned on, such an item fired on most false alarms
// ("the landlord will kill me if the rent is late", "this heat is killing
// me"), while phrases and "&" items rarely did; a number is only ever in
// an item as a call of 110 or 112.
func (u *urgentList) weakItem(p *urgentPattern) bool {
	if len(p.parts) != 1 || len(p.parts[0]) != 1 {
		return false
	}
	return !slices.ContainsFunc(p.parts[0][0], func(id int32) bool { return hasDigit(u.words[id].text) })
}

type urgentWord struct {
	text   string
	prefix bool
	exact  bool // "=word": no typo tolerance
	latin  bool // the Latin twin of a ru or uk word, text is its skeleton
}

// urgentPattern is one item: all parts must occur within urgentWindow words
// of the first, and no excluded part may.
type urgentPattern struct {
	kind  Urgency
	parts []urgentPhrase
	not   []urgentPhrase // "!part": words that make the item harmless nearby
	// notFar per not part: "&& !part", harmless anywhere in the message
	notFar []bool
	far    []bool // per part: "&&", anywhere in the message
	src    string // the item as written, for test failures
	// weak: the item is one word or stem alone (weakItem); its alarm in
	// a longer message is firm only if the model supports its kind
	// (KB.Alarm).
	weak bool
}

// urgentPhrase is a run of adjacent slots; each slot accepts any of its
// words.
type urgentPhrase [][]int32

// urgentPart is one part of an item as written.
type urgentPart struct {
	fields   []string
	far, not bool
}

// splitParts cuts an item at the separators "&" and "&&".
func splitParts(item string) []urgentPart {
	parts := []urgentPart{{}}
	for _, f := range strings.Fields(item) {
		cur := &parts[len(parts)-1]
		switch {
		case f == "&" || f == "&&":
			parts = append(parts, urgentPart{far: f == "&&"})
		case len(cur.fields) == 0 && strings.HasPrefix(f, "!"):
			cur.not = true
			if f = f[1:]; f != "" {
				cur.fields = append(cur.fields, f)
			}
		default:
			cur.fields = append(cur.fields, f)
		}
	}
	return parts
}

func newUrgentList() *urgentList {
	return &urgentList{
		b: &urgentBuild{wordID: map[urgentWord]int32{}, exact: map[string][]int32{}, stems: map[string][]int32{},
			fuzzyWord: map[string][]int32{}, fuzzyStem: map[string][]int32{},
			latin: map[string][]int32{}, latinStems: map[string][]int32{}},
		fuzzyHead: map[[2]rune]bool{},
		langs:     map[string]int{}, categories: map[string]Urgency{},
		latinHead: map[[3]byte]bool{},
	}
}

// urgentCategories are the category keys of urgent.yaml: the kinds, and
// "poisoning", medical items that outweigh suicide (urgentOthers).
var urgentCategories = append(slices.Clip(urgencyNames), urgencyName{"poisoning", urgentPoisoning})

// urgentLang is one language of urgent.yaml: either a plain list (the
// older format, read as "general") or lists by category.
type urgentLang map[Urgency][]string

func (l *urgentLang) UnmarshalYAML(n *yaml.Node) error {
	*l = urgentLang{}
	if n.Kind == yaml.SequenceNode {
		var items []string
		if err := n.Decode(&items); err != nil {
			return err
		}
		(*l)[UrgentGeneral] = items
		return nil
	}
	var m map[string][]string
	if err := n.Decode(&m); err != nil {
		return err
	}
	for name, items := range m {
		i := slices.IndexFunc(urgentCategories, func(c urgencyName) bool { return c.name == name })
		if i < 0 {
			return fmt.Errorf("line %d: unknown category %q (want suicide, medical, violence, fire, legal, general or poisoning)", n.Line, name)
		}
		(*l)[urgentCategories[i].u] = items
	}
	return nil
}

// merge adds the lists of one urgent.yaml. Overrides add to the shipped
// lists; they cannot remove.
func (u *urgentList) merge(b []byte) error {
	// Frozen after each file, so that the lists match as soon as any is
	// merged; an override thaws them again.
	defer u.freeze()
	var m map[string]urgentLang
	if err := decodeStrict(b, &m); err != nil {
		return err
	}
	langs := make([]string, 0, len(m))
	for l := range m {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		for _, n := range urgentCategories {
			for _, item := range m[lang][n.u] {
				p, err := u.parse(item)
				if err != nil {
					return fmt.Errorf("%s: %s: %q: %w", lang, n.name, item, err)
				}
				if p == nil {
					continue
				}
				p.kind, p.src = n.u, lang+": "+item
				u.addTranslit(p, lang)
				switch lang {
				case "tr":
					u.addSoftK(p)
				case "fr":
					u.addElision(p)
				}
				u.add(*p)
				u.langs[lang]++
				u.categories[lang] |= n.u &^ urgentOthers
			}
		}
	}
	return nil
}

// add appends an item; freeze indexes it.
func (u *urgentList) add(p urgentPattern) {
	u.patterns = append(u.patterns, p)
}

// parse reads one item: parts separated by " & ", each a phrase of slots
// separated by spaces, each slot words separated by "|". A part starting
// with "!" must not occur near the others. A word ending in "*" is a stem;
// a word starting with "=" gets no typo tolerance.
func (u *urgentList) parse(item string) (*urgentPattern, error) {
	var p urgentPattern
	for i, part := range splitParts(item) {
		if (part.not || part.far) && i == 0 {
			return nil, fmt.Errorf("the first part cannot be excluded (!) or far (&&)")
		}
		neg, far := part.not, part.far
		var ph urgentPhrase
		for _, field := range part.fields {
			alts := strings.Split(field, "|")
			if len(alts) == 1 {
				// A single word may normalize to several ("l'eau"): a phrase.
				w, toks, err := u.words1(alts[0])
				if err != nil {
					return nil, err
				}
				for i, t := range toks {
					ph = append(ph, []int32{u.intern(urgentWord{text: t, prefix: w.prefix && i == len(toks)-1, exact: w.exact})})
				}
				continue
			}
			var slot []int32
			for _, a := range alts {
				w, toks, err := u.words1(a)
				if err != nil {
					return nil, err
				}
				if len(toks) != 1 {
					return nil, fmt.Errorf("alternative %q is not one word; write the phrase as its own item", a)
				}
				w.text = toks[0]
				slot = append(slot, u.intern(w))
			}
			ph = append(ph, slot)
		}
		switch {
		case len(ph) == 0 && (neg || len(p.parts) > 0):
			return nil, fmt.Errorf("empty part")
		case len(ph) == 0:
		case neg:
			p.not = append(p.not, ph)
			p.notFar = append(p.notFar, far)
		default:
			p.parts = append(p.parts, ph)
			p.far = append(p.far, far)
		}
	}
	if len(p.parts) == 0 {
		return nil, nil
	}
	return &p, nil
}

// words1 reads the markers of one word and normalizes it.
func (u *urgentList) words1(s string) (urgentWord, []string, error) {
	var w urgentWord
	if strings.HasPrefix(s, "=") {
		w.exact, s = true, s[1:]
	}
	if strings.HasSuffix(s, "*") {
		w.prefix, s = true, strings.TrimSuffix(s, "*")
	}
	toks := strings.Fields(Normalize(s))
	if len(toks) == 0 {
		return w, nil, fmt.Errorf("%q has no letters or digits", s)
	}
	if w.prefix && utf8.RuneCountInString(toks[len(toks)-1]) < 3 {
		return w, nil, fmt.Errorf("stem %q is too short, it would match too many words", toks[len(toks)-1])
	}
	return w, toks, nil
}

// addVariants adds, beside every word of p (its parts and its excluded
// neighbours alike), the variants of that word: the Turkish soft k and the
// glued French elisions below.
func (u *urgentList) addVariants(p *urgentPattern, variants func(w urgentWord) []urgentWord) {
	add := func(ph urgentPhrase) {
		for j, slot := range ph {
			for _, id := range slot {
				for _, v := range variants(u.words[id]) {
					if vid := u.intern(v); !slices.Contains(ph[j], vid) {
						ph[j] = append(ph[j], vid)
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

// addSoftK adds, to every Turkish word or stem of p ending in k, the stem
// with ğ (g once normalized): a suffix starting with a vowel softens the k,
// "uçak" → "uçağa", "edecek" → "edeceğiz", "bıçak" → "bıçağı".
func (u *urgentList) addSoftK(p *urgentPattern) {
	u.addVariants(p, func(w urgentWord) []urgentWord {
		if w.latin || !strings.HasSuffix(w.text, "k") || utf8.RuneCountInString(w.text) < 4 {
			return nil
		}
		return []urgentWord{{text: strings.TrimSuffix(w.text, "k") + "g", prefix: true, exact: w.exact}}
	})
}

// frenchElision is what French elides before a vowel or h: "l'aéroport",
// "s'arrête", "qu'elle". On a phone the apostrophe is often left out
// ("laeroport", "sarrete"), which glues the two into one unknown word.
var frenchElision = []string{"l", "d", "j", "m", "t", "s", "n", "c", "qu"}

// addElision adds, to every French word or stem of p of four or more
// letters starting with a vowel or h, the same word glued to each elided
// article or pronoun, without typo tolerance: "expuls*" also matches
// "lexpulsion", "arrete" "sarrete".
func (u *urgentList) addElision(p *urgentPattern) {
	u.addVariants(p, func(w urgentWord) []urgentWord {
		if w.latin || utf8.RuneCountInString(w.text) < 4 || !strings.ContainsRune("aeiouyh", rune(w.text[0])) {
			return nil
		}
		glued := make([]urgentWord, len(frenchElision))
		for i, e := range frenchElision {
			glued[i] = urgentWord{text: e + w.text, prefix: w.prefix, exact: true}
		}
		return glued
	})
}

// intern returns the id of w, adding it to the lookup maps once.
func (u *urgentList) intern(w urgentWord) int32 {
	b := u.building()
	if id, ok := b.wordID[w]; ok {
		return id
	}
	id := int32(len(u.words))
	u.words = append(u.words, w)
	b.wordID[w] = id
	n := utf8.RuneCountInString(w.text)
	typos := !w.exact && !hasDigit(w.text) && typoScript(w.text)
	if typos && n >= min(fuzzyWordRunes, fuzzyStemRunes) {
		u.fuzzyHead[head(w.text)] = true
	}
	switch {
	case w.prefix:
		b.stems[w.text] = append(b.stems[w.text], id)
		if len(w.text) < len(u.stemBytes) {
			u.stemBytes[len(w.text)] = true
		}
		if typos && n >= fuzzyStemRunes {
			addDeletions(b.fuzzyStem, w.text, id)
			u.maxStem = max(u.maxStem, n)
			if n < len(u.fuzzyLens) {
				u.fuzzyLens[n] = true
			}
		}
	default:
		b.exact[w.text] = append(b.exact[w.text], id)
		if typos && n >= fuzzyWordRunes {
			addDeletions(b.fuzzyWord, w.text, id)
		}
	}
	return id
}

// addDeletions indexes s and every string made by removing one rune: two
// words one typo apart share one of these keys (symmetric deletion).
func addDeletions(m map[string][]int32, s string, id int32) {
	put := func(k string) {
		if !slices.Contains(m[k], id) {
			m[k] = append(m[k], id)
		}
	}
	put(s)
	for i, r := range s {
		put(s[:i] + s[i+utf8.RuneLen(r):])
	}
}

// head is the first two letters of s.
func head(s string) [2]rune {
	r0, n := utf8.DecodeRuneInString(s)
	r1, _ := utf8.DecodeRuneInString(s[n:])
	return [2]rune{r0, r1}
}

// typoScript reports whether s is in a script that gets typo tolerance:
// Latin, Greek or Cyrillic.
func typoScript(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r < 0x0530
}

func hasDigit(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}

// Urgent reports whether text signals an emergency of any kind.
func (k *KB) Urgent(text string) bool { return k.Urgency(text) != 0 }

// Urgency reports which kinds of emergency text signals, in any language.
// It runs on every message, so it normalizes once, looks every word up in
// hash maps and only then checks the few items those words can start.
// The lists are joined by the model learnt from the examples
// (urgent_model.go), which adds a kind it is sure of.
func (k *KB) Urgency(text string) Urgency {
	return k.UrgencyOf(NewMessage(text))
}

// UrgencyOf is Urgency(m.Text) on the message's words (see Message).
func (k *KB) UrgencyOf(m *Message) Urgency {
	u, _ := k.Alarm(m)
	return u
}

// Alarm is UrgencyOf and whether it is firm. It is not when every kind
// found rests on a weak list item (urgentPattern.weak: one word alone)
// in a message of more than urgentWeakWords words whose kind the model
// does not support (urgentWeakSupport): the shape of most false alarms on
// messages nobody had tuned on ("the landlord will kill me if the rent is
// late"), and of a few real emergencies ("he's strangling me again, he's
// drunk"). Help is shown either way; what is not firm is the silence
// after it, so the person's question is answered too.
func (k *KB) Alarm(m *Message) (u Urgency, firm bool) {
	model := k.urgentModel() // the known words too
	strong, weak, _ := k.urgent.matchKinds(m.Text, m.Words, k.knownWord, false)
	if len(m.Words) <= urgentWeakWords {
		// "call an ambulance please": the model leans to calm in so few
		// words, and there is no passing mention to tell apart.
		strong, weak = strong|weak, 0
	}
	backed := strong | k.modelJudge(model, m.Norm, weak)
	// A poisoning item outweighs suicide found by the model too.
	return (backed | weak).othersFirst(), backed != 0 || weak == 0
}

// UrgentLangs counts, by language, the items of that language's list
// that fire on m. It reads every item that fires, so it is for the rare
// message that is urgent, not for every one.
func (k *KB) UrgentLangs(m *Message) map[string]int {
	_, _, why := k.urgent.matchKinds(m.Text, m.Words, k.knownWord, true)
	langs := map[string]int{}
	for _, src := range why {
		if lang, _, ok := strings.Cut(src, ": "); ok {
			langs[lang]++
		}
	}
	return langs
}

// knownWord reports whether w is a word of the knowledge base: a real,
// harmless word that must not be read as a typo of an urgent one
// ("adresse" is not a typo of "agress*").
func (k *KB) knownWord(w string) bool {
	if k.idx == nil {
		return false
	}
	_, ok := k.idx.lookup(w)
	return ok
}

// match runs the items over text; known words get no typo tolerance. With
// explain it also returns every item that fired, for test failures.
func (u *urgentList) match(text string, known func(string) bool, explain bool) (Urgency, []string) {
	return u.matchWords(text, strings.Fields(Normalize(text)), known, explain)
}

// matchWords is match with text's words (Normalize) already split; it
// does not change toks.
func (u *urgentList) matchWords(text string, toks []string, known func(string) bool, explain bool) (Urgency, []string) {
	strong, weak, why := u.matchKinds(text, toks, known, explain)
	return (strong | weak).othersFirst(), why
}

// matchKinds is matchWords with the kinds that weak items found apart
// from those the others found; a kind in strong is not repeated in weak.
// Either may hold urgentOthers, which the caller settles (othersFirst).
func (u *urgentList) matchKinds(text string, toks []string, known func(string) bool, explain bool) (strong, weak Urgency, why []string) {
	if len(toks) > maxUrgentTokens {
		toks = toks[:maxUrgentTokens]
	}
	translit := u.translitMessage(toks)
	if translit && strings.ContainsFunc(text, isApostrophe) {
		// In Latin Russian and Ukrainian an apostrophe is the soft or hard
		// sign inside a word ("b'et", "noch'yu"), not a break.
		toks = strings.Fields(Normalize(strings.Map(func(r rune) rune {
			if isApostrophe(r) {
				return -1
			}
			return r
		}, text)))
		if len(toks) > maxUrgentTokens {
			toks = toks[:maxUrgentTokens]
		}
	}
	m := urgentMatches.Get().(*urgentMatch)
	defer urgentMatches.Put(m)
	m.reset(len(toks) + 1)
	var alts [6]string
	for i, t := range toks {
		m.starts[i] = int32(len(m.ids))
		m.cur = m.starts[i]
		typos := !known(t)
		// The known words are none of the index's and all can be read
		// with a typo (mayTypo): most words need no look here, which in
		// a live bot is a read from main memory or two.
		m.endsOnly = false
		if typos && len(t) >= fuzzyStemRunes-1 && typoScript(t) {
			_, m.endsOnly = u.known[t]
		}
		for _, a := range arabicClitics(t, alts[:0]) {
			u.lookup(m, a, typos)
		}
		if translit {
			u.lookupTranslit(m, t)
		}
	}
	m.starts[len(toks)] = int32(len(m.ids))

	for i := range toks {
		for _, w := range m.at(i) {
			for _, pid := range u.byFirst.at(int(w)) {
				p := &u.patterns[pid]
				// All of the item's kind: a poisoning item still counts
				// after a medical one.
				if !explain && (strong&p.kind == p.kind || p.weak && weak&p.kind == p.kind) {
					continue
				}
				if !p.matchAt(m, i) {
					continue
				}
				if p.weak {
					weak |= p.kind
				} else {
					strong |= p.kind
				}
				if explain {
					why = append(why, p.src)
				}
			}
		}
	}
	return strong, weak &^ strong, why
}

// arabicClitics returns t and, in Ethiopic script, t without a joined
// preposition; in Arabic script, t without the
// conjunction (و ف), a one-letter preposition (ب ل ک), the article or the
// spoken "عال" (on the), which are written joined to the word: "وبصدره"
// is "and in his chest".
func arabicClitics(t string, out []string) []string {
	out = append(out, t)
	if isEthiopic(t) {
		// Tigrinya writes "with", "by" (ብ) and "to" (ን) joined to the
		// word: "ብካራ" is "with a knife", "ንሓብተይ" "my sister" as object.
		if r, size := utf8.DecodeRuneInString(t); (r == 'ብ' || r == 'ን') && utf8.RuneCountInString(t) > 2 {
			out = append(out, t[size:])
		}
		return out
	}
	if !isArabicScript(t) {
		return out
	}
	add := func(s string) {
		if !slices.Contains(out, s) && len(out) < cap(out) {
			out = append(out, s)
		}
	}
	strip := func(s, letters string, minRunes int) string {
		r, size := utf8.DecodeRuneInString(s)
		if strings.ContainsRune(letters, r) && utf8.RuneCountInString(s) > minRunes {
			return s[size:]
		}
		return s
	}
	// The conjunction is also joined to short words: "وما عم يتنفس" is
	// "and he is not breathing", whose negation must count.
	w := strip(t, "وف", 2)
	add(w)
	add(stripArabicPrefix(w))
	add(strip(w, "بلک", 3))
	// Spoken Arabic joins "على" to the article: "عالمطار" is "to the
	// airport", "عالارض" "on the floor".
	if rest, ok := strings.CutPrefix(w, "عال"); ok && utf8.RuneCountInString(rest) >= 3 {
		add("ال" + rest)
		add(rest)
	}
	return out
}

// isEthiopic reports whether s starts with a letter of the Ethiopic
// script (Tigrinya).
func isEthiopic(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r >= 0x1200 && r <= 0x137F
}

// urgentMatch holds the word ids each token matched, flat.
type urgentMatch struct {
	ids    []int32
	starts []int32
	cur    int32 // where the current token's ids start
	// endsOnly: the token is a known word, which is read with a typo
	// only at its end (an inflection: "couteaux" for "couteau").
	endsOnly bool
	// probeInner: only note in inner whether a typo inside the token
	// matched (urgent_known.go).
	probeInner, inner bool
	buf               []byte
	// hs holds the hashes of the keys fuzzy looks up; sink the slots
	// touch read, kept so that the reads are not left out.
	hs   []uint64
	sink uint64
}

// urgentMatches keeps matchWords' buffers from one message to the next.
var urgentMatches = sync.Pool{New: func() any { return new(urgentMatch) }}

// reset empties m for a message of starts−1 tokens, keeping its buffers.
func (m *urgentMatch) reset(starts int) {
	*m = urgentMatch{ids: m.ids[:0], starts: slices.Grow(m.starts[:0], starts)[:starts], buf: m.buf[:0], hs: m.hs[:0], sink: m.sink}
}

func (m *urgentMatch) at(i int) []int32 { return m.ids[m.starts[i]:m.starts[i+1]] }

func (m *urgentMatch) has(i int, w int32) bool { return slices.Contains(m.at(i), w) }

func (m *urgentMatch) add(ids []int32) {
	for _, id := range ids {
		if !slices.Contains(m.ids[m.cur:], id) {
			m.ids = append(m.ids, id)
		}
	}
}

// lookup adds the ids of every word and stem t matches, with one typo for
// long ones.
func (u *urgentList) lookup(m *urgentMatch, t string, typos bool) {
	// The hashes of t and of its prefixes a stem may be, in one pass (the
	// FNV-1a of a prefix is the hash so far), their slots read together
	// (idTable.touch), then looked up in order.
	var hs [len(u.stemBytes) + 1]uint64
	var ends [len(u.stemBytes)]int
	n, h, done := 0, uint64(fnvOffset), 0
	for i := range t {
		if i > 0 && i < len(u.stemBytes) && u.stemBytes[i] {
			h, done = fnvAppend(h, t[done:i]), i
			hs[n], ends[n] = h, i
			n++
		}
	}
	full := fnvAppend(h, t[done:])
	if len(t) < len(u.stemBytes) && u.stemBytes[len(t)] {
		hs[n], ends[n] = full, len(t)
		n++
	}
	m.sink ^= u.stems.touch(hs[:n])
	hs[n] = full
	m.sink ^= u.exact.touch(hs[n : n+1])
	m.add(u.exact.getHash(full))
	for _, h := range hs[:n] {
		m.add(u.stems.getHash(h))
	}
	runes := utf8.RuneCountInString(t)
	if !typos || hasDigit(t) || runes < fuzzyStemRunes-1 || !u.fuzzyHead[head(t)] {
		// Typos keep the first two letters: most words are ruled out here.
		return
	}
	if runes >= fuzzyWordRunes-1 {
		u.fuzzy(m, &u.fuzzyWord, t)
	}
	// A stem with a typo: try the token's prefixes one rune shorter or
	// longer than a stem, or as long.
	end := 0
	for r := 1; r <= u.maxStem+1 && end < len(t); r++ {
		_, size := utf8.DecodeRuneInString(t[end:])
		end += size
		if r+1 < len(u.fuzzyLens) && (u.fuzzyLens[r-1] || u.fuzzyLens[r] || u.fuzzyLens[r+1]) {
			u.fuzzy(m, &u.fuzzyStem, t[:end])
		}
	}
}

// fnvAppend is the fnv64 of a string that continues one whose hash is h.
func fnvAppend(h uint64, s string) uint64 {
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// fuzzy finds the words within one typo of s: candidates share s or one of
// its one-rune deletions in the index of deletions; each is then checked,
// since two different deletions can meet two edits apart.
func (u *urgentList) fuzzy(m *urgentMatch, idx *idTable, s string) {
	// The hashes of s and of its deletions first, their slots read
	// together (idTable.touch), then looked up in order. A deletion's
	// hash goes on from the hash of the prefix before it.
	hs := append(m.hs[:0], fnv64(s))
	h, done := uint64(fnvOffset), 0
	for i, r := range s {
		if i < 2 {
			continue // people rarely mistype the first two letters
		}
		h, done = fnvAppend(h, s[done:i]), i
		hs = append(hs, fnvAppend(h, s[i+utf8.RuneLen(r):]))
	}
	m.hs = hs
	m.sink ^= idx.touch(hs)
	for _, h := range hs {
		u.addTypos(m, idx.getHash(h), s)
	}
}

func (u *urgentList) addTypos(m *urgentMatch, ids []int32, s string) {
	for _, id := range ids {
		w := u.words[id].text
		if m.probeInner {
			m.inner = m.inner || oneTypo(s, w) && !turkishNegation(s, w) && !endEdit(s, w)
			continue
		}
		if oneTypo(s, w) && !turkishNegation(s, w) && (!m.endsOnly || endEdit(s, w)) && !slices.Contains(m.ids[m.cur:], id) {
			m.ids = append(m.ids, id)
		}
	}
}

// oneTypo reports whether a and b are at most one edit apart – a letter
// replaced, added, dropped, or two neighbours swapped – with the same first
// two letters: "adress" is no typo of "agress".
func oneTypo(a, b string) bool {
	var abuf, bbuf [32]rune
	ra, rb := appendRunes(abuf[:0], a), appendRunes(bbuf[:0], b)
	if len(ra) < 2 || len(rb) < 2 || ra[0] != rb[0] || ra[1] != rb[1] {
		return false
	}
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	switch {
	case i == len(rb):
		return len(ra)-len(rb) <= 1
	case len(ra) == len(rb):
		// Replaced, or swapped with the next.
		if slices.Equal(ra[i+1:], rb[i+1:]) {
			return true
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && slices.Equal(ra[i+2:], rb[i+2:])
	case len(ra) == len(rb)+1:
		return slices.Equal(ra[i+1:], rb[i:])
	}
	return false
}

// turkishNegation reports whether a and b differ only by the m that makes
// a Turkish verb negative: "yanmıyor" (is not burning) is no typo of
// "yanıyor" (is burning), nor "uyanıyor" of "uyanmıyor".
func turkishNegation(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a) != len(b)+1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	return a[i] == 'm' && a[i+1:] == b[i:] && strings.Contains(b[i:], "yor")
}

// matchAt reports whether the pattern's first part starts at token i and
// every other part starts within urgentWindow words of it.
func (p *urgentPattern) matchAt(m *urgentMatch, i int) bool {
	n := len(m.starts) - 1
	if !p.parts[0].matchAt(m, i, n) {
		return false
	}
	lo, hi := max(0, i-urgentWindow), min(n-1, i+urgentWindow)
	for k, ph := range p.parts[1:] {
		from, to := lo, hi
		if p.far[k+1] {
			from, to = 0, n-1
		}
		ok := false
		for j := from; j <= to && !ok; j++ {
			ok = j != i && ph.matchAt(m, j, n)
		}
		if !ok {
			return false
		}
	}
	for k, ph := range p.not {
		from, to := lo, hi
		if p.notFar[k] {
			from, to = 0, n-1
		}
		for j := from; j <= to; j++ {
			if ph.matchAt(m, j, n) {
				return false
			}
		}
	}
	return true
}

func (ph urgentPhrase) matchAt(m *urgentMatch, i, n int) bool {
	if i+len(ph) > n {
		return false
	}
	for j, slot := range ph {
		if !slices.ContainsFunc(slot, func(w int32) bool { return m.has(i+j, w) }) {
			return false
		}
	}
	return true
}
