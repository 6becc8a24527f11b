package translate_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"lotse/internal/glossary"
	"lotse/internal/translate"
	"lotse/internal/translate/translatetest"
	"lotse/locales"
)

func mustDeepL(tb testing.TB, fake *translatetest.Server, key string) *translate.Service {
	tb.Helper()
	g, err := glossary.Load(locales.FS, "glossary.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return translate.New(translate.NewDeepL(fake.URL(), key, nil), nil, g, translate.Options{})
}

// TestDeepL_Translate: through DeepL the detected language comes back in
// Lotse's codes, glossary terms survive as ignored XML tags although the
// fake capitalises everything else, text that looks like markup arrives
// as written, and the key travels in DeepL's header.
func TestDeepL_Translate(t *testing.T) {
	fake := translatetest.StartDeepL(t, translatetest.WithKey("k1:fx"))
	s := mustDeepL(t, fake, "k1:fx")
	got, err := s.Translate(context.Background(), "عندي Duldung وأحتاج Beschäftigungserlaubnis", "", "de")
	if err != nil {
		t.Fatal(err)
	}
	if got.From != "ar" {
		t.Errorf("detected %q, want ar", got.From)
	}
	if !strings.HasPrefix(got.Text, "de: ") || !strings.Contains(got.Text, "Duldung") || !strings.Contains(got.Text, "Beschäftigungserlaubnis") {
		t.Errorf("translation = %q", got.Text)
	}
	calls := fake.Calls()
	if len(calls) != 1 || calls[0].Source != "" || calls[0].Target != "DE" || calls[0].Format != "xml" || calls[0].APIKey != "k1:fx" {
		t.Errorf("request = %+v", calls)
	}
	if strings.Contains(calls[0].Q, "Duldung") || !strings.Contains(calls[0].Q, "<x>[1]</x>") || !slices.Equal(calls[0].IgnoreTags, []string{"x"}) {
		t.Errorf("glossary terms not hidden in ignored tags: %+v", calls[0])
	}

	fake.Phrase("Bitte bringen Sie [1] zur [2].", "ar", "من فضلك أحضر [1] إلى [2].")
	got, err = s.Translate(context.Background(), "Bitte bringen Sie Fiktionsbescheinigung zur Ausländerbehörde.", "de", "ar")
	if err != nil || got.Text != "من فضلك أحضر Fiktionsbescheinigung إلى Ausländerbehörde." || got.From != "de" {
		t.Errorf("phrase = %q, %q, %v", got.Text, got.From, err)
	}
	if c := fake.Calls()[1]; c.Source != "DE" || c.Target != "AR" {
		t.Errorf("request = %+v", c)
	}

	got, err = s.Translate(context.Background(), "Miete <500 € & \"Strom\" inklusive, [Zimmer 3]", "de", "en")
	if err != nil || got.Text != "en: MIETE <500 € & \"STROM\" INKLUSIVE, [ZIMMER 3]" {
		t.Errorf("markup-like text = %q, %v", got.Text, err)
	}
	if c := fake.Calls()[2]; c.Target != "EN-GB" {
		t.Errorf("English asked as %q, want a variant", c.Target)
	}
}

// TestDeepL_Languages: DeepL's regional target codes count as the
// shipped language, and the shipped languages it lacks are reported.
func TestDeepL_Languages(t *testing.T) {
	fake := translatetest.StartDeepL(t, translatetest.WithLanguages(append([]string{"pt"}, translatetest.DeepLLanguages...)...))
	s := mustDeepL(t, fake, "k")
	if err := s.LoadLanguages(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.Unsupported(); !slices.Equal(got, []string{"fa", "ps", "ku", "ti", "so"}) {
		t.Errorf("unsupported = %v", got)
	}
	if !s.Supports("en") || !s.Supports("ar") || s.Supports("fa") {
		t.Error("Supports disagrees with the list")
	}
	p, err := translate.NewDeepL(fake.URL(), "k", nil).Languages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !p["pt"]["de"] || !p["de"]["pt"] || !p["de"]["en"] || p["de"]["en-gb"] {
		t.Errorf("pairs = %v", p)
	}
}

// TestDeepL_Errors: DeepL's status codes come back as errors that say
// what went wrong, without the text.
func TestDeepL_Errors(t *testing.T) {
	fake := translatetest.StartDeepL(t, translatetest.WithKey("right"))
	const text = "Meine Nachbarin heißt Nadia"
	if _, err := translate.NewDeepL(fake.URL(), "wrong", nil).Translate(context.Background(), text, "de", "ar"); err == nil ||
		!strings.Contains(err.Error(), "API key was refused") {
		t.Errorf("wrong key: %v", err)
	}
	for status, want := range map[int]string{
		456:                            "quota",
		http.StatusTooManyRequests:     "too many requests",
		http.StatusServiceUnavailable:  "status 503: DeepL is unavailable",
		http.StatusInternalServerError: "status 500",
	} {
		fake.FailWith(status)
		_, err := translate.NewDeepL(fake.URL(), "right", nil).Translate(context.Background(), text, "de", "ar")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "de→ar") || strings.Contains(err.Error(), "Nadia") {
			t.Errorf("status %d: %v, want %q", status, err, want)
		}
	}
	fake.FailWith(0)
	if _, err := translate.NewDeepL(fake.URL(), "right", nil).Translate(context.Background(), text, "de", "ti"); err == nil ||
		!strings.Contains(err.Error(), "status 400: Value for 'target_lang' not supported.") {
		t.Errorf("unsupported target: %v", err)
	}
}

// TestDeepL_Slow: a DeepL that does not answer costs the Service its
// timeout, not DeepL's.
func TestDeepL_Slow(t *testing.T) {
	fake := translatetest.StartDeepL(t)
	fake.SetDelay(5 * time.Second)
	s := translate.New(translate.NewDeepL(fake.URL(), "k", nil), nil, nil, translate.Options{Timeout: 100 * time.Millisecond})
	start := time.Now()
	if _, err := s.Translate(context.Background(), "مرحبا", "", "de"); err == nil || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Errorf("slow DeepL: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %s for a slow DeepL", d)
	}
}

func TestDeepLURL(t *testing.T) {
	if got := translate.DeepLURL("0a1b-2c:fx"); got != "https://api-free.deepl.com" {
		t.Errorf("free key: %s", got)
	}
	if got := translate.DeepLURL("0a1b-2c"); got != "https://api.deepl.com" {
		t.Errorf("pro key: %s", got)
	}
}
