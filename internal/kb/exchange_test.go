package kb

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var exchangeNow = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// exchangeFS is a small knowledge base with German, English and a partial
// Arabic translation.
func exchangeFS(deFlatAnswer string) fstest.MapFS {
	return fstest.MapFS{
		"kb/structure.yaml": {Data: []byte(`
areas: [housing, work]
entries:
  - {id: housing.flat, area: housing, source: "https://example.org/flat", reviewed: 2026-11-01}
  - {id: housing.wbs, area: housing, source: "https://example.org/wbs", reviewed: 2026-11-01}
  - {id: work.job, area: work, source: "https://example.org/job", reviewed: 2026-11-01}
`)},
		"kb/de.yaml": {Data: []byte(`
human_reviewed: true
entries:
  housing.flat:
    question: Wie finde ich eine Wohnung?
    answer: ` + deFlatAnswer + `
    phrases: [wohnung suchen]
  housing.wbs:
    question: Was ist ein WBS?
    answer: "Ein Schein für Sozialwohnungen: beim Wohnungsamt ({{wohnungsamt}})."
    phrases: [wbs]
  work.job:
    question: Darf ich arbeiten?
    answer: Das steht auf Ihrem Papier.
    phrases: [arbeit]
`)},
		"kb/en.yaml": {Data: []byte(`
human_reviewed: true
entries:
  housing.flat: {question: "How do I find a flat?", answer: "Search online ({{jobcenter}}).", phrases: [find flat]}
  housing.wbs: {question: "What is a WBS?", answer: "A permit for social housing ({{wohnungsamt}}).", phrases: [wbs]}
  work.job: {question: "May I work?", answer: "It says so on your paper.", phrases: [work]}
`)},
		"kb/ar.yaml": {Data: []byte(`# Arabic, not reviewed yet.
human_reviewed: false

entries:
  work.job:
    question: هل يمكنني العمل؟
    answer: هذا مكتوب على ورقتك.
    phrases: [عمل]
  housing.flat:
    question: كيف أجد شقة؟
    answer: ابحث على الإنترنت ({{jobcenter}}).
    phrases: [شقة]
`)},
		"urgent.yaml": {Data: []byte("de: [notfall*]\nen: [emergency]\nar: [طوارئ]\n")},
	}
}

const deFlat = "Suchen Sie im Internet ({{jobcenter}})."

