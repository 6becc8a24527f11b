package kb

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Match is one entry that fits a question.
type Match struct {
	ID string
	// Score is the entry's share of the best score possible for this
	// question, 0..1; it orders Best but is not comparable across
	// questions.
	Score float64
}

// Result is the answer to a free-text question.
type Result struct {
	// Best holds up to three entries, best first; empty when nothing fits
	// (greetings, weather, football).
	Best []Match
	// Confident means Best[0] fits clearly and can be shown directly;
	// otherwise the bot should offer Best as choices.
	Confident bool
}

// Tuning, checked against testdata/eval/<lang>.yaml (see TestKB_SearchEval).
const (
	maxQueryRunes = 500 // longer messages are cut; nobody asks in an essay
	maxQueryTerms = 24
	maxScan       = 64  // terms examined per prefix or suffix range
	minSim        = 0.5 // weaker word similarities are ignored
	strongSim     = 0.7 // a word matches well: exact, inflected or one typo

	// maxPostings bounds the entries one index term can reach in a query,
	// the ones that use it most (postings are sorted by weight). With
	// thousands of entries a common word ("wohnung") would otherwise make
	// every query visit a large share of the base, for entries whose
	// weight for that word is too low to rank; the shipped content has
	// no term in more than a few dozen entries, so it is not affected.
	maxPostings = 256
	// maxWordPostings bounds the entries all terms similar to one query
	// word reach together, so the worst query costs a bounded amount too.
	maxWordPostings = 1024

	// An entry is suggested when it explains at least minCoverage of the
	// question, scores at least minScore (about one distinctive word) and
	// at least relCutoff of the best entry. Words found only in its answer
	// explain a question word by answerCredit at most.
	minCoverage  = 0.3
	answerCredit = 0.5
	minScore     = 1.0
	relCutoff    = 0.4
	// unknownShare is how much of the index's unknownWeight a query word
	// that matches nothing counts against the question's coverage: phone
	// messages carry dialect, typos and filler the index has never seen.
	// At 0.4 the first out-of-scope message of the tuning set is answered.
	unknownShare = 0.7
	// questionBonus ranks an entry whose own question has one of the
	// query's words (matched well) a little higher: "Duldung" asks about
	// status.duldung, not about the Beschäftigungsduldung that also lists
	// it. Confidence still reads the unraised scores.
	questionBonus = 0.05

	// Confident: the best entry explains most of the question, mainly
	// through its questions and phrases, scores well, and is clearly ahead.
	confScore    = 2.0
	confCoverage = 0.4
	confLead     = 1.4
	confShare    = 0.4
	confGap      = 0.06
	confAlone    = 0.32
	confOneWord  = 0.8

	// One word of the entry's own question, far ahead of every other
	// entry: a term that names the entry ("ankunftsnachweis verloren",
	// "steuerklasse hangisi").
	confKeyLead     = 1.9
	confKeyCoverage = 0.45
	confKeyShare    = 0.35

	// The only entry suggested, two words matched well, one of them from
	// its own question, and well ahead of every entry the question
	// touched, suggested or not.
	confAloneCoverage = 0.45
	confAloneShare    = 0.25
	confAloneLead     = 1.5

	// Ahead both in score and in how much of the question it explains,
	// with two words matched well: the second entry shares words, not
	// the question.
	confBothLead     = 1.33
	confBothCoverage = 0.4
	confBothCovLead  = 1.2
	confBothShare    = 0.25

	// Every word of the entry's own question is in the query, and the
	// entry is ahead: the person asked that question.
	confAskedLead  = 1.05
	confAskedShare = 0.35

	// Most of the entry's own question is in the query, at least twice
	// as much as of any other suggested entry's question: "c quoi une
	// duldung" is status.duldung, though Ausbildung and the
	// Beschäftigungsduldung score the word as high.
	confOwnQCover = 0.5
	confOwnQLead  = 2.0
	confOwnShare  = 0.4

	// offTopicCover: a query with an off-topic word (offtopic.go) gets no
	// suggestions when its best entry explains less of it than this.
	offTopicCover = 0.5
)

