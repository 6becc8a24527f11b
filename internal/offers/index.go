package offers

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"lotse/internal/kb"
)

// Field weights: a word of the title says most about an offer, the
// category's and tags' words and who it is for a little less, the
// description least.
const (
	weightTitle       = 3.0
	weightTag         = 1.5
	weightTarget      = 1.5
	weightCategory    = 1.2
	weightDescription = 1.0
	weightDistrict    = 1.0

	maxQueryTerms = 16
	maxScan       = 64 // terms examined per prefix range

	// strongSim is how close an index term must be for the query word to
	// count as found in an offer: the word itself or another ending of
	// it. Weaker matches (kindergeld → kinder, a long word a short one
	// starts) add to the score but do not make an offer match.
	strongSim = 0.75
)

// index is an inverted index over the terms of every offer in every
// language: people mix languages, and an offer translated into Arabic is
// found by an Arabic question whatever the person's setting.
type index struct {
	terms  []string
	byTerm map[string]int32
	sorted []int32 // term ids by text, for prefix scans
	// parts has the bit partSig(t) set for every term t of four bytes or
	// more: the parts candidates looks up in byTerm, a dozen or more per
	// long word, are mostly no term, and most are ruled out here.
	parts []uint64
	post  [][]posting // term id → offers
	pool  sync.Pool   // *scratch sized to the directory
}

type posting struct {
	offer int32
	w     float32 // field weight × idf
	// topic: the term is in the offer's title, target group, category or
	// tags, not only in its description or district (see Filter.Topic).
	topic bool
}

// scratch holds a query's score buffers. They are indexed by offer but
// only the entries a query touches are written and reset, so a query
// costs what its words' postings cost, not the size of the directory.
type scratch struct {
	score   []float32
	matched []uint8
	best    []float32 // per query word
	strong  []bool    // per query word: matched closely
	touched []int32
	word    []int32
	hits    []scored
}

type scored struct {
	offer   int32
	matched uint8
	score   float32
	km      float64
}

func buildIndex(d *Directory) *index {
	ix := &index{byTerm: map[string]int32{}}
	intern := func(s string) int32 {
		if id, ok := ix.byTerm[s]; ok {
			return id
		}
		id := int32(len(ix.terms))
		ix.terms = append(ix.terms, s)
		ix.byTerm[s] = id
		ix.post = append(ix.post, nil)
		return id
	}
	// Category and tag words are the same for many offers: read them once.
	shared := map[string][]int32{}
	sharedTerms := func(key, text string) []int32 {
		if ids, ok := shared[key]; ok {
			return ids
		}
		var ids []int32
		for _, t := range kb.Terms(text, "") {
			ids = append(ids, intern(t))
		}
		shared[key] = ids
		return ids
	}
	cats := map[string]string{}
	for _, c := range d.categories {
		var b strings.Builder
		b.WriteString(c.Keywords)
		for _, t := range c.Title {
			b.WriteString(" " + t)
		}
		cats[c.ID] = b.String()
	}

	weights := map[int32]float32{}
	topics := map[int32]bool{} // in the title, target group, category or tags
	add := func(id int32, w float32, topic bool) {
		if weights[id] < w {
			weights[id] = w
		}
		topics[id] = topics[id] || topic
	}
	for i := range d.offers {
		o := &d.offers[i]
		clear(weights)
		clear(topics)
		for lang, t := range o.Texts {
			for _, f := range []struct {
				text  string
				w     float32
				topic bool
			}{{t.Title, weightTitle, true}, {t.TargetGroup, weightTarget, true}, {t.Description, weightDescription, false}} {
				for _, term := range kb.Terms(f.text, lang) {
					add(intern(term), f.w, f.topic)
				}
			}
		}
		for _, id := range sharedTerms("c:"+o.Category, cats[o.Category]) {
			add(id, weightCategory, true)
		}
		for _, tg := range o.Tags {
			for _, id := range sharedTerms("t:"+tg, knownTags[tg]) {
				add(id, weightTag, true)
			}
		}
		if o.District != "" {
			for _, id := range sharedTerms("d:"+o.District, o.District) {
				add(id, weightDistrict, false)
			}
		}
		for id, w := range weights {
			ix.post[id] = append(ix.post[id], posting{offer: int32(i), w: w, topic: topics[id]})
		}
	}
	n := float64(len(d.offers))
	for id, ps := range ix.post {
		df := float64(len(ps))
		idf := float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
		for j := range ps {
			ps[j].w *= idf
		}
		ix.post[id] = slices.Clip(ps)
	}
	ix.sorted = make([]int32, len(ix.terms))
	for i := range ix.sorted {
		ix.sorted[i] = int32(i)
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(ix.terms[a], ix.terms[b]) })
	ix.parts = make([]uint64, partBits/64)
	for _, t := range ix.terms {
		if len(t) >= 4 {
			h := partSig(t)
			ix.parts[h/64] |= 1 << (h % 64)
		}
	}
	size := len(d.offers)
	ix.pool.New = func() any {
		return &scratch{score: make([]float32, size), matched: make([]uint8, size), best: make([]float32, size), strong: make([]bool, size)}
	}
	return ix
}

