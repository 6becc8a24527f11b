package offers

import (
	"slices"
	"testing"
)

// TestCandidates_PartsFilter checks the filter of term parts changes no
// candidate: candidates with it and with every bit set (every part looked
// up in the map, as before the filter) agree on every term of the sample
// directory, on compounds of two terms, and on terms with letters added
// or taken away.
func TestCandidates_PartsFilter(t *testing.T) {
	d := MustSample(t)
	ix := d.idx
	var qs []string
	for _, a := range ix.terms {
		qs = append(qs, a, a+"en", a+"ung", "ab"+a, "über"+a, a[:len(a)/2], a[len(a)/2:])
	}
	for i, a := range ix.terms {
		for j := 0; j < 40; j++ {
			b := ix.terms[(i*7+j*13)%len(ix.terms)]
			qs = append(qs, a+b, a+"s"+b)
		}
	}
	filtered := ix.parts
	all := make([]uint64, len(filtered))
	for i := range all {
		all[i] = ^uint64(0)
	}
	parts := 0
	for _, q := range qs {
		got := ix.candidates(q, nil)
		ix.parts = all
		want := ix.candidates(q, nil)
		ix.parts = filtered
		if !slices.Equal(got, want) {
			t.Fatalf("candidates(%q) = %v, want %v", q, got, want)
		}
		if len(got) > 1 {
			parts++
		}
	}
	if parts < len(qs)/10 {
		t.Errorf("only %d of %d words have more than one candidate: the test tests too little", parts, len(qs))
	}
	t.Logf("%d words, %d with more than one candidate", len(qs), parts)
}
