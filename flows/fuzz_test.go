package flows_test

import (
	"context"
	"testing"

	"lotse/internal/domain"
)

// FuzzHandle: routing never panics and never leaves a person in silence.
func FuzzHandle(f *testing.F) {
	e := mustEngine(f)
	f.Add(1, "wohnung", "", "", "de", "menu", true)
	f.Add(3, "", "q", "housing.wbs", "ar", "faq:housing.wbs", false)
	f.Add(2, "/x", "language", "", "zz", "area:nope", false)
	f.Add(5, "", "", "", "", "", true)
	f.Fuzz(func(t *testing.T, kind int, text, name, arg, lang, screen string, isNew bool) {
		ev := domain.Event{Kind: domain.EventKind(kind%8 + 1), Text: text, Command: name, LanguageCode: lang, Media: arg,
			Action: domain.Action{Name: name, Arg: arg}, MessageID: 3}
		s := domain.Session{Lang: lang, Screen: screen, Epoch: 9}
		res := e.Handle(context.Background(), s, isNew, ev)
		if len(res.Replies) == 0 {
			t.Fatalf("silence for %+v", ev)
		}
		if res.Session == nil && !res.Erase {
			t.Fatal("session lost without erasure")
		}
	})
}
