package kb

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Field weights. What people ask (question and phrases) counts fully; the
// answer text only helps when none of the asking words fit.
const (
	weightAsk    = 1.0
	weightAnswer = 0.15

	// dfAnswer is how much an entry that mentions a word only in its
	// answer counts towards the word's document frequency. Answers name
	// many statuses and offices in passing ("with a Duldung …"); that
	// should not make "Duldung" a common, uninformative word.
	dfAnswer = 0.3

	// answerOnly is the weight of a query word whose closest index term
	// never occurs in a question or phrase: such a word says less about
	// which entry is meant.
	answerOnly = 0.45

	// BM25 parameters. b is low because every entry's document is the
	// union of all its languages, so length says little about focus.
	bm25K1 = 1.2
	bm25B  = 0.3
)

// index is the precomputed matching structure: every word of every entry
// in every language, because people mix languages.
type index struct {
	entries int
	terms   []term
	byTerm  map[string]int32
	sorted  []int32            // term ids by text, for prefix scans
	rsorted []int32            // term ids by reversed text, for suffix scans
	dels    map[string][]int32 // term minus one rune -> terms, for typos
	post    [][]posting        // term id -> entries containing it

	// unknownWeight is what a query word that matches nothing counts
	// against the entries: an unknown word is a sign the question is about
	// something else.
	unknownWeight float64

	// scratch reuses the per-entry accumulators of Search (*scratch).
	scratch sync.Pool
}

type term struct {
	text   string
	rev    string
	runes  []rune
	arabic bool
	idf    float64
	asked  bool // occurs in some question or phrase
}

type posting struct {
	entry int32
	w     float32 // idf × BM25 term weight
	field field   // the most telling field the entry has the term in
}

// field says where an entry uses a term; higher is more telling.
type field uint8

const (
	fieldAnswer field = iota
	fieldPhrase
	fieldQuestion
)

