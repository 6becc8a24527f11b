package kb

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// evalSet is one language's evaluation file, testdata/eval/<lang>.yaml;
// see testdata/eval/README.md.
type evalSet struct {
	Questions []struct {
		Q  string `yaml:"q"`
		ID string `yaml:"id"`
	} `yaml:"questions"`
	OutOfScope []string `yaml:"out_of_scope"`
}

const (
	evalDir = "testdata/eval"
	// minAccuracy is the share of eval questions whose expected entry must
	// be the best match, per language.
	minAccuracy = 0.85
	// minOutOfScope: every language checks a few messages the knowledge
	// base does not cover (weather, football, recipes).
	minOutOfScope = 3
)

// minPerArea is how many questions a language's eval file needs per area.
// German and English have every entry, so they are held to more.
func minPerArea(lang string) int {
	if lang == sourceLang || lang == lastLang {
		return 8
	}
	return 5
}

// MustLoadEval reads every evaluation file; the file name is the language.
func MustLoadEval(tb testing.TB) map[string]evalSet {
	tb.Helper()
	sets := loadEvalDir(tb, evalDir)
	for _, lang := range []string{sourceLang, lastLang} {
		if _, ok := sets[lang]; !ok {
			tb.Fatalf("%s/%s.yaml is missing", evalDir, lang)
		}
	}
	return sets
}

// loadEvalDir reads the question sets in dir, one file a language named
// after it (de.yaml).
func loadEvalDir(tb testing.TB, dir string) map[string]evalSet {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no question sets in %s: %v", dir, err)
	}
	sets := map[string]evalSet{}
	for _, name := range names {
		lang := strings.TrimSuffix(filepath.Base(name), ".yaml")
		if !langName.MatchString(lang) {
			tb.Fatalf("%s: question sets must be named after a language code, e.g. de.yaml", name)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		var s evalSet
		// Strict, so a misspelt "question:" does not silently drop a list.
		if err := decodeStrict(b, &s); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		sets[lang] = s
	}
	return sets
}

func TestKB_SearchEval(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	sets := MustLoadEval(t)
	langs := make([]string, 0, len(sets))
	for l := range sets {
		langs = append(langs, l)
	}
	slices.Sort(langs)

	summary := make([]string, 0, len(langs))
	for _, lang := range langs {
		s := sets[lang]
		t.Run(lang, func(t *testing.T) {
			if len(s.Questions) == 0 {
				t.Fatal("no questions")
			}
			perArea := map[string]int{}
			asked := map[string]bool{}
			hits, top3, confident, wrongConfident := 0, 0, 0, 0
			for _, c := range s.Questions {
				e, ok := k.Entry(c.ID)
				if !ok {
					t.Fatalf("eval question %q expects unknown id %s", c.Q, c.ID)
				}
				if k.Urgent(c.Q) {
					t.Errorf("eval question %q contains urgent words; the bot would show emergency numbers instead", c.Q)
				}
				perArea[e.Area]++
				asked[c.ID] = true
				res := k.Search(c.Q, lang)
				switch {
				case len(res.Best) > 0 && res.Best[0].ID == c.ID:
					hits++
					top3++
					if res.Confident {
						confident++
					}
				default:
					if slices.ContainsFunc(res.Best, func(m Match) bool { return m.ID == c.ID }) {
						top3++
					}
					if res.Confident {
						wrongConfident++
					}
					t.Logf("miss %q: want %s, got %+v", c.Q, c.ID, res)
				}
			}
			for _, a := range k.Areas() {
				if perArea[a] < minPerArea(lang) {
					t.Errorf("eval set has %d questions for area %s, want at least %d", perArea[a], a, minPerArea(lang))
				}
				for _, e := range k.Entries(a) {
					if !asked[e.ID] {
						t.Logf("no eval question for %s", e.ID)
					}
				}
			}
			n := len(s.Questions)
			acc := float64(hits) / float64(n)
			t.Logf("%s: top-1 %.0f%% (%d/%d), top-3 %.0f%%, confident and right %d, confident and wrong %d",
				lang, 100*acc, hits, n, 100*float64(top3)/float64(n), confident, wrongConfident)
			summary = append(summary, fmt.Sprintf("%s %.0f%% (%d/%d)", lang, 100*acc, hits, n))
			if acc < minAccuracy {
				t.Errorf("top-1 accuracy %.0f%% is below %.0f%%", 100*acc, 100*minAccuracy)
			}

			if len(s.OutOfScope) < minOutOfScope {
				t.Errorf("eval set has %d out-of-scope messages, want at least %d", len(s.OutOfScope), minOutOfScope)
			}
			empty := 0
			for _, q := range s.OutOfScope {
				res := k.Search(q, lang)
				if res.Confident {
					t.Errorf("out-of-scope %q got a confident match %+v", q, res.Best)
				}
				if len(res.Best) == 0 {
					empty++
				} else {
					t.Logf("out-of-scope %q got suggestions %+v", q, res.Best)
				}
			}
			t.Logf("%s: out of scope without any match %d/%d", lang, empty, len(s.OutOfScope))
		})
	}
	t.Logf("top-1 accuracy per language: %s", strings.Join(summary, ", "))
}

