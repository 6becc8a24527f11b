package kb

import (
	"fmt"
	"io/fs"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"
)

// BenchmarkKB_Search measures short phone-style questions against the
// shipped content.
func BenchmarkKB_Search(b *testing.B) {
	k := MustLoad(b)
	queries := []struct{ name, q, lang string }{
		{"de_typo", "wie finde ich eine whonung fuer meine familie", "de"},
		{"en_mixed", "my duldung expires next week", "en"},
		{"ar_dialect", "الجوب سنتر بيدفع الكفالة", "ar"},
		{"uk_inflected", "чи можна мені працювати з гештатунгом", "uk"},
		{"ru_cyrillic", "мне нужна квартира для семьи", "ru"},
		{"ru_latin", "mne nuzhna kvartira dlya semyi", "ru"},
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

// scaleSizes are the entry counts of the scale benchmarks: the shipped
// content, and synthetic bases the size of a town's local offers.
var scaleSizes = []int{0, 500, 5000}

// BenchmarkKB_SearchScale runs every tuning question of every language
// against the shipped content and against synthetic bases of 500 and 5,000
// entries, and reports the typical (median) and worst time per question,
// and the median CPU time of the thread that ran it, which moves much less
// than the wall time when other work shares the machine; each round starts
// without what searches keep for the next (memo), and a last round with it
// reports the warm CPU median. Per-question work must not grow with the
// number of entries.
func BenchmarkKB_SearchScale(b *testing.B) {
	sets := MustLoadEval(b)
	type query struct{ q, lang string }
	var queries []query
	for lang, s := range sets {
		for _, c := range s.Questions {
			queries = append(queries, query{c.Q, lang})
		}
		for _, q := range s.OutOfScope {
			queries = append(queries, query{q, lang})
		}
	}
	slices.SortFunc(queries, func(a, b query) int { return strings.Compare(a.lang+a.q, b.lang+b.q) })
	for _, n := range scaleSizes {
		k := mustLoadScaled(b, n)
		b.Run(fmt.Sprintf("entries=%d", len(k.entries)), func(b *testing.B) {
			spent := make([]time.Duration, len(queries))
			cpu := make([]time.Duration, len(queries))
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			rounds := 0
			for b.Loop() {
				// Each round starts as a fresh process would: what
				// searches keep for the next (memo) only helps within it.
				k.idx.memoP.Store(nil)
				for i, q := range queries {
					t0, c0 := time.Now(), threadCPU()
					k.Search(q.q, q.lang)
					cpu[i] += threadCPU() - c0
					spent[i] += time.Since(t0)
				}
				rounds++
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			// One more round with what the last one kept: a process
			// that has seen these questions' words before.
			warm := make([]time.Duration, len(queries))
			for i, q := range queries {
				c0 := threadCPU()
				k.Search(q.q, q.lang)
				warm[i] = threadCPU() - c0
			}
			slices.Sort(warm)
			slices.Sort(spent)
			slices.Sort(cpu)
			per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(rounds) }
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(per(spent[len(spent)/2]), "µs/q-median")
			b.ReportMetric(per(spent[len(spent)*99/100]), "µs/q-p99")
			b.ReportMetric(per(spent[len(spent)-1]), "µs/q-max")
			if cpu[len(cpu)-1] > 0 {
				b.ReportMetric(per(cpu[len(cpu)/2]), "µs/q-cpu-median")
				b.ReportMetric(float64(warm[len(warm)/2].Microseconds()), "µs/q-cpu-warm")
			}
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(rounds*len(queries)), "allocs/q")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(rounds*len(queries)), "B/q")
		})
	}
}

