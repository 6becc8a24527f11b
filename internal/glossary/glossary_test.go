package glossary_test

import (
	"strings"
	"testing"

	"lotse/internal/glossary"
	"lotse/internal/i18n"
	"lotse/locales"
)

func mustShipped(tb testing.TB) *glossary.Glossary {
	tb.Helper()
	g, err := glossary.Load(locales.FS, "glossary.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// TestGlossary_Shipped: at least 40 terms, the ones the team named among
// them, each explained in every shipped language.
func TestGlossary_Shipped(t *testing.T) {
	g := mustShipped(t)
	if n := len(g.Terms()); n < 40 {
		t.Errorf("glossary has %d terms, want at least 40", n)
	}
	have := map[string]bool{}
	for _, term := range g.Terms() {
		have[term.Term] = true
		for _, l := range i18n.Languages {
			if strings.TrimSpace(term.Explanation(l.Code)) == "" || term.Explain[l.Code] == "" {
				t.Errorf("%s: no explanation in %s", term.Term, l.Code)
			}
		}
	}
	for _, want := range []string{"Duldung", "Aufenthaltsgestattung", "Aufenthaltserlaubnis", "Fiktionsbescheinigung",
		"Ausländerbehörde", "Jobcenter", "Sozialamt", "Wohnberechtigungsschein", "Anmeldung", "Kaution", "Bürgergeld",
		"Beschäftigungserlaubnis", "Integrationskurs"} {
		if !have[want] {
			t.Errorf("glossary lacks %s", want)
		}
	}
}

func TestGlossary_New(t *testing.T) {
	full := func(term string, forms ...string) *glossary.Term {
		ex := map[string]string{}
		for _, l := range i18n.Languages {
			ex[l.Code] = "x"
		}
		return &glossary.Term{Term: term, Forms: forms, Explain: ex}
	}
	t.Run("missing language", func(t *testing.T) {
		tm := full("Duldung")
		delete(tm.Explain, "ti")
		if _, err := glossary.New([]*glossary.Term{tm}); err == nil || !strings.Contains(err.Error(), "ti") {
			t.Fatalf("err = %v, want one naming ti", err)
		}
	})
	t.Run("form twice", func(t *testing.T) {
		if _, err := glossary.New([]*glossary.Term{full("Ausweis"), full("Personalausweis", "ausweis")}); err == nil {
			t.Fatal("a form of two terms was accepted")
		}
	})
}

func TestGlossary_Find(t *testing.T) {
	g := mustShipped(t)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"هل يمكنني العمل مع Duldung؟", []string{"Duldung"}},
		{"Bitte gehen Sie mit der Fiktionsbescheinigung zur Ausländerbehörde und danach zum jobcenter.", []string{"Fiktionsbescheinigung", "Ausländerbehörde", "Jobcenter"}},
		{"Die Duldungsbescheinigung ist kein Term.", nil},
		{"Zwei Duldungen, eine Duldung.", []string{"Duldung"}},
		{"Haben Sie einen WBS?", []string{"Wohnberechtigungsschein"}},
		{"Den Reiseausweis für Flüchtlinge bekommen Sie dort.", []string{"Reiseausweis"}},
	} {
		var got []string
		for _, term := range g.Find(tc.text) {
			got = append(got, term.Term)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("Find(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestGlossary_ProtectRestore: terms survive a translator that rewrites
// everything around them, one that mangles the placeholders' brackets and
// digits, and one that drops a placeholder altogether.
func TestGlossary_ProtectRestore(t *testing.T) {
	g := mustShipped(t)
	p := g.Protect("Mit der Duldung brauchen Sie eine Beschäftigungserlaubnis von der Ausländerbehörde.")
	if strings.Contains(p.Text, "Duldung") || strings.Contains(p.Text, "Ausländerbehörde") {
		t.Fatalf("terms not hidden: %q", p.Text)
	}
	if len(p.Kept) != 3 {
		t.Fatalf("kept = %v", p.Kept)
	}
	for name, translated := range map[string]string{
		"clean":   "مع [1] تحتاج إلى [2] من [3].",
		"spaced":  "مع [ 1 ] تحتاج إلى ［2］ من (3).",
		"arabic":  "مع [١] تحتاج إلى [٢] من [٣].",
		"persian": "با [۱] به [۲] از [۳] نیاز دارید.",
	} {
		got := p.Restore(translated)
		for _, term := range []string{"Duldung", "Beschäftigungserlaubnis", "Ausländerbehörde"} {
			if !strings.Contains(got, term) {
				t.Errorf("%s: %q lost %s", name, got, term)
			}
		}
		if strings.ContainsAny(got, "[]［］") {
			t.Errorf("%s: placeholder left in %q", name, got)
		}
	}
	got := p.Restore("مع [1] تحتاج إلى تصريح من [3].")
	if !strings.HasSuffix(got, "(Beschäftigungserlaubnis)") || !strings.Contains(got, "Duldung") {
		t.Errorf("a lost placeholder must come back at the end: %q", got)
	}
	if plain := g.Protect("Guten Tag"); plain.Text != "Guten Tag" || plain.Restore("Hello") != "Hello" {
		t.Errorf("a text without terms changed: %+v", plain)
	}
}