// Search finds the entries that fit a question typed in any language,
// tolerating typos, missing accents, inflection, German compounds and
// mixed languages. lang is the person's language; it decides which
// stopword lists apply (see stopMask).
func (k *KB) Search(query, lang string) Result {
	res, _ := k.search(query, lang)
	return res
}

// confidence holds what decides whether the best entry is shown directly.
type confidence struct {
	words    int     // query words left after stopwords
	coverage float64 // share of the question the best entry explains
	score    float64 // the best entry's score
	lead     float64 // its score over the second entry's (0 when alone)
	strong   int32   // query words its questions and phrases match well
	inQ      bool    // a query word matched its own question
	share    float64 // its score of the best possible for this question
	gap      float64 // its lead over the second entry, of the best possible
	leadAny  float64 // its score over the best other entry's, suggested or not
	leadCov  float64 // its coverage over the second entry's
	qcov     float64 // share of its own question's words the query has
	qcovNext float64 // the same, most of any other suggested entry
}

// questionCover is the share of entry e's question, in the language at
// li (see index.question), that the query's words match well. Only the
// best entries are checked; their questions' terms are listed in the
// index, so checking one costs a few similarity ratings.
func (k *KB) questionCover(e int32, li int, toks []string) float64 {
	ix := k.idx
	terms := ix.question(e, li, len(k.files))
	if len(terms) == 0 {
		return 0
	}
	// The query words' runes one after the other, word i ending at
	// ends[i].
	var rbuf [256]rune
	var ends [maxQueryTerms]int
	var ar [maxQueryTerms]bool
	runes := rbuf[:0]
	for i, q := range toks {
		runes = appendRunes(runes, q)
		ends[i], ar[i] = len(runes), isArabicScript(q)
	}
	var tbuf [32]rune
	matched := 0
	for _, id := range terms {
		t := &ix.terms[id]
		tr := appendRunes(tbuf[:0], t.text)
		start := 0
		for i, end := range ends[:len(toks)] {
			qr := runes[start:end]
			start = end
			if sim(qr, ar[i], tr, t.arabic) >= strongSim {
				matched++
				break
			}
		}
	}
	return float64(matched) / float64(len(terms))
}

func (k *KB) search(query, lang string) (Result, confidence) {
	if utf8.RuneCountInString(query) > maxQueryRunes {
		query = string([]rune(query)[:maxQueryRunes])
	}
	if q, ok := k.cyrillicReading(query, lang); ok {
		query = q
	}
	return k.searchTerms(analyze(query, stopMask(baseLang(lang))), lang)
}

// searchMessage is search on a message analyzed once (see Message); a
// message read in Cyrillic first is analyzed as read.
func (k *KB) searchMessage(m *Message, lang string) (Result, confidence) {
	if utf8.RuneCountInString(m.Text) > maxQueryRunes {
		return k.search(m.Text, lang)
	}
	var terms []string
	if q, ok := k.cyrillicReading(m.Text, lang); ok {
		terms = analyze(q, stopMask(baseLang(lang)))
	} else {
		terms = m.Terms(lang)
	}
	return k.searchTerms(terms, lang)
}