// partBits is the size of index.parts, a power of two.
const partBits = 1 << 16

// partSig hashes a string of four bytes or more by its first four bytes
// and its length, into [0, partBits).
func partSig(s string) uint32 {
	h := uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
	h = (h ^ uint32(len(s))*0x9e3779b1) * 0x85ebca6b
	return h >> (32 - 16)
}

// part looks a part of a word, of four bytes or more, up as a term, most
// of those that are none without the map.
func (ix *index) part(s string) (int32, bool) {
	if h := partSig(s); ix.parts[h/64]&(1<<(h%64)) == 0 {
		return 0, false
	}
	id, ok := ix.byTerm[s]
	return id, ok
}

type cand struct {
	id  int32
	sim float32
	// ending: the term is the word or another ending of it, at most two
	// letters apart – not a longer word it starts (kinderbetreuung).
	ending bool
}

// candidates finds the index terms a query word may mean: itself, the same
// stem with another ending (консультація, консультації; kurs, kurse), a
// longer word it starts (kinder → kinderbetreuung), or, for a compound,
// its parts at the start (deutschkurs → deutsch) and end
// (kinderbetreuung → betreuung).
func (ix *index) candidates(q string, out []cand) []cand {
	add := func(id int32, sim float32, ending bool) {
		for i := range out {
			if out[i].id == id {
				out[i].sim = max(out[i].sim, sim)
				out[i].ending = out[i].ending || ending
				return
			}
		}
		out = append(out, cand{id, sim, ending})
	}
	if id, ok := ix.byTerm[q]; ok {
		add(id, 1, true)
	}
	// at[i] is where q's rune i starts: prefixes and suffixes of q are
	// looked up as substrings, without building strings from runes.
	var abuf [64]int
	at := abuf[:0]
	for i := range q {
		at = append(at, i)
	}
	n := len(at)
	at = append(at, len(q))
	if n < 4 {
		return out
	}
	// Same stem: terms starting with q minus up to two letters.
	stem := q[:at[max(4, n-2)]]
	i := sort.Search(len(ix.sorted), func(i int) bool { return ix.terms[ix.sorted[i]] >= stem })
	for k := 0; i < len(ix.sorted) && k < maxScan && strings.HasPrefix(ix.terms[ix.sorted[i]], stem); i, k = i+1, k+1 {
		id := ix.sorted[i]
		t := ix.terms[id]
		if t == q {
			continue
		}
		common, m := commonPrefixRunes(q, t), utf8.RuneCountInString(t)
		sim := 0.5 + 0.45*float32(common)/float32(max(n, m))
		if common < min(n, m)-1 {
			// Another ending shares all but the last letter of the
			// shorter word (kurs, kurse; wohnung, wohnungen). Four
			// letters in common are no stem: schufa is not schuhe, nor
			// schutz schule.
			sim = min(sim, strongSim-0.05)
		}
		add(id, sim, max(n, m)-common <= 2)
	}
	// Compound parts: a known word at the start or the end of q. A part
	// says less than the whole (kindergeld is not about kinder), so it
	// never counts as a close match.
	for l := n - 1; l >= 4; l-- {
		if id, ok := ix.part(q[:at[l]]); ok {
			add(id, min(strongSim-0.05, 0.5+0.4*float32(l)/float32(n)), false)
		}
	}
	if first, _ := utf8.DecodeRuneInString(q); n >= 8 && first < 0x0600 {
		for s := 1; n-s >= 5; s++ {
			if id, ok := ix.part(q[at[s]:]); ok {
				add(id, min(strongSim-0.05, 0.5+0.4*float32(n-s)/float32(n)), false)
			}
		}
	}
	return out
}

