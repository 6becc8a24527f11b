package kb

import (
	"os"
	"strings"
	"testing"

	"lotse/internal/urgentml"
)

func TestZZScratchDetail(t *testing.T) {
	dir := os.Getenv("URGENT_DETAIL")
	if dir == "" {
		t.Skip()
	}
	k, err := Load(os.DirFS("../../locales"), "")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("NOMODEL") != "" {
		k.Prepare()
		k.urgentReady = func() *urgentml.Model { return nil }
	}
	for _, s := range scoreUrgentSets(t, k, dir) {
		t.Logf("%s %d/%d %d/%d\n  MISS %s\n  FA %s", s.lang, s.caught, s.urgent, s.alarms, s.calm, strings.Join(s.missed, "\n  MISS "), strings.Join(s.falseAlarms, "\n  FA "))
	}
}

func TestZZScratchThresholds(t *testing.T) {
	if os.Getenv("ZZTH") == "" {
		t.Skip()
	}
	trees, err := readTrees(os.DirFS("../../locales"), "")
	if err != nil {
		t.Fatal(err)
	}
	ex, _, err := parseExamples(trees)
	if err != nil {
		t.Fatal(err)
	}
	kbCalm := MustLoad(t).kbCalm()
	const folds = 5
	ths := []float64{0.70, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78, 0.79, 0.80, 0.82, 0.85}
	caught := make([]int, len(ths))
	alarms := make([]int, len(ths))
	var urgent, calm int
	for f := range folds {
		var train []urgentml.Example
		train = append(train, kbCalm...)
		for i, e := range ex {
			if i%folds != f {
				train = append(train, e)
			}
		}
		m, err := urgentml.Train(train)
		if err != nil {
			t.Fatal(err)
		}
		for i := f; i < len(ex); i += folds {
			kind, p := m.Classify(ex[i].Text)
			if ex[i].Kind == "" {
				calm++
			} else {
				urgent++
			}
			for j, th := range ths {
				if p >= th {
					if ex[i].Kind == "" {
						alarms[j]++
					} else if kind == ex[i].Kind {
						caught[j]++
					}
				}
			}
		}
	}
	for j, th := range ths {
		t.Logf("%.2f: %d/%d caught (%.1f %%), %d/%d calm alarmed (%.2f %%)", th, caught[j], urgent, pct(caught[j], urgent), alarms[j], calm, pct(alarms[j], calm))
	}
}
