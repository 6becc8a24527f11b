package kb

import (
	"testing"
	"unicode/utf8"
)

func TestOffTopic(t *testing.T) {
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"hundesteuer anmelden", true},
		{"köpek vergisi", true},
		{"як розірвати договір у спортзалі", true},
		{"arabamı nasıl kaydettiririm", true},
		{"سيارتي", true},
		{"ماشینم رو چطور ثبت کنم", true},
		{"we watched a film where the police beat a man", true},
		// Whole words only where a beginning would take other words.
		{"hundert euro miete", false},
		{"meine angelegenheit beim amt", false},
		{"who takes care of the kids", false},
		{"shahadati aljamiea", false},
		{"شهادتي الجامعية كيف بعادلها", false},
	} {
		got := offTopic.anyOffTopic(analyze(c.q, 0))
		if got != c.want {
			t.Errorf("%q: off topic %v, want %v", c.q, got, c.want)
		}
	}
	for w := range offTopic.start {
		if utf8.RuneCountInString(w) < 4 {
			t.Errorf("beginning %q is shorter than four letters", w)
		}
	}
}

// TestOffTopic_NotInQuestions: no question of the tuning and floor sets
// has an off-topic word, which would keep it from a confident answer.
func TestOffTopic_NotInQuestions(t *testing.T) {
	dirs := []string{"testdata/eval"}
	for _, s := range floorSets {
		dirs = append(dirs, s.dir)
	}
	for _, d := range dirs {
		for lang, s := range loadEvalDir(t, d) {
			for _, c := range s.Questions {
				for _, w := range analyze(c.Q, stopMask(baseLang(lang))) {
					if offTopic.has(w) {
						t.Errorf("%s %s: %q has the off-topic word %q", d, lang, c.Q, w)
					}
				}
			}
		}
	}
}
