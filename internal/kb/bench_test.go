package kb

import "testing"

// BenchmarkKB_Search measures a short phone-style question against the
// shipped content. Search must stay in the tens of microseconds.
func BenchmarkKB_Search(b *testing.B) {
	k := MustLoad(b)
	queries := []struct{ name, q, lang string }{
		{"de_typo", "wie finde ich eine whonung fuer meine familie", "de"},
		{"en_mixed", "my duldung expires next week", "en"},
		{"ar_dialect", "الجوب سنتر بيدفع الكفالة", "ar"},
		{"uk_inflected", "чи можна мені працювати з гештатунгом", "uk"},
		{"out_of_scope", "wer hat gestern fussball gewonnen", "de"},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k.Search(q.q, q.lang)
			}
		})
	}
}
