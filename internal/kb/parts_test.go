package kb

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

type longSet struct {
	Messages []struct {
		Lang string   `yaml:"lang"`
		IDs  []string `yaml:"ids"`
		Q    string   `yaml:"q"`
	} `yaml:"messages"`
}

// shownFor lists the entries a person sees for a message: the answer (or
// the suggestions when there is none) and the "you also asked" buttons.
func shownFor(p Parts) []string {
	var out []string
	if p.Main.Confident {
		out = append(out, p.Main.Best[0].ID)
	} else {
		for _, m := range p.Main.Best {
			out = append(out, m.ID)
		}
	}
	return append(out, p.Also...)
}

// TestKB_SearchPartsLong: long messages with several concerns get at
// least one right entry shown in 90 % of cases; the log compares with a
// search of the whole message alone.
func TestKB_SearchPartsLong(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	b, err := os.ReadFile("testdata/long/messages.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var set longSet
	if err := decodeStrict(b, &set); err != nil {
		t.Fatal(err)
	}
	var msgs, hit, hitWhole, concerns, found, foundWhole int
	for _, m := range set.Messages {
		for _, id := range m.IDs {
			if _, ok := k.Entry(id); !ok {
				t.Fatalf("%s message expects unknown id %s", m.Lang, id)
			}
		}
		shown := shownFor(k.SearchParts(m.Q, m.Lang))
		whole := shownFor(Parts{Main: k.Search(m.Q, m.Lang)})
		msgs++
		n, nWhole := 0, 0
		for _, id := range m.IDs {
			if slices.Contains(shown, id) {
				n++
			}
			if slices.Contains(whole, id) {
				nWhole++
			}
		}
		concerns += len(m.IDs)
		found += n
		foundWhole += nWhole
		if n > 0 {
			hit++
		} else {
			t.Logf("%s: none of %v shown, got %v for %.60q", m.Lang, m.IDs, shown, m.Q)
		}
		if nWhole > 0 {
			hitWhole++
		}
	}
	pct := func(a, b int) string { return fmt.Sprintf("%.0f%% (%d/%d)", 100*float64(a)/float64(b), a, b) }
	t.Logf("messages with a right entry shown: %s split, %s whole message only", pct(hit, msgs), pct(hitWhole, msgs))
	t.Logf("concerns found: %s split, %s whole message only", pct(found, concerns), pct(foundWhole, concerns))
	if float64(hit) < 0.9*float64(msgs) {
		t.Errorf("only %s of long messages get a right entry", pct(hit, msgs))
	}
}

// TestKB_SearchParts_StatusAsContext: a short message that asks one
// thing and names the person's status in a sentence of its own is read as
// one question. The Duldung sentence is found clearly on its own, but the
// whole message is about work, so work is offered first and the Duldung
// among the other topics, not answered in its place.
func TestKB_SearchParts_StatusAsContext(t *testing.T) {
	k := MustLoad(t)
	for _, c := range []struct{ lang, q, want, context string }{
		{"ku", "Ez dikarim kar bikim? Duldung min heye", "work.permission", "status.duldung"},
	} {
		p := k.SearchParts(c.q, c.lang)
		if len(p.Main.Best) == 0 || p.Main.Best[0].ID != c.want {
			t.Errorf("%s %q: main %+v, want %s first", c.lang, c.q, p.Main, c.want)
		}
		if !slices.Contains(p.Also, c.context) {
			t.Errorf("%s %q: also %v, want %s among them", c.lang, c.q, p.Also, c.context)
		}
	}
}

// TestKB_SearchParts_OffTopicClause: a clause cut at a comma from a
// sentence about a topic the base does not cover is not answered on its
// own; a sentence of its own still is.
func TestKB_SearchParts_OffTopicClause(t *testing.T) {
	k := MustLoad(t)
	film := "we watched a film where the police beat a man, is that allowed in germany"
	if p := k.SearchParts(film, "en"); p.Main.Confident {
		t.Errorf("%q: a confident %s", film, p.Main.Best[0].ID)
	}
	car := "My car broke down last week. Where do I get a Wohnberechtigungsschein for a bigger flat?"
	if p := k.SearchParts(car, "en"); !p.Main.Confident || p.Main.Best[0].ID != "housing.wbs" {
		t.Errorf("%q: main %+v, want a confident housing.wbs", car, p.Main)
	}
}

func TestClauses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"Wo ist das Amt? Ich brauche 18.36 Euro zurueck.", []string{"Wo ist das Amt", "Ich brauche 18.36 Euro zurueck"}},
		{"kurz. ja", nil},
		{"ما هو الدولدونغ؟ كيف احصل على شقة", []string{"ما هو الدولدونغ", "كيف احصل على شقة"}},
		{"ንስድራይ ዝኸውን ገዛ ኣበይ ክረኽብ። anmeldung ክንደይ መዓልቲ ግዜ ኣለኒ", []string{"ንስድራይ ዝኸውን ገዛ ኣበይ ክረኽብ", "anmeldung ክንደይ መዓልቲ ግዜ ኣለኒ"}},
		{"one two three four five six seven eight nine ten eleven twelve thirteen, and the part after the comma",
			[]string{"one two three four five six seven eight nine ten eleven twelve thirteen", "and the part after the comma"}},
		// A run-on sentence is cut before "and also" and its kin; a short
		// one is not.
		{"Salam. badi a3ref kif ale2i shoghl w kaman el heim fi ktir 3afan w badi 2etla3 mn el heim",
			[]string{"badi a3ref kif ale2i shoghl", "w kaman el heim fi ktir 3afan w badi 2etla3 mn el heim"}},
		{"Hallo. ich suche arbeit und auch eine wohnung", []string{"ich suche arbeit und auch eine wohnung"}},
	} {
		var got []string
		for _, c := range clauses(tt.in) {
			got = append(got, c.text)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("clauses(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkSearchPartsLong(b *testing.B) {
	k := MustLoad(b)
	q := strings.Repeat("Wir suchen eine Sozialwohnung, brauche ich dafuer einen WBS? Meine Duldung laeuft ab. ", 3)
	b.ReportAllocs()
	for b.Loop() {
		k.SearchParts(q, "de")
	}
}