// BenchmarkKB_Load measures start-up: loading and indexing the shipped
// content and synthetic bases of 500 and 5,000 entries in 12 languages,
// from the files ("files"), from the files writing the compiled cache
// ("cold") and from the cache ("warm"), and the heap the loaded knowledge
// base keeps.
func BenchmarkKB_Load(b *testing.B) {
	for _, n := range scaleSizes {
		fsys := scaledFS(b, n)
		var size int
		for _, f := range fsys {
			size += len(f.Data)
		}
		entries := n
		if n == 0 {
			entries = len(MustLoad(b).entries)
		}
		for _, mode := range []string{"files", "cold", "warm"} {
			b.Run(fmt.Sprintf("entries=%d/%s", entries, mode), func(b *testing.B) {
				load := func() *KB {
					dir := ""
					if mode != "files" {
						dir = b.TempDir()
						if mode == "warm" {
							if _, cacheErr, err := LoadCached(fsys, "", dir); err != nil || cacheErr != nil {
								b.Fatal(err, cacheErr)
							}
						}
					}
					// As in a new process: no model learnt before.
					urgentModels.Lock()
					urgentModels.byKey = nil
					urgentModels.Unlock()
					b.StartTimer()
					k, cacheErr, err := LoadCached(fsys, "", dir)
					b.StopTimer()
					if err != nil || cacheErr != nil {
						b.Fatal(err, cacheErr)
					}
					return k
				}
				b.StopTimer()
				var k *KB
				for range b.N {
					k = load()
				}
				var before, after runtime.MemStats
				k = nil
				runtime.GC()
				runtime.ReadMemStats(&before)
				k = load()
				runtime.GC()
				runtime.ReadMemStats(&after)
				runtime.KeepAlive(k)
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-heap")
				b.ReportMetric(float64(size)/(1<<20), "MB-yaml")
			})
		}
	}
}

// mustLoadScaled loads the shipped content grown to n entries (0: as
// shipped).
func mustLoadScaled(tb testing.TB, n int) *KB {
	tb.Helper()
	k, err := Load(scaledFS(tb, n), "")
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// scaledFS returns the shipped locales tree with synthetic entries added
// up to n entries (none if n is not above the shipped count). Each
// synthetic entry copies a shipped one in every language and replaces
// about a third of its words by made-up words built from two halves of
// real words of that language, so the vocabulary and the postings of
// common words grow with n the way a large base's would.
func scaledFS(tb testing.TB, n int) fstest.MapFS {
	tb.Helper()
	src := os.DirFS("../../locales")
	out := fstest.MapFS{}
	files, err := fs.Glob(src, "kb/*.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	// The urgent lists and examples too: serve loads them, and the model
	// learns from the base's questions and phrases, so it grows with it.
	examples, err := fs.Glob(src, examplesDir+"/*.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	files = append(append(files, urgentFile), examples...)
	for _, name := range files {
		data, err := fs.ReadFile(src, name)
		if err != nil {
			tb.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: data}
	}
	var st structureYAML
	if err := yaml.Unmarshal(out[structureFile].Data, &st); err != nil {
		tb.Fatal(err)
	}
	shipped := len(st.Entries)
	if n <= shipped {
		return out
	}
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	newIDs := make([]string, 0, n-shipped)
	for i := shipped; i < n; i++ {
		base := st.Entries[i%shipped]
		e := base
		e.ID = fmt.Sprintf("%s_%d", base.ID, i)
		e.Related = nil
		st.Entries = append(st.Entries, e)
		newIDs = append(newIDs, e.ID)
	}
	mustMarshal := func(v any) []byte {
		b, err := yaml.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	out[structureFile] = &fstest.MapFile{Data: mustMarshal(st)}
	for _, name := range files {
		if name == structureFile || name == urgentFile || strings.HasPrefix(name, examplesDir+"/") {
			continue
		}
		var l langYAML
		if err := yaml.Unmarshal(out[name].Data, &l); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		// In id order: the same base every run, so runs compare.
		var vocab []string
		for _, id := range slices.Sorted(maps.Keys(l.Entries)) {
			t := l.Entries[id]
			vocab = append(vocab, strings.Fields(t.Question+" "+t.Answer)...)
		}
		// Made-up words come from a pool that grows with the square root
		// of the text, as a real vocabulary does (Heaps' law): a large
		// base repeats its words, it does not invent new ones each time.
		pool := make([]string, 20*int(math.Sqrt(float64(len(vocab)*n/shipped))))
		for i := range pool {
			a := []rune(vocab[rng.IntN(len(vocab))])
			c := []rune(vocab[rng.IntN(len(vocab))])
			pool[i] = string(a[:(len(a)+1)/2]) + string(c[len(c)/2:])
		}
		vary := func(s string) string {
			words := strings.Fields(s)
			for i := range words {
				if rng.IntN(3) == 0 {
					words[i] = pool[rng.IntN(len(pool))]
				}
			}
			return strings.Join(words, " ")
		}
		for j, id := range newIDs {
			t, ok := l.Entries[st.Entries[(shipped+j)%shipped].ID]
			if !ok {
				continue
			}
			v := textYAML{Question: vary(t.Question), Answer: vary(t.Answer)}
			for _, p := range t.Phrases {
				v.Phrases = append(v.Phrases, vary(p))
			}
			l.Entries[id] = v
		}
		out[name] = &fstest.MapFile{Data: mustMarshal(l)}
	}
	return out
}
