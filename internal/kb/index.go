package kb

import (
	"cmp"
	"math"
	"runtime"
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
	sorted  []int32  // term ids by text, for prefix scans
	rsorted []int32  // term ids by reversed text, for suffix scans
	dels    delIndex // term minus one rune -> terms, for typos
	// post[postStart[id]:postStart[id+1]] are the entries containing term
	// id, at most maxPostings: one array, not a slice per term.
	post      []posting
	postStart []uint32

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

// filterTerms is analyze on words already normalized and split.
func filterTerms(words []string, mask uint32) []string {
	var out []string
	for _, w := range words {
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
	ix.post = make([]posting, 0, kept)
	ix.postStart = make([]uint32, 1, len(lists)+1)
	for _, p := range lists {
		ix.post = append(ix.post, p[:min(len(p), maxPostings)]...)
		ix.postStart = append(ix.postStart, uint32(len(ix.post)))
	}

	ix.sorted = make([]int32, len(ix.terms))
	ix.rsorted = make([]int32, len(ix.terms))
	for i := range ix.terms {
		ix.sorted[i] = int32(i)
		ix.rsorted[i] = int32(i)
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(ix.terms[a].text, ix.terms[b].text) })
	slices.SortFunc(ix.rsorted, func(a, b int32) int { return strings.Compare(ix.terms[a].rev, ix.terms[b].rev) })

	ix.dels = buildDels(ix.terms)
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

// delIndex maps a term minus one rune to the terms it came from, as a hash
// table in three flat arrays: a map of strings to slices cost about 80
// bytes per key, and a base of 5,000 entries has 700,000 keys.
type delIndex struct {
	shift uint     // 64 - log2(buckets)
	start []uint32 // bucket -> first slot; start[b+1] ends it
	hash  []uint32 // slot -> low bits of the key's hash, to skip most others
	ids   []int32  // slot -> term id, in term order within a key
}

func buildDels(terms []term) delIndex {
	type ref struct {
		h  uint64
		id int32
	}
	var refs []ref
	var buf, prev []byte
	for id, t := range terms {
		if len(t.runes) < 4 {
			continue
		}
		prev = prev[:0]
		for i := range t.runes {
			buf = appendWithout(buf[:0], t.runes, i)
			// Deleting either of two equal neighbours gives the same key.
			if i > 0 && string(buf) == string(prev) {
				continue
			}
			refs = append(refs, ref{fnv64(buf), int32(id)})
			prev = append(prev[:0], buf...)
		}
	}
	// About two keys a bucket: half the memory of one, and the 32 hash
	// bits tell them apart before any text is compared.
	bits := uint(1)
	for 1<<bits < len(refs)/2 {
		bits++
	}
	d := delIndex{shift: 64 - bits, start: make([]uint32, 1<<bits+1),
		hash: make([]uint32, len(refs)), ids: make([]int32, len(refs))}
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
		d.hash[fill[b]], d.ids[fill[b]] = uint32(r.h), r.id
		fill[b]++
	}
	return d
}

// each calls fn for every term that is key with one rune more.
func (ix *index) eachDel(key []byte, fn func(int32)) {
	d := &ix.dels
	if len(d.ids) == 0 {
		return
	}
	h := fnv64(key)
	b := h >> d.shift
	for s := d.start[b]; s < d.start[b+1]; s++ {
		if d.hash[s] == uint32(h) && oneMore(ix.terms[d.ids[s]].text, key) {
			fn(d.ids[s])
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
func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

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
	words := func(text string) {
		for w := range strings.FieldsSeq(text) {
			id, ok := dict[w]
			if !ok {
				id = int32(len(l.terms))
				dict[w] = id
				l.terms = append(l.terms, analyze(w, mask))
			}
			l.seq = append(l.seq, id)
		}
	}
	end := func() { l.ends = append(l.ends, int32(len(l.seq))) }
	for _, e := range k.entries {
		t, ok := f.texts[e.ID]
		if !ok {
			end()
			end()
			end()
			continue
		}
		words(t.question)
		end()
		for _, p := range t.phrases {
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