// searchTerms is search on the query's terms (analyze).
func (k *KB) searchTerms(terms []string, lang string) (Result, confidence) {
	ix := k.idx
	var buf [maxQueryTerms]string
	toks := buf[:0]
	for _, t := range terms {
		if len(toks) < maxQueryTerms && !slices.Contains(toks, t) {
			toks = append(toks, t)
		}
	}
	if len(toks) == 0 {
		return Result{}, confidence{}
	}

	// Only the entries some query word touches are visited, in buffers
	// reused across queries, so a query costs the same in a base of 47
	// entries as in one of thousands: what grows is only the postings of
	// the words asked.
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	defer sc.reset()
	acc := sc.acc
	m := ix.memo()
	var total float64
	for j, q := range toks {
		sc.cands = ix.similar(q, sc.cands[:0], m)
		if len(sc.cands) == 0 {
			total += unknownShare * ix.unknownWeight
			continue
		}
		w := ix.wordWeight(sc.cands)
		total += w
		// A match from the answer credits at most half the word, so a
		// word's cover of strongSim or more came from a question or phrase.
		sc.strongCover[j+1] = math.Float64bits(strongSim * w)
		sc.addWord(ix, uint8(j+1), w)
	}

	// The three best entries that qualify and the best score of all, found
	// in one pass that also clears the accumulators: sorting everything
	// the query touched, or passing over it again, would cost more in a
	// large base. Ties go to the entry listed first, as in the content
	// files.
	type ranked struct {
		e                  int32
		rank, score, cover float64
		flags              uint8
	}
	var obuf [3]ranked
	order := obuf[:0]
	better := func(a, b *ranked) bool {
		return a.rank > b.rank || (a.rank == b.rank && a.e < b.e)
	}
	// The two highest scores of all touched entries, and whose the first
	// is: the runner-up to the best entry is either.
	var max1, max2 float64
	arg1 := int32(-1)
	minCover := minCoverage * total
	for _, e := range sc.query {
		a := &acc[e]
		sc.commit(a)
		score, cover, flags := a.score, a.cover, a.flags
		*a = accum{}
		if score > max1 {
			max2, max1, arg1 = max1, score, e
		} else if score > max2 {
			max2 = score
		}
		if score < minScore || cover < minCover {
			continue
		}
		r := ranked{e: e, rank: score, score: score, cover: cover, flags: flags}
		if flags&inQuestion != 0 {
			r.rank = score * (1 + questionBonus)
		}
		if len(order) < 3 {
			order = append(order, r)
		} else if better(&r, &order[2]) {
			order[2] = r
		} else {
			continue
		}
		for i := len(order) - 1; i > 0 && better(&order[i], &order[i-1]); i-- {
			order[i], order[i-1] = order[i-1], order[i]
		}
	}
	sc.query = sc.query[:0]
	if len(order) == 0 {
		return Result{}, confidence{words: len(toks)}
	}
	best := &order[0]
	top := best.score
	// The best possible score: every word matched exactly and often.
	maxScore := total * (bm25K1 + 1)
	res := Result{Best: make([]Match, 0, len(order))}
	for _, r := range order {
		if len(res.Best) == 3 || r.score < relCutoff*top {
			break
		}
		res.Best = append(res.Best, Match{ID: k.entries[r.e].ID, Score: min(1, r.score/maxScore)})
	}
	first := order[0].e
	// One word that only occurs in a phrase is too thin for a direct
	// answer ("what time is it" ~ "part time job"); it needs two words or
	// a word of the entry's own question.
	c := confidence{words: len(toks), coverage: best.cover / total, score: top,
		strong: int32(best.flags / strongWord), inQ: best.flags&inQuestion != 0}
	c.share, c.gap = top/maxScore, top/maxScore
	if len(order) > 1 {
		second := &order[1]
		c.lead = top / second.score
		c.gap = (top - second.score) / maxScore
		c.leadCov = best.cover / second.cover
	}
	runner := max1
	if arg1 == first {
		runner = max2
	}
	if runner > 0 {
		c.leadAny = top / runner
	}
	res.Confident = c.confident()
	if !res.Confident {
		// Only these rules need the questions' coverage, so only now.
		li, ok := slices.BinarySearch(k.files, baseLang(lang))
		if !ok {
			li = len(k.files)
		}
		c.qcov = k.questionCover(first, li, toks)
		if c.inQ && c.qcov >= confOwnQCover && c.share >= confOwnShare {
			for _, r := range order[1:len(res.Best)] {
				c.qcovNext = max(c.qcovNext, k.questionCover(r.e, li, toks))
			}
		}
		res.Confident = c.confident()
	}
	// A word naming a topic the base does not cover (a car, a dog, a gym
	// ...): the entries share the query's office words, not its topic.
	if offTopic.anyOffTopic(toks) {
		res.Confident = false
		if c.coverage < offTopicCover {
			// Little besides the topic the base lacks ("yarin hava
			// nasil", the weather tomorrow): what the other words reach
			// is no help, and "no answer" is the honest reply.
			res.Best = nil
		}
	}
	// "Is it allowed?" names no topic: the entries it reaches are choices.
	if res.Confident && topicless.allTopicless(toks) {
		res.Confident = false
	}
	return res, c
}

