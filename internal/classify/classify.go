// Package classify is a small statistical text classifier: the second
// opinion beside Lotse's word lists, for emergencies (internal/kb) and for
// typed requests (internal/intent).
//
// Lists catch what they were written for and little else: on messages
// nobody had seen, about half of the emergencies, and of the typed requests
// about two in three. People write in endless ways, but those ways share
// words and pieces of words with the thousands of labelled examples Lotse
// keeps (locales/urgent_examples, locales/intent_examples). A multinomial
// logistic regression over those pieces – normalized words, pairs of
// adjacent words and the character n-grams inside words, which carry
// typos, inflections and joined particles – learns which of them point to
// which kind and which to a calm look-alike ("110 euros", "this
// bureaucracy is killing me", "cancel my gym contract").
//
// The model is trained when it is built, from the examples, with a fixed
// order and no randomness, so the same examples always give the same
// model; there is no model file to keep in step with them. Classify costs
// a few microseconds and is safe for concurrent use.
//
// classify knows nothing of the kinds' meaning or of normalization: the
// caller passes normalized text and kind names; kind "" is calm, the
// class of everything else. It imports only the standard library.
package classify

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Example is one labelled message: normalized text and the name of its
// kind, "" for a calm message.
type Example struct {
	Text string
	Kind string
}

// Model scores messages. It is read-only after Train.
type Model struct {
	kinds   []string  // class names; class 0 is calm ("")
	feature table     // feature hash → row in weights
	weights []float32 // rows of len(kinds) weights
	bias    []float32 // per class
	// sets holds *rowSet scratch for Classify, one per concurrent call.
	sets sync.Pool
}

// Training settings, chosen by cross-validation on the examples
// (TestUrgentModel_CrossValidation in internal/kb: recall out of fold at
// the same false-alarm rate). Within its noise of a few points were more
// epochs or a higher rate, averaged weights, n-grams of 2–4 or 4–6
// letters and no word pairs; l2 gained about four points; a naive Bayes
// model over the same features caught a third as much.
const (
	epochs       = 5
	learningRate = 2.0
	// l2 pulls the weights of the features a message has toward zero as
	// it is learnt, so that no single word or piece decides alone.
	l2 = 1e-3
	// minCount drops features seen in fewer examples: most n-grams occur
	// once, tell nothing about unseen messages and cost memory and time.
	minCount = 2
	// Character n-grams of these lengths, inside " word ".
	minGram, maxGram = 3, 5
)