func mustExchangeKB(t *testing.T, deFlatAnswer string) *KB {
	t.Helper()
	k, err := Load(exchangeFS(deFlatAnswer), "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustExport(t *testing.T, k *KB, lang string, since *TranslationFile) *TranslationFile {
	t.Helper()
	f, err := k.ExportTranslations(lang, since, exchangeNow)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func exportIDs(f *TranslationFile) []string {
	var ids []string
	for _, e := range f.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}

func TestSourceHash(t *testing.T) {
	t.Parallel()
	h := SourceHash("Q?", "A.", []string{"p"})
	if len(h) != 12 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("hash %q is not 12 hex digits", h)
	}
	if SourceHash(" Q?\n", "A. ", []string{" p"}) != h {
		t.Error("surrounding space changes the hash")
	}
	for name, other := range map[string]string{
		"question": SourceHash("Q!", "A.", []string{"p"}),
		"answer":   SourceHash("Q?", "A!", []string{"p"}),
		"phrases":  SourceHash("Q?", "A.", []string{"p", "q"}),
		"boundary": SourceHash("Q?A", ".", []string{"p"}),
	} {
		if other == h {
			t.Errorf("changing the %s keeps the hash", name)
		}
	}
}

func TestKB_ExportTranslations(t *testing.T) {
	t.Parallel()
	k := mustExchangeKB(t, deFlat)
	f := mustExport(t, k, "ar", nil)

	if f.Lang != "ar" || f.SourceLang != "de" || f.Exported != "2026-11-21" || f.Unchanged != nil {
		t.Errorf("header = %q %q %q %v", f.Lang, f.SourceLang, f.Exported, f.Unchanged)
	}
	if got, want := exportIDs(f), []string{"housing.flat", "housing.wbs", "work.job"}; !slices.Equal(got, want) {
		t.Fatalf("ids = %v, want structure order %v", got, want)
	}
	flat := f.Entries[0]
	if flat.Source.Question != "Wie finde ich eine Wohnung?" || flat.Source.Answer != deFlat || !slices.Equal(flat.Source.Phrases, []string{"wohnung suchen"}) {
		t.Errorf("source = %+v", flat.Source)
	}
	if flat.Translation.Question != "كيف أجد شقة؟" || !slices.Equal(flat.Translation.Phrases, []string{"شقة"}) {
		t.Errorf("translation = %+v", flat.Translation)
	}
	if flat.SourceHash != SourceHash("Wie finde ich eine Wohnung?", deFlat, []string{"wohnung suchen"}) {
		t.Errorf("source_hash = %s", flat.SourceHash)
	}
	if wbs := f.Entries[1]; !wbs.Translation.empty() {
		t.Errorf("missing translation is not empty: %+v", wbs.Translation)
	}

	t.Run("Marshal", func(t *testing.T) {
		b, err := f.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, want := range []string{"# Lotse – Übersetzungsdatei", "translation.", "{{name}}", "Ausländerbehörde", "source_hash: " + flat.SourceHash,
			"\n\n  - id: housing.wbs", "    translation:\n      question: |-\n      answer: |-\n"} {
			if !strings.Contains(s, want) {
				t.Errorf("file lacks %q:\n%s", want, s)
			}
		}
		back, err := ParseTranslationFile("ar.yaml", b)
		if err != nil {
			t.Fatal(err)
		}
		if back.Lang != "ar" || !slices.Equal(exportIDs(back), exportIDs(f)) || back.Entries[0].Translation.Answer != flat.Translation.Answer ||
			back.Entries[1].Source.Answer != f.Entries[1].Source.Answer || !back.Entries[1].Translation.empty() {
			t.Errorf("round trip changed the file: %+v", back)
		}
	})

	t.Run("Since", func(t *testing.T) {
		// The German answer of housing.flat changes; housing.wbs is still
		// not translated; work.job is unchanged.
		changed := mustExchangeKB(t, "Suchen Sie im Internet und in der Zeitung ({{jobcenter}}).")
		second := mustExport(t, changed, "ar", f)
		if got, want := exportIDs(second), []string{"housing.flat", "housing.wbs"}; !slices.Equal(got, want) {
			t.Fatalf("ids = %v, want %v", got, want)
		}
		if second.Unchanged["work.job"] != f.Entries[2].SourceHash || len(second.Unchanged) != 1 {
			t.Errorf("unchanged = %v", second.Unchanged)
		}
		// The partial file is a complete record: a third round against it
		// finds nothing changed, only the missing translation.
		third := mustExport(t, changed, "ar", second)
		if got := exportIDs(third); !slices.Equal(got, []string{"housing.wbs"}) {
			t.Errorf("third round ids = %v", got)
		}
		if len(third.Unchanged) != 2 {
			t.Errorf("third round unchanged = %v", third.Unchanged)
		}
		b, err := second.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseTranslationFile("second.yaml", b)
		if err != nil {
			t.Fatal(err)
		}
		if back.Unchanged["work.job"] != second.Unchanged["work.job"] {
			t.Errorf("unchanged not kept in the file: %v", back.Unchanged)
		}
		if _, err := changed.ExportTranslations("uk", second, exchangeNow); err == nil {
			t.Error("an Arabic previous file is accepted for Ukrainian")
		}
	})

	t.Run("Refused", func(t *testing.T) {
		for _, lang := range []string{"de", "AR", "", "x"} {
			if _, err := k.ExportTranslations(lang, nil, exchangeNow); err == nil {
				t.Errorf("export for %q accepted", lang)
			}
		}
	})
}

// filled returns an export of k for lang with the given translations.
func filled(t *testing.T, k *KB, lang string, texts map[string]TranslationText) *TranslationFile {
	t.Helper()
	f := mustExport(t, k, lang, nil)
	for i := range f.Entries {
		if tr, ok := texts[f.Entries[i].ID]; ok {
			f.Entries[i].Translation = tr
		}
	}
	return f
}

func TestKB_CheckTranslationFile(t *testing.T) {
	t.Parallel()
	k := mustExchangeKB(t, deFlat)
	good := TranslationText{Question: "ما هو WBS؟", Answer: "تصريح للسكن الاجتماعي (Wohnungsamt، {{wohnungsamt}}).", Phrases: []string{"wbs"}}

	t.Run("Valid", func(t *testing.T) {
		f := filled(t, k, "ar", map[string]TranslationText{"housing.wbs": good})
		for _, p := range k.CheckTranslationFile("ar.yaml", "ar", f) {
			t.Errorf("unexpected problem: %s", p)
		}
	})

	for _, tc := range []struct {
		name string
		edit func(f *TranslationFile)
		key  string
		msg  string
		sev  Severity
	}{
		{"WrongLanguage", func(f *TranslationFile) { f.Lang = "uk" }, "", `for language "uk"`, SeverityError},
		{"UnknownID", func(f *TranslationFile) { f.Entries[1].ID = "housing.wsb" }, "housing.wsb", "not in structure.yaml", SeverityError},
		{"DuplicateID", func(f *TranslationFile) { f.Entries[2].ID = "housing.wbs" }, "housing.wbs", "twice", SeverityError},
		{"NoAnswer", func(f *TranslationFile) { f.Entries[1].Translation.Answer = "" }, "housing.wbs", "translation.answer is empty", SeverityError},
		{"NoQuestion", func(f *TranslationFile) { f.Entries[1].Translation.Question = "" }, "housing.wbs", "translation.question is empty", SeverityError},
		{"MissingPlaceholder", func(f *TranslationFile) { f.Entries[1].Translation.Answer = "تصريح (Wohnungsamt)." },
			"housing.wbs", "lacks {{wohnungsamt}}", SeverityError},
		{"ExtraPlaceholder", func(f *TranslationFile) { f.Entries[1].Translation.Answer += " {{jobcenter}}" },
			"housing.wbs", "has {{jobcenter}}", SeverityError},
		{"TranslatedPlaceholder", func(f *TranslationFile) {
			f.Entries[1].Translation.Answer = strings.Replace(good.Answer, "{{wohnungsamt}}", "{{مكتب}}", 1)
		}, "housing.wbs", "broken braces", SeverityError},
		{"LongAnswer", func(f *TranslationFile) {
			f.Entries[1].Translation.Answer = strings.Repeat("كلمة ", maxAnswerWords) + "{{wohnungsamt}}"
		}, "housing.wbs", "words", SeverityError},
		{"GermanChanged", func(f *TranslationFile) { f.Entries[1].SourceHash = "000000000000" }, "housing.wbs", "German text changed", SeverityWarning},
		{"NoPhrases", func(f *TranslationFile) { f.Entries[1].Translation.Phrases = nil }, "housing.wbs", "phrases is empty", SeverityWarning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filled(t, k, "ar", map[string]TranslationText{"housing.wbs": good})
			tc.edit(f)
			ps := k.CheckTranslationFile("ar.yaml", "ar", f)
			for _, p := range ps {
				if p.File == "ar.yaml" && p.Key == tc.key && strings.Contains(p.Msg, tc.msg) {
					if p.Severity != tc.sev {
						t.Errorf("%s has severity %s, want %s", p, p.Severity, tc.sev)
					}
					return
				}
			}
			t.Errorf("no problem %s %q in %v", tc.key, tc.msg, ps)
		})
	}
	t.Run("SourceLanguage", func(t *testing.T) {
		f := filled(t, k, "ar", nil)
		f.Lang = "de"
		if ps := k.CheckTranslationFile("de.yaml", "de", f); len(ps) != 1 || ps[0].Severity != SeverityError {
			t.Errorf("importing German: %v", ps)
		}
	})
}