// confident reports whether the best entry fits clearly enough to be shown
// directly. Calibrated on testdata/eval (questions and out-of-scope
// messages) to the most confident right answers with at most two wrong.
func (c confidence) confident() bool {
	switch {
	case c.score < confScore:
		return false
	case c.lead == 0 && c.strong == 2 && c.inQ && c.coverage >= confAloneCoverage &&
		c.share >= confAloneShare && c.leadAny >= confAloneLead:
		return true
	case c.lead == 0 && c.strong <= 2 && c.share < confAlone:
		// Alone, but explaining little: the only entry two stray words
		// reach ("do you know a good barber" is no question about
		// self-employment).
		return false
	case c.words >= 2 && c.strong == 1 && c.inQ && c.lead >= confKeyLead && c.coverage >= confKeyCoverage && c.share >= confKeyShare:
		// A word that most entries do not have and this one asks about;
		// "German" in "how do I say thank you in German" is in many, so
		// citizenship is not far ahead. The query needs a second word:
		// alone ("كيف بقول شكرا بالالماني", thank you in German) it is
		// the whole question, and a weak runner-up made it confident
		// while alone it was not.
		return true
	case c.qcov == 1 && c.share >= confAskedShare && (c.lead >= confAskedLead || c.lead == 0 && c.leadAny >= confAskedLead):
		return true
	case c.inQ && c.qcov >= confOwnQCover && c.qcov >= confOwnQLead*c.qcovNext && c.share >= confOwnShare && (c.lead == 0 || c.lead >= 1):
		// Its own question covered, and not behind another entry's score
		// ("jai eu un accident de travail" covered the work permission's
		// question while the accident entry scored higher).
		return true
	case c.strong < 2 && c.share < confOneWord:
		// One word of the question carries it ("how do I say thank you
		// in German" is not about citizenship).
		return false
	}
	// Most of the question explained, mainly by its questions and phrases,
	// and clearly ahead; or two words matched well and a clear gap.
	if c.strong >= 2 && c.lead >= confBothLead && c.leadCov >= confBothCovLead &&
		c.coverage >= confBothCoverage && c.share >= confBothShare {
		return true
	}
	return (c.coverage >= confCoverage && (c.lead == 0 || c.lead >= confLead) && (c.strong >= 2 || c.inQ)) ||
		(c.strong >= 2 && c.share >= confShare && c.gap >= confGap)
}

// scratch holds one query's accumulators, one per entry, reused across
// queries. Only the entries listed in query are non-zero, and reset clears
// only those.
type scratch struct {
	acc   []accum
	query []int32 // entries touched by the query
	cands []cand
	// strongCover[word] is the cover at which a query word (numbered from
	// 1) counts as matched well, as math.Float64bits.
	strongCover [maxQueryTerms + 1]uint64
}

// accum is what a query adds up for one entry. The best match of a query
// word is added to the sums when a later word reaches the entry (commit),
// in the order of the words, so no pass over a word's entries is needed.
type accum struct {
	score float64 // sum over words of the best match
	cover float64 // how much of the question the entry explains
	// The best match of query word word and how much of it the entry
	// explains, as math.Float64bits: for numbers that are not negative,
	// the bits order as the numbers do, so the larger is taken without a
	// branch.
	best, wordCover uint64
	word            uint8 // the query word best is of, from 1; 0: none yet
	flags           uint8 // inQuestion | strongWord × query words matched well by questions or phrases
}

const (
	inQuestion = 1 // a query word matched the entry's question well
	strongWord = 2 // one query word matched well by a question or phrase
)

func newScratch(n int) *scratch { return &scratch{acc: make([]accum, n)} }

func (sc *scratch) reset() {
	for _, e := range sc.query {
		sc.acc[e] = accum{}
	}
	sc.query = sc.query[:0]
}

// commit adds the best match of the entry's last query word to its sums.
func (sc *scratch) commit(a *accum) {
	// The word matched well when its cover is at least strongCover
	// (integers, see accum): no borrow. Arithmetic, not a branch, as which
	// words match well is as good as random here.
	_, borrow := bits.Sub64(a.wordCover, sc.strongCover[a.word], 0)
	a.flags += uint8(strongWord * (1 - borrow))
	a.score += math.Float64frombits(a.best)
	a.cover += math.Float64frombits(a.wordCover)
}

