package kb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// tinyFS is a minimal valid knowledge base for tests.
func tinyFS() fstest.MapFS {
	return fstest.MapFS{
		"kb/structure.yaml": {Data: []byte(`
areas: [housing, work]
entries:
  - {id: housing.flat, area: housing, source: "https://example.org/flat", reviewed: 2026-11-01}
  - {id: work.job, area: work, source: "https://example.org/job", reviewed: 2026-11-01, related: [housing.flat]}
`)},
		"kb/de.yaml": {Data: []byte(`
human_reviewed: true
entries:
  housing.flat:
    question: Wie finde ich eine Wohnung?
    answer: Suchen Sie im Internet ({{wohnungsamt}}).
    phrases: [wohnung suchen]
  work.job:
    question: Darf ich arbeiten?
    answer: Das steht auf Ihrem Papier.
    phrases: [arbeit]
`)},
		"kb/en.yaml": {Data: []byte(`
human_reviewed: true
entries:
  housing.flat:
    question: How do I find a flat?
    answer: Search online.
    phrases: [find flat]
  work.job:
    question: May I work?
    answer: It says so on your paper.
    phrases: [work]
`)},
		"urgent.yaml": {Data: []byte("de: [notfall*]\nen: [emergency]\n")},
	}
}

// smallFS is tinyFS with urgent examples, so that it has every part the
// compiled cache keeps (texts, postings, urgent lists, model, known
// words) at a size whose load takes milliseconds, also under the race
// detector: the cache's mechanics do not need the shipped content.
func smallFS() fstest.MapFS {
	fsys := tinyFS()
	fsys["urgent.yaml"] = &fstest.MapFile{Data: []byte("de:\n  general: [notfall*]\nen:\n  fire: [fire & house|flat]\n")}
	fsys[examplesDir+"/en.yaml"] = &fstest.MapFile{Data: []byte(`urgent:
  suicide:
    - i just want it all to stop
    - i took all my pills
    - i dont want to live anymore
  medical:
    - my baby is turning blue
    - he fell and does not wake up
    - my chest hurts and i cant breathe
  fire:
    - there is smoke in the stairwell
    - the kitchen is burning
calm:
  - my rent went up by 110 euros
  - i live at number 112
  - this paperwork is killing me
  - where do i find a flat
  - may i work with my papers
  - the smoke detector beeps, battery empty
  - i am tired of waiting for the letter
`)}
	return fsys
}

// smallProbes are messages whose urgency a knowledge base loaded from
// smallFS must give as one loaded from its files.
var smallProbes = []string{"i took all my pills", "my baby is turning blue", "my flat is on fire", "my rent went up by 110 euros", "wie finde ich eine wohnung", "Notfall!"}

