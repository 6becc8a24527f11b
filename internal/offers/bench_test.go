package offers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// generated is an editors' CSV file of n offers built from the sample's
// own texts and words, spread over a town, so that the index has the
// vocabulary and posting lengths of a real directory of that size.
func generated(tb testing.TB, n int) []byte {
	tb.Helper()
	base, probs := Parse(SampleName, Sample(), DefaultCategories())
	if Errors(probs) > 0 {
		tb.Fatal(probs)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var words []string
	for _, o := range base {
		for _, t := range o.Texts {
			words = append(words, strings.Fields(t.Title+" "+t.Description)...)
		}
	}
	cols := []string{"id", "title", "category", "description", "target_group", "district", "lat", "lon", "languages",
		"free", "url", "valid_until", "last_checked", "tags", "title_ar", "description_ar", "title_uk", "description_uk", "title_fa"}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(cols)
	districts := []string{"Mitte", "Nord", "Süd", "Ost", "West", "Hafen", "Altstadt", "Kreuzviertel"}
	langs := []string{"de", "en", "ar", "fa", "uk", "ru", "tr", "ps", "ti", "so", "ku", "fr"}
	for i := range n {
		o := base[rng.IntN(len(base))]
		de, ar, uk, fa := o.Texts["de"], o.Texts["ar"], o.Texts["uk"], o.Texts["fa"]
		// A word from another offer makes every title different.
		extra := words[rng.IntN(len(words))]
		free := "no"
		if rng.IntN(3) > 0 {
			free = "yes"
		}
		until := ""
		if rng.IntN(10) == 0 {
			until = "2025-06-30"
		}
		var spoken []string
		for _, l := range langs {
			if l == "de" || rng.IntN(4) == 0 {
				spoken = append(spoken, l)
			}
		}
		w.Write([]string{
			"g" + strconv.Itoa(i), de.Title + " " + extra, o.Category, de.Description, de.TargetGroup,
			districts[rng.IntN(len(districts))],
			strconv.FormatFloat(51.90+rng.Float64()*0.12, 'f', 5, 64), strconv.FormatFloat(7.55+rng.Float64()*0.15, 'f', 5, 64),
			fmt.Sprint(slices.Clip(spoken)), free, "https://www.musterstadt.de/angebote/" + strconv.Itoa(i), until, "2026-10-01",
			joinTags(o.Tags), ar.Title, ar.Description, uk.Title, uk.Description, fa.Title,
		})
	}
	w.Flush()
	// fmt prints lists as [de ar]: the file takes spaces, not brackets.
	return []byte(strings.NewReplacer("[", "", "]", "").Replace(b.String()))
}

func joinTags(tags []string) string {
	var b bytes.Buffer
	for i, t := range tags {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t)
	}
	return b.String()
}

func mustGenerated(tb testing.TB, n int) *Directory {
	tb.Helper()
	data := generated(tb, n)
	list, probs := Parse("generated.csv", data, DefaultCategories())
	if Errors(probs) > 0 || len(list) != n {
		tb.Fatalf("generated file: %d offers, problems %v", len(list), probs[:min(3, len(probs))])
	}
	return Build(list, DefaultCategories(), Version(data))
}

// BenchmarkImport parses, checks and indexes 5,000 offers: what a replica
// does when an import arrives. Target: under 2 s. It also reports the
// heap the directory keeps per offer.
func BenchmarkImport(b *testing.B) {
	data := generated(b, 5000)
	b.SetBytes(int64(len(data)))
	var keep *Directory
	for b.Loop() {
		list, _ := Parse("generated.csv", data, DefaultCategories())
		keep = Build(list, DefaultCategories(), "v")
	}
	b.StopTimer()
	keep = nil
	// What the directory keeps: the heap with it minus the heap without.
	list, _ := Parse("generated.csv", data, DefaultCategories())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep = Build(list, DefaultCategories(), "v")
	list = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/5000, "index-B/offer")
	runtime.KeepAlive(keep)
	// The offers themselves (texts, lists) are kept as well.
	keep = nil
	runtime.GC()
	runtime.ReadMemStats(&before)
	list, _ = Parse("generated.csv", data, DefaultCategories())
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/5000, "offer-B/offer")
	runtime.KeepAlive(list)
}

// BenchmarkSearch runs free-text and filtered queries against 5,000
// offers on one goroutine and reports the 99th percentile; target 1 ms.
func BenchmarkSearch(b *testing.B) {
	d := mustGenerated(b, 5000)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	near := Point{51.96, 7.62}
	queries := []struct {
		name string
		run  func()
	}{
		{"text_de", func() { d.Search("deutschkurs mit kinderbetreuung", "de", Filter{}, now, 5) }},
		{"text_ar", func() { d.Search("نادي كرة قدم للأطفال", "ar", Filter{}, now, 5) }},
		{"text_uk", func() {
			d.Search("безкоштовна юридична консультація", "uk", Filter{}, now, 5)
		}},
		{"text_fa_filtered", func() { d.Search("کلاس زبان برای زنان", "fa", Filter{Lang: "fa", Free: true}, now, 5) }},
		{"browse_category_lang", func() { d.Browse(Filter{Category: "language", Lang: "ar", Free: true}, now, 0, 5) }},
		{"browse_all_near", func() { d.Browse(Filter{Near: &near}, now, 0, 5) }},
		{"browse_all_near_page20", func() { d.Browse(Filter{Near: &near, Childcare: true}, now, 100, 5) }},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				q.run()
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// TestSearch_Scale keeps the benchmark's promise in the ordinary test run:
// at 5,000 offers a query stays far below a millisecond on average.
func TestSearch_Scale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 5,000 offers")
	}
	d := mustGenerated(t, 5000)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if hits := d.Search("deutschkurs kinderbetreuung", "de", Filter{}, now, 5); len(hits) != 5 {
		t.Fatalf("hits = %v", ids(hits))
	}
	start := time.Now()
	const n = 200
	for range n {
		d.Search("безкоштовна юридична консультація", "uk", Filter{}, now, 5)
	}
	// Generous: CI machines are shared; the benchmark measures properly.
	if avg := time.Since(start) / n; avg > 5*time.Millisecond {
		t.Errorf("average search %v at 5,000 offers", avg)
	}
}
