package flows_test

import (
	"context"
	"testing"

	"lotse/internal/coldcache"
	"lotse/internal/domain"
)

// BenchmarkEngine_Question is the conversation's part of an ordinary
// message: a person who has written before asks one of the load harness's
// questions (cmd/loadtest) and gets the answer, with the shipped sample
// offers in the directory as `lotse serve` has them without a config.
//
//	go test -run '^$' -bench Engine_Question -benchmem ./flows/
func BenchmarkEngine_Question(b *testing.B) {
	e := mustSampleOffersEngine(b)
	questions := []string{
		"Darf ich mit Duldung arbeiten?",
		"Wo bekomme ich einen Wohnberechtigungsschein?",
		"Wie verlängere ich meinen Aufenthaltstitel?",
		"Was ist eine Aufenthaltsgestattung?",
	}
	s := domain.Session{Lang: "de"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ev := withLang(text(questions[i%len(questions)]), "de")
		ev.ChatID = 42
		if r := e.Handle(ctx, s, false, ev); len(r.Replies) == 0 {
			b.Fatal("no reply")
		}
	}
}

// BenchmarkEngine_Cold is an ordinary question as a live bot meets it:
// between one person's messages the process has served others, so the
// knowledge base, the urgent lists and model and the search index are
// no longer in the CPU's caches. Each message of a mix in all twelve
// languages (the search evaluation's and round fifteen's questions) is
// handled with the caches cold or warm (coldcache.Run).
//
//	go test -run '^$' -bench Engine_Cold -benchmem ./flows/
func BenchmarkEngine_Cold(b *testing.B) {
	e := mustSampleOffersEngine(b)
	msgs := coldcache.Questions(b, "../internal/kb/testdata/eval", "../internal/kb/testdata/round15")
	ctx := context.Background()
	coldcache.Run(b, len(msgs), func(b *testing.B, i int) {
		m := msgs[i]
		ev := withLang(text(m.Q), m.Lang)
		ev.ChatID = 42
		if r := e.Handle(ctx, domain.Session{Lang: m.Lang, LangChosen: true, Epoch: 1}, false, ev); len(r.Replies) == 0 {
			b.Fatal("no reply")
		}
	})
}
