package kb

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

type evalSet map[string]struct {
	Questions []struct {
		Q  string `yaml:"q"`
		ID string `yaml:"id"`
	} `yaml:"questions"`
	OutOfScope []string `yaml:"out_of_scope"`
}

// minAccuracy is the share of eval questions whose expected entry must be
// the best match, per language.
const minAccuracy = 0.85

func TestKB_SearchEval(t *testing.T) {
	k := MustLoad(t)
	b, err := os.ReadFile("testdata/eval.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var set evalSet
	if err := yaml.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	langs := make([]string, 0, len(set))
	for l := range set {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		s := set[lang]
		t.Run(lang, func(t *testing.T) {
			perArea := map[string]int{}
			hits, top3, confident, wrongConfident := 0, 0, 0, 0
			for _, c := range s.Questions {
				e, ok := k.Entry(c.ID)
				if !ok {
					t.Fatalf("eval question %q expects unknown id %s", c.Q, c.ID)
				}
				perArea[e.Area]++
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
				if perArea[a] < 5 {
					t.Errorf("eval set has %d questions for area %s, want at least 5", perArea[a], a)
				}
			}
			n := len(s.Questions)
			acc := float64(hits) / float64(n)
			t.Logf("%s: top-1 %.0f%% (%d/%d), top-3 %.0f%%, confident and right %d, confident and wrong %d",
				lang, 100*acc, hits, n, 100*float64(top3)/float64(n), confident, wrongConfident)
			if acc < minAccuracy {
				t.Errorf("top-1 accuracy %.0f%% is below %.0f%%", 100*acc, 100*minAccuracy)
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
}