func commonPrefixRunes(a, b string) int {
	n := 0
	for a != "" && b != "" {
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb {
			break
		}
		n++
		a, b = a[sa:], b[sb:]
	}
	return n
}

// Filter narrows a list or a search. The zero Filter lets every offer
// that has not ended through.
type Filter struct {
	Category string // "" all
	// Lang keeps offers where the language is spoken.
	Lang                   string
	Free, Women, Childcare bool
	District               string
	// Topic counts a word as found only in an offer's title, target
	// group, category or tags, as itself or with another ending: an offer
	// suggested under an answer must be about what was asked, not mention
	// it in passing ("ohne Anmeldung") or start with it ("läuft ab" is no
	// "Lauftreff").
	Topic bool
	// Near sorts a list by distance from it and adds distances to hits.
	Near *Point
}

// Hit is one offer found.
type Hit struct {
	Offer *Offer
	// Km is the distance from Filter.Near, -1 when unknown.
	Km float64
}

func (d *Directory) passes(o *Offer, f *Filter, day time.Time) bool {
	switch {
	case f.Category != "" && o.Category != f.Category,
		f.Lang != "" && !o.Speaks(f.Lang),
		f.Free && o.Free != FreeYes,
		f.Women && !o.HasTag(TagWomen) && o.Category != "women",
		f.Childcare && !o.HasTag(TagChildcare),
		f.District != "" && o.District != f.District,
		o.endedBefore(day):
		return false
	}
	return true
}

// km is the distance of offer i from f.Near, -1 when unknown.
func (d *Directory) km(i int32, f *Filter) float64 {
	if f.Near == nil || !d.places[i].ok {
		return -1
	}
	return haversineKm(haversine(f.Near.place(), d.places[i]))
}

// Browse lists the offers that pass f: nearest first when f.Near is set
// (offers without a place last), else by title. It returns the hits in
// [offset, offset+limit) and how many pass in all.
func (d *Directory) Browse(f Filter, now time.Time, offset, limit int) (hits []Hit, total int) {
	if offset < 0 || limit <= 0 {
		return nil, 0
	}
	day := today(now)
	list := d.all
	if f.Category != "" {
		list = d.byCat[f.Category]
	}
	if f.Near == nil {
		for _, i := range list {
			o := &d.offers[i]
			if !d.passes(o, &f, day) {
				continue
			}
			if total >= offset && total < offset+limit {
				hits = append(hits, Hit{Offer: o, Km: -1})
			}
			total++
		}
		return hits, total
	}
	// Nearest offset+limit by a bounded max-heap: the whole list is never
	// sorted.
	s := d.idx.pool.Get().(*scratch)
	defer d.idx.pool.Put(s)
	k := offset + limit
	heap := s.hits[:0]
	from := f.Near.place()
	for _, i := range list {
		if !d.passes(&d.offers[i], &f, day) {
			continue
		}
		total++
		km := math.Inf(1) // offers without a place go last
		if p := d.places[i]; p.ok {
			km = haversine(from, p) // ordered by the haversine itself
		}
		if len(heap) < k {
			heap = append(heap, scored{offer: i, km: km})
			siftUp(heap, len(heap)-1)
		} else if km < heap[0].km {
			heap[0] = scored{offer: i, km: km}
			siftDown(heap, 0)
		}
	}
	slices.SortStableFunc(heap, func(a, b scored) int {
		if a.km != b.km {
			if a.km < b.km {
				return -1
			}
			return 1
		}
		return int(a.offer - b.offer)
	})
	s.hits = heap[:0]
	for j := offset; j < len(heap); j++ {
		i := heap[j].offer
		hits = append(hits, Hit{Offer: &d.offers[i], Km: d.km(i, &f)})
	}
	return hits, total
}

