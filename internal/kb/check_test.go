package kb

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestKB_Check(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Wort ", maxAnswerWords+1)
	fsys := fstest.MapFS{
		"kb/structure.yaml": {Data: []byte(`
areas: [housing, work]
entries:
  - {id: housing.flat, area: housing, source: "https://example.org/a", reviewed: 2026-11-01, related: [housing.nope, housing.flat]}
  - {id: housing.Bad-Id, area: housing, source: "https://example.org/b", reviewed: 2026-11-01}
  - {id: housing.this_id_is_far_too_long_for_buttons, area: housing, source: "https://example.org/c", reviewed: 2026-11-01}
  - {id: work.wrong_area, area: housing, source: "https://example.org/d", reviewed: 2026-11-01}
  - {id: housing.http, area: housing, source: "http://example.org/e", reviewed: 2026-11-01}
  - {id: housing.nosource, area: housing, reviewed: 2026-11-01}
  - {id: housing.old, area: housing, source: "https://example.org/f", reviewed: 2020-01-01}
  - {id: housing.nodate, area: housing, source: "https://example.org/g", reviewed: "1.11.2026"}
  - {id: housing.flat, area: housing, source: "https://example.org/dup", reviewed: 2026-11-01}
  - {id: housing.lonely, area: health, source: "https://example.org/h", reviewed: 2026-11-01}
`)},
		"kb/de.yaml": {Data: []byte(`
human_reviewed: true
entries:
  housing.flat:
    question: Wie finde ich eine Wohnung?
    answer: Gehen Sie zum {{wohnungsamt}} oder {{unknown_fact}}.
    phrases: [wohnung]
  housing.http:
    question: Wie finde ich eine WOHNUNG
    answer: "Mit {{ kaputt }} und {jobcenter}} und <b>fett</b>."
    phrases: [a]
  housing.old:
    question: ""
    answer: ""
  housing.nodate:
    question: Alt?
    answer: ` + long + `
  housing.typo:
    question: Gibt es nicht?
    answer: Nein.
`)},
		"kb/en.yaml": {Data: []byte(`
human_reviewed: true
entries:
  housing.flat:
    question: How do I find a flat?
    answer: Search.
    phrases: [flat]
`)},
		"kb/fa.yaml":       {Data: []byte("human_reviewed: false\nentries: {}\n")},
		"kb/README.yaml":   {Data: []byte("# notes\n")},
		"kb/sv.yaml":       {Data: []byte("entries: {}\n")},
		"urgent.yaml":      {Data: []byte("de: [notfall*]\n")},
		"kb/structure.yml": {Data: []byte("ignored: true\n")},
	}
	k, err := Load(fsys, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	problems := k.Check(2*365*24*time.Hour, now, []string{"wohnungsamt", "jobcenter"})
	for _, p := range problems {
		t.Log(p)
	}
	for _, tc := range []struct {
		name, file, key, msg string
		sev                  Severity
	}{
		{"duplicate id", "kb/structure.yaml", "housing.flat", "listed twice", SeverityError},
		{"unknown related", "kb/structure.yaml", "housing.flat", `related id "housing.nope"`, SeverityError},
		{"related to itself", "kb/structure.yaml", "housing.flat", "entry itself", SeverityWarning},
		{"bad id", "kb/structure.yaml", "housing.Bad-Id", "must look like", SeverityError},
		{"long id", "kb/structure.yaml", "housing.this_id_is_far_too_long_for_buttons", "bytes long", SeverityError},
		{"wrong area prefix", "kb/structure.yaml", "work.wrong_area", "must start with its area", SeverityError},
		{"unknown area", "kb/structure.yaml", "housing.lonely", `area "health"`, SeverityError},
		{"area without entries", "kb/structure.yaml", "", `area "work" has no entries`, SeverityWarning},
		{"http source", "kb/structure.yaml", "housing.http", "https://", SeverityError},
		{"missing source", "kb/structure.yaml", "housing.nosource", "source is missing", SeverityError},
		{"old review", "kb/structure.yaml", "housing.old", "review it again", SeverityWarning},
		{"bad date", "kb/structure.yaml", "housing.nodate", "YYYY-MM-DD", SeverityError},
		{"missing German", "kb/de.yaml", "housing.lonely", "entry is missing", SeverityError},
		{"missing English", "kb/en.yaml", "housing.http", "entry is missing", SeverityError},
		{"missing in other language is a warning", "kb/fa.yaml", "housing.flat", "entry is missing", SeverityWarning},
		{"extra id", "kb/de.yaml", "housing.typo", "not in structure.yaml", SeverityError},
		{"empty question", "kb/de.yaml", "housing.old", "question is empty", SeverityError},
		{"empty answer", "kb/de.yaml", "housing.old", "answer is empty", SeverityError},
		{"long answer", "kb/de.yaml", "housing.nodate", "words", SeverityError},
		{"duplicate question", "kb/de.yaml", "housing.http", "same question as housing.flat", SeverityError},
		{"unknown fact", "kb/de.yaml", "housing.flat", "{{unknown_fact}}", SeverityError},
		{"broken braces", "kb/de.yaml", "housing.http", "broken braces", SeverityError},
		{"markup", "kb/de.yaml", "housing.http", "markup", SeverityWarning},
		{"no phrases", "kb/de.yaml", "housing.old", "no phrases", SeverityWarning},
		{"stray file", "kb/README.yaml", "", "file ignored", SeverityWarning},
		{"human_reviewed missing", "kb/sv.yaml", "", "human_reviewed is missing", SeverityWarning},
		{"no urgent words", "urgent.yaml", "", `language "fa"`, SeverityWarning},
		{"urgent kind missing", "urgent.yaml", "", `language "de" has no suicide items`, SeverityWarning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range problems {
				if p.File == tc.file && p.Key == tc.key && strings.Contains(p.Msg, tc.msg) {
					if p.Severity != tc.sev {
						t.Errorf("%s has severity %s, want %s", p, p.Severity, tc.sev)
					}
					return
				}
			}
			t.Errorf("no problem %s %s %q", tc.file, tc.key, tc.msg)
		})
	}
	t.Run("known fact is not reported", func(t *testing.T) {
		for _, p := range problems {
			if strings.Contains(p.Msg, "{{wohnungsamt}}") {
				t.Errorf("known fact reported: %s", p)
			}
		}
	})
	t.Run("no fact list skips the check", func(t *testing.T) {
		for _, p := range k.Check(0, now, nil) {
			if strings.Contains(p.Msg, "unknown fact") {
				t.Errorf("fact reported without a list: %s", p)
			}
			if strings.Contains(p.Msg, "review it again") {
				t.Errorf("review age reported with maxAge 0: %s", p)
			}
		}
	})
}