// addWord takes the best match and cover of query word j, of weight w,
// per entry from the postings of its similar terms (sc.cands).
func (sc *scratch) addWord(ix *index, j uint8, w float64) {
	// A word scores at most what it would as itself: a rarer term it only
	// resembles ("duldung" in the compound "ausbildungsduldung") must not
	// outweigh the word's own match in the entry that is about it. A
	// loosely similar word explains the question word only partly, however
	// often the entry uses it; words found only in the answer explain it
	// half as well as words from its questions and phrases.
	credit := [4]float64{fieldAnswer: answerCredit, fieldPhrase: 1, fieldQuestion: 1}
	// Closest terms first: when a word reaches more entries than
	// maxWordPostings, the loosest matches are the ones left out.
	slices.SortFunc(sc.cands, func(a, b cand) int { return cmp.Compare(b.sim, a.sim) })
	budget := maxWordPostings
	for _, c := range sc.cands {
		if budget <= 0 {
			break
		}
		post := ix.postings(c.id)
		if len(post) > min(maxPostings, budget) {
			post = post[:min(maxPostings, budget)]
		}
		budget -= len(post)
		sc.addPostings(post, j, float64(c.sim), w, &credit)
	}
}

// addPostings takes the matches of one similar term of query word j, of
// weight w, at similarity sim. It is apart from addWord so that its loop
// keeps what it needs in registers.
func (sc *scratch) addPostings(post []posting, j uint8, sim, w float64, credit *[4]float64) {
	acc := sc.acc
	capScore := w * (bm25K1 + 1)
	// A close match of a term of the entry's question.
	var qmark [4]uint8
	if sim >= strongSim {
		qmark[fieldQuestion] = inQuestion
	}
	for _, p := range post {
		a := &acc[p.entry()]
		// Postings come strongest first, so these branches change once
		// per term at most.
		pw, pc := float64(p.w), float64(p.w)
		if pw > capScore {
			pw = capScore
		}
		if pc > w {
			pc = w
		}
		f := p.field()
		best, cover := math.Float64bits(sim*pw), math.Float64bits(sim*pc*credit[f])
		a.flags |= qmark[f]
		if a.word == j {
			a.best = max(a.best, best)
			a.wordCover = max(a.wordCover, cover)
			continue
		}
		if a.word == 0 {
			sc.query = append(sc.query, p.entry())
		} else {
			sc.commit(a)
		}
		a.word, a.best, a.wordCover = j, best, cover
	}
}

// wordWeight is how much a query word counts: the idf of its closest
// index term (the word itself when it is in the index), less when that
// term occurs only in answers. It is not reduced by the similarity, so an
// entry matching the word only loosely explains less of the question.
func (ix *index) wordWeight(cands []cand) float64 {
	var best cand
	var w float64
	for _, c := range cands {
		t := &ix.terms[c.id]
		tw := t.idf
		if !t.asked {
			tw *= answerOnly
		}
		if c.sim > best.sim || (c.sim == best.sim && tw > w) {
			best, w = c, tw
		}
	}
	return w
}

type cand struct {
	id  int32
	sim float32
}

// similar is candidates, kept in m for a word that is an index term: the
// words people ask repeat, and finding a word's similar terms was 40 % of
// a query's time in a base of 5,000 entries. The result is the same.
func (ix *index) similar(q string, out []cand, m *memo) []cand {
	id, ok := ix.lookup(q)
	if !ok {
		return ix.candidates(q, out)
	}
	if c := m.cands[id].Load(); c != nil {
		return append(out, *c...)
	}
	out = ix.candidates(q, out)
	if m.kept.Add(int64(len(out))) <= maxMemoCands {
		c := slices.Clone(out)
		m.cands[id].Store(&c)
	}
	return out
}