// loadWith loads the exchange fixture with lang's file replaced by b.
func loadWith(t *testing.T, lang string, b []byte) *KB {
	t.Helper()
	fsys := exchangeFS(deFlat)
	fsys["kb/"+lang+".yaml"] = &fstest.MapFile{Data: b}
	k, err := Load(fsys, "")
	if err != nil {
		t.Fatalf("merged file does not load: %v\n%s", err, b)
	}
	return k
}

func TestKB_MergeTranslations(t *testing.T) {
	t.Parallel()
	k := mustExchangeKB(t, deFlat)
	existing := exchangeFS(deFlat)["kb/ar.yaml"].Data
	longQ := "ما هي شهادة استحقاق السكن (Wohnberechtigungsschein، WBS) وكيف أحصل عليها من المكتب؟"
	f := filled(t, k, "ar", map[string]TranslationText{
		"housing.wbs":  {Question: longQ, Answer: "تصريح للسكن الاجتماعي: Wohnungsamt ({{wohnungsamt}}).", Phrases: []string{"wbs", "سكن اجتماعي"}},
		"housing.flat": {Question: "كيف أجد شقة؟", Answer: "ابحث على الإنترنت وفي الجرائد ({{jobcenter}})."}, // phrases left empty
	})
	// work.job stays as exported (the current translation).

	out, sum, err := k.MergeTranslations(existing, "ar", f, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("merged:\n%s", out)
	if !slices.Equal(sum.Added, []string{"housing.wbs"}) || !slices.Equal(sum.Updated, []string{"housing.flat"}) ||
		!slices.Equal(sum.Unchanged, []string{"work.job"}) || len(sum.Untranslated) != 0 {
		t.Errorf("summary = %+v", sum)
	}
	s := string(out)
	if !strings.HasPrefix(s, "# Arabic, not reviewed yet.\nhuman_reviewed: false\n\nentries:\n  housing.flat:") {
		t.Errorf("comment, flag or order not kept:\n%s", s)
	}
	if i, j, l := strings.Index(s, "housing.flat:"), strings.Index(s, "housing.wbs:"), strings.Index(s, "work.job:"); !(i < j && j < l) {
		t.Errorf("entries not in structure order:\n%s", s)
	}
	if !strings.Contains(s, "    question: "+longQ+"\n") {
		t.Errorf("long question is folded over lines:\n%s", s)
	}
	merged := loadWith(t, "ar", out)
	for id, want := range map[string]string{
		"housing.flat": "ابحث على الإنترنت وفي الجرائد ({{jobcenter}}).",
		"housing.wbs":  "تصريح للسكن الاجتماعي: Wohnungsamt ({{wohnungsamt}}).",
		"work.job":     "هذا مكتوب على ورقتك.",
	} {
		txt, ok := merged.Text(id, "ar")
		if !ok || txt.Lang != "ar" || txt.Answer != want || txt.HumanReviewed {
			t.Errorf("Text(%s, ar) = %+v, want %q, not reviewed", id, txt, want)
		}
	}
	if got, _ := merged.langs["ar"].texts.get("housing.flat"); !slices.Equal(got.phrases.list(), []string{"شقة"}) {
		t.Errorf("empty phrases replaced the old ones: %v", got.phrases.list())
	}
	if q, _ := merged.Text("housing.wbs", "ar"); q.Question != longQ {
		t.Errorf("long question = %q", q.Question)
	}

	t.Run("Reviewed", func(t *testing.T) {
		out, _, err := k.MergeTranslations(existing, "ar", f, true)
		if err != nil {
			t.Fatal(err)
		}
		txt, _ := loadWith(t, "ar", out).Text("work.job", "ar")
		if !txt.HumanReviewed {
			t.Errorf("not reviewed after --reviewed:\n%s", out)
		}
	})

	t.Run("NewFile", func(t *testing.T) {
		uk := filled(t, k, "uk", map[string]TranslationText{
			"work.job": {Question: "Чи можу я працювати?", Answer: "Це написано у вашому документі.", Phrases: []string{"робота"}},
		})
		out, sum, err := k.MergeTranslations(nil, "uk", uk, false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "human_reviewed: false") || !strings.HasPrefix(string(out), "# Lotse knowledge base in uk") {
			t.Errorf("new file:\n%s", out)
		}
		if len(sum.Untranslated) != 2 {
			t.Errorf("untranslated = %v", sum.Untranslated)
		}
		merged := loadWith(t, "uk", out)
		if txt, _ := merged.Text("work.job", "uk"); txt.Lang != "uk" || txt.Question != "Чи можу я працювати?" {
			t.Errorf("Text = %+v", txt)
		}
		if txt, _ := merged.Text("housing.flat", "uk"); txt.Lang != "de" {
			t.Errorf("untranslated entry served in %s", txt.Lang)
		}
		for _, p := range merged.Check(0, exchangeNow, nil) {
			if p.Severity == SeverityError {
				t.Errorf("check after import: %s", p)
			}
		}
	})

	t.Run("OverrideKeepsOnlyChanges", func(t *testing.T) {
		// Into an empty override file, entries identical to what is served
		// are not copied, so later shipped corrections still show.
		out, sum, err := k.MergeTranslations(nil, "ar", f, false)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "work.job") || len(sum.Unchanged) != 1 {
			t.Errorf("unchanged entry copied into the override:\n%s", out)
		}
	})

	t.Run("InvalidEntry", func(t *testing.T) {
		bad := filled(t, k, "ar", map[string]TranslationText{"work.job": {Question: "?"}})
		if _, _, err := k.MergeTranslations(existing, "ar", bad, false); err == nil {
			t.Error("entry without answer merged")
		}
		if _, _, err := k.MergeTranslations([]byte("human_reviewed: false\nentries: {}\nanwser: x\n"), "ar", f, false); err == nil {
			t.Error("broken existing file accepted")
		}
	})
}