// analyze turns text into index terms: normalized, without stopwords and
// one-letter words, Arabic-script words lightly stemmed.
func analyze(text string, mask uint32) []string {
	var out []string
	for _, w := range strings.Fields(Normalize(text)) {
		if utf8.RuneCountInString(w) < 2 || isStopword(w, mask) {
			continue
		}
		// The article or a prefix may hide a stopword (بال…, وال…); the
		// stem is not checked, as cutting a suffix can turn a content word
		// into a stopword (بالميني → مین).
		if p := stripArabicPrefix(w); p != w && isStopword(p, mask) {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// entryTerm is one term of one entry with its weighted frequency.
type entryTerm struct {
	id    int32
	tf    float64
	field field
}

func buildIndex(k *KB) *index {
	ix := &index{entries: len(k.entries), byTerm: map[string]int32{}}
	ix.scratch.New = func() any { return newScratch(ix.entries) }
	intern := func(s string) int32 {
		if id, ok := ix.byTerm[s]; ok {
			return id
		}
		id := int32(len(ix.terms))
		r := []rune(s)
		rr := slices.Clone(r)
		slices.Reverse(rr)
		ix.terms = append(ix.terms, term{text: s, rev: string(rr), runes: r, arabic: isArabicScript(s)})
		ix.byTerm[s] = id
		return id
	}
	// Texts repeat their words, so each distinct word of a language is
	// normalized and stemmed once: this is most of the start-up time of a
	// large base. A word is analyzed alone, as analyze splits at spaces
	// and nothing in Normalize reaches across them.
	words := map[string]map[string][]int32{}
	wordTerms := func(lang, w string, mask uint32) []int32 {
		m := words[lang]
		if m == nil {
			m = map[string][]int32{}
			words[lang] = m
		}
		if ids, ok := m[w]; ok {
			return ids
		}
		var ids []int32
		for _, t := range analyze(w, mask) {
			ids = append(ids, intern(t))
		}
		m[w] = ids
		return ids
	}
	// Per entry, term frequencies are summed in dense buffers indexed by
	// term id and then listed; maps per entry were the other big cost.
	var tfBuf []float64
	var fieldBuf []field
	var touched []int32
	terms := make([][]entryTerm, len(k.entries))
	dl := make([]float64, len(k.entries))
	for ei, e := range k.entries {
		add := func(lang, text string, mask uint32, f field) {
			w := weightAsk
			if f == fieldAnswer {
				w = weightAnswer
			}
			for _, word := range strings.Fields(text) {
				for _, id := range wordTerms(lang, word, mask) {
					for int(id) >= len(tfBuf) {
						tfBuf = append(tfBuf, 0)
						fieldBuf = append(fieldBuf, 0)
					}
					if tfBuf[id] == 0 {
						touched = append(touched, id)
					}
					tfBuf[id] += w
					dl[ei] += w
					fieldBuf[id] = max(fieldBuf[id], f)
				}
			}
		}
		for _, lang := range k.files {
			t, ok := k.langs[lang].texts[e.ID]
			if !ok {
				continue
			}
			mask := stopMask(lang)
			add(lang, t.question, mask, fieldQuestion)
			for _, p := range t.phrases {
				add(lang, p, mask, fieldPhrase)
			}
			answer := t.answer
			if strings.Contains(answer, "{{") {
				// Placeholder names are not words the person wrote.
				answer = placeholder.ReplaceAllString(answer, " ")
			}
			add(lang, answer, mask, fieldAnswer)
		}
		list := make([]entryTerm, len(touched))
		for i, id := range touched {
			list[i] = entryTerm{id: id, tf: tfBuf[id], field: fieldBuf[id]}
			tfBuf[id], fieldBuf[id] = 0, 0
		}
		terms[ei] = list
		touched = touched[:0]
	}

	n := float64(len(k.entries))
	var avgdl float64
	for _, d := range dl {
		avgdl += d
	}
	avgdl /= n
	if avgdl == 0 {
		avgdl = 1
	}
	df := make([]float64, len(ix.terms))
	for _, list := range terms {
		for _, t := range list {
			if t.field >= fieldPhrase {
				df[t.id]++
				ix.terms[t.id].asked = true
			} else {
				df[t.id] += dfAnswer
			}
		}
	}
	for id := range ix.terms {
		ix.terms[id].idf = idf(n, df[id])
	}
	// An unknown word weighs about 40% of a word only one entry uses:
	// enough that "football results" matches nothing, not so much that
	// dialect or filler words ("bitte", "بدي") sink a real question.
	ix.unknownWeight = 0.4 * idf(n, 1)

	// Postings are carved from one array, counted first.
	count := make([]int, len(ix.terms))
	total := 0
	for _, list := range terms {
		for _, t := range list {
			count[t.id]++
			total++
		}
	}
	all := make([]posting, total)
	ix.post = make([][]posting, len(ix.terms))
	off := 0
	for id, c := range count {
		ix.post[id] = all[off : off : off+c]
		off += c
	}
	for ei, list := range terms {
		norm := bm25K1 * (1 - bm25B + bm25B*dl[ei]/avgdl)
		for _, t := range list {
			w := ix.terms[t.id].idf * t.tf * (bm25K1 + 1) / (t.tf + norm)
			ix.post[t.id] = append(ix.post[t.id], posting{entry: int32(ei), w: float32(w), field: t.field})
		}
	}

	// Strongest first, so Search can stop after maxPostings (see there).
	for _, p := range ix.post {
		slices.SortFunc(p, func(a, b posting) int {
			if c := cmp.Compare(b.w, a.w); c != 0 {
				return c
			}
			return cmp.Compare(a.entry, b.entry)
		})
	}

	ix.sorted = make([]int32, len(ix.terms))
	ix.rsorted = make([]int32, len(ix.terms))
	for i := range ix.terms {
		ix.sorted[i] = int32(i)
		ix.rsorted[i] = int32(i)
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(ix.terms[a].text, ix.terms[b].text) })
	slices.SortFunc(ix.rsorted, func(a, b int32) int { return strings.Compare(ix.terms[a].rev, ix.terms[b].rev) })

	ix.dels = map[string][]int32{}
	var buf []byte
	for id, t := range ix.terms {
		if len(t.runes) < 4 {
			continue
		}
		for i := range t.runes {
			buf = appendWithout(buf[:0], t.runes, i)
			d := string(buf)
			if l := ix.dels[d]; len(l) == 0 || l[len(l)-1] != int32(id) {
				ix.dels[d] = append(l, int32(id))
			}
		}
	}
	return ix
}

// idf is BM25's inverse document frequency, always positive.
func idf(n, df float64) float64 {
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// appendWithout appends the UTF-8 of r without the rune at i.
func appendWithout(buf []byte, r []rune, i int) []byte {
	for j, c := range r {
		if j != i {
			buf = utf8.AppendRune(buf, c)
		}
	}
	return buf
}
