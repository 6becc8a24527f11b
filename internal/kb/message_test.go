package kb

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// messageTexts are every tuning question and out-of-scope message, the
// long messages, the urgent cases and a few edge cases: a message longer
// than the search reads, surrounding space, digits, apostrophes.
func messageTexts(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, s := range MustLoadEval(tb) {
		for _, q := range s.Questions {
			out = append(out, q.Q)
		}
		out = append(out, s.OutOfScope...)
	}
	b, err := os.ReadFile("testdata/long/messages.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	var long longSet
	if err := decodeStrict(b, &long); err != nil {
		tb.Fatal(err)
	}
	for _, m := range long.Messages {
		out = append(out, m.Q)
	}
	for _, c := range urgentCases {
		out = append(out, c.yes...)
		out = append(out, c.no...)
	}
	return append(out, "", "  Wie finde ich eine Wohnung?  ", "Ich brauche 18.36 Euro, bitte.",
		"ya hochu ub'yu sebya", "сім'я", strings.Repeat("Wohnung Duldung Arbeit ", 40))
}

// TestMessage_SameAsText: reading a message analyzed once gives what
// each matcher gives for the text itself, in the person's language and
// another.
func TestMessage_SameAsText(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, text := range messageTexts(t) {
		m := NewMessage(text)
		for _, lang := range []string{"de", "ar", "en"} {
			if got, want := k.SearchMessage(m, lang), k.SearchParts(text, lang); !reflect.DeepEqual(got, want) {
				t.Errorf("SearchMessage(%.60q, %s) = %+v, want %+v", text, lang, got, want)
			}
			if got, want := m.Terms(lang), Terms(text, lang); !reflect.DeepEqual(got, want) {
				t.Errorf("Terms(%.60q, %s) = %q, want %q", text, lang, got, want)
			}
		}
		if got, want := k.UrgencyOf(m), k.Urgency(text); got != want {
			t.Errorf("UrgencyOf(%.60q) = %v, want %v", text, got, want)
		}
		if m.Norm != Normalize(text) {
			t.Errorf("Norm(%.60q) = %q, want %q", text, m.Norm, Normalize(text))
		}
	}
}

// TestMayHaveParts: a message it sets aside has fewer than two parts.
func TestMayHaveParts(t *testing.T) {
	t.Parallel()
	several := 0
	for _, text := range messageTexts(t) {
		n := len(clauses(text))
		if !mayHaveParts(text) && n >= 2 {
			t.Errorf("mayHaveParts(%.60q) = false, but it has %d parts", text, n)
		}
		if n >= 2 {
			several++
		}
	}
	if several < 20 {
		t.Errorf("only %d messages with parts: the check checks little", several)
	}
	for _, text := range []string{"Wie finde ich eine Wohnung?", "Darf ich mit Duldung arbeiten", "Ich habe 3.000 Euro"} {
		if mayHaveParts(text) {
			t.Errorf("mayHaveParts(%q) = true, want false", text)
		}
	}
}
