package kb

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// MustLoad loads the shipped content from locales/, once per test
// binary and through a compiled cache kept between runs: the tests only
// read it, and a load from the files costs over ten seconds of CPU under
// the race detector. TestLoadCached_SameAsLoad checks that a cached base
// is the loaded one; tests of loading itself call Load.
func MustLoad(tb testing.TB) *KB {
	tb.Helper()
	k, err := shipped()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// shipped is prepared: tests read the urgent lists' known words directly.
var shipped = sync.OnceValues(func() (*KB, error) {
	// Keyed by this test binary: kbtest imports this package, so these
	// tests cannot use it.
	k, _, err := LoadCached(os.DirFS("../../locales"), "", filepath.Join(os.TempDir(), "lotse-kb-test-cache"))
	if err == nil {
		k.Prepare()
	}
	return k, err
})

// shippedLangs are the languages with a knowledge-base file. German and
// English (completeLangs) must have every entry; the others may lag behind
// while translators catch up, and people then see the German text.
// shippedFacts are the placeholders listed at the top of
// locales/kb/structure.yaml.
var (
	shippedLangs  = []string{"de", "en", "ar", "uk"}
	completeLangs = []string{sourceLang, lastLang}
	shippedFacts  = []string{"auslaenderbehoerde", "buergerbuero", "jobcenter", "sozialamt", "wohnungsamt",
		"migrationsberatung", "agentur_fuer_arbeit", "mietobergrenze"}
)

func TestKB_Content(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)

	t.Run("areas", func(t *testing.T) {
		if got, want := k.Areas(), []string{"housing", "status", "work"}; !slices.Equal(got, want) {
			t.Fatalf("Areas() = %v, want %v", got, want)
		}
		for _, a := range k.Areas() {
			if n := len(k.Entries(a)); n < 13 {
				t.Errorf("area %s has %d entries, want at least 13", a, n)
			}
		}
	})

	t.Run("every entry in every shipped language", func(t *testing.T) {
		for _, lang := range shippedLangs {
			if !slices.Contains(k.Languages(), lang) {
				t.Fatalf("language %s not loaded", lang)
			}
		}
		missing := map[string]int{}
		for _, a := range k.Areas() {
			for _, e := range k.Entries(a) {
				for _, lang := range shippedLangs {
					txt, ok := k.Text(e.ID, lang)
					switch {
					case !ok:
						t.Errorf("%s: no text at all for %s", e.ID, lang)
						continue
					case txt.Lang == lang:
					case !slices.Contains(completeLangs, lang) && txt.Lang == sourceLang:
						// Not translated yet: the German text is shown
						// with a note; Check reports it as a warning.
						missing[lang]++
					default:
						t.Errorf("%s: no %s text (got %+v)", e.ID, lang, txt)
						continue
					}
					if strings.TrimSpace(txt.Question) == "" || strings.TrimSpace(txt.Answer) == "" {
						t.Errorf("%s/%s: empty question or answer", e.ID, lang)
					}
				}
			}
		}
		for _, lang := range shippedLangs {
			if missing[lang] > 0 {
				t.Logf("%s: %d entries not translated yet, shown in German", lang, missing[lang])
			}
		}
	})

	t.Run("no errors from Check", func(t *testing.T) {
		now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
		for _, p := range k.Check(365*24*time.Hour, now, shippedFacts) {
			if p.Severity == SeverityError {
				t.Error(p)
			} else {
				t.Log(p)
			}
		}
	})

	t.Run("answers render without braces", func(t *testing.T) {
		all := map[string]string{}
		for _, f := range shippedFacts {
			all[f] = "Musterstraße 1"
		}
		for _, a := range k.Areas() {
			for _, e := range k.Entries(a) {
				for _, lang := range shippedLangs {
					txt, _ := k.Text(e.ID, lang)
					for _, facts := range []map[string]string{nil, all} {
						if out := Render(txt.Answer, facts); strings.ContainsAny(out, "{}") || strings.Contains(out, "()") {
							t.Errorf("%s/%s renders as %q", e.ID, lang, out)
						}
					}
				}
			}
		}
	})

	t.Run("human review flags", func(t *testing.T) {
		for lang, want := range map[string]bool{"de": true, "en": true, "ar": false, "uk": false} {
			txt, _ := k.Text("housing.wbs", lang)
			if txt.HumanReviewed != want {
				t.Errorf("%s: HumanReviewed = %v, want %v", lang, txt.HumanReviewed, want)
			}
		}
	})
}

func TestKB_Text(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, tc := range []struct {
		name, id, lang, wantLang string
		ok                       bool
	}{
		{"own language", "work.minijob", "uk", "uk", true},
		{"region subtag", "work.minijob", "de-AT", "de", true},
		{"upper case", "work.minijob", "EN", "en", true},
		{"language without content falls back to German", "work.minijob", "pt", "de", true},
		{"empty language", "work.minijob", "", "de", true},
		{"unknown id", "work.nothing", "de", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txt, ok := k.Text(tc.id, tc.lang)
			if ok != tc.ok || txt.Lang != tc.wantLang {
				t.Fatalf("Text(%q, %q) = %+v, %v; want lang %q, %v", tc.id, tc.lang, txt, ok, tc.wantLang, tc.ok)
			}
		})
	}
}

func TestKB_Entry(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	t.Run("found", func(t *testing.T) {
		e, ok := k.Entry("housing.deposit")
		if !ok || e.Area != "housing" || !strings.HasPrefix(e.Source, "https://") || e.Reviewed.IsZero() {
			t.Fatalf("Entry(housing.deposit) = %+v, %v", e, ok)
		}
	})
	t.Run("copies are independent", func(t *testing.T) {
		e, _ := k.Entry("housing.find_flat")
		if len(e.Related) == 0 {
			t.Fatal("housing.find_flat has no related entries")
		}
		e.Related[0] = "changed"
		again, _ := k.Entry("housing.find_flat")
		if again.Related[0] == "changed" {
			t.Fatal("Entry returned the KB's own slice")
		}
	})
	t.Run("file order", func(t *testing.T) {
		es := k.Entries("status")
		if es[0].ID != "status.gestattung" || es[1].ID != "status.duldung" {
			t.Fatalf("Entries(status) starts with %s, %s", es[0].ID, es[1].ID)
		}
	})
	t.Run("ErrNotFound-like", func(t *testing.T) {
		if _, ok := k.Entry("housing.missing"); ok {
			t.Fatal("unknown id found")
		}
		if es := k.Entries("health"); len(es) != 0 {
			t.Fatalf("unknown area has %d entries", len(es))
		}
	})
}