// TestParseTranslationFile reads a file the way a translator leaves it.
func TestParseTranslationFile(t *testing.T) {
	t.Parallel()
	k := mustExchangeKB(t, deFlat)
	b, err := filled(t, k, "ar", nil).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	// The translator writes below the empty blocks of housing.wbs, with
	// a colon and a quote that plain YAML would choke on.
	s := strings.Replace(string(b), "    translation:\n      question: |-\n      answer: |-\n      phrases: []\n",
		"    translation:\n      question: |-\n        ما هو \"WBS\"؟\n      answer: |-\n        تصريح: Wohnungsamt ({{wohnungsamt}}).\n        سطر ثان.\n      phrases:\n        - wbs\n        - '  '\n", 1)
	if s == string(b) {
		t.Fatalf("empty translation block not found:\n%s", b)
	}
	f, err := ParseTranslationFile("ar.yaml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	tr := f.Entries[1].Translation
	if tr.Question != `ما هو "WBS"؟` || tr.Answer != "تصريح: Wohnungsamt ({{wohnungsamt}}).\nسطر ثان." || !slices.Equal(tr.Phrases, []string{"wbs"}) {
		t.Errorf("translation = %+v", tr)
	}
	if ps := k.CheckTranslationFile("ar.yaml", "ar", f); len(ps) != 0 {
		t.Errorf("problems: %v", ps)
	}

	if _, err := ParseTranslationFile("ar.yaml", []byte("lang: ar\nentries:\n  - id: work.job\n    translaton: {}\n")); err == nil ||
		!strings.Contains(err.Error(), "ar.yaml") || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("misspelt key: %v", err)
	}
}

func TestKB_CheckTranslationFacts(t *testing.T) {
	t.Parallel()
	k := mustExchangeKB(t, deFlat)
	ps := k.CheckTranslationFacts()
	if len(ps) != 0 {
		t.Errorf("problems in consistent content: %v", ps)
	}
	fsys := exchangeFS(deFlat)
	fsys["kb/en.yaml"] = &fstest.MapFile{Data: []byte(`
human_reviewed: true
entries:
  housing.flat: {question: "How do I find a flat?", answer: "Search online ({{jobcentre}})."}
`)}
	k, err := Load(fsys, "")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range k.CheckTranslationFacts() {
		if p.File != "kb/en.yaml" || p.Key != "housing.flat" || p.Severity != SeverityWarning {
			t.Errorf("unexpected %s", p)
		}
		msgs = append(msgs, p.Msg)
	}
	if len(msgs) != 2 || !strings.Contains(msgs[0], "lacks {{jobcenter}}") || !strings.Contains(msgs[1], "has {{jobcentre}}") {
		t.Errorf("problems = %q", msgs)
	}
}
