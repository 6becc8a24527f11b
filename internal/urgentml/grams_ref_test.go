package urgentml

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// gramsRef is grams as it was before the grams of one start were hashed
// together: each gram hashed on its own, by length then start.
func gramsRef(w string, fn func(uint64)) {
	var starts [64]int
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

// TestGrams_SameAsRef checks grams calls fn with the same hashes in the
// same order as gramsRef, for words of every length up to past the
// longest that has grams, in several scripts.
func TestGrams_SameAsRef(t *testing.T) {
	t.Parallel()
	alphabet := []rune("abcxyzäöüßçşğıабвгдеابتثحخسشውርተብንአ1-'")
	rng := rand.New(rand.NewPCG(5, 6))
	words := []string{"", "a", "ab", "abc", "hilfe", "пожар", "حريق", "ሓገዝ"}
	for n := 1; n <= 70; n++ {
		for range 50 {
			var b strings.Builder
			for range n {
				b.WriteRune(alphabet[rng.IntN(len(alphabet))])
			}
			words = append(words, b.String())
		}
	}
	for _, ex := range toy {
		words = append(words, strings.Fields(ex.Text)...)
	}
	for _, w := range words {
		var got, want []uint64
		grams(w, func(h uint64) { got = append(got, h) })
		gramsRef(w, func(h uint64) { want = append(want, h) })
		if !slices.Equal(got, want) {
			t.Fatalf("grams(%q) = %d hashes %v, want %d %v", w, len(got), got, len(want), want)
		}
	}
}
