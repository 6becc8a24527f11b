package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"lotse/internal/config"
	"lotse/internal/kb"
	"lotse/internal/testclock"
	"lotse/locales"
)

// testNow is the clock of the content and offers commands in tests: the
// review ages and check dates they report do not depend on the day the
// tests run (see testclock).
func testNow() time.Time { return testclock.Start() }

// runContent runs `lotse content ARGS…` with no environment and returns
// what it printed on stdout and stderr.
func runContent(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), testNow, append([]string{"content"}, args...), func(string) string { return "" }, nil, &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustWrite creates files (slash paths) under dir.
func mustWrite(t *testing.T, dir string, files map[string]string) {
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

// copyShipped copies the shipped knowledge base into dir, making it a
// complete content tree. Its urgent list is a short one: translations
// never touch it, and parsing the shipped one costs about a second of
// CPU under the race detector on every load of the tree.
func copyShipped(t *testing.T, dir string) {
	t.Helper()
	names, err := fs.Glob(locales.FS, "kb/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"urgent.yaml": "de: [notfall]\nen: [emergency]\n"}
	for _, name := range names {
		b, err := fs.ReadFile(locales.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	mustWrite(t, dir, files)
}

// fullFactsConfig writes the sample config plus the facts that the
// shipped content uses but the sample does not configure (sozialamt,
// wohnungsamt): checked against the bare sample, the shipped content
// reports them as unknown facts. Named here rather than collected from the
// content, so that a misspelt placeholder in the content still fails.
func fullFactsConfig(t *testing.T) string {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(config.Sample, &m); err != nil {
		t.Fatal(err)
	}
	facts, _ := m["facts"].(map[string]any)
	if facts == nil {
		facts = map[string]any{}
	}
	for _, name := range []string{"sozialamt", "wohnungsamt"} {
		if _, ok := facts[name]; !ok {
			facts[name] = "Testamt " + name
		}
	}
	m["facts"] = facts
	b, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mustWrite(t, dir, map[string]string{"lotse.yaml": string(b)})
	return filepath.Join(dir, "lotse.yaml")
}

func errorLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "ERROR") {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestContentCheck_Shipped(t *testing.T) {
	t.Parallel()
	out, _, err := runContent(t, "check", "--config", fullFactsConfig(t))
	if err != nil {
		t.Fatalf("the shipped content has errors (%v):\n%s", err, strings.Join(errorLines(out), "\n"))
	}
	if !strings.Contains(out, "Checking the shipped content") || !strings.Contains(out, "0 errors, ") {
		t.Errorf("output:\n%s", out)
	}
}

// brokenTree is a complete content tree with one problem of each kind.
func brokenTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	long := strings.Repeat("Wort ", 130)
	mustWrite(t, dir, map[string]string{
		"kb/structure.yaml": `
areas: [housing]
entries:
  - {id: housing.flat, area: housing, source: "http://example.org/flat", reviewed: 2026-11-01}
  - {id: housing.noanswer, area: housing, source: "https://example.org/a", reviewed: 2026-11-01}
  - {id: housing.fact, area: housing, source: "https://example.org/b", reviewed: 2020-01-01}
  - {id: housing.long, area: housing, source: "https://example.org/c", reviewed: 2026-11-01}
`,
		"kb/de.yaml": `
human_reviewed: true
entries:
  housing.flat: {question: "Wie finde ich eine Wohnung?", answer: "Fragen Sie das Jobcenter ({{jobcenter}}).", phrases: [wohnung]}
  housing.noanswer: {question: "Ohne Antwort?", phrases: [ohne]}
  housing.fact: {question: "Welches Amt?", answer: "Das Amt ({{unbekanntes_amt}}).", phrases: [amt]}
  housing.long: {question: "Lang?", answer: "` + long + `", phrases: [lang]}
  housing.extra: {question: "Gibt es nicht?", answer: "Nein.", phrases: [nein]}
`,
		"kb/en.yaml": `
human_reviewed: true
entries:
  housing.flat: {question: "How do I find a flat?", answer: "Ask the Jobcenter ({{jobcenter}}).", phrases: [flat]}
  housing.noanswer: {question: "No answer?", answer: "Yes.", phrases: [no]}
  housing.fact: {question: "Which office?", answer: "The office.", phrases: [office]}
  housing.long: {question: "Long?", answer: "Short.", phrases: [long]}
`,
		"urgent.yaml": "de: [notfall*]\nen: [emergency]\n",
	})
	return dir
}

func TestContentCheck_Broken(t *testing.T) {
	t.Parallel()
	dir := brokenTree(t)
	out, _, err := runContent(t, "check", "--dir", dir)
	if err == nil || !strings.Contains(err.Error(), "5 errors") {
		t.Fatalf("err = %v, want 5 errors; output:\n%s", err, out)
	}
	de, structure := filepath.Join(dir, "kb", "de.yaml"), filepath.Join(dir, "kb", "structure.yaml")
	for _, want := range []string{
		"as a complete content tree",
		"ERROR   " + structure + ": housing.flat: source must start with https://",
		"ERROR   " + de + ": housing.noanswer: answer is empty",
		"ERROR   " + de + ": housing.fact: answer uses unknown fact {{unbekanntes_amt}}",
		"ERROR   " + de + ": housing.extra: id is not in structure.yaml",
		"ERROR   " + de + ": housing.long: answer has 130 words",
		"WARNING " + structure + ": housing.fact: legal content was last reviewed on 2020-01-01",
		"5 errors, ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "{{jobcenter}}") {
		t.Errorf("a configured fact is reported:\n%s", out)
	}

	t.Run("MaxAge", func(t *testing.T) {
		out, _, _ := runContent(t, "check", "--dir", dir, "--max-age", "0")
		if strings.Contains(out, "last reviewed") {
			t.Errorf("--max-age 0 still reports the review age:\n%s", out)
		}
		out, _, _ = runContent(t, "check", "--dir", dir, "--max-age", "87600h")
		if strings.Contains(out, "last reviewed") {
			t.Errorf("--max-age 87600h reports a 7-year-old review:\n%s", out)
		}
		if _, _, err := runContent(t, "check", "--dir", dir, "--max-age", "1y"); err != errUsage {
			t.Errorf("--max-age 1y: %v", err)
		}
	})
	// The age is counted on the program's clock, not the machine's: two
	// years on, the entries reviewed a month before the tests' day are due.
	t.Run("AgeOnTheClock", func(t *testing.T) {
		later := func() time.Time { return testclock.Start().AddDate(2, 0, 0) }
		var out bytes.Buffer
		run(context.Background(), later, []string{"content", "check", "--dir", dir}, func(string) string { return "" }, nil, &out, io.Discard)
		if want := "housing.flat: legal content was last reviewed on 2026-11-01"; !strings.Contains(out.String(), want) {
			t.Errorf("two years later, output lacks %q:\n%s", want, out.String())
		}
		if out, _, _ := runContent(t, "check", "--dir", dir); strings.Contains(out, "reviewed on 2026-11-01") {
			t.Error("on the tests' day, a review of three weeks before is reported")
		}
	})
}

// placeholderEntry returns the first shipped entry whose German answer uses a
// placeholder, and its placeholders.
func placeholderEntry(t *testing.T) (string, []string) {
	t.Helper()
	k, err := loadKBOnce(locales.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, area := range k.Areas() {
		for _, e := range k.Entries(area) {
			txt, _ := k.Text(e.ID, kb.SourceLang)
			if names := kb.Placeholders(txt.Answer); len(names) > 0 && txt.Lang == kb.SourceLang {
				return e.ID, names
			}
		}
	}
	t.Fatal("no shipped entry uses a placeholder")
	return "", nil
}

func TestContentCheck_Override(t *testing.T) {
	t.Parallel()
	id, _ := placeholderEntry(t)
	dir := t.TempDir()
	mustWrite(t, dir, map[string]string{"kb/de.yaml": `
entries:
  ` + id + `:
    answer: "Neu: fragen Sie im Rathaus."
  housing.tippfehler:
    question: "Gibt es das?"
`})
	out, _, err := runContent(t, "check", "--dir", dir, "--config", fullFactsConfig(t))
	if err == nil {
		t.Fatalf("broken override accepted:\n%s", out)
	}
	de := filepath.Join(dir, "kb", "de.yaml")
	for _, want := range []string{
		"as an override on top of the shipped content",
		"ERROR   " + de + ": housing.tippfehler: id is not in structure.yaml",
		"ERROR   " + de + ": housing.tippfehler: answer is empty",
		"WARNING locales/kb/en.yaml: " + id + ": translation has {{", // the German text lost its placeholder
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// fill gives the first n entries of a translator's file a translation
// that keeps the German placeholders.
func fill(t *testing.T, file string, n int, prefix string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := kb.ParseTranslationFile(file, b)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range f.Entries[:n] {
		e := &f.Entries[i]
		var facts []string
		for _, name := range kb.Placeholders(e.Source.Question + "\n" + e.Source.Answer) {
			facts = append(facts, "{{"+name+"}}")
		}
		e.Translation = kb.TranslationText{
			Question: prefix + " " + e.ID + "?",
			Answer:   prefix + ": " + e.ID + " " + strings.Join(facts, " "),
			Phrases:  []string{prefix + " " + e.ID},
		}
		ids = append(ids, e.ID)
	}
	out, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestContent_ExportImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyShipped(t, dir)
	// Start from a language with no translation yet.
	if err := os.Remove(filepath.Join(dir, "kb", "fa.yaml")); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	file := filepath.Join(work, "fa.yaml")

	if _, stderr, err := runContent(t, "export", "--lang", "fa", "--dir", dir, "-o", file); err != nil || !strings.Contains(stderr, "Exported") {
		t.Fatalf("export: %v %s", err, stderr)
	}
	ids := fill(t, file, 2, "ترجمه")

	out, _, err := runContent(t, "import", "--lang", "fa", "--file", file, "--dir", dir)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2 added") || !strings.Contains(out, "human_reviewed: false") {
		t.Errorf("import output:\n%s", out)
	}
	k, err := loadKBOnce(os.DirFS(dir), "")
	if err != nil {
		t.Fatalf("imported content does not load: %v", err)
	}
	for _, id := range ids {
		txt, ok := k.Text(id, "fa")
		if !ok || txt.Lang != "fa" || txt.Question != "ترجمه "+id+"?" || txt.HumanReviewed {
			t.Errorf("Text(%s, fa) = %+v", id, txt)
		}
	}

	out, _, err = runContent(t, "import", "--lang", "fa", "--file", file, "--dir", dir, "--reviewed")
	if err != nil || !strings.Contains(out, "human_reviewed: true") {
		t.Fatalf("import --reviewed: %v\n%s", err, out)
	}
	k, err = loadKBOnce(os.DirFS(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	if txt, _ := k.Text(ids[0], "fa"); !txt.HumanReviewed {
		t.Errorf("not reviewed after --reviewed: %+v", txt)
	}

	out, _, _ = runContent(t, "check", "--dir", dir, "--config", fullFactsConfig(t))
	for _, l := range errorLines(out) {
		if strings.Contains(l, "fa.yaml") {
			t.Errorf("check after import: %s", l)
		}
	}
}

func TestContentExport_Since(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	first := filepath.Join(work, "ar-1.yaml")
	if _, _, err := runContent(t, "export", "--lang", "ar", "-o", first); err != nil {
		t.Fatal(err)
	}

	// The municipality changes one German answer in its override directory.
	id, names := placeholderEntry(t)
	override := t.TempDir()
	mustWrite(t, override, map[string]string{"kb/de.yaml": "entries:\n  " + id + ":\n    answer: \"Neu ({{" + names[0] + "}}).\"\n"})
	k, err := loadKBOnce(locales.FS, override)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{}
	for _, area := range k.Areas() {
		for _, e := range k.Entries(area) {
			if txt, _ := k.Text(e.ID, "ar"); e.ID == id || txt.Lang != "ar" {
				want = append(want, e.ID) // changed, or not translated yet
			}
		}
	}

	second := filepath.Join(work, "ar-2.yaml")
	if _, stderr, err := runContent(t, "export", "--lang", "ar", "--dir", override, "--since", first, "-o", second); err != nil {
		t.Fatalf("export --since: %v %s", err, stderr)
	}
	if got := exportedIDs(t, second); !slices.Equal(got, want) {
		t.Errorf("export --since exported %v, want %v", got, want)
	}

	// Nothing changed since the second round: only the untranslated ones.
	var stdout bytes.Buffer
	if err := run(context.Background(), testNow, []string{"content", "export", "--lang", "ar", "--dir", override, "--since", second},
		func(string) string { return "" }, nil, &stdout, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	third, err := kb.ParseTranslationFile("stdout", stdout.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range third.Entries {
		if e.ID == id {
			t.Errorf("third round exports %s again, although nothing changed", id)
		}
	}
}

func exportedIDs(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := kb.ParseTranslationFile(file, b)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, e := range f.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}

func TestContentImport_Refuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() // an override directory, still empty
	work := t.TempDir()
	file := filepath.Join(work, "uk.yaml")
	if _, _, err := runContent(t, "export", "--lang", "uk", "--dir", dir, "-o", file); err != nil {
		t.Fatal(err)
	}
	id, names := placeholderEntry(t)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := kb.ParseTranslationFile(file, b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Entries {
		if f.Entries[i].ID == id {
			f.Entries[i].Translation.Answer = "Без адреси." // the placeholder is lost
		}
	}
	f.Entries = append(f.Entries, kb.TranslationEntry{ID: "housing.nicht_da",
		Translation: kb.TranslationText{Question: "Що?", Answer: "Ні."}})
	bad, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, bad, 0o644); err != nil {
		t.Fatal(err)
	}

	out, _, err := runContent(t, "import", "--lang", "uk", "--file", file, "--dir", dir)
	if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	for _, want := range []string{
		"ERROR   " + file + ": " + id + ": translation lacks {{" + names[0] + "}}",
		"ERROR   " + file + ": housing.nicht_da: id is not in structure.yaml",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "kb", "uk.yaml")); !os.IsNotExist(err) {
		t.Errorf("refused import wrote a file: %v", err)
	}
	if _, _, err := runContent(t, "import", "--lang", "ar", "--file", file, "--dir", dir); err == nil {
		t.Error("a Ukrainian file is imported as Arabic")
	}
	// A content directory that is not there (the default ./locales
	// outside the source tree) is named with the flag to give.
	missing := filepath.Join(work, "locales")
	if _, _, err := runContent(t, "import", "--lang", "uk", "--file", file, "--dir", missing); err == nil || !strings.Contains(err.Error(), "--dir "+missing+": no such directory") {
		t.Errorf("import into a missing directory: err = %v", err)
	}

	// Fixed, it goes into the override directory: only what changed.
	f.Entries = f.Entries[:len(f.Entries)-1]
	for i := range f.Entries {
		if f.Entries[i].ID == id {
			f.Entries[i].Translation.Answer = "Нова адреса ({{" + strings.Join(names, "}}, {{") + "}})."
			if f.Entries[i].Translation.Question == "" {
				f.Entries[i].Translation.Question = "Питання?"
			}
		}
	}
	good, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, good, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = runContent(t, "import", "--lang", "uk", "--file", file, "--dir", dir)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	written, err := os.ReadFile(filepath.Join(dir, "kb", "uk.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Entries map[string]any `yaml:"entries"`
	}
	if err := yaml.Unmarshal(written, &doc); err != nil || len(doc.Entries) != 1 || doc.Entries[id] == nil {
		t.Errorf("override file has more than the changed entry (%v):\n%s", err, written)
	}
	k, err := loadKBOnce(locales.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	if txt, _ := k.Text(id, "uk"); !strings.HasPrefix(txt.Answer, "Нова адреса") {
		t.Errorf("Text(%s, uk) = %+v", id, txt)
	}
}

// TestContentCheck_ConfigTexts: a config text written only in German is
// reported with its path and the languages that get the German text.
func TestContentCheck_ConfigTexts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, dir, map[string]string{"lotse.yaml": `municipality: Musterstadt
offices:
  - id: rathaus
    name: {de: Rathaus, ar: البلدية, fa: شهرداری}
    address: Marktplatz 1
    phone: "+49 1"
    notes: Eingang B
facts:
  jobcenter: Jobcenter Musterstadt
  mietobergrenze: {de: "1 Person: 450 €", ar: "شخص واحد: 450 €"}
  sozialamt: Sozialamt Musterstadt
  wohnungsamt: Wohnungsamt Musterstadt
`})
	out, _, _ := runContent(t, "check", "--config", filepath.Join(dir, "lotse.yaml"))
	for _, want := range []string{
		"offices.0.notes: no text in ar, uk, fa, ps, tr, ku, ti, so, ru, fr, en",
		"offices.0.name: no text in uk, ps, tr, ku, ti, so, ru, fr, en",
		"facts.mietobergrenze: no text in uk, fa",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check does not report %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "offices.0.name: no text in ar") {
		t.Errorf("Arabic is written for the name:\n%s", out)
	}
	if strings.Contains(out, "facts.jobcenter") {
		t.Errorf("an address written once reads the same everywhere and is not reported:\n%s", out)
	}
}

// TestContentCheck_ConfigWarnings: what serve starts with but warns about
// is listed too, with the line and what to write.
func TestContentCheck_ConfigWarnings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, dir, map[string]string{"lotse.yaml": `municipality: Musterstadt
offices:
  - {id: rathaus, name: Rathaus, address: Marktplatz 1, phone: "+49 1"}
staff:
  - {name: Anna Becker, telegram_id: 100001, languages: [de, ua]}
handover:
  staff_language: fr
`})
	out, _, err := runContent(t, "check", "--config", filepath.Join(dir, "lotse.yaml"))
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	for _, want := range []string{
		`lotse.yaml:5: staff.0.languages: "ua" is not one of Lotse's languages`,
		"for Ukrainian write uk",
		`lotse.yaml:7: handover.staff_language: "fr": the staff group's texts exist in de and en only; using de — write de or en`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check does not report %q:\n%s", want, out)
		}
	}
}
