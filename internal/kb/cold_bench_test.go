package kb

import (
	"slices"
	"testing"
	"time"

	"lotse/internal/coldcache"
)

// coldQuestion is one message of the cold benchmark's mix, analyzed.
type coldQuestion struct {
	lang string
	m    *Message
}

// BenchmarkKB_Cold splits the knowledge base's part of an ordinary
// message (flows' BenchmarkEngine_Cold) into the urgent lists, the
// urgent model, both (Alarm) and the search, each timed alone on the
// same mix of questions in all languages, with the caches cold (a walk
// over coldcache.Buffer before each part) or warm. ns/msg is the part alone, on average; med-ns/msg
// its median, which on a shared machine moves less.
//
//	go test -run '^$' -bench KB_Cold ./internal/kb
func BenchmarkKB_Cold(b *testing.B) {
	k := MustLoad(b)
	var qs []coldQuestion
	for _, q := range coldcache.Questions(b, evalDir, "testdata/round15") {
		qs = append(qs, coldQuestion{q.Lang, NewMessage(q.Q)})
	}
	buf := coldcache.Buffer()
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
						coldcache.Evict(buf)
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
