package kb

import (
	"encoding/gob"
	"maps"
	"slices"
	"strings"
)

// cacheUrgent heads the compiled urgent lists in the cache. Compiling
// urgent.yaml (items, typo keys, Latin twins) made 370,000 allocations,
// a sizeable part of a start from the cache; read back, the words and
// keys are substrings of a few strings and the id lists slices of one
// array. The small parts are this gob message; the words, items and
// lookup maps follow as raw arrays (urgentWriter).
type cacheUrgent struct {
	StemBytes, FuzzyLens [64]bool
	LatinStemBytes       [32]bool
	MaxStem              int
	FuzzyHead            [][2]rune
	LatinHead            [][3]byte
	Langs                map[string]int
	Categories           map[string]Urgency
	// Known are the real words read with a typo only at their end
	// (urgent_known.go), sorted: gathering them reads every text.
	Known []string
}

// The word flags, one byte per word.
const (
	urgentPrefix = 1 << iota
	urgentExact
	urgentLatin
)

// urgent writes u after the model. byFirst and wordID are derived from
// the items and words when read.
func (w *rawWriter) urgent(enc *gob.Encoder, u *urgentList) error {
	c := cacheUrgent{StemBytes: u.stemBytes, FuzzyLens: u.fuzzyLens, LatinStemBytes: u.latinStemBytes,
		MaxStem: u.maxStem, Langs: u.langs, Categories: u.categories,
		Known: slices.Sorted(maps.Keys(u.known))}
	for h := range u.fuzzyHead {
		c.FuzzyHead = append(c.FuzzyHead, h)
	}
	for h := range u.latinHead {
		c.LatinHead = append(c.LatinHead, h)
	}
	if err := enc.Encode(&c); err != nil {
		return err
	}
	texts := make([]string, len(u.words))
	flags := make([]bool, 3*len(u.words))
	for i, wd := range u.words {
		texts[i] = wd.text
		flags[3*i], flags[3*i+1], flags[3*i+2] = wd.prefix, wd.exact, wd.latin
	}
	w.strs(texts)
	w.bools(flags)

	// The items as one stream: kind, then per part whether it is far and
	// its phrase, then the excluded phrases, each with whether it is far;
	// a phrase is its number of slots, then each slot's number of ids and
	// the ids.
	var shape []uint32
	phrase := func(ph urgentPhrase) {
		shape = append(shape, uint32(len(ph)))
		for _, slot := range ph {
			shape = append(shape, uint32(len(slot)))
			for _, id := range slot {
				shape = append(shape, uint32(id))
			}
		}
	}
	src := make([]string, len(u.patterns))
	for i, p := range u.patterns {
		src[i] = p.src
		shape = append(shape, uint32(p.kind), uint32(len(p.parts)))
		for j, ph := range p.parts {
			far := uint32(0)
			if p.far[j] {
				far = 1
			}
			shape = append(shape, far)
			phrase(ph)
		}
		shape = append(shape, uint32(len(p.not)))
		for j, ph := range p.not {
			far := uint32(0)
			if p.notFar[j] {
				far = 1
			}
			shape = append(shape, far)
			phrase(ph)
		}
	}
	w.strs(src)
	w.u32s(shape)

	for _, t := range u.tables() {
		var keys []string
		var counts, ids []uint32
		for k, l := range t.all() {
			keys = append(keys, k)
			counts = append(counts, uint32(len(l)))
			for _, id := range l {
				ids = append(ids, uint32(id))
			}
		}
		w.strs(keys)
		w.u32s(counts)
		w.u32s(ids)
	}
	return w.err
}

// strs writes strings as one string and where each ends.
func (w *rawWriter) strs(v []string) {
	ends := make([]uint32, len(v))
	var b strings.Builder
	for i, s := range v {
		b.WriteString(s)
		ends[i] = uint32(b.Len())
	}
	w.str(b.String())
	w.u32s(ends)
}

// strs reads what rawWriter.strs wrote: substrings of one string.
func (r *rawReader) strs() []string {
	all, ends := r.str(), r.u32s()
	if r.err != nil {
		return nil
	}
	out := make([]string, len(ends))
	start := uint32(0)
	for i, end := range ends {
		if end < start || int(end) > len(all) {
			r.err = errCacheBroken
			return nil
		}
		out[i], start = all[start:end], end
	}
	if int(start) != len(all) {
		r.err = errCacheBroken
		return nil
	}
	return out
}