// candidates finds the index terms similar to q: equal, sharing a stem,
// one a prefix or suffix of the other (German compounds), or one typo
// apart. Each is verified with sim. Prefixes and suffixes of q are looked
// up as substrings of q, and the typo variants in a buffer on the stack,
// so finding them allocates nothing.
func (ix *index) candidates(q string, out []cand) []cand {
	var qbuf [32]rune
	qr := appendRunes(qbuf[:0], q)
	ar := isArabicScript(q)
	var tbuf [32]rune
	group := apart[q]
	add := func(id int32) {
		for i := range out {
			if out[i].id == id {
				return
			}
		}
		t := &ix.terms[id]
		if group != 0 && apart[t.text] == group && t.text != q {
			return
		}
		if s := sim(qr, ar, appendRunes(tbuf[:0], t.text), t.arabic); s >= minSim {
			out = append(out, cand{id: id, sim: s})
		}
	}
	// at(i) is where rune i of q starts.
	var obuf [33]int
	offs := obuf[:0]
	for i := range q {
		offs = append(offs, i)
	}
	offs = append(offs, len(q))
	at := func(i int) int { return offs[i] }
	if id, ok := ix.lookup(q); ok {
		add(id)
	}
	n := len(qr)
	minLen := 4
	if ar {
		minLen = 3
	}
	if n >= minLen {
		// Same stem, other ending: terms starting with q minus up to
		// three runes (шукаємо, шукаю; вчителька, вчителя).
		stemLen := max(minLen, n-3)
		ix.scanPrefix(q[:at(stemLen)], add)
		// q is longer (compound, inflected): terms that are a prefix of q.
		for l := minLen; l < stemLen; l++ {
			if id, ok := ix.lookup(q[:at(l)]); ok {
				add(id)
			}
		}
	}
	if n >= 5 && !ar {
		// q is the head of a compound (gestattung → aufenthaltsgestattung).
		var rbuf [64]byte
		ix.scanSuffix(q, appendReversed(rbuf[:0], q), add)
		// q is a compound ending in a known word.
		for i := 1; n-i >= 5; i++ {
			if id, ok := ix.lookup(q[at(i):]); ok {
				add(id)
			}
		}
	}
	if n >= 4 {
		// One typo: deletion neighbourhoods on both sides.
		var buf [64]byte
		b := append(buf[:0], q...)
		ix.eachDel(b, fnv64(b), add)
		for i := range qr {
			b := append(append(buf[:0], q[:at(i)]...), q[at(i+1):]...)
			h := fnv64(b)
			if id, ok := ix.exact.get(h); ok {
				add(id)
			}
			ix.eachDel(b, h, add)
		}
	}
	if ar && n >= 3 {
		// Teh marbuta becomes teh before a suffix (شقة, شقتي).
		var b [64]byte
		if last := qr[n-1]; last == 'ت' || last == 'ه' {
			alt := utf8.AppendRune(append(b[:0], q[:at(n-1)]...), 'ت'+'ه'-last)
			if id, ok := ix.exact.get(fnv64(alt)); ok {
				add(id)
			}
		}
		// One-letter prefixes: conjunction, prepositions, verb person
		// (بكورس, اسجل / سجل). The stemmer leaves them, as they are
		// ambiguous; here the similarity check decides.
		if n >= 4 && strings.ContainsRune(arLetterPrefixes, qr[0]) {
			if id, ok := ix.lookup(q[at(1):]); ok {
				add(id)
			}
		}
		for _, p := range arLetterPrefixes {
			w := append(utf8.AppendRune(b[:0], p), q...)
			if id, ok := ix.exact.get(fnv64(w)); ok {
				add(id)
			}
		}
	}
	return out
}

// arLetterPrefixes are single letters that Arabic attaches to a word.
const arLetterPrefixes = "وبلفکاینت"

// arPrefixed reports whether long is short with one attached letter.
func arPrefixed(long, short []rune) bool {
	return len(long) == len(short)+1 && len(short) >= 3 &&
		strings.ContainsRune(arLetterPrefixes, long[0]) && slices.Equal(long[1:], short)
}

// scanPrefix calls add for the terms that start with p, in text order
// (the order of term ids).
func (ix *index) scanPrefix(p string, add func(int32)) {
	keys, kp := ix.skeys, key4(p)
	i := sort.Search(len(keys), func(i int) bool {
		if k := keys[i]; k != kp && len(p) >= 4 {
			return k > kp
		}
		return ix.terms[i].text >= p
	})
	for n := 0; i < len(keys) && n < maxScan && strings.HasPrefix(ix.terms[i].text, p); i, n = i+1, n+1 {
		add(int32(i))
	}
}

