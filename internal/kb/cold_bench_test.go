package kb

import (
	"testing"

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
// same mix of questions in all languages, with the caches cold or warm
// (coldcache.Run).
//
//	go test -run '^$' -bench KB_Cold ./internal/kb
func BenchmarkKB_Cold(b *testing.B) {
	k := MustLoad(b)
	var qs []coldQuestion
	for _, q := range coldcache.Questions(b, evalDir, "testdata/round15") {
		qs = append(qs, coldQuestion{q.Lang, NewMessage(q.Q)})
	}
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
	for _, p := range parts {
		b.Run(p.name, func(b *testing.B) {
			coldcache.Run(b, len(qs), func(_ *testing.B, i int) { p.run(qs[i]) })
		})
	}
}
