package kb

import (
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"lotse/locales"
)

// normalizeRef is Normalize as it was before its ASCII fast path: every
// rune through the Unicode tables, every text through NFKD. The fast
// path must give the same words for every text.
func normalizeRef(s string) string {
	if strings.ContainsRune(s, '´') {
		s = strings.ReplaceAll(s, "´", "'")
	}
	s = norm.NFKD.String(strings.ToValidUTF8(s, " "))
	var b strings.Builder
	b.Grow(len(s))
	var prev, prev2 rune
	space := false
	write := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r == 'e' && (prev == 'a' || prev == 'o' || (prev == 'u' && prev2 != 'a' && prev2 != 'e' && prev2 != 'q')) {
			return
		}
		b.WriteRune(r)
		prev2, prev = prev, r
	}
	sep := func() {
		space = true
		prev, prev2 = 0, 0
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.Is(unicode.Cf, r):
		case isApostrophe(r):
			next, _ := utf8.DecodeRuneInString(s[i:])
			if isCyrillic(prev) && isCyrillic(next) {
				continue
			}
			sep()
		case unicode.IsDigit(r):
			write(ASCIIDigit(r))
		case unicode.IsLetter(r):
			if f, ok := foldLetter(r); ok {
				for _, fr := range f {
					write(fr)
				}
				continue
			}
			if r == 'ـ' || r == 'ء' {
				continue
			}
			write(unicode.ToLower(r))
		default:
			sep()
		}
	}
	return b.String()
}

// stopMaskRef is stopMask worked out on every call, as it was.
func stopMaskRef(lang string) uint32 {
	var mask uint32
	known := false
	for i, l := range stopLangs {
		if l == lang {
			known = true
		}
		if l == lang || l == lang+"-latn" || !latinScript[l] {
			mask |= 1 << i
		}
	}
	if !known {
		return ^uint32(0)
	}
	return mask
}

func TestStopMask_SameAsComputed(t *testing.T) {
	t.Parallel()
	for _, lang := range append(slices.Clone(stopLangs), "", "xx", "de-latn", "ti-latn", "DE") {
		if got, want := stopMask(lang), stopMaskRef(lang); got != want {
			t.Errorf("stopMask(%q) = %b, want %b", lang, got, want)
		}
	}
}

// TestNormalize_SameAsReference compares Normalize with normalizeRef on
// every line of the shipped texts (all languages and scripts), every
// rune of the first planes alone and between letters, and random mixes
// of ASCII, accents, apostrophes, Cyrillic, Arabic, Ethiopic, format
// characters and broken UTF-8.
func TestNormalize_SameAsReference(t *testing.T) {
	t.Parallel()
	check := func(s string) {
		t.Helper()
		if got, want := Normalize(s), normalizeRef(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
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
		check(string(r))
		check("a" + string(r) + "e")
		check("сі" + string(r) + "я u" + string(r) + "e")
	}
	pool := []string{"a", "e", "u", "o", "q", "A", "E", "U", "Z", "z", "0", "9", " ", "  ", "\t", "\n", "?", "!", ".", ",", "-",
		"'", "`", "’", "´", "ʼ", "ü", "Ü", "é", "ß", "ẞ", "ı", "æ", "œ", "ø", "\u0301", "\u00ad", "\u200c", "\u200d",
		"с", "і", "я", "Ж", "ا", "أ", "ي", "ة", "ـ", "ء", "٤", "۱", "ሠ", "አ", "ዑ", "ﬁ", "①", "²", "\xff", "\xc3", "ｆ"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		check(b.String())
	}
}