// Train builds a model from examples. Kinds are numbered in the order they
// first occur, after calm.
func Train(examples []Example) (*Model, error) {
	m := &Model{kinds: []string{""}}
	rows := map[uint64]int32{}
	class := map[string]int{"": 0}
	hashes := make([][]uint64, len(examples))
	seen := make(map[uint64]int32, 64*len(examples)) // examples per feature
	feats := make([][]int32, len(examples))
	labels := make([]int, len(examples))
	for i, ex := range examples {
		c, ok := class[ex.Kind]
		if !ok {
			if len(m.kinds) == maxClasses {
				return nil, fmt.Errorf("classify: train: more than %d kinds", maxClasses-1)
			}
			c = len(m.kinds)
			class[ex.Kind] = c
			m.kinds = append(m.kinds, ex.Kind)
		}
		labels[i] = c
		eachFeature(ex.Text, func(h uint64) { hashes[i] = append(hashes[i], h) })
		// A feature counts once per message, however often it occurs.
		slices.Sort(hashes[i])
		hashes[i] = slices.Compact(hashes[i])
		for _, h := range hashes[i] {
			seen[h]++
		}
	}
	for i, hs := range hashes {
		for _, h := range hs {
			if seen[h] < minCount {
				continue
			}
			id, ok := rows[h]
			if !ok {
				id = int32(len(rows))
				rows[h] = id
			}
			feats[i] = append(feats[i], id)
		}
	}
	features := make([]uint64, len(rows))
	for h, id := range rows {
		features[id] = h
	}
	m.feature = newTable(features)
	k := len(m.kinds)
	m.weights = make([]float32, len(features)*k)
	m.bias = make([]float32, k)

	// Plain stochastic gradient descent over the examples in a fixed order
	// that interleaves files and kinds: by a hash of each example, so that
	// adding or removing one keeps the others' order. (A stride through
	// the list, the first order, reshuffled every example whenever their
	// number changed, and the learnt model with it.)
	order := make([]int, len(examples))
	key := make([]uint64, len(examples))
	for i, ex := range examples {
		h := fnv.New64a()
		h.Write([]byte(ex.Kind))
		h.Write([]byte{0})
		h.Write([]byte(ex.Text))
		order[i], key[i] = i, h.Sum64()
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
	p := make([]float64, k)
	d := make([]float32, k)
	step := 0
	for range epochs {
		for _, i := range order {
			rate := learningRate / (1 + float64(step)/float64(len(examples)))
			step++
			f := feats[i]
			scale := float32(1 / math.Sqrt(float64(max(len(f), 1))))
			m.probs(f, scale, p)
			for c := range k {
				g := p[c]
				if c == labels[i] {
					g -= 1
				}
				d[c] = float32(rate*g) * scale
				m.bias[c] -= float32(rate * g)
			}
			decay := float32(1 - rate*l2)
			for _, id := range f {
				row := m.weights[int(id)*k : int(id)*k+k]
				for c := range row {
					row[c] = row[c]*decay - d[c]
				}
			}
		}
	}
	return m, nil
}

// probs fills p with the class probabilities of a message with features f.
func (m *Model) probs(f []int32, scale float32, p []float64) {
	k := len(m.kinds)
	p = p[:k] // rows of k weights below need no bounds checks
	for c := range p {
		p[c] = float64(m.bias[c])
	}
	for _, id := range f {
		row := m.weights[int(id)*k:][:len(p)]
		for c, w := range row {
			p[c] += float64(w * scale)
		}
	}
	softmax(p)
}

func softmax(p []float64) {
	hi := p[0]
	for _, v := range p[1:] {
		hi = max(hi, v)
	}
	var sum float64
	for c, v := range p {
		p[c] = math.Exp(v - hi)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// maxClasses bounds the kinds a model can have, so Classify needs no
// allocation.
const maxClasses = 16

// minWords is the fewest words the model judges. One word alone ("help",
// "fire", "termin") gives it too little to be sure of, and the lists know
// the ones that mean something on their own.
const minWords = 2

// maxWords bounds the work per message; what a message is about is told
// in its first sentences.
const maxWords = 200

// Probs is the probability of each class of a model, in the order of
// Kinds.
type Probs [maxClasses]float64

// Kinds names the model's classes, calm ("") first. The slice is the
// model's own: read it, do not change it.
func (m *Model) Kinds() []string { return m.kinds }

// Classify returns the most likely kind other than calm of a normalized
// text and its probability, or "" and 0 for a text of fewer than two
// words.
func (m *Model) Classify(text string) (kind string, p float64) {
	var s Probs
	kind, p, _ = m.ClassifyAll(text, &s)
	return kind, p
}

// ClassifyAll is Classify that also fills all with the probability of
// every class, for a caller that weighs a kind other than the likeliest.
// ok is false, and all is left as it was, for a text the model does not
// judge.
func (m *Model) ClassifyAll(text string, all *Probs) (kind string, p float64, ok bool) {
	k := len(m.kinds)
	var ids [maxFound]int32
	set, _ := m.sets.Get().(*rowSet)
	if set == nil {
		set = newRowSet(len(m.feature.features))
	}
	// The features' hashes first, then their slots all read at once,
	// then the rows found: a message has a few hundred features, each a
	// different place in a table of megabytes that is rarely still in
	// the CPU's caches when the next message comes. Read one after the
	// other, behind the branch on whether the last was found, each waited
	// for main memory in turn; read in one loop without branches, they
	// are fetched together.
	hs := set.hashes[:0]
	words := eachFeature(text, func(h uint64) { hs = append(hs, h) })
	set.hashes = hs
	got := slices.Grow(set.got[:0], len(hs))[:len(hs)]
	set.got = got
	m.feature.gather(hs, got)
	found := 0
	for i, h := range hs {
		if found == maxFound {
			break
		}
		if id, ok := m.feature.rowFrom(h, got[i]); ok {
			found++
			set.add(id)
		}
	}
	f := set.drain(ids[:0])
	// The rows' first and last weights (a row of seven may cross a cache
	// line), read in a loop of nothing else, so that the reads of the
	// rows probs adds overlap, as the slots' above.
	var touch float32
	for _, id := range f {
		touch += m.weights[int(id)*k] + m.weights[int(id)*k+k-1]
	}
	set.sink = touch
	m.sets.Put(set)
	if words < minWords || len(f) == 0 {
		return "", 0, false
	}
	s := all[:k]
	m.probs(f, float32(1/math.Sqrt(float64(len(f)))), s)
	best := 0
	for c := 1; c < k; c++ {
		if best == 0 || s[c] > s[best] {
			best = c
		}
	}
	return m.kinds[best], s[best], true
}

// maxFound bounds the features of a message that Classify counts,
// repeats included.
const maxFound = 4 * maxWords * (2 + maxGram - minGram + 1)

// rowSet is a set of feature rows that gives them back in ascending
// order, the order probs sums them in: a bit per row and a bit per word
// of those. A message finds a hundred or two rows, often the same ones
// again; sorting them cost more than finding them.
type rowSet struct {
	words []uint64 // bit r%64 of words[r/64]: row r is in the set
	top   []uint64 // bit i%64 of top[i/64]: words[i] is not zero
	// hashes and got are ClassifyAll's buffers: the message's feature
	// hashes and the table slot each starts at.
	hashes []uint64
	got    []slot
	sink   float32 // what was read only to have it cached
}

func newRowSet(rows int) *rowSet {
	n := (rows + 63) / 64
	return &rowSet{words: make([]uint64, n), top: make([]uint64, (n+63)/64)}
}

func (s *rowSet) add(row int32) {
	w := uint(row) / 64
	s.words[w] |= 1 << (uint(row) % 64)
	s.top[w/64] |= 1 << (w % 64)
}

// drain appends the rows in ascending order to f and empties the set.
func (s *rowSet) drain(f []int32) []int32 {
	for ti, t := range s.top {
		if t == 0 {
			continue
		}
		s.top[ti] = 0
		for ; t != 0; t &= t - 1 {
			wi := ti*64 + bits.TrailingZeros64(t)
			w := s.words[wi]
			s.words[wi] = 0
			for ; w != 0; w &= w - 1 {
				f = append(f, int32(wi*64+bits.TrailingZeros64(w)))
			}
		}
	}
	return f
}

// eachFeature calls fn with the hash of every feature of a normalized
// text: each word, each pair of adjacent words and the character n-grams
// of each word with its boundaries, and returns the number of words.
// Numbers are not words here: "110 euros" and "flat 112" are the oldest
// look-alikes, and a number says nothing about a message's kind. The hash
// is 64-bit FNV-1a, written out because it runs a few hundred times per
// message.
func eachFeature(text string, fn func(uint64)) (words int) {
	prev := ""
	for w := range strings.FieldsSeq(text) {
		if !strings.ContainsFunc(w, unicode.IsLetter) {
			continue
		}
		if words++; words > maxWords {
			break
		}
		fn(fnvString(fnvByte(fnvOffset, 'w'), w))
		if prev != "" {
			fn(fnvString(fnvByte(fnvString(fnvByte(fnvOffset, 'b'), prev), ' '), w))
		}
		prev = w
		grams(w, fn)
	}
	return min(words, maxWords)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// grams hashes the character n-grams of " w ", rune-wise; a word too long
// to be a word (a link, a run of letters) has none.
func grams(w string, fn func(uint64)) {
	var starts [64]int // byte offsets in " w " of its runes, and its end
	n := 0
	starts[n] = 0
	n++
	for i := range w {
		if n >= len(starts)-2 {
			return
		}
		starts[n] = i + 1
		n++
	}
	padded := len(w) + 2
	starts[n] = padded - 1
	runes := n + 1
	starts[runes] = padded
	for g := minGram; g <= maxGram; g++ {
		for i := 0; i+g <= runes; i++ {
			h := fnvByte(fnvOffset, 'c')
			from, to := starts[i], starts[i+g]
			if from == 0 {
				h = fnvByte(h, ' ')
				from = 1
			}
			end := to == padded
			if end {
				to--
			}
			h = fnvString(h, w[from-1:to-1])
			if end {
				h = fnvByte(h, ' ')
			}
			fn(h)
		}
	}
}

// Parts is what a model has learnt, laid out for a file: a caller that
// keeps a model across starts saves these and builds the model back with
// FromParts instead of training it again.
type Parts struct {
	Kinds    []string  // class names; class 0 is calm ("")
	Features []uint64  // the feature hash of each row of Weights
	Weights  []float32 // len(Features) rows of len(Kinds)
	Bias     []float32 // per class
}

// Parts returns the model's learnt state. The slices are the model's own:
// read them, do not change them.
func (m *Model) Parts() Parts {
	return Parts{Kinds: m.kinds, Features: m.feature.features, Weights: m.weights, Bias: m.bias}
}

// FromParts builds the model p was taken from. It fails on parts that do
// not fit together.
func FromParts(p Parts) (*Model, error) {
	k := len(p.Kinds)
	switch {
	case k == 0 || k > maxClasses || p.Kinds[0] != "":
		return nil, fmt.Errorf("classify: model parts: %d kinds", k)
	case len(p.Bias) != k || len(p.Weights) != len(p.Features)*k:
		return nil, fmt.Errorf("classify: model parts: %d weights and %d biases for %d features of %d kinds",
			len(p.Weights), len(p.Bias), len(p.Features), k)
	}
	t := newTable(p.Features)
	if t.n != len(p.Features) {
		return nil, fmt.Errorf("classify: model parts: %d features, %d distinct", len(p.Features), t.n)
	}
	return &Model{kinds: p.Kinds, feature: t, weights: p.Weights, bias: p.Bias}, nil
}

// table finds a feature's row by its hash: open addressing with linear
// probing over an array of hashes at most 4/7 full (the shipped model's
// is 0.54: a miss mostly reads one or two slots of the same line).
// Classify looks up a few hundred hashes per message, most of them
// features no example had; a Go map read two places in memory for each
// (its control word and its slot), here a miss usually reads one cache
// line, and a hit the same one, as the row is kept beside the hash.
type table struct {
	slots    []slot   // hash 0: empty
	shift    uint     // 64 − log2(len(slots))
	zeroRow  int32    // row of the hash 0, −1 if none
	n        int      // distinct hashes
	features []uint64 // hash of each row
}

// slot is a feature's hash and its row.
type slot struct {
	hash uint64
	row  int32
}

func newTable(features []uint64) table {
	size := 16
	for size*4 < 7*len(features) {
		size *= 2
	}
	t := table{slots: make([]slot, size), shift: uint(64 - bits.TrailingZeros(uint(size))),
		zeroRow: -1, features: features}
	for row, h := range features {
		if _, dup := t.row(h); dup {
			continue
		}
		t.n++
		if h == 0 {
			t.zeroRow = int32(row)
			continue
		}
		i := t.slot(h)
		for t.slots[i].hash != 0 {
			i = (i + 1) & (len(t.slots) - 1)
		}
		t.slots[i] = slot{h, int32(row)}
	}
	return t
}

// slot is where probing for h starts: the hash's high bits after a
// multiplication, since FNV's low bits mix only the inputs' low bits.
func (t *table) slot(h uint64) int {
	return int((h * 0x9e3779b97f4a7c15) >> t.shift)
}

func (t *table) row(h uint64) (int32, bool) {
	if h == 0 {
		return t.zeroRow, t.zeroRow >= 0
	}
	mask := len(t.slots) - 1
	for i := t.slot(h); ; i = (i + 1) & mask {
		switch t.slots[i].hash {
		case h:
			return t.slots[i].row, true
		case 0:
			return 0, false
		}
	}
}

// gather sets got[i] to the slot where probing for hs[i] starts.
func (t *table) gather(hs []uint64, got []slot) {
	got = got[:len(hs)]
	for i, h := range hs {
		got[i] = t.slots[t.slot(h)]
	}
}

// rowFrom is row(h) given first, the slot where probing for h starts.
func (t *table) rowFrom(h uint64, first slot) (int32, bool) {
	switch {
	case h == 0:
	case first.hash == h:
		return first.row, true
	case first.hash == 0:
		return 0, false
	}
	return t.row(h)
}