// scanSuffix calls add for the terms that end with q, in the order of
// their reversed texts; rq is q reversed.
func (ix *index) scanSuffix(q string, rq []byte, add func(int32)) {
	ids, keys, kp := ix.rsorted, ix.rkeys, key4(rq)
	i := sort.Search(len(ids), func(i int) bool {
		if k := keys[i]; k != kp && len(rq) >= 4 {
			return k > kp
		}
		return compareRev(ix.terms[ids[i]].text, string(rq)) >= 0
	})
	for n := 0; i < len(ids) && n < maxScan && strings.HasSuffix(ix.terms[ids[i]].text, q); i, n = i+1, n+1 {
		add(ids[i])
	}
}

// sim rates how likely the query word q means the term tr, 0..1.
func sim(q []rune, qArabic bool, tr []rune, tArabic bool) float32 {
	lq, lt := len(q), len(tr)
	m, mx := min(lq, lt), max(lq, lt)
	cp := 0
	for cp < m && q[cp] == tr[cp] {
		cp++
	}
	if cp == lq && lq == lt {
		return 1
	}
	minLen := 4
	if qArabic && tArabic {
		minLen = 3
	}
	ratio := func(a int) float32 { return float32(a) / float32(mx) }
	switch {
	case cp == m && m >= minLen && (m > 3 || mx-m <= 1):
		// One is a prefix of the other: inflection or compound. Arabic
		// stems of three letters only take one more (عمل, عملي).
		return 0.55 + 0.4*ratio(m)
	case cp >= minLen && cp >= m-2 && mx-cp <= 3 && (cp > 3 || mx-cp <= 1):
		// Same stem, different ending (квартиру, квартира).
		return 0.5 + 0.4*ratio(cp)
	case cp >= 6 && cp >= m-4 && mx-cp <= 6 && isCyrillic(q[0]):
		// Slavic verbs change longer endings (закінчився, закінчується).
		// Not for Latin script: German compounds share long beginnings
		// with different meanings (arbeitsvertrag, arbeitsverbot).
		return 0.5 + 0.4*ratio(cp)
	case qArabic && tArabic && lq == lt && lq >= 4 && cp == lq-1 && q[cp]+tr[cp] == 'ت'+'ه':
		return 0.9
	case qArabic && tArabic && (arPrefixed(q, tr) || arPrefixed(tr, q)):
		if q[0] == 'ل' || tr[0] == 'ل' {
			// ل is also the preposition "for, to" joined to a word: a
			// match through it is weaker than a strong one (below strongSim),
			// or "حساب" (an account) was "لحساب" (on one's own account,
			// self-employment).
			return 0.69
		}
		return 0.8
	}
	if !qArabic && m >= 5 && hasRuneSuffix(q, tr) {
		// Compound head: gestattung / aufenthaltsgestattung.
		return 0.45 + 0.35*ratio(m)
	}
	if m >= 4 {
		// Typos rarely hit the first letter; a different first letter in
		// a short word is more often a different word (wetter, letter).
		if q[0] != tr[0] && m < 7 {
			return 0
		}
		maxD := 1
		if m >= 8 {
			maxD = 2
		}
		switch d := osa(q, tr, maxD); {
		case d > maxD:
		case d == 1 && m == 4:
			return 0.6
		case d == 1 && q[0] == tr[0]:
			return 0.75
		default:
			return 0.55
		}
	}
	return 0
}

func hasRuneSuffix(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	return slices.Equal(a[len(a)-len(b):], b)
}

// osa is the optimal-string-alignment edit distance (Levenshtein plus
// adjacent transposition), or maxD+1 when it exceeds maxD.
func osa(a, b []rune, maxD int) int {
	if d := len(a) - len(b); d > maxD || -d > maxD {
		return maxD + 1
	}
	var rows [3][40]int
	if len(b) >= len(rows[0]) {
		return maxD + 1
	}
	prev2, prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > maxD {
			return maxD + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], maxD+1)
}
