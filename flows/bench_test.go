package flows_test

import (
	"context"
	"testing"

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
