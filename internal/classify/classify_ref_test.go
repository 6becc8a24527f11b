package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// classifyRef is Classify as it was before the row set: the rows found
// sorted and compacted. Classify must return the same kind and the very
// same probability, as the sum runs over the same rows in the same order.
func classifyRef(m *Model, text string) (string, float64) {
	k := len(m.kinds)
	var s [maxClasses]float64
	var ids [maxFound]int32
	f := ids[:0]
	words := eachFeature(text, func(h uint64) {
		if id, ok := m.feature.row(h); ok && len(f) < cap(f) {
			f = append(f, id)
		}
	})
	slices.Sort(f)
	f = slices.Compact(f)
	if words < minWords || len(f) == 0 {
		return "", 0
	}
	m.probs(f, float32(1/math.Sqrt(float64(len(f)))), s[:k])
	best := 0
	for c := 1; c < k; c++ {
		if best == 0 || s[c] > s[best] {
			best = c
		}
	}
	return m.kinds[best], s[best]
}

func TestClassify_SameAsSorted(t *testing.T) {
	t.Parallel()
	// A larger model than toy: toy's messages and random mixes of their
	// words, so that rows run into the thousands.
	var vocab []string
	for _, ex := range toy {
		vocab = append(vocab, strings.Fields(ex.Text)...)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	mix := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := vocab[rng.IntN(len(vocab))]
			if rng.IntN(3) == 0 {
				w += vocab[rng.IntN(len(vocab))][:1] + w
			}
			b.WriteString(w)
		}
		return b.String()
	}
	examples := slices.Clone(toy)
	kinds := []string{"", "fire", "suicide", "medical"}
	for range 3000 {
		examples = append(examples, Example{Text: mix(2 + rng.IntN(10)), Kind: kinds[rng.IntN(len(kinds))]})
	}
	m, err := Train(examples)
	if err != nil {
		t.Fatal(err)
	}
	if rows := len(m.feature.features); rows < 5000 {
		t.Fatalf("only %d rows", rows)
	}
	check := func(text string) {
		t.Helper()
		gk, gp := m.Classify(text)
		wk, wp := classifyRef(m, text)
		if gk != wk || gp != wp {
			t.Fatalf("Classify(%q) = %q %v, want %q %v", text, gk, gp, wk, wp)
		}
	}
	for _, ex := range examples {
		check(ex.Text)
	}
	for n := range 400 {
		check(mix(n))
	}
	// More features than Classify counts: the same first ones count.
	check(mix(3 * maxWords))
	long := ""
	for range 2 * maxWords {
		long += " " + vocab[rng.IntN(len(vocab))] + "fireburningflamessmokepills"
	}
	check(long)
}