func mustLoadFS(t *testing.T, fsys fstest.MapFS, override string) *KB {
	t.Helper()
	k, err := Load(fsys, override)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// writeFiles creates files (slash paths) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKB_LoadOverride(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"kb/structure.yaml": `
areas: [health]
entries:
  - {id: housing.flat, area: housing, source: "https://example.org/local-flat", reviewed: 2026-11-15}
  - {id: housing.garbage, area: housing, source: "https://example.org/garbage", reviewed: 2026-11-15}
  - {id: health.doctor, area: health, source: "https://example.org/doctor", reviewed: 2026-11-15}
`,
		"kb/de.yaml": `
entries:
  housing.flat:
    answer: Fragen Sie die Wohnungsgesellschaft Musterstadt, Tel. 123.
  housing.garbage:
    question: Wie trenne ich den Müll?
    answer: Gelbe Tonne für Verpackungen.
    phrases: [muelltrennung gelbe tonne]
  health.doctor:
    question: Wie finde ich einen Arzt?
    answer: Fragen Sie die Sozialberatung.
    phrases: [hausarzt]
`,
		"kb/ar.yaml": `
human_reviewed: false
entries:
  housing.garbage:
    question: كيف أفرز القمامة؟
    answer: الحاوية الصفراء للتغليف.
    phrases: [فرز الزبالة]
`,
		"urgent.yaml": "de: [giftköder]\n",
	})
	k := mustLoadFS(t, tinyFS(), dir)

	t.Run("changed answer keeps the shipped question", func(t *testing.T) {
		txt, ok := k.Text("housing.flat", "de")
		if !ok || txt.Question != "Wie finde ich eine Wohnung?" || !strings.Contains(txt.Answer, "Musterstadt") {
			t.Fatalf("Text = %+v, %v", txt, ok)
		}
		if !txt.HumanReviewed {
			t.Error("override without human_reviewed should inherit the shipped flag")
		}
		if txt, _ := k.Text("housing.flat", "en"); txt.Answer != "Search online." {
			t.Errorf("English text changed: %q", txt.Answer)
		}
	})
	t.Run("structure merged by id", func(t *testing.T) {
		e, _ := k.Entry("housing.flat")
		if e.Source != "https://example.org/local-flat" || e.Reviewed.Format(dateLayout) != "2026-11-15" {
			t.Errorf("Entry = %+v", e)
		}
		ids := []string{}
		for _, e := range k.Entries("housing") {
			ids = append(ids, e.ID)
		}
		if strings.Join(ids, ",") != "housing.flat,housing.garbage" {
			t.Errorf("Entries(housing) = %v", ids)
		}
		if got := strings.Join(k.Areas(), ","); got != "housing,work,health" {
			t.Errorf("Areas = %s", got)
		}
	})
	t.Run("new entry is searchable and has its languages", func(t *testing.T) {
		if r := k.Search("muelltrennung", "de"); len(r.Best) == 0 || r.Best[0].ID != "housing.garbage" {
			t.Errorf("Search = %+v", r)
		}
		if txt, _ := k.Text("housing.garbage", "ar"); txt.Lang != "ar" || txt.HumanReviewed {
			t.Errorf("ar text = %+v", txt)
		}
		if txt, _ := k.Text("housing.garbage", "en"); txt.Lang != "de" {
			t.Errorf("missing English should fall back to German, got %+v", txt)
		}
	})
	t.Run("urgent words are added", func(t *testing.T) {
		if !k.Urgent("Giftköder im Hof") || !k.Urgent("Notfall") {
			t.Error("override urgent words or shipped ones missing")
		}
	})
	t.Run("Check reports the missing English texts", func(t *testing.T) {
		var found bool
		for _, p := range k.Check(0, time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), nil) {
			if p.Key == "housing.garbage" && strings.HasSuffix(p.File, "en.yaml") && p.Severity == SeverityError {
				found = true
			}
		}
		if !found {
			t.Error("no error for the entry missing in en.yaml")
		}
	})
}

func TestKB_LoadErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		change  func(fstest.MapFS)
		wantErr string
	}{
		{"misspelt key", func(m fstest.MapFS) {
			m["kb/de.yaml"] = &fstest.MapFile{Data: []byte("human_reviewed: true\nentries:\n  work.job: {question: a, anwser: b}\n")}
		}, "kb/de.yaml"},
		{"broken yaml", func(m fstest.MapFS) {
			m["kb/structure.yaml"] = &fstest.MapFile{Data: []byte("areas: [housing\n")}
		}, "kb/structure.yaml"},
		{"no structure", func(m fstest.MapFS) { delete(m, "kb/structure.yaml") }, "kb/structure.yaml"},
		{"no urgent list", func(m fstest.MapFS) { delete(m, "urgent.yaml") }, "urgent.yaml"},
		{"urgent stem too short", func(m fstest.MapFS) {
			m["urgent.yaml"] = &fstest.MapFile{Data: []byte("de: [ab*]\n")}
		}, "too short"},
		{"no entries", func(m fstest.MapFS) {
			m["kb/structure.yaml"] = &fstest.MapFile{Data: []byte("areas: [housing]\n")}
		}, "no entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := tinyFS()
			tc.change(fsys)
			_, err := Load(fsys, "")
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "kb: load") {
				t.Fatalf("Load error = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
	t.Run("override dir missing", func(t *testing.T) {
		if _, err := Load(tinyFS(), filepath.Join(t.TempDir(), "nope")); err == nil {
			t.Fatal("missing override dir accepted")
		}
	})
	t.Run("override dir may be empty", func(t *testing.T) {
		mustLoadFS(t, tinyFS(), t.TempDir())
	})
}
