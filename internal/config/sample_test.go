package config_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"lotse/internal/config"
	"lotse/internal/i18n"
)

// TestSample_EveryTextInEveryLanguage: the sample ships every text the
// municipality writes in every shipped language, so the demo shows no
// German where a person reads another language, and it shows the way for
// a real config.
func TestSample_EveryTextInEveryLanguage(t *testing.T) {
	f, err := config.ParseFile("sample.yaml", config.Sample)
	if err != nil {
		t.Fatal(err)
	}
	texts := f.Texts()
	for _, path := range []string{"offices.0.name", "offices.0.notes", "offices.0.accessibility",
		"facts.mietobergrenze", "booking.bring",
		"emergency.legal_help.0.name", "emergency.legal_help.0.hours"} {
		if _, ok := texts[path]; !ok {
			t.Errorf("sample has no text %s", path)
		}
	}
	for _, path := range slices.Sorted(maps.Keys(texts)) {
		txt := texts[path]
		if missing := txt.Missing(); len(missing) > 0 {
			t.Errorf("%s: no text in %s", path, strings.Join(missing, ", "))
		}
		for code, s := range txt {
			if strings.TrimSpace(s) != s {
				t.Errorf("%s.%s: %q has spaces around it", path, code, s)
			}
		}
	}
	// An address fact is written once and reads the same everywhere, as on
	// letters and signs.
	if txt := f.Facts["jobcenter"]; len(txt) != 1 || txt.In("ar") != txt.In(i18n.Default) {
		t.Errorf("facts.jobcenter = %v, want the German address only", txt)
	}
}
