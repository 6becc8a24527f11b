package kb

import (
	"encoding/binary"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"lotse/internal/classify"
)

// Entry is the language-independent part of one knowledge-base answer.
type Entry struct {
	// ID is short ("housing.find_flat") because it travels in 64-byte
	// Telegram button data.
	ID   string
	Area string
	// Source is the official page the answer is based on.
	Source string
	// Reviewed is when the legal content was last checked.
	Reviewed time.Time
	// Related lists ids worth offering next.
	Related []string
}

// Text is one entry in one language.
type Text struct {
	Question string
	Answer   string
	// Lang is the language actually used, after falling back.
	Lang string
	// HumanReviewed is false for translations nobody has checked yet; the
	// bot may say so.
	HumanReviewed bool
}

// Fallback languages, in order, when an entry is missing in the asked one.
// German is the source language; English is the last resort.
const (
	sourceLang = "de"
	lastLang   = "en"
)

// KB is a loaded knowledge base. It is read-only after Load.
type KB struct {
	areas   []string
	entries []Entry        // file order
	byID    map[string]int // id -> index in entries
	langs   map[string]*langFile
	files   []string // languages in sorted order

	idx    *index
	urgent *urgentList
	// urgentReady builds the urgent lists' known words and learns the
	// urgent model (nil without examples) on its first call
	// (urgent_model.go).
	urgentReady func() *classify.Model

	// problems found while loading that do not stop loading (duplicate ids,
	// stray files); Check reports them.
	loadProblems []Problem
}

type langFile struct {
	file          string // where the texts came from, for problem reports
	humanReviewed bool   // the shipped file's flag, inherited by overrides without one
	texts         textMap
	order         []string // ids in load order, for stable checks
}

// textMap holds one language's texts by id: a map while loading, then
// ids and texts in two slices sorted by id, about half the memory of a map
// of thousands (one per language).
type textMap struct {
	m    map[string]langText
	ids  []string
	vals []langText
}

func (t *textMap) get(id string) (langText, bool) {
	if t.m != nil {
		v, ok := t.m[id]
		return v, ok
	}
	i, ok := slices.BinarySearch(t.ids, id)
	if !ok {
		return langText{}, false
	}
	return t.vals[i], true
}

func (t *textMap) set(id string, v langText) {
	if t.m == nil {
		t.m = make(map[string]langText, len(t.ids)+1)
		for i, id := range t.ids {
			t.m[id] = t.vals[i]
		}
		t.ids, t.vals = nil, nil
	}
	t.m[id] = v
}

// all yields the texts in no particular order.
func (t *textMap) all() iter.Seq2[string, langText] {
	return func(yield func(string, langText) bool) {
		if t.m != nil {
			for id, v := range t.m {
				if !yield(id, v) {
					return
				}
			}
			return
		}
		for i, id := range t.ids {
			if !yield(id, t.vals[i]) {
				return
			}
		}
	}
}

// freeze turns the map into the sorted slices once loading is done.
func (t *textMap) freeze() {
	if t.m == nil {
		return
	}
	t.ids = slices.Sorted(maps.Keys(t.m))
	t.vals = make([]langText, len(t.ids))
	for i, id := range t.ids {
		t.vals[i] = t.m[id]
	}
	t.m = nil
}

type langText struct {
	question, answer string
	phrases          phraseList
	humanReviewed    bool
	file             string
}

// phraseList is a text's search phrases in one string, each after its
// length as a uvarint: a base of thousands of entries has hundreds of
// thousands of phrases, and a string header each cost 16 bytes. A struct,
// so that ranging over it by mistake does not compile.
type phraseList struct{ s string }

func makePhraseList(ps []string) phraseList {
	n := 0
	for _, p := range ps {
		n += binary.MaxVarintLen64 + len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range ps {
		b = append(binary.AppendUvarint(b, uint64(len(p))), p...)
	}
	return phraseList{string(b)}
}

// all yields the phrases in order.
func (l phraseList) all() iter.Seq[string] {
	return func(yield func(string) bool) {
		for s := l.s; len(s) > 0; {
			n, m := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
			if m <= 0 || n > uint64(len(s)-m) {
				return // not made by makePhraseList; valid reports it
			}
			if !yield(s[m : m+int(n)]) {
				return
			}
			s = s[m+int(n):]
		}
	}
}

func (l phraseList) empty() bool { return l.s == "" }

// list returns the phrases as a slice, nil for none.
func (l phraseList) list() []string { return slices.Collect(l.all()) }

// valid reports whether l is phrases as makePhraseList writes them (a
// cache read back).
func (l phraseList) valid() bool {
	for s := l.s; len(s) > 0; {
		n, m := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		if m <= 0 || n > uint64(len(s)-m) {
			return false
		}
		s = s[m+int(n):]
	}
	return true
}

// Areas returns the areas in display order.
func (k *KB) Areas() []string { return slices.Clone(k.areas) }

// Entries returns the entries of one area in file order.
func (k *KB) Entries(area string) []Entry {
	var out []Entry
	for _, e := range k.entries {
		if e.Area == area {
			out = append(out, cloneEntry(e))
		}
	}
	return out
}

// Entry returns the entry with the given id.
func (k *KB) Entry(id string) (Entry, bool) {
	i, ok := k.byID[id]
	if !ok {
		return Entry{}, false
	}
	return cloneEntry(k.entries[i]), true
}

func cloneEntry(e Entry) Entry {
	e.Related = slices.Clone(e.Related)
	return e
}

// Languages returns the languages that have a text file, sorted.
func (k *KB) Languages() []string { return slices.Clone(k.files) }

// Text returns the entry's question and answer in lang, falling back to
// German (the source) and then English when that language lacks the entry.
// lang may carry a region ("de-AT"); it is reduced to its primary subtag.
func (k *KB) Text(id, lang string) (Text, bool) {
	if _, ok := k.byID[id]; !ok {
		return Text{}, false
	}
	for _, l := range []string{baseLang(lang), sourceLang, lastLang} {
		f, ok := k.langs[l]
		if !ok {
			continue
		}
		t, ok := f.texts.get(id)
		if !ok || strings.TrimSpace(t.question) == "" || strings.TrimSpace(t.answer) == "" {
			continue
		}
		return Text{Question: t.question, Answer: t.answer, Lang: l, HumanReviewed: t.humanReviewed}, true
	}
	return Text{}, false
}

func baseLang(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}
