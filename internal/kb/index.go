package kb

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	rsorted []int32 // term ids by reversed text, for suffix scans; ids are in text order
	// skeys[id] and rkeys[i] are the first four bytes of the text of term
	// id and of the reversed text of rsorted[i]: a binary search reads
	// these instead of a term's text at every step.
	skeys, rkeys []uint32
	dels         delIndex  // term minus one rune -> terms, for typos
	exact        termTable // term text -> term, by its hash
	// post[postStart[id]:postStart[id+1]] are the entries containing term
	// id, at most maxPostings: one array, not a slice per term.
	post      []posting
	postStart []uint32
	// qTerms[qStart[i]:qStart[i+1]] are the terms of an entry's question
	// in one language, i = entry*languages + language (k.files order), as
	// analyze makes them: the question-coverage rules read them for the
	// best entries of a query. qLang[entry*(languages+1)+language] is the
	// language whose question Text gives for that language (languages: one
	// without texts), -1 for none; see questionLangs.
	qTerms []int32
	qStart []uint32
	qLang  []int16

	// unknownWeight is what a query word that matches nothing counts
	// against the entries: an unknown word is a sign the question is about
	// something else.
	unknownWeight float64

	// scratch reuses the per-entry accumulators of Search (*scratch).
	scratch sync.Pool

	// memo keeps what searching derives from the content alone, made on
	// first use (see memo).
	memoP atomic.Pointer[memo]
}

// memo holds what a search works out from the content alone and keeps
// for the next: made on first use, so loading does not pay for all of
// it and the cache does not store it.
type memo struct {
	// cands[id] are the terms similar to term id (see candidates).
	cands []atomic.Pointer[[]cand]
	// kept counts the cands kept, at most maxMemoCands.
	kept atomic.Int64
}

// maxMemoCands bounds the similar terms kept (8 bytes each). A base of
// 5,000 entries has 130,000 terms, about twenty similar terms each; the
// words people ask are a small share of them.
const maxMemoCands = 1 << 20

// memo returns the index's memo, made on first use.
func (ix *index) memo() *memo {
	if m := ix.memoP.Load(); m != nil {
		return m
	}
	ix.memoP.CompareAndSwap(nil, &memo{cands: make([]atomic.Pointer[[]cand], len(ix.terms))})
	return ix.memoP.Load()
}

// term is kept small: a base of thousands of entries has well over
// 100,000. Its runes and reversed text are derived from text where needed.
type term struct {
	text   string
	idf    float64
	arabic bool
	asked  bool // occurs in some question or phrase
}

// posting is 8 bytes: a base of thousands of entries has millions.
type posting struct {
	ef uint32  // entry << 2 | field
	w  float32 // idf × BM25 term weight
}

func newPosting(entry int32, w float32, f field) posting {
	return posting{ef: uint32(entry)<<2 | uint32(f), w: w}
}

func (p posting) entry() int32 { return int32(p.ef >> 2) }

// field is the most telling field the entry has the term in.
func (p posting) field() field { return field(p.ef & 3) }

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
	return filterTerms(strings.Fields(Normalize(text)), mask)
}

// Dari and Farsi say "to work" with a light verb: "کار کنم" (that I
// work, "may I work"), "کار کردن" (working). Apart, "کار" is the noun
// that every work entry has, and "کنم" a stopword, so "دولدونگ دارم.
// میتونم کار کنم؟" (I have a Duldung, may I work?) was the
// Beschäftigungsduldung, whose question names the Duldung. Read together
// they are one term, workVerbTerm, that the texts asking whether or how
// one may work have. "کار میکنم" (I am working) stays apart: people who
// work ask about staying, not about permission. "چه کار کنم" is "what
// shall I do".
const (
	workNoun     = "کار"
	workVerbTerm = "کارکردن"
)

var workVerbForms = map[string]bool{
	"کنم": true, "کنی": true, "کنه": true, "کند": true, "کنیم": true, "کنید": true, "کنند": true,
	"بکنم": true, "بکنی": true, "بکنه": true, "بکند": true, "بکنیم": true, "بکنید": true, "بکنند": true,
	"کردن": true,
}

// workVerb reports whether the normalized words noun and verb, after the
// word before, are the light verb "to work" (see workVerbTerm).
func workVerb(before, noun, verb string) bool {
	return noun == workNoun && workVerbForms[verb] && before != "چه"
}