func (r *rawReader) urgent(dec *gob.Decoder) (*urgentList, error) {
	var c cacheUrgent
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	u := newUrgentList()
	u.stemBytes, u.fuzzyLens, u.latinStemBytes, u.maxStem = c.StemBytes, c.FuzzyLens, c.LatinStemBytes, c.MaxStem
	for _, h := range c.FuzzyHead {
		u.fuzzyHead[h] = true
	}
	for _, h := range c.LatinHead {
		u.latinHead[h] = true
	}
	if c.Langs != nil {
		u.langs = c.Langs
	}
	if c.Categories != nil {
		u.categories = c.Categories
	}
	u.known = make(knownWords, len(c.Known))
	for _, w := range c.Known {
		u.known[w] = struct{}{}
	}

	texts, flags := r.strs(), r.bools()
	if r.err != nil {
		return nil, r.err
	}
	if len(flags) != 3*len(texts) {
		return nil, errCacheBroken
	}
	u.words = make([]urgentWord, len(texts))
	for i, t := range texts {
		u.words[i] = urgentWord{text: t, prefix: flags[3*i], exact: flags[3*i+1], latin: flags[3*i+2]}
	}

	src, shape := r.strs(), r.u32s()
	if r.err != nil {
		return nil, r.err
	}
	broken := false
	next := func() uint32 {
		if len(shape) == 0 {
			broken = true
			return 0
		}
		v := shape[0]
		shape = shape[1:]
		return v
	}
	// All ids of all items in one array, sliced per slot.
	ids := make([]int32, 0, len(shape))
	phrase := func() urgentPhrase {
		ph := make(urgentPhrase, next())
		for s := range ph {
			n := int(next())
			if n > len(shape) {
				broken = true
				return nil
			}
			i0 := len(ids)
			for range n {
				id := next()
				if int(id) >= len(texts) {
					broken = true
				}
				ids = append(ids, int32(id))
			}
			ph[s] = ids[i0:len(ids):len(ids)]
		}
		return ph
	}
	for i := range src {
		p := urgentPattern{kind: Urgency(next()), src: src[i]}
		n := int(next())
		if n == 0 || n > len(shape) {
			return nil, errCacheBroken
		}
		p.parts, p.far = make([]urgentPhrase, n), make([]bool, n)
		for j := range n {
			p.far[j] = next() != 0
			if p.parts[j] = phrase(); len(p.parts[j]) == 0 || len(p.parts[j][0]) == 0 {
				broken = true
			}
		}
		switch n := int(next()); {
		case n > len(shape):
			broken = true
		case n > 0:
			p.not, p.notFar = make([]urgentPhrase, n), make([]bool, n)
			for j := range n {
				p.notFar[j] = next() != 0
				p.not[j] = phrase()
			}
		}
		if broken {
			return nil, errCacheBroken
		}
		u.add(p)
	}
	if len(shape) != 0 {
		return nil, errCacheBroken
	}

	// The tables are read as written, already frozen: keys in one string
	// cut at their ends, ascending, each with at least one id.
	u.b = nil
	for _, t := range u.tables() {
		keys, keyEnd, counts, all := r.str(), r.u32s(), r.u32s(), r.u32s()
		if r.err != nil {
			return nil, r.err
		}
		if len(counts) != len(keyEnd) {
			return nil, errCacheBroken
		}
		prev := ""
		for i, end := range keyEnd {
			if i > 0 && end < keyEnd[i-1] || int(end) > len(keys) {
				return nil, errCacheBroken
			}
			k := keys[:end]
			if i > 0 {
				k = keys[keyEnd[i-1]:end]
				if k <= prev {
					return nil, errCacheBroken
				}
			}
			prev = k
		}
		if len(keyEnd) > 0 && int(keyEnd[len(keyEnd)-1]) != len(keys) || len(keyEnd) == 0 && keys != "" {
			return nil, errCacheBroken
		}
		l := idLists{end: make([]uint32, len(counts)), ids: make([]int32, len(all))}
		n := uint32(0)
		for i, c := range counts {
			if c == 0 || int(n)+int(c) > len(all) {
				return nil, errCacheBroken
			}
			n += c
			l.end[i] = n
		}
		if int(n) != len(all) {
			return nil, errCacheBroken
		}
		for i, id := range all {
			if int(id) >= len(texts) {
				return nil, errCacheBroken
			}
			l.ids[i] = int32(id)
		}
		*t = newIDTable(keys, keyEnd, l)
	}
	u.indexFirst()
	return u, nil
}
