package kb

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lotse/internal/classify"
)

// urgentScore is what one language scored.
type urgentScore struct {
	lang                string
	caught, urgent      int
	alarms, calm        int
	missed, falseAlarms []string
}

func (s urgentScore) recall() float64    { return pct(s.caught, s.urgent) }
func (s urgentScore) falseRate() float64 { return pct(s.alarms, s.calm) }
func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// scoreUrgentSets runs Urgency over every file in dir. A message counts as
// caught only when its own kind is among those detected: a suicidal message
// answered with the fire brigade is not help.
func scoreUrgentSets(tb testing.TB, k *KB, dir string) []urgentScore {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no urgent sets in %s: %v", dir, err)
	}
	var out []urgentScore
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var set urgentExamples
		if err := decodeStrict(b, &set); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		s := urgentScore{lang: strings.TrimSuffix(filepath.Base(f), ".yaml")}
		for kind, msgs := range set.Urgent {
			want, ok := ParseUrgency(kind)
			if !ok {
				tb.Fatalf("%s: unknown kind %q", f, kind)
			}
			for _, m := range msgs {
				s.urgent++
				if got := k.Urgency(m); got.Has(want) {
					s.caught++
				} else {
					s.missed = append(s.missed, fmt.Sprintf("%s %q → %q", kind, m, got))
				}
			}
		}
		for _, m := range set.Calm {
			s.calm++
			if got := k.Urgency(m); got != 0 {
				s.alarms++
				_, why := k.urgent.match(m, k.knownWord, true)
				s.falseAlarms = append(s.falseAlarms, fmt.Sprintf("%q → %s (%s)", m, got, strings.Join(why, "; ")))
			}
		}
		slices.Sort(s.missed)
		out = append(out, s)
	}
	return out
}

// urgentTable renders the scores as the Markdown table in README.
func urgentTable(scores []urgentScore) string {
	var b strings.Builder
	b.WriteString("| lang | urgent caught | recall | calm alarmed | false alarms |\n|---|---|---|---|---|\n")
	var all urgentScore
	for _, s := range scores {
		fmt.Fprintf(&b, "| %s | %d/%d | %.0f %% | %d/%d | %.1f %% |\n", s.lang, s.caught, s.urgent, s.recall(), s.alarms, s.calm, s.falseRate())
		all.caught, all.urgent, all.alarms, all.calm = all.caught+s.caught, all.urgent+s.urgent, all.alarms+s.alarms, all.calm+s.calm
	}
	fmt.Fprintf(&b, "| all | %d/%d | %.1f %% | %d/%d | %.2f %% |\n", all.caught, all.urgent, all.recall(), all.alarms, all.calm, all.falseRate())
	return b.String()
}

// TestUrgentSets holds urgent detection to its goals on the tuning sets
// (the examples in locales/urgent_examples, which the model also learns
// from): recall ≥ 98 % and false alarms ≤ 1 % in every language.
func TestUrgentSets(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	scores := scoreUrgentSets(t, k, filepath.Join("..", "..", "locales", examplesDir))
	t.Logf("tuning sets:\n%s", urgentTable(scores))
	langs := map[string]bool{}
	for _, s := range scores {
		langs[s.lang] = true
		if s.urgent < 20 || s.calm < 50 {
			t.Errorf("%s: %d urgent and %d calm messages, want ≥ 20 and ≥ 50", s.lang, s.urgent, s.calm)
		}
		if s.recall() < 98 {
			t.Errorf("%s: recall %.0f %% < 98 %%; missed:\n  %s", s.lang, s.recall(), strings.Join(s.missed, "\n  "))
		}
		if s.falseRate() > 1 {
			t.Errorf("%s: false alarms %.1f %% > 1 %%:\n  %s", s.lang, s.falseRate(), strings.Join(s.falseAlarms, "\n  "))
		}
	}
	for _, l := range []string{"de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ku", "ti", "so", "fr"} {
		if !langs[l] {
			t.Errorf("no urgent set for shipped language %s", l)
		}
	}
}

// TestUrgentSets_HeldOut reports the held-out sets, written with the
// tuning sets and never tuned on. Only the figures are printed, not the
// messages, so that nobody tunes to them by accident. The floor is what
// the lists reach after the tuning sets were grown with new messages
// written without looking at these (40/60; the first measurement was
// 32/60), still below the goal: it only stops the lists from getting
// worse; raise it as broader tuning sets improve the lists.
func TestUrgentSets_HeldOut(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	scores := scoreUrgentSets(t, k, filepath.Join("testdata", "urgent", "heldout"))
	table := urgentTable(scores)
	t.Logf("held-out sets:\n%s", table)
	var all urgentScore
	for _, s := range scores {
		all.caught, all.urgent, all.alarms, all.calm = all.caught+s.caught, all.urgent+s.urgent, all.alarms+s.alarms, all.calm+s.calm
	}
	if all.recall() < 85 || all.falseRate() > 1 {
		t.Errorf("held-out: recall %.1f %% (floor 85 %%), false alarms %.2f %% (ceiling 1 %%)", all.recall(), all.falseRate())
	}
}