// workVerbAt is workVerb at normalized words i and i+1.
func workVerbAt(words []string, i int) bool {
	before := ""
	if i > 0 {
		before = words[i-1]
	}
	return i+1 < len(words) && workVerb(before, words[i], words[i+1])
}

// filterTerms is analyze on words already normalized and split.
func filterTerms(words []string, mask uint32) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if workVerbAt(words, i) {
			out = append(out, workVerbTerm)
			i++
			continue
		}
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
	ix := &index{entries: len(k.entries)}
	ix.scratch.New = func() any { return newScratch(ix.entries) }
	byText := map[string]int32{}
	intern := func(s string) int32 {
		if id, ok := byText[s]; ok {
			return id
		}
		id := int32(len(ix.terms))
		ix.terms = append(ix.terms, term{text: s, arabic: isArabicScript(s)})
		byText[s] = id
		return id
	}
	// Each language's texts are split into words and each distinct word
	// analyzed on all cores (langWords); the terms are then interned and
	// counted in entry order, so term ids and sums are as they were.
	lw := splitWords(k)
	ids := make([][][]int32, len(lw)) // language, word -> term ids
	for i, l := range lw {
		ids[i] = make([][]int32, len(l.terms))
	}
	// Per entry, term frequencies are summed in dense buffers indexed by
	// term id and then listed; maps per entry were the other big cost.
	var tfBuf []float64
	var fieldBuf []field
	var touched []int32
	terms := make([][]entryTerm, len(k.entries))
	ix.qStart = make([]uint32, 1, len(k.entries)*len(lw)+1)
	dl := make([]float64, len(k.entries))
	for ei := range k.entries {
		add := func(li int, words []int32, f field) {
			w := weightAsk
			if f == fieldAnswer {
				w = weightAnswer
			}
			for _, word := range words {
				tids := ids[li][word]
				if tids == nil {
					tids = make([]int32, 0, len(lw[li].terms[word]))
					for _, t := range lw[li].terms[word] {
						tids = append(tids, intern(t))
					}
					ids[li][word] = tids
				}
				if f == fieldQuestion {
					ix.qTerms = append(ix.qTerms, tids...)
				}
				for _, id := range tids {
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
		for li, l := range lw {
			e := l.ends[3*ei : 3*ei+3]
			var start int32
			if ei > 0 {
				start = l.ends[3*ei-1]
			}
			add(li, l.seq[start:e[0]], fieldQuestion)
			ix.qStart = append(ix.qStart, uint32(len(ix.qTerms)))
			add(li, l.seq[e[0]:e[1]], fieldPhrase)
			add(li, l.seq[e[1]:e[2]], fieldAnswer)
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
	lists := make([][]posting, len(ix.terms))
	off := 0
	for id, c := range count {
		lists[id] = all[off : off : off+c]
		off += c
	}
	for ei, list := range terms {
		norm := bm25K1 * (1 - bm25B + bm25B*dl[ei]/avgdl)
		for _, t := range list {
			w := ix.terms[t.id].idf * t.tf * (bm25K1 + 1) / (t.tf + norm)
			lists[t.id] = append(lists[t.id], newPosting(int32(ei), float32(w), t.field))
		}
	}

	// Strongest first, and only the maxPostings a query can reach (see
	// there): at 5,000 entries the rest were most of the index.
	kept := 0
	for _, p := range lists {
		slices.SortFunc(p, func(a, b posting) int {
			if c := cmp.Compare(b.w, a.w); c != 0 {
				return c
			}
			return cmp.Compare(a.entry(), b.entry())
		})
		kept += min(len(p), maxPostings)
	}
	// Terms are numbered in text order, their texts one after the other
	// in one string: a prefix scan then reads neighbouring memory, and
	// term ids are positions for the binary search. The typo table is
	// built in the order the terms were found, so candidates come in the
	// same order as before and ties between them break the same way.
	inOrder := make([]int32, len(ix.terms))
	for i := range inOrder {
		inOrder[i] = int32(i)
	}
	slices.SortFunc(inOrder, func(a, b int32) int { return strings.Compare(ix.terms[a].text, ix.terms[b].text) })
	renum := make([]int32, len(ix.terms)) // old id -> new
	var text strings.Builder
	size := 0
	for _, t := range ix.terms {
		size += len(t.text)
	}
	text.Grow(size)
	for id, old := range inOrder {
		renum[old] = int32(id)
		text.WriteString(ix.terms[old].text)
	}
	texts := text.String()
	found := ix.terms
	ix.terms = make([]term, len(found))
	ix.post = make([]posting, 0, kept)
	ix.postStart = make([]uint32, 1, len(lists)+1)
	for id, old := range inOrder {
		t := found[old]
		t.text, texts = texts[:len(t.text)], texts[len(t.text):]
		ix.terms[id] = t
		p := lists[old]
		ix.post = append(ix.post, p[:min(len(p), maxPostings)]...)
		ix.postStart = append(ix.postStart, uint32(len(ix.post)))
	}

	ix.rsorted = make([]int32, len(ix.terms))
	rev := make([]string, len(ix.terms))
	for i, t := range ix.terms {
		ix.rsorted[i] = int32(i)
		rev[i] = string(appendReversed(nil, t.text))
	}
	slices.SortFunc(ix.rsorted, func(a, b int32) int { return strings.Compare(rev[a], rev[b]) })

	ix.dels = buildDels(found, renum)
	for i, id := range ix.qTerms {
		ix.qTerms[i] = renum[id]
	}
	ix.derive(k)
	return ix
}

// derive builds what the cache does not store because it is quickly
// computed from the terms and texts: the search keys, the terms' table
// and qLang.
func (ix *index) derive(k *KB) {
	ix.qLang = questionLangs(k)
	ix.exact = newTermTable(ix.terms)
	ix.skeys = make([]uint32, len(ix.terms))
	for id, t := range ix.terms {
		ix.skeys[id] = key4(t.text)
	}
	ix.rkeys = make([]uint32, len(ix.rsorted))
	var buf [8]byte
	for i, id := range ix.rsorted {
		ix.rkeys[i] = key4(appendReversedHead(buf[:0], ix.terms[id].text))
	}
}

// questionLangs is, for each entry and language (k.files, then one
// without texts), the index of the language whose question Text gives:
// the language itself, German or English, whichever first has both a
// question and an answer; -1 for none.
func questionLangs(k *KB) []int16 {
	nl := len(k.files)
	usable := make([]bool, len(k.entries)*nl)
	for li, lang := range k.files {
		for id, t := range k.langs[lang].texts.all() {
			if e, ok := k.byID[id]; ok && strings.TrimSpace(t.question) != "" && strings.TrimSpace(t.answer) != "" {
				usable[e*nl+li] = true
			}
		}
	}
	// Text tries the language itself, then German, then English.
	tries := []int{-1}
	for _, l := range []string{sourceLang, lastLang} {
		if li, ok := slices.BinarySearch(k.files, l); ok {
			tries = append(tries, li)
		}
	}
	out := make([]int16, len(k.entries)*(nl+1))
	for e := range k.entries {
		for li := range nl + 1 {
			tries[0] = li
			out[e*(nl+1)+li] = -1
			for _, c := range tries {
				if c < nl && usable[e*nl+c] {
					out[e*(nl+1)+li] = int16(c)
					break
				}
			}
		}
	}
	return out
}

// question is entry e's question terms for the language at li (k.files
// order; len(k.files) for one without texts), as Text falls back.
func (ix *index) question(e int32, li int, langs int) []int32 {
	l := ix.qLang[int(e)*(langs+1)+li]
	if l < 0 {
		return nil
	}
	i := int(e)*langs + int(l)
	return ix.qTerms[ix.qStart[i]:ix.qStart[i+1]]
}

// key4 is the first four bytes of s, big-endian, zero-padded: for texts
// without zero bytes, key4(a) < key4(b) means a < b.
func key4[S ~string | ~[]byte](s S) uint32 {
	var k uint32
	for i := range 4 {
		k <<= 8
		if i < len(s) {
			k |= uint32(s[i])
		}
	}
	return k
}

// appendReversed appends s with its runes in reverse order.
func appendReversed(buf []byte, s string) []byte {
	for len(s) > 0 {
		r, n := utf8.DecodeLastRuneInString(s)
		buf = utf8.AppendRune(buf, r)
		s = s[:len(s)-n]
	}
	return buf
}

// appendReversedHead appends at least the first four bytes of s reversed
// (all of it when shorter).
func appendReversedHead(buf []byte, s string) []byte {
	for n0 := len(buf); len(s) > 0 && len(buf)-n0 < 4; {
		r, n := utf8.DecodeLastRuneInString(s)
		buf = utf8.AppendRune(buf, r)
		s = s[:len(s)-n]
	}
	return buf
}

// compareRev compares s with its runes reversed to p, like strings.Compare.
// UTF-8 orders bytes as it orders code points, so comparing rune by rune
// is comparing the reversed text's bytes.
func compareRev(s, p string) int {
	for len(s) > 0 && len(p) > 0 {
		a, n := utf8.DecodeLastRuneInString(s)
		b, m := utf8.DecodeRuneInString(p)
		if a != b {
			return cmp.Compare(a, b)
		}
		s, p = s[:len(s)-n], p[m:]
	}
	return cmp.Compare(len(s), len(p))
}

// lookup returns the id of the term with text key.
func (ix *index) lookup(key string) (int32, bool) {
	return ix.exact.get(fnv64(key))
}

// termTable finds a term by the fnv64 of its text: open addressing with
// linear probing, at most half full, each slot a term's whole hash and
// its id. Every word of every message is looked up here, by the urgent
// lists (known words) and the search, and in a live bot the index is
// rarely still in the CPU's caches when the next message comes: the
// deletion index found a term in a bucket, then its slot, then the term,
// then its text, each from main memory in turn; here one place is read.
// Two of the shipped terms and a message's word share a hash with a
// chance of about one in 10^15.
type termTable struct {
	slots []termSlot
	shift uint // 64 − log2(len(slots))
}

// termSlot is a term's hash and its id + 1; 0 is an empty slot.
type termSlot struct {
	hash uint64
	id1  int32
}

func newTermTable(terms []term) termTable {
	size := 16
	for size < 2*len(terms) {
		size *= 2
	}
	t := termTable{slots: make([]termSlot, size), shift: 64}
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	for id, tm := range terms {
		h := fnv64(tm.text)
		if _, dup := t.get(h); dup {
			continue // the first term of a hash, as the deletion index had it
		}
		j := t.slot(h)
		for t.slots[j].id1 != 0 {
			j = (j + 1) & (len(t.slots) - 1)
		}
		t.slots[j] = termSlot{h, int32(id) + 1}
	}
	return t
}

func (t *termTable) slot(h uint64) int { return int((h * 0x9e3779b97f4a7c15) >> t.shift) }

func (t *termTable) get(h uint64) (int32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	for j := t.slot(h); ; j = (j + 1) & (len(t.slots) - 1) {
		s := &t.slots[j]
		switch {
		case s.id1 == 0:
			return 0, false
		case s.hash == h:
			return s.id1 - 1, true
		}
	}
}

// idf is BM25's inverse document frequency, always positive.
func idf(n, df float64) float64 {
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// appendRunes appends the runes of s.
func appendRunes(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
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

// delIndex maps a term's text to the term, and the term minus one rune to
// the terms it came from, as a hash table in two flat arrays: a map of
// strings to slices cost about 80 bytes per key, and a base of 5,000
// entries has 950,000 keys. A one-typo variant of a query word is looked
// up as a term and as a term minus a rune in one bucket.
type delIndex struct {
	shift uint     // 64 - log2(buckets)
	start []uint32 // bucket -> first slot; start[b+1] ends it
	// slot -> low 32 bits of the key's hash (to skip most others) << 32 |
	// exactSlot for a term's own text | term id, in term order within a
	// key; in one word, so a lookup reads one place.
	slots []uint64
}

const exactSlot = 1 << 31

// buildDels indexes terms, numbered by renum.
func buildDels(terms []term, renum []int32) delIndex {
	type ref struct {
		h  uint64
		id uint32
	}
	var refs []ref
	var buf, prev []byte
	var runes []rune
	for id, t := range terms {
		refs = append(refs, ref{fnv64(t.text), uint32(renum[id]) | exactSlot})
		runes = appendRunes(runes[:0], t.text)
		if len(runes) < 4 {
			continue
		}
		prev = prev[:0]
		for i := range runes {
			buf = appendWithout(buf[:0], runes, i)
			// Deleting either of two equal neighbours gives the same key.
			if i > 0 && string(buf) == string(prev) {
				continue
			}
			refs = append(refs, ref{fnv64(buf), uint32(renum[id])})
			prev = append(prev[:0], buf...)
		}
	}
	// About three keys a bucket, next to each other: a quarter of the
	// memory of one, and the 32 hash bits tell them apart before any text
	// is compared.
	bits := uint(1)
	for 1<<bits < len(refs)/4 {
		bits++
	}
	d := delIndex{shift: 64 - bits, start: make([]uint32, 1<<bits+1),
		slots: make([]uint64, len(refs))}
	// A counting sort by bucket keeps term order within a key, as the
	// typo candidates are tried in that order.
	for _, r := range refs {
		d.start[r.h>>d.shift+1]++
	}
	for b := 1; b < len(d.start); b++ {
		d.start[b] += d.start[b-1]
	}
	fill := slices.Clone(d.start[:len(d.start)-1])
	for _, r := range refs {
		b := r.h >> d.shift
		d.slots[fill[b]] = r.h<<32 | uint64(r.id)
		fill[b]++
	}
	return d
}

// eachDel calls fn for every term that is key with one rune more; h is
// fnv64(key).
func (ix *index) eachDel(key []byte, h uint64, fn func(int32)) {
	d := &ix.dels
	if len(d.slots) == 0 {
		return
	}
	b := h >> d.shift
	for s := d.start[b]; s < d.start[b+1]; s++ {
		if v := d.slots[s]; uint32(v>>32) == uint32(h) && v&exactSlot == 0 && oneMore(ix.terms[int32(v)].text, key) {
			fn(int32(v))
		}
	}
}

// oneMore reports whether deleting one rune from long gives short.
func oneMore(long string, short []byte) bool {
	if len(long) <= len(short) {
		return false
	}
	p := 0
	for p < len(short) && long[p] == short[p] {
		p++
	}
	for p > 0 && !utf8.RuneStart(long[p]) {
		p--
	}
	_, n := utf8.DecodeRuneInString(long[p:])
	return len(long) == len(short)+n && long[p+n:] == string(short[p:])
}

// fnv64 is FNV-1a: stable across runs, unlike maphash, and quick for the
// few bytes of a word.
func fnv64[S ~string | ~[]byte](b S) uint64 {
	h := uint64(fnvOffset)
	for i := range len(b) {
		h ^= uint64(b[i])
		h *= fnvPrime
	}
	return h
}

// FNV-1a's 64-bit offset basis and prime.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// postings returns the entries containing term id, strongest first.
func (ix *index) postings(id int32) []posting {
	return ix.post[ix.postStart[id]:ix.postStart[id+1]]
}

// langWords is one language's texts as word numbers: seq holds, entry by
// entry, the words of the question, the phrases and the answer, ending at
// ends[3*entry], ends[3*entry+1] and ends[3*entry+2]; terms[word] is what
// analyze makes of the word.
type langWords struct {
	seq   []int32
	ends  []int32
	terms [][]string
}

// splitWords reads every language's texts, in k.files order, on all
// cores. Texts repeat their words, so each distinct word is normalized and
// stemmed once; a word is analyzed alone, as analyze splits at spaces and
// nothing in Normalize reaches across them.
func splitWords(k *KB) []*langWords {
	out := make([]*langWords, len(k.files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(k.files)) {
		wg.Go(func() {
			for i := range next {
				out[i] = splitLang(k, k.files[i])
			}
		})
	}
	for i := range k.files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func splitLang(k *KB, lang string) *langWords {
	l := &langWords{ends: make([]int32, 0, 3*len(k.entries))}
	f := k.langs[lang]
	mask := stopMask(lang)
	dict := map[string]int32{}
	// id is the word's entry in terms, analyzed once per distinct word.
	id := func(w string, terms func() []string) int32 {
		id, ok := dict[w]
		if !ok {
			id = int32(len(l.terms))
			dict[w] = id
			l.terms = append(l.terms, terms())
		}
		return id
	}
	words := func(text string) {
		var p1, p2 string // the two words before w
		for w := range strings.FieldsSeq(text) {
			// The light verb "to work" is one term (see workVerb): the
			// noun before it is counted as that term instead. Only a word
			// that can be the noun is normalized for the check.
			if strings.Contains(p1, "ار") && workVerb(Normalize(p2), Normalize(p1), Normalize(w)) {
				l.seq[len(l.seq)-1] = id("\x00"+workVerbTerm, func() []string { return []string{workVerbTerm} })
				p2, p1 = p1, ""
				continue
			}
			l.seq = append(l.seq, id(w, func() []string { return analyze(w, mask) }))
			p2, p1 = p1, w
		}
	}
	end := func() { l.ends = append(l.ends, int32(len(l.seq))) }
	for _, e := range k.entries {
		t, ok := f.texts.get(e.ID)
		if !ok {
			end()
			end()
			end()
			continue
		}
		words(t.question)
		end()
		for p := range t.phrases.all() {
			words(p)
		}
		end()
		answer := t.answer
		if strings.Contains(answer, "{{") {
			// Placeholder names are not words the person wrote.
			answer = placeholder.ReplaceAllString(answer, " ")
		}
		words(answer)
		end()
	}
	return l
}