// heap of the farthest on top (by km, then offer for a stable order).
func farther(a, b scored) bool { return a.km > b.km || a.km == b.km && a.offer > b.offer }

func siftUp(h []scored, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !farther(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []scored, i int) {
	for {
		l, m := 2*i+1, i
		if l < len(h) && farther(h[l], h[m]) {
			m = l
		}
		if r := l + 1; r < len(h) && farther(h[r], h[m]) {
			m = r
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// Search finds offers for a question typed in any language (lang decides
// which stopword lists apply) that pass f, best first, at most limit. An
// offer must match at least half of the question's words closely (see
// strongSim); more matched
// words rank first, then the weight of the words.
func (d *Directory) Search(query, lang string, f Filter, now time.Time, limit int) []Hit {
	if len(query) > maxQueryBytes {
		query = query[:maxQueryBytes]
	}
	return d.searchTerms(kb.Terms(query, lang), f, now, limit)
}

// SearchMessage is Search(m.Text, …) on the message's search terms,
// analyzed once for every matcher (see kb.Message).
func (d *Directory) SearchMessage(m *kb.Message, lang string, f Filter, now time.Time, limit int) []Hit {
	if len(m.Text) > maxQueryBytes {
		return d.Search(m.Text, lang, f, now, limit)
	}
	return d.searchTerms(m.Terms(lang), f, now, limit)
}

// maxQueryBytes: longer questions are cut.
const maxQueryBytes = 2000

// searchTerms is Search on the query's terms (kb.Terms).
func (d *Directory) searchTerms(terms []string, f Filter, now time.Time, limit int) []Hit {
	ix := d.idx
	var buf [maxQueryTerms]string
	toks := buf[:0]
	for _, t := range terms {
		if len(toks) < maxQueryTerms && !slices.Contains(toks, t) {
			toks = append(toks, t)
		}
	}
	if len(toks) == 0 || limit <= 0 {
		return nil
	}
	s := ix.pool.Get().(*scratch)
	defer ix.pool.Put(s)
	var cbuf [32]cand
	for _, q := range toks {
		for _, c := range ix.candidates(q, cbuf[:0]) {
			for _, p := range ix.post[c.id] {
				v := c.sim * p.w
				if s.best[p.offer] == 0 {
					s.word = append(s.word, p.offer)
				}
				s.best[p.offer] = max(s.best[p.offer], v)
				s.strong[p.offer] = s.strong[p.offer] || c.sim >= strongSim && (!f.Topic || p.topic && c.ending)
			}
		}
		for _, o := range s.word {
			if s.score[o] == 0 {
				s.touched = append(s.touched, o)
			}
			s.score[o] += s.best[o]
			if s.strong[o] {
				s.matched[o]++
			}
			s.best[o], s.strong[o] = 0, false
		}
		s.word = s.word[:0]
	}
	need := uint8(max(1, (len(toks)+1)/2))
	day := today(now)
	top := s.hits[:0]
	for _, o := range s.touched {
		m, sc := s.matched[o], s.score[o]
		s.matched[o], s.score[o] = 0, 0
		if m < need || !d.passes(&d.offers[o], &f, day) {
			continue
		}
		// Insertion into the few best: limit is small.
		h := scored{offer: o, matched: m, score: sc}
		pos := len(top)
		for pos > 0 && better(h, top[pos-1]) {
			pos--
		}
		if pos < limit {
			if len(top) < limit {
				top = append(top, scored{})
			}
			copy(top[pos+1:], top[pos:len(top)-1])
			top[pos] = h
		}
	}
	s.touched = s.touched[:0]
	s.hits = top[:0]
	out := make([]Hit, len(top))
	for j, h := range top {
		out[j] = Hit{Offer: &d.offers[h.offer], Km: d.km(h.offer, &f)}
	}
	return out
}

func better(a, b scored) bool {
	if a.matched != b.matched {
		return a.matched > b.matched
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.offer < b.offer
}
