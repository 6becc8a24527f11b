package kb

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// heldoutDir holds questions written before the search was tuned and never
// tuned on (see its README.md). They are read like testdata/eval.
const heldoutDir = "testdata/heldout"

// Bars for the held-out sets, per language. They are what the search
// honestly reaches today (the weakest language: fa 80 % first and 60 %
// confident and right; one confident and wrong answer in a language; no
// out-of-scope message confident), not the goals of issue 10 (95 %,
// 80 %, 2 %): raise them when it gets better, never lower them to let a
// change in.
const (
	heldoutMinFirst     = 0.80 // right entry first
	heldoutMinConfident = 0.60 // confident and right
	heldoutMaxWrong     = 0.05 // confident and wrong
	heldoutMaxOOS       = 0    // out-of-scope messages answered confidently, all languages
	heldoutMinQuestions = 16
)

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
	k := MustLoad(t)
	names, err := filepath.Glob(filepath.Join(heldoutDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < len(stopLangs) {
		t.Fatalf("%d held-out files, want one per language (%d)", len(names), len(stopLangs))
	}
	// Every question and phrase of the content, as the search sees it.
	tuned := map[string]string{}
	for _, lang := range k.files {
		for id, tx := range k.langs[lang].texts.all() {
			tuned[Normalize(tx.question)] = id
			for _, p := range tx.phrases {
				tuned[Normalize(p)] = id
			}
		}
	}

	var table []string
	var sum heldoutScore
	for _, name := range names {
		lang := strings.TrimSuffix(filepath.Base(name), ".yaml")
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var s evalSet
		if err := decodeStrict(b, &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
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
			if areas[a] == 0 {
				t.Errorf("%s: no held-out question for area %s", lang, a)
			}
		}
		if sc.n < heldoutMinQuestions {
			t.Errorf("%s: %d held-out questions, want at least %d", lang, sc.n, heldoutMinQuestions)
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
		if f := float64(sc.first) / n; f < heldoutMinFirst {
			t.Errorf("%s: right entry first %.0f %%, want at least %.0f %%", lang, 100*f, 100*heldoutMinFirst)
		}
		if f := float64(sc.confRight) / n; f < heldoutMinConfident {
			t.Errorf("%s: confident and right %.0f %%, want at least %.0f %%", lang, 100*f, 100*heldoutMinConfident)
		}
		if f := float64(sc.confWrong) / n; f > heldoutMaxWrong {
			t.Errorf("%s: confident and wrong %.0f %%, want at most %.0f %%", lang, 100*f, 100*heldoutMaxWrong)
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
	if sum.oosConf > heldoutMaxOOS {
		t.Errorf("%d out-of-scope messages got a confident answer, want at most %d", sum.oosConf, heldoutMaxOOS)
	}
	slices.Sort(table)
	table = append(table, fmt.Sprintf("| all | %d | %s | %s | %d | %d/%d |", sum.n,
		heldoutPct(sum.first, sum.n), heldoutPct(sum.confRight, sum.n), sum.confWrong, sum.oosConf, sum.oos))
	t.Logf("held-out search results:\n| lang | questions | right first | confident and right | confident and wrong | out of scope confident |\n| --- | --- | --- | --- | --- | --- |\n%s",
		strings.Join(table, "\n"))
}
