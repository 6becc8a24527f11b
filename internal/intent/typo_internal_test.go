package intent

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lotse/internal/kb"
)

// lookupTypoAll is lookupTypo as it was before the words were indexed by
// length and rune mask: every fuzzy word of the first rune, in list order.
// The reference for TestLookupTypo_SameAsAll.
func (m *Matcher) lookupTypoAll(t string, out []int32) []int32 {
	var rb [64]rune
	tr, ok := runesIn(t, &rb)
	if !ok {
		return out
	}
	for _, w := range m.fuzzy[tr[0]] {
		if w.prefix {
			if len(w.runes)-1 > len(tr) {
				continue
			}
			last := w.runes[len(w.runes)-1]
			for n := len(w.runes) - 1; n <= len(w.runes)+1; n++ {
				if n <= len(tr) && n >= fuzzyMin-1 && tr[n-1] == last && within1(tr[:n], w.runes) {
					out = appendNew(out, w.id)
					break
				}
			}
		} else if len(w.runes) >= len(tr)-1 && len(w.runes) <= len(tr)+1 && within1(tr, w.runes) {
			out = appendNew(out, w.id)
		}
	}
	return out
}

// typoProbes are the words of the test sets and every phrase word with
// each one-letter edit (and some two-letter ones) applied.
func typoProbes(t *testing.T, m *Matcher) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("test sets: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range strings.Fields(kb.Normalize(string(b))) {
			add(w)
		}
	}
	letters := []rune("aeiklnrstuäöüçşıаеиоسنميውርተ")
	for _, w := range m.words {
		r := w.runes
		add(w.text)
		for i := range len(r) + 1 {
			if i < len(r) {
				add(string(slices.Delete(slices.Clone(r), i, i+1)))
			}
			if i+1 < len(r) {
				s := slices.Clone(r)
				s[i], s[i+1] = s[i+1], s[i]
				add(string(s))
			}
			for _, c := range letters {
				add(string(slices.Insert(slices.Clone(r), i, c)))
				if i < len(r) {
					s := slices.Clone(r)
					s[i] = c
					add(string(s))
					add(string(append(s, 'e')))
					if i > 0 {
						add(string(slices.Delete(s, i-1, i)))
					}
				}
			}
		}
		add(string(append(slices.Clone(r), []rune("ungen")...)))
	}
	return out
}

// TestLookupTypo_SameAsAll checks the indexed lookupTypo finds the same
// words in the same order as the search over every fuzzy word, with room
// for all and for only one or two.
func TestLookupTypo_SameAsAll(t *testing.T) {
	m := Shipped()
	all := typoProbes(t, m)
	// Every tenth of the 1.35 million edits: the comparison of the two
	// lookups stays broad, and the race-built suite is not held up by it
	// (24 s whole).
	var probes []string
	for i := 0; i < len(all); i += 10 {
		probes = append(probes, all[i])
	}
	found := 0
	for _, p := range probes {
		for _, room := range []int{48, 2, 1} {
			got := m.lookupTypo(p, make([]int32, 0, room))
			want := m.lookupTypoAll(p, make([]int32, 0, room))
			if !slices.Equal(got, want) {
				t.Fatalf("lookupTypo(%q, room %d) = %v, want %v", p, room, got, want)
			}
			if room == 48 && len(got) > 0 {
				found++
			}
		}
	}
	if found < len(probes)/4 {
		t.Errorf("only %d of %d probes match a word with a typo: the probes test too little", found, len(probes))
	}
	t.Logf("%d probes, %d with a typo match", len(probes), found)
}
