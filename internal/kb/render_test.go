package kb

import (
	"slices"
	"testing"
)

func TestRender(t *testing.T) {
	t.Parallel()
	facts := map[string]string{"jobcenter": "Jobcenter Musterstadt, Hauptstr. 1", "empty": "  ", "isolated": "\u2068\u2069"}
	for _, tc := range []struct{ name, in, want string }{
		{"fact", "Gehen Sie zum Jobcenter ({{jobcenter}}).", "Gehen Sie zum Jobcenter (Jobcenter Musterstadt, Hauptstr. 1)."},
		{"spaces inside braces", "Adresse: {{ jobcenter }}", "Adresse: Jobcenter Musterstadt, Hauptstr. 1"},
		{"missing fact in brackets", "Gehen Sie zum Jobcenter ({{wohnungsamt}}).", "Gehen Sie zum Jobcenter."},
		{"missing fact after comma", "the housing office (Wohnungsamt, {{wohnungsamt}}).", "the housing office (Wohnungsamt)."},
		{"missing fact after arabic comma", "مكتب السكن (Wohnungsamt، {{wohnungsamt}}).", "مكتب السكن (Wohnungsamt)."},
		{"empty fact", "Jobcenter ({{empty}}) hilft.", "Jobcenter hilft."},
		{"fact of only bidi isolates", "Jobcenter ({{isolated}}) hilft.", "Jobcenter hilft."},
		{"missing fact after colon", "Adresse: {{wohnungsamt}}.", "Adresse."},
		{"missing fact at the end", "Adresse: {{wohnungsamt}}", "Adresse"},
		{"missing fact mid-sentence", "Bei {{wohnungsamt}} gibt es Hilfe.", "Bei gibt es Hilfe."},
		{"lines are kept", "Zeile 1 ({{x}})\nZeile 2", "Zeile 1\nZeile 2"},
		{"no placeholders", "Nichts zu tun: (ja).", "Nichts zu tun: (ja)."},
		{"values are not expanded again", "{{a}}", "{{b}}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := facts
			if tc.name == "values are not expanded again" {
				f = map[string]string{"a": "{{b}}", "b": "x"}
			}
			if got := Render(tc.in, f); got != tc.want {
				t.Errorf("Render(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	got := Placeholders("{{jobcenter}} und {{ sozialamt }}, wieder {{jobcenter}}; kaputt {{Bad Name}}")
	if want := []string{"jobcenter", "sozialamt"}; !slices.Equal(got, want) {
		t.Fatalf("Placeholders = %v, want %v", got, want)
	}
}
