package kb

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// oneTypoRef is oneTypo as it was before it decoded into buffers of its
// own: []rune conversions and string comparisons.
func oneTypoRef(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < 2 || len(rb) < 2 || ra[0] != rb[0] || ra[1] != rb[1] {
		return false
	}
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	switch {
	case i == len(rb):
		return len(ra)-len(rb) <= 1
	case len(ra) == len(rb):
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	case len(ra) == len(rb)+1:
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}

// TestOneTypo_SameAsRef compares oneTypo with oneTypoRef on pairs of
// words one or two random edits apart, in several scripts, with invalid
// UTF-8 and words longer than oneTypo's buffers among them.
func TestOneTypo_SameAsRef(t *testing.T) {
	t.Parallel()
	alphabet := []rune("abeinrstäöüçşıабежиاحسمውርተ\uFFFD")
	rng := rand.New(rand.NewPCG(7, 8))
	word := func(n int) []rune {
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return r
	}
	edit := func(r []rune) []rune {
		r = append([]rune(nil), r...)
		if len(r) == 0 {
			return append(r, alphabet[rng.IntN(len(alphabet))])
		}
		i := rng.IntN(len(r))
		switch rng.IntN(4) {
		case 0:
			r[i] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			r = append(r[:i], r[i+1:]...)
		case 2:
			r = append(r[:i], append([]rune{alphabet[rng.IntN(len(alphabet))]}, r[i:]...)...)
		default:
			if i+1 < len(r) {
				r[i], r[i+1] = r[i+1], r[i]
			}
		}
		return r
	}
	trues := 0
	check := func(a, b string) {
		got, want := oneTypo(a, b), oneTypoRef(a, b)
		if got != want {
			t.Fatalf("oneTypo(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got {
			trues++
		}
	}
	for range 200000 {
		r := word(rng.IntN(40))
		e := edit(r)
		if rng.IntN(3) == 0 {
			e = edit(e)
		}
		check(string(r), string(e))
	}
	for _, p := range [][2]string{{"ab\xffc", "ab\xfec"}, {"\xff\xfe", "\xfe\xff"}, {"hil\xc3", "hil\xc3\xa4"}, {strings.Repeat("x", 40) + "a", strings.Repeat("x", 40) + "b"}} {
		check(p[0], p[1])
	}
	if trues < 50000 {
		t.Errorf("only %d pairs one typo apart: the test tests too little", trues)
	}
}

// TestIndexPartEnd_SameAsIndexFunc compares indexPartEnd with the
// strings.IndexFunc it replaced, on random texts of ASCII, other scripts,
// the marks that end sentences and invalid UTF-8.
func TestIndexPartEnd_SameAsIndexFunc(t *testing.T) {
	t.Parallel()
	pieces := []string{"a", "Z", "1", " ", "\t", "\n", ".", ",", "!", "?", ";", ":", "-", "ä", "ш", "ع", "؟", "؛", "۔", "።", "፧", "।", "،", "፣", "ሀ", "\xff", "\xe1\x8d", "wort", "…"}
	rng := rand.New(rand.NewPCG(9, 10))
	found := 0
	for range 100000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		got := indexPartEnd(s)
		want := strings.IndexFunc(s, func(r rune) bool { return isSentenceEnd(0, r, 0) || isClauseEnd(0, r, 0) })
		if got != want {
			t.Fatalf("indexPartEnd(%q) = %d, want %d", s, got, want)
		}
		if got >= 0 {
			found++
		}
	}
	if found < 10000 {
		t.Errorf("only %d texts with an end: the test tests too little", found)
	}
}
