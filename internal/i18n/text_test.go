package i18n

import (
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestText_YAML(t *testing.T) {
	var doc struct {
		Plain Text `yaml:"plain"`
		Many  Text `yaml:"many"`
	}
	src := "plain: Eingang B\nmany:\n  de: Zimmer 104\n  ar: الغرفة 104\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text       Text
		lang, want string
	}{
		{doc.Plain, "de", "Eingang B"},
		{doc.Plain, "ar", "Eingang B"}, // German where nothing else is written
		{doc.Many, "ar", "الغرفة 104"},
		{doc.Many, "fa", "Zimmer 104"},
		{doc.Many, "xx", "Zimmer 104"},
	} {
		if got := tt.text.In(tt.lang); got != tt.want {
			t.Errorf("%v.In(%s) = %q, want %q", tt.text, tt.lang, got, tt.want)
		}
	}
	if missing := doc.Many.Missing(); len(missing) != len(Languages)-2 || slices.Contains(missing, "ar") {
		t.Errorf("missing = %v", missing)
	}

	var bad struct {
		T Text `yaml:"t"`
	}
	err := yaml.Unmarshal([]byte("t:\n  de: Rathaus\n  arb: Rathaus\n"), &bad)
	if err == nil || !strings.Contains(err.Error(), `unknown language "arb"`) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a typo in a language code must be refused with its line, got %v", err)
	}
	if err := yaml.Unmarshal([]byte("t: [a, b]\n"), &bad); err == nil {
		t.Error("a list is not a text")
	}
}
