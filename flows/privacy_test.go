package flows_test

import (
	"context"
	"strings"
	"testing"

	"lotse/internal/domain"
)

// The delete question answered by typing: "nein" keeps everything and
// says so; "ja" is not taken for the irreversible tap but is not met by
// the bare menu either, which would look as if it had worked: the person
// is told to tap the button, which is shown again. Either way the
// question lasts one message, and a language switched back to asks it
// again in that language.
func TestDelete_TypedAnswer(t *testing.T) {
	e := mustEngine(t, noHandover)
	ctx := context.Background()
	ask := func(t *testing.T, lang string) domain.Session {
		t.Helper()
		res := e.Handle(ctx, domain.Session{Lang: lang, LangChosen: true, Epoch: 1}, false, command("delete"))
		if !hasAction(res, "dy") {
			t.Fatalf("/delete: no confirmation: %q", allText(res))
		}
		return *res.Session
	}
	for _, tt := range []struct{ lang, yes, no, kept string }{
		{"de", "ja", "nein", "nichts wurde gelöscht"},
		{"uk", "так", "ні", ""},
		{"ar", "نعم", "لا", ""},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			s := ask(t, tt.lang)
			res := e.Handle(ctx, s, false, text(tt.yes))
			msgs, _, _, err := shipped()
			if err != nil {
				t.Fatal(err)
			}
			if res.Erase || !hasAction(res, "dy") || !strings.Contains(allText(res), msgs.For(tt.lang).T("delete.yes", nil)) {
				t.Errorf("%q typed: want the button again with a word on it, got erase=%v %q", tt.yes, res.Erase, allText(res))
			}
			s = ask(t, tt.lang)
			res = e.Handle(ctx, s, false, text(tt.no))
			if res.Erase || hasAction(res, "dy") || !hasAction(res, "m") && !hasAction(res, "a") {
				t.Errorf("%q typed: want kept and the menu, got %q", tt.no, allText(res))
			}
			if tt.kept != "" && !strings.Contains(allText(res), tt.kept) {
				t.Errorf("%q typed: not told that nothing was deleted: %q", tt.no, allText(res))
			}
		})
	}
	t.Run("OneMessageOnly", func(t *testing.T) {
		s := ask(t, "de")
		res := e.Handle(ctx, s, false, text("Wie finde ich eine Wohnung?"))
		res = e.Handle(ctx, *res.Session, false, text("ja"))
		if hasAction(res, "dy") {
			t.Errorf("\"ja\" two messages after the question asked to delete again: %q", allText(res))
		}
	})
	t.Run("LanguageBack", func(t *testing.T) {
		res := e.Handle(ctx, domain.Session{Lang: "uk", Epoch: 1}, false, withLang(text("lösch meine Daten"), "uk"))
		if res.Session.Lang != "de" || !hasAction(res, "dy") || !hasAction(res, "lb") {
			t.Fatalf("German delete request on a Ukrainian phone: %+v %q", res.Session, allText(res))
		}
		res = e.Handle(ctx, *res.Session, false, press("lb", ""))
		if res.Session.Lang != "uk" || !hasAction(res, "dy") {
			t.Errorf("back to Ukrainian: want the delete question again, got %q", allText(res))
		}
	})
}