// heldOut2Floor is what each language of testdata/urgent/heldout2 must
// keep: at least this many urgent messages caught and at most this many
// false alarms. heldout2 was written for issue 10 after the first held-out
// set had been exhausted as a measure, before the lists were widened
// again, and is never tuned on either. Measured before widening: de 5,
// en 8, fr 9, ru 3, tr 6, uk 4; ar 4, fa 3, ps 4, ku 5, ti 4, so 3 of 15
// caught; false alarms unchanged. The urgent model (urgent_model.go)
// added one catch in ps and one false alarm in ps. The fifth pass of the
// lists added a second false alarm in ps (seen only as a count, not tuned
// away) and the model one catch in ti, lost again when merged with the
// fourth search round (its phrases are calm examples too; the threshold
// rule then gave 0.87).
var heldOut2Floor = map[string]struct{ caught, alarms int }{
	"de": {14, 2}, "en": {14, 1}, "fr": {15, 1}, "ru": {15, 1}, "tr": {15, 1}, "uk": {14, 1},
	"ar": {15, 0}, "fa": {14, 0}, "ku": {15, 0}, "ps": {15, 2}, "so": {15, 1}, "ti": {14, 0},
}

// TestUrgentSets_HeldOut2 reports the second held-out sets, counts only,
// and fails when a language falls below its floor.
func TestUrgentSets_HeldOut2(t *testing.T) {
	t.Parallel()
	checkUrgentFloors(t, "heldout2", heldOut2Floor)
}

// checkUrgentFloors scores testdata/urgent/<set>, logs the counts only and
// fails for each language below its floor or lacking one.
func checkUrgentFloors(t *testing.T, set string, floors map[string]struct{ caught, alarms int }) {
	t.Helper()
	scores := scoreUrgentSets(t, MustLoad(t), filepath.Join("testdata", "urgent", set))
	t.Logf("%s:\n%s", set, urgentTable(scores))
	for _, s := range scores {
		f, ok := floors[s.lang]
		if !ok {
			t.Errorf("%s: %s has no floor", s.lang, set)
			continue
		}
		if s.caught < f.caught || s.alarms > f.alarms {
			t.Errorf("%s %s: %d/%d caught (floor %d), %d false alarms (ceiling %d)", s.lang, set, s.caught, s.urgent, f.caught, s.alarms, f.alarms)
		}
	}
}

// heldOut3Floor is what each language of testdata/urgent/heldout3 must
// keep. heldout3 was written for the urgent model before the model existed
// and is never tuned on. Measured with the lists alone, before the model:
// de 9, en 7, fr 9, ru 9, tr 8, uk 9; ar 9, fa 9, ku 8, ps 8, so 9, ti 7
// of 10 caught (101/120), 6/180 calm alarmed. The floors are what lists
// and model reach together (108/120, the same 6 alarms; after the fifth
// pass 110/120; merged with the fourth search round, whose phrases the
// model also learns as calm, at the threshold its rule then gave, 0.87:
// 108/120, en and ku one fewer; at 0.81 after the sixth search round
// uk one fewer).
var heldOut3Floor = map[string]struct{ caught, alarms int }{
	"de": {9, 0}, "en": {7, 2}, "fr": {10, 1}, "ru": {10, 0}, "tr": {10, 1}, "uk": {9, 0},
	"ar": {9, 1}, "fa": {9, 0}, "ku": {8, 0}, "ps": {9, 0}, "so": {9, 1}, "ti": {8, 0},
}

// TestUrgentSets_HeldOut3 reports the third held-out sets, counts only,
// and fails when a language falls below its floor.
func TestUrgentSets_HeldOut3(t *testing.T) {
	t.Parallel()
	checkUrgentFloors(t, "heldout3", heldOut3Floor)
}

// TestUrgentSets_Dir scores the set in the directory named by URGENT_SET
// (one <lang>.yaml per language, the format of the examples) with the
// lists alone and with lists and model, and prints counts only. It is how
// a new round of messages is measured at first sight, before it joins the
// examples, and how the held-out sets are read for the lists alone:
//
//	URGENT_SET=/path/to/round go test -run UrgentSets_Dir -v ./internal/kb
//
// URGENT_SHOW=1 also prints the messages missed and alarmed (lists and
// model) – for a new round being tuned, never for a held-out set.
func TestUrgentSets_Dir(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("URGENT_SET")
	if dir == "" {
		t.Skip("set URGENT_SET to a directory of urgent sets")
	}
	k, err := Load(os.DirFS(filepath.Join("..", "..", "locales")), "")
	if err != nil {
		t.Fatal(err)
	}
	both := scoreUrgentSets(t, k, dir)
	k.Prepare()
	k.urgentReady = func() *classify.Model { return nil }
	lists := scoreUrgentSets(t, k, dir)
	var b strings.Builder
	b.WriteString("| lang | caught, lists | lists + model | calm alarmed, lists | lists + model |\n|---|---|---|---|---|\n")
	var l, m urgentScore
	for i := range both {
		fmt.Fprintf(&b, "| %s | %d/%d | %d/%d | %d/%d | %d/%d |\n", both[i].lang,
			lists[i].caught, lists[i].urgent, both[i].caught, both[i].urgent,
			lists[i].alarms, lists[i].calm, both[i].alarms, both[i].calm)
		l.caught, l.urgent, l.alarms, l.calm = l.caught+lists[i].caught, l.urgent+lists[i].urgent, l.alarms+lists[i].alarms, l.calm+lists[i].calm
		m.caught, m.alarms = m.caught+both[i].caught, m.alarms+both[i].alarms
	}
	fmt.Fprintf(&b, "| all | %d/%d | %d/%d | %d/%d | %d/%d |\n", l.caught, l.urgent, m.caught, l.urgent, l.alarms, l.calm, m.alarms, l.calm)
	t.Logf("%s:\n%s", dir, b.String())
	if os.Getenv("URGENT_SHOW") != "" {
		for _, s := range both {
			for _, m := range s.missed {
				t.Logf("%s missed: %s", s.lang, m)
			}
			for _, m := range s.falseAlarms {
				t.Logf("%s alarmed: %s", s.lang, m)
			}
		}
	}
}
