package kb

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", " ", "wie finde ich eine whonung", "أين أجد شقة؟", "می‌خواهم کار کنم", "сім'я", "ሰላም፡ሓገዝ።",
	"Straße fuer Aenderung", "ÆØÅ ǅ ﷺ ﻻ", "\u200c\u200f\u00ad", "aeeeoue", "\xff\xfe", strings.Repeat("wohnung ", 300),
	"{{jobcenter}}", "notaufnahme 112", "ـــــ", "٠١٢٣٤٥٦٧٨٩ ۰۱۲", "İıŞş",
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q has stray spaces", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", s, n, again)
		}
		_ = stem(n)
	})
}

func FuzzSearch(f *testing.F) {
	k := MustLoad(f)
	for _, s := range fuzzSeeds {
		f.Add(s, "de")
	}
	f.Add("كيف", "ar")
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, q, lang string) {
		r := k.Search(q, lang)
		if len(r.Best) > 3 || (r.Confident && len(r.Best) == 0) {
			t.Fatalf("Search(%q) = %+v", q, r)
		}
		for _, m := range r.Best {
			if _, ok := k.Entry(m.ID); !ok || m.Score < 0 || m.Score > 1 {
				t.Fatalf("Search(%q) returned %+v", q, m)
			}
		}
		_ = k.Urgent(q)
		_ = Render(q, map[string]string{"jobcenter": q})
	})
}
