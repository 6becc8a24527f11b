package langid

import (
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"lotse/locales"
)

// forWordsRef is forWords as it was before its ASCII fast path: every
// rune through the Unicode tables.
func forWordsRef(text string, f func(string)) {
	for _, field := range strings.Fields(text) {
		if strings.Contains(field, "://") || strings.Contains(field, "@") || strings.HasPrefix(field, "www.") {
			continue
		}
		start := -1
		for i, r := range field {
			inWord := unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) ||
				(start >= 0 && (r == '\'' || r == '’') && i+utf8.RuneLen(r) < len(field)) ||
				letterDigit(field, i, start)
			if inWord && start < 0 {
				start = i
			}
			if !inWord && start >= 0 {
				emit(field[start:i], f)
				start = -1
			}
		}
		if start >= 0 {
			emit(field[start:], f)
		}
	}
}

// TestForWords_SameAsReference compares forWords with forWordsRef on
// every line of the shipped texts, every rune of the first planes between
// letters and random mixes.
func TestForWords_SameAsReference(t *testing.T) {
	t.Parallel()
	words := func(fn func(string, func(string)), s string) []string {
		var out []string
		fn(s, func(w string) { out = append(out, w) })
		return out
	}
	check := func(s string) {
		t.Helper()
		if got, want := words(forWords, s), words(forWordsRef, s); !slices.Equal(got, want) {
			t.Fatalf("forWords(%q) = %q, want %q", s, got, want)
		}
	}
	lines := 0
	err := fs.WalkDir(locales.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(locales.FS, path)
		if err != nil {
			return err
		}
		for line := range strings.Lines(string(b)) {
			check(line)
			lines++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if lines < 10000 {
		t.Fatalf("only %d lines of shipped texts", lines)
	}
	for r := rune(0); r < 0x3100; r++ {
		check("a" + string(r) + "b " + string(r) + "x " + "ab" + string(r))
	}
	pool := []string{"a", "Z", "İ", "ß", "2", "3", "7", "0", "1", "9", " ", "'", "’", "`", "-", ".", "@", "://", "www.",
		"\u0301", "\u064e", "ж", "ا", "ሰ", "é", "ª", "²", "\xff"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		check(b.String())
	}
}
