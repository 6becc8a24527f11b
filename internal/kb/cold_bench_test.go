package kb

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// coldQuestion is one message of the cold benchmarks' mix.
type coldQuestion struct {
	lang string
	m    *Message
}

// coldMix is the questions of the search evaluation and of round fifteen
// in every language, interleaved so that consecutive messages are in
// different languages.
func coldMix(tb testing.TB) []coldQuestion {
	tb.Helper()
	var byLang [][]coldQuestion
	for _, dir := range []string{evalDir, "testdata/round15"} {
		sets := loadEvalDir(tb, dir)
		for _, lang := range slices.Sorted(func(yield func(string) bool) {
			for l := range sets {
				if !yield(l) {
					return
				}
			}
		}) {
			var l []coldQuestion
			for _, q := range sets[lang].Questions {
				l = append(l, coldQuestion{lang, NewMessage(q.Q)})
			}
			byLang = append(byLang, l)
		}
	}
	var out []coldQuestion
	for i := 0; ; i++ {
		added := false
		for _, l := range byLang {
			if i < len(l) {
				out, added = append(out, l[i]), true
			}
		}
		if !added {
			return out
		}
	}
}

// coldBuffer is the memory walked between messages: larger than the L2
// cache and than one chiplet's L3 (LOTSE_COLD_MB, default 32 MB).
func coldBuffer() []uint64 {
	mb := 32
	if v, err := strconv.Atoi(os.Getenv("LOTSE_COLD_MB")); err == nil && v > 0 {
		mb = v
	}
	return make([]uint64, mb<<20/8)
}

// evict writes one word of every 64-byte line of buf.
func evict(buf []uint64) {
	for j := 0; j < len(buf); j += 8 {
		buf[j]++
	}
}

// BenchmarkKB_Cold splits the knowledge base's part of an ordinary
// message (flows' BenchmarkEngine_Cold) into the urgent lists, the
// urgent model, both (Alarm) and the search, each timed alone on the
// same mix of questions in all languages, with the caches cold (a walk
// over coldBuffer before each part) or warm. ns/msg is the part alone, on average; med-ns/msg
// its median, which on a shared machine moves less.
//
//	go test -run '^$' -bench KB_Cold ./internal/kb
func BenchmarkKB_Cold(b *testing.B) {
	k := MustLoad(b)
	qs := coldMix(b)
	buf := coldBuffer()
	model := k.urgentModel()
	parts := []struct {
		name string
		run  func(q coldQuestion)
	}{
		{"lists", func(q coldQuestion) { k.urgent.matchKinds(q.m.Text, q.m.Words, k.knownWord, false) }},
		{"model", func(q coldQuestion) { k.modelJudge(model, q.m.Norm, UrgentViolence) }},
		{"alarm", func(q coldQuestion) { k.Alarm(q.m) }},
		{"search", func(q coldQuestion) { k.SearchMessage(q.m, q.lang) }},
	}
	times := make([]time.Duration, 0, 1<<17) // no allocation while timed
	for _, p := range parts {
		for _, cold := range []bool{false, true} {
			name := p.name + "/warm"
			if cold {
				name = p.name + "/cold"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				var in time.Duration
				each := times[:0]
				i := 0
				for b.Loop() {
					q := qs[i%len(qs)]
					i++
					if cold {
						evict(buf)
					}
					t0 := time.Now()
					p.run(q)
					d := time.Since(t0)
					in += d
					each = append(each, d)
				}
				b.ReportMetric(float64(in.Nanoseconds())/float64(i), "ns/msg")
				slices.Sort(each)
				b.ReportMetric(float64(each[len(each)/2].Nanoseconds()), "med-ns/msg")
			})
		}
	}
}