// TestKB_GreetingNotAnswered: a Pashto greeting ("hello brother") is not a
// question about arrival papers (ورور is one letter from Dari ورود).
func TestKB_GreetingNotAnswered(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	if res := k.Search("سلام ورور څنګه یې", "ps"); res.Confident {
		t.Errorf("greeting answered with %v", res.Best)
	}
}

// TestKB_ContentWordNotStopword: Turkish "iş" (work) loses its accent
// to English "is", a stopword in every language; in Turkish it stays.
func TestKB_ContentWordNotStopword(t *testing.T) {
	t.Parallel()
	if got := analyze("iş lazım", stopMask("tr")); !slices.Equal(got, []string{"is"}) {
		t.Errorf("tr: got terms %q, want [is]", got)
	}
	if got := analyze("what is it", stopMask("en")); len(got) != 0 {
		t.Errorf("en: got terms %q, want none", got)
	}
	k := MustLoad(t)
	if res := k.Search("iş lazım", "tr"); len(res.Best) == 0 || res.Best[0].ID != "work.offices" {
		t.Errorf("iş lazım: got %+v, want work.offices first", res)
	}
}

// TestKB_DariWorkVerb: "کار کنم" (that I work) is one term, the same in
// a question and in the texts; "کار میکنم" (I am working) and "چه کار
// کنم" (what shall I do) are not it. With a Duldung, "may I work" is the
// work permission, not the Beschäftigungsduldung.
func TestKB_DariWorkVerb(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want bool
	}{
		{"میتونم کار کنم؟", true},
		{"با دولدونگ کار کردن اجازه است", true},
		{"کار میکنم", false},
		{"چه کار کنم", false},
	} {
		if got := slices.Contains(Terms(c.text, "fa"), workVerbTerm); got != c.want {
			t.Errorf("%q: terms %q, light verb read %v, want %v", c.text, Terms(c.text, "fa"), got, c.want)
		}
	}
	k := MustLoad(t)
	const q = "دولدونگ دارم. میتونم کار کنم؟"
	if res := k.Search(q, "fa"); len(res.Best) == 0 || res.Best[0].ID != "work.permission" {
		t.Errorf("Search: got %+v, want work.permission first", res)
	}
	if p := k.SearchMessage(NewMessage(q), "fa"); len(p.Main.Best) == 0 || p.Main.Best[0].ID != "work.permission" {
		t.Errorf("SearchMessage: got %+v, want work.permission first", p)
	}
}

// TestKB_OwnQuestionConfident: a short question that is mostly the
// entry's own question is answered directly, though other entries score
// its one key word as high ("Duldung" is also in Ausbildung's question
// and in the Beschäftigungsduldung).
func TestKB_OwnQuestionConfident(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, c := range []struct{ q, lang, id string }{
		{"c quoi une duldung", "fr", "status.duldung"},
		{"whats a duldung exactly", "en", "status.duldung"},
	} {
		res := k.Search(c.q, c.lang)
		if !res.Confident || len(res.Best) == 0 || res.Best[0].ID != c.id {
			t.Errorf("%q (%s): got %+v, want %s answered directly", c.q, c.lang, res, c.id)
		}
	}
}

// TestKB_QuestionTerms checks the question terms the index lists for the
// question-coverage rules against the entry's question as Text gives it
// and analyze makes it, in every language and one without texts, where
// Text falls back to German or English.
func TestKB_QuestionTerms(t *testing.T) {
	t.Parallel()
	fsys := tinyFS()
	// French lacks one entry and has one without an answer: both fall back.
	fsys["kb/fr.yaml"] = &fstest.MapFile{Data: []byte(`
entries:
  work.job:
    question: Est-ce que je peux travailler ?
    answer: " "
`)}
	for name, k := range map[string]*KB{"shipped": MustLoad(t), "tiny": mustLoadFS(t, fsys, "")} {
		for _, e := range k.entries {
			for _, lang := range append(k.Languages(), "xx") {
				var want []string
				if tx, ok := k.Text(e.ID, lang); ok {
					want = analyze(tx.Question, stopMask(tx.Lang))
				}
				li, ok := slices.BinarySearch(k.files, lang)
				if !ok {
					li = len(k.files)
				}
				var got []string
				for _, id := range k.idx.question(int32(k.byID[e.ID]), li, len(k.files)) {
					got = append(got, k.idx.terms[id].text)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: %s in %s: question terms %q, want %q", name, e.ID, lang, got, want)
				}
			}
		}
	}
}
