package kb

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

// heldoutBars are the least a held-out set must reach, per language. They
// are what the search honestly reaches today, not the goals of issue 10
// (95 %, 80 %, 2 %): raise them when it gets better, never lower them to
// let a change in.
type heldoutBars struct {
	dir          string
	minFirst     float64 // right entry first
	minConfident float64 // confident and right
	maxWrong     float64 // confident and wrong
	maxOOS       int     // out-of-scope messages answered confidently, all languages
	minQuestions int
	allAreas     bool // every area of the knowledge base asked about in every language
}

// heldout holds questions written before the search was tuned and never
// tuned on (see its README.md); after the fourth round the weakest
// language reaches 85 % first (ar), 75 % confident and right (ar en fa),
// one confident and wrong answer. The confident bar, 60 % until then, is
// 70 %: room for one question below the weakest.
var heldout = heldoutBars{dir: "testdata/heldout", minFirst: 0.85, minConfident: 0.70, maxWrong: 0.05, minQuestions: 16, allAreas: true}

// heldout2 was written before the third round of tuning (see its
// README.md): ten questions per language, so one question is 10 %. Before
// that round the weakest language reached en 80 % first, ar and en 60 %
// confident and right, one confident and wrong answer; after it, en 70 %
// first (one question fewer, while the set as a whole gained one). The
// first bar was set at the before figure with no room for one question and
// was lowered once, to 70 %, rather than tuned towards the set. After the
// fourth round every language reaches 90 % first, so the bar is 80 %
// (room for one question).
var heldout2 = heldoutBars{dir: "testdata/heldout2", minFirst: 0.80, minConfident: 0.60, maxWrong: 0.10, minQuestions: 10, allAreas: true}

// showHeldout prints the held-out questions the search gets wrong. Off by
// default: only the figures are printed, so that nobody tunes to the
// questions by reading a test log. Set LOTSE_HELDOUT_SHOW=1 once tuning is
// over and the set is about to be retired into testdata/eval.
var showHeldout = os.Getenv("LOTSE_HELDOUT_SHOW") == "1"

// heldoutScore is one language's figures on its held-out set.
type heldoutScore struct {
	n, first, confRight, confWrong, oos, oosConf int
}

func heldoutPct(a, n int) string { return fmt.Sprintf("%3.0f %%", 100*float64(a)/float64(max(n, 1))) }

func TestKB_SearchHeldout(t *testing.T) {
	t.Parallel()
	searchHeldout(t, heldout)
}
func TestKB_SearchHeldout2(t *testing.T) {
	t.Parallel()
	searchHeldout(t, heldout2)
}

func searchHeldout(t *testing.T, bars heldoutBars) {
	k := MustLoad(t)
	sets := loadEvalDir(t, bars.dir)
	if len(sets) < len(k.files) {
		t.Fatalf("%d held-out files, want one per language (%d)", len(sets), len(k.files))
	}
	// Every question and phrase of the content, as the search sees it.
	tuned := map[string]string{}
	for _, lang := range k.files {
		for id, tx := range k.langs[lang].texts.all() {
			tuned[Normalize(tx.question)] = id
			for p := range tx.phrases.all() {
				tuned[Normalize(p)] = id
			}
		}
	}

	var table []string
	var sum heldoutScore
	for _, lang := range slices.Sorted(maps.Keys(sets)) {
		s := sets[lang]
		var sc heldoutScore
		areas := map[string]int{}
		for _, c := range s.Questions {
			e, ok := k.Entry(c.ID)
			if !ok {
				t.Errorf("%s: %q expects unknown id %s", lang, c.Q, c.ID)
				continue
			}
			areas[e.Area]++
			if id, ok := tuned[Normalize(c.Q)]; ok {
				t.Errorf("%s: held-out question %q is a phrase of %s in locales/kb; held-out questions must never be tuned on", lang, c.Q, id)
			}
			sc.n++
			res := k.Search(c.Q, lang)
			right := len(res.Best) > 0 && res.Best[0].ID == c.ID
			switch {
			case right && res.Confident:
				sc.first++
				sc.confRight++
			case right:
				sc.first++
			case res.Confident:
				sc.confWrong++
			}
			if showHeldout && (!right || !res.Confident) {
				t.Logf("%s: %q want %s, got %+v", lang, c.Q, c.ID, res)
			}
		}
		for _, a := range k.Areas() {
			if bars.allAreas && areas[a] == 0 {
				t.Errorf("%s: no held-out question for area %s", lang, a)
			}
		}
		if sc.n < bars.minQuestions {
			t.Errorf("%s: %d held-out questions, want at least %d", lang, sc.n, bars.minQuestions)
		}
		for _, q := range s.OutOfScope {
			sc.oos++
			if res := k.Search(q, lang); res.Confident {
				sc.oosConf++
				if showHeldout {
					t.Logf("%s: out-of-scope %q got a confident answer %+v", lang, q, res.Best)
				}
			}
		}
		n := float64(max(sc.n, 1))
		if f := float64(sc.first) / n; f < bars.minFirst {
			t.Errorf("%s: right entry first %.0f %%, want at least %.0f %%", lang, 100*f, 100*bars.minFirst)
		}
		if f := float64(sc.confRight) / n; f < bars.minConfident {
			t.Errorf("%s: confident and right %.0f %%, want at least %.0f %%", lang, 100*f, 100*bars.minConfident)
		}
		if f := float64(sc.confWrong) / n; f > bars.maxWrong {
			t.Errorf("%s: confident and wrong %.0f %%, want at most %.0f %%", lang, 100*f, 100*bars.maxWrong)
		}
		table = append(table, fmt.Sprintf("| %s | %d | %s | %s | %d | %d/%d |", lang, sc.n,
			heldoutPct(sc.first, sc.n), heldoutPct(sc.confRight, sc.n), sc.confWrong, sc.oosConf, sc.oos))
		sum.n += sc.n
		sum.first += sc.first
		sum.confRight += sc.confRight
		sum.confWrong += sc.confWrong
		sum.oos += sc.oos
		sum.oosConf += sc.oosConf
	}
	if sum.oosConf > bars.maxOOS {
		t.Errorf("%d out-of-scope messages got a confident answer, want at most %d", sum.oosConf, bars.maxOOS)
	}
	slices.Sort(table)
	table = append(table, fmt.Sprintf("| all | %d | %s | %s | %d | %d/%d |", sum.n,
		heldoutPct(sum.first, sum.n), heldoutPct(sum.confRight, sum.n), sum.confWrong, sum.oosConf, sum.oos))
	t.Logf("held-out search results (%s):\n| lang | questions | right first | confident and right | confident and wrong | out of scope confident |\n| --- | --- | --- | --- | --- | --- |\n%s",
		bars.dir, strings.Join(table, "\n"))
}
