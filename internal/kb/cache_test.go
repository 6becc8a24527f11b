package kb

import (
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// cacheFS is the shipped content grown to n entries (scaledFS) with a
// short urgent list and the English urgent examples only: compiling the
// shipped list and learning from every language's examples are most of a
// load's CPU under the race detector and add nothing these tests check
// that the short ones do not; urgentSample is a message the list finds.
func cacheFS(t *testing.T, n int) fstest.MapFS {
	t.Helper()
	fsys := scaledFS(t, n)
	fsys[urgentFile] = &fstest.MapFile{Data: []byte(shortUrgent)}
	for name := range fsys {
		if strings.HasPrefix(name, examplesDir+"/") && name != examplesDir+"/en.yaml" {
			delete(fsys, name)
		}
	}
	return fsys
}

const shortUrgent = `de:
  medical: [bewusstlos*]
  general: [notfall]
en:
  fire: [fire & house|flat]
`

// urgentSample is a message the short urgent list finds.
const urgentSample = "my flat is on fire"

func assertUrgent(t *testing.T, round string, k *KB) {
	t.Helper()
	if got := k.Urgency(urgentSample); got != UrgentFire {
		t.Fatalf("%s: urgency of %q = %v, want fire", round, urgentSample, got)
	}
}

// TestLoadCached_SameAsLoad checks that a knowledge base read from the
// cache answers every tuning question exactly as one loaded from its files,
// with the same texts, entries and problems. The base has synthetic
// entries beside the shipped ones and an override file, whose texts the
// cache keeps apart from the ones of the shipped file of their language.
func TestLoadCached_SameAsLoad(t *testing.T) {
	t.Parallel()
	fsys := cacheFS(t, 60)
	over := t.TempDir()
	if err := os.MkdirAll(filepath.Join(over, "kb"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The markup makes the check name the override file.
	const q = "Where can I find a flat in town?"
	y := "entries:\n  housing.find_flat:\n    question: " + q + "\n    answer: Ask at the <b>town hall</b>.\n"
	if err := os.WriteFile(filepath.Join(over, "kb", "en.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := Load(fsys, over)
	if err != nil {
		t.Fatal(err)
	}
	wantKB := describeKB(t, want)
	probes := urgentProbes(t, fsys)
	dir := t.TempDir()
	for _, round := range []string{"cold", "warm"} {
		got, cacheErr, err := LoadCached(fsys, over, dir)
		if err != nil || cacheErr != nil {
			t.Fatalf("%s: %v, cache: %v", round, err, cacheErr)
		}
		assertSameKB(t, round, want, got, wantKB)
		assertUrgent(t, round, got)
		assertSameUrgency(t, round, want, got, probes)
		if txt, _ := got.Text("housing.find_flat", "en"); txt.Question != q {
			t.Fatalf("%s: override question %q, want %q", round, txt.Question, q)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "kb-*.cache")); len(m) != 1 {
		t.Fatalf("cache files: %v, want one", m)
	}
	// Read back from the file, not learnt again in this process: a model
	// learnt or taken from urgentModels would be want's or in there. (The
	// other tests run alongside, so urgentModels is not emptied first.)
	got, cacheErr, err := LoadCached(fsys, over, dir)
	if err != nil || cacheErr != nil {
		t.Fatalf("%v, cache: %v", err, cacheErr)
	}
	assertSameUrgency(t, "warm, new process", want, got, probes)
	m := got.urgentModel()
	urgentModels.Lock()
	learnt := slices.Contains(slices.Collect(maps.Values(urgentModels.byKey)), m)
	urgentModels.Unlock()
	if m == want.urgentModel() || learnt {
		t.Fatal("a start from the cache learnt the urgent model")
	}
}

// TestLoadCachedAs_ProgramInKey: the program a cache is keyed by (the
// tests' shared cache, kbtest) names the cache, as the executable does.
func TestLoadCachedAs_ProgramInKey(t *testing.T) {
	t.Parallel()
	fsys, dir := smallFS(), t.TempDir()
	for _, prog := range []string{"a", "b", "a"} {
		k, cacheErr, err := LoadCachedAs(fsys, "", dir, []byte(prog))
		if err != nil || cacheErr != nil {
			t.Fatalf("program %s: %v, cache: %v", prog, err, cacheErr)
		}
		assertUrgent(t, "program "+prog, k)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "kb-*.cache")); len(m) != 2 {
		t.Fatalf("cache files: %v, want one per program", m)
	}
}

// TestLoadCached_UrgentFilesInKey: a change to urgent.yaml or to the
// examples in the override directory is a new cache, with the new words
// and model.
func TestLoadCached_UrgentFilesInKey(t *testing.T) {
	t.Parallel()
	fsys := smallFS()
	over, cache := t.TempDir(), t.TempDir()
	const msg = "the zorblax wumpus is loose"
	write := func(name, y string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(over, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(over, name), []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func() *KB {
		t.Helper()
		k, cacheErr, err := LoadCached(fsys, over, cache)
		if err != nil || cacheErr != nil {
			t.Fatalf("%v, cache: %v", err, cacheErr)
		}
		return k
	}
	base := load()
	if base.Urgency(msg) != 0 {
		t.Fatalf("%q urgent before any change", msg)
	}
	write(urgentFile, "en:\n  fire:\n    - zorblax & wumpus\n")
	if got := load().Urgency(msg); got != UrgentFire {
		t.Fatalf("after adding it to urgent.yaml: %v, want fire", got)
	}
	before := base.urgentModel().Parts()
	write(examplesDir+"/en.yaml", "urgent:\n  medical:\n    - my quixotic flurbo collapsed\n    - quixotic flurbo collapsed again\n")
	after := load().urgentModel().Parts()
	if slices.Equal(before.Features, after.Features) {
		t.Fatal("a new example left the model as it was")
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "kb-*.cache")); len(m) != 3 {
		t.Fatalf("cache files: %v, want three", m)
	}
}

// kbAnswers is what assertSameKB compares beyond the KB's fields: the
// search results of every tuning question and the content check, worked
// out once for the KB loaded from its files (both cost seconds under the
// race detector).
type kbAnswers struct {
	search map[string]map[string]Result // lang → query → result
	check  []Problem
}

func describeKB(t *testing.T, k *KB) kbAnswers {
	t.Helper()
	a := kbAnswers{search: map[string]map[string]Result{}, check: k.Check(0, time.Now(), nil)}
	for lang, s := range MustLoadEval(t) {
		a.search[lang] = map[string]Result{}
		for _, q := range s.OutOfScope {
			a.search[lang][q] = k.Search(q, lang)
		}
		for _, c := range s.Questions {
			a.search[lang][c.Q] = k.Search(c.Q, lang)
		}
	}
	return a
}

func assertSameKB(t *testing.T, round string, want, got *KB, answers kbAnswers) {
	t.Helper()
	if !reflect.DeepEqual(want.files, got.files) || !reflect.DeepEqual(want.areas, got.areas) {
		t.Fatalf("%s: areas or languages differ", round)
	}
	// An empty list of related entries comes back as none.
	if !slices.EqualFunc(want.entries, got.entries, func(a, b Entry) bool {
		return a.ID == b.ID && a.Area == b.Area && a.Source == b.Source && a.Reviewed.Equal(b.Reviewed) &&
			slices.Equal(a.Related, b.Related)
	}) {
		t.Fatalf("%s: entries differ", round)
	}
	if !reflect.DeepEqual(want.loadProblems, got.loadProblems) {
		t.Fatalf("%s: problems %v, want %v", round, got.loadProblems, want.loadProblems)
	}
	for _, lang := range want.files {
		for _, e := range want.entries {
			w, _ := want.Text(e.ID, lang)
			g, _ := got.Text(e.ID, lang)
			if w != g {
				t.Fatalf("%s: text of %s in %s differs", round, e.ID, lang)
			}
		}
	}
	for lang, qs := range answers.search {
		for q, w := range qs {
			if g := got.Search(q, lang); !reflect.DeepEqual(w, g) {
				t.Fatalf("%s: %q: %v, want %v", round, q, g, w)
			}
		}
	}
	if g := got.Check(0, time.Now(), nil); !reflect.DeepEqual(answers.check, g) {
		t.Fatalf("%s: check differs", round)
	}
}

// urgentProbes is every seventh urgent and calm example of fsys and of
// the base's tuning questions: messages the lists and the model both
// judge. All of them, about 14,000, took a minute under the race
// detector; the model's weights are compared whole anyway.
func urgentProbes(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	files, err := readLangFiles(fsys, examplesDir)
	if err != nil || len(files) == 0 {
		t.Fatalf("examples: %v, %d files", err, len(files))
	}
	var out []string
	for _, f := range files {
		var set urgentExamples
		if err := decodeStrict(f.data, &set); err != nil {
			t.Fatal(err)
		}
		for _, kind := range slices.Sorted(maps.Keys(set.Urgent)) {
			out = append(out, set.Urgent[kind]...)
		}
		out = append(out, set.Calm...)
	}
	for _, s := range MustLoadEval(t) {
		for _, c := range s.Questions {
			out = append(out, c.Q)
		}
	}
	var sample []string
	for i := 0; i < len(out); i += 7 {
		sample = append(sample, out[i])
	}
	return sample
}

// assertSameUrgency checks that got finds the same kinds as want in every
// message, and that its model scores them to the last bit.
func assertSameUrgency(t *testing.T, round string, want, got *KB, msgs []string) {
	t.Helper()
	if want.urgentModel() == nil || got.urgentModel() == nil {
		t.Fatalf("%s: urgent model %v, want %v", round, got.urgentModel() != nil, want.urgentModel() != nil)
	}
	if !reflect.DeepEqual(want.urgent, got.urgent) {
		t.Fatalf("%s: compiled urgent lists differ", round)
	}
	if !reflect.DeepEqual(want.urgentModel().Parts(), got.urgentModel().Parts()) {
		t.Fatalf("%s: urgent model's weights differ", round)
	}
	urgent := 0
	for _, m := range msgs {
		w, g := want.Urgency(m), got.Urgency(m)
		if w != g {
			t.Fatalf("%s: Urgency(%q) = %v, want %v", round, m, g, w)
		}
		if w != 0 {
			urgent++
		}
		n := Normalize(m)
		wk, wp := want.urgentModel().Classify(n)
		gk, gp := got.urgentModel().Classify(n)
		if wk != gk || math.Float64bits(wp) != math.Float64bits(gp) {
			t.Fatalf("%s: model on %q: %q %v, want %q %v", round, m, gk, gp, wk, wp)
		}
	}
	// Not a comparison of nothing with nothing. The short lists find
	// few; the rest is the model, learnt from the English examples only,
	// so the share moves with the threshold (about 9 % at 0.79).
	if urgent < len(msgs)/20 {
		t.Fatalf("%s: %d of %d messages urgent", round, urgent, len(msgs))
	}
}

// TestLoadCached_NeverStale changes an override file between starts: the
// second start must see the new text, not the cached one.
func TestLoadCached_NeverStale(t *testing.T) {
	t.Parallel()
	fsys := tinyFS()
	over, cache := t.TempDir(), t.TempDir()
	write := func(q string) {
		if err := os.MkdirAll(filepath.Join(over, "kb"), 0o755); err != nil {
			t.Fatal(err)
		}
		y := "human_reviewed: true\nentries:\n  housing.flat:\n    question: " + q + "\n"
		if err := os.WriteFile(filepath.Join(over, "kb", "en.yaml"), []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"Where do I find a flat?", "How do I find a home?", "Where do I find a flat?"} {
		write(q)
		k, cacheErr, err := LoadCached(fsys, over, cache)
		if err != nil || cacheErr != nil {
			t.Fatalf("%v, cache: %v", err, cacheErr)
		}
		if got, _ := k.Text("housing.flat", "en"); got.Question != q {
			t.Fatalf("question %q, want %q", got.Question, q)
		}
	}
}

// TestLoadCached_BrokenCache loads from the files when the cache cannot be
// read, says why, and replaces the cache.
func TestLoadCached_BrokenCache(t *testing.T) {
	t.Parallel()
	fsys := tinyFS()
	dir := t.TempDir()
	if _, _, err := LoadCached(fsys, "", dir); err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "kb-*.cache"))
	if len(m) != 1 {
		t.Fatalf("cache files: %v", m)
	}
	if err := os.WriteFile(m[0], []byte("not a cache"), 0o644); err != nil {
		t.Fatal(err)
	}
	k, cacheErr, err := LoadCached(fsys, "", dir)
	if err != nil || k == nil {
		t.Fatal(err)
	}
	if cacheErr == nil {
		t.Fatal("a broken cache went unreported")
	}
	if _, cacheErr, err = LoadCached(fsys, "", dir); err != nil || cacheErr != nil {
		t.Fatalf("after rewriting: %v, cache: %v", err, cacheErr)
	}
}

// TestLoadCached_TruncatedCache: a cache cut short anywhere – in its gob
// header, in a language's texts, in the postings – is reported and the
// content loaded from its files.
func TestLoadCached_TruncatedCache(t *testing.T) {
	t.Parallel()
	fsys := smallFS()
	want := mustLoadFS(t, fsys, "")
	dir := t.TempDir()
	if _, _, err := LoadCached(fsys, "", dir); err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "kb-*.cache"))
	if len(m) != 1 {
		t.Fatalf("cache files: %v", m)
	}
	whole, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{40, len(whole) / 3, len(whole) / 2, len(whole) - 1} {
		if err := os.WriteFile(m[0], whole[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		k, cacheErr, err := LoadCached(fsys, "", dir)
		if err != nil {
			t.Fatal(err)
		}
		if cacheErr == nil {
			t.Fatalf("a cache cut at %d of %d bytes went unreported", n, len(whole))
		}
		q := "ich suche eine wohnung"
		if got, w := k.Search(q, "de"), want.Search(q, "de"); !reflect.DeepEqual(got, w) || len(w.Best) == 0 {
			t.Fatalf("cut at %d: %v, want %v", n, got, w)
		}
		assertSameUrgency(t, "cut", want, k, smallProbes)
	}
}

// TestLoadCached_Concurrent starts replicas at once on an empty cache
// directory: each gets the whole knowledge base, and no temporary file is
// left behind.
func TestLoadCached_Concurrent(t *testing.T) {
	t.Parallel()
	fsys := smallFS()
	want := mustLoadFS(t, fsys, "")
	dir := t.TempDir()
	var wg sync.WaitGroup
	kbs := make([]*KB, 4)
	errs := make([]error, 4)
	for i := range kbs {
		wg.Go(func() { kbs[i], _, errs[i] = LoadCached(fsys, "", dir) })
	}
	wg.Wait()
	for i, k := range kbs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if got, w := k.Search("ich suche eine wohnung", "de"), want.Search("ich suche eine wohnung", "de"); !reflect.DeepEqual(got, w) || len(w.Best) == 0 {
			t.Fatalf("replica %d: %v, want %v", i, got, w)
		}
		assertSameUrgency(t, "replica", want, k, smallProbes)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".kb-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestLoadCached_RemovesOldCaches: writing a cache removes those written
// more than a day before it, and only those.
func TestLoadCached_RemovesOldCaches(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := filepath.Join(dir, "kb-0123.cache")
	other := filepath.Join(dir, "notes.txt")
	for _, f := range []string{old, other} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(f, time.Unix(0, 0), time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if _, cacheErr, err := LoadCached(tinyFS(), "", dir); err != nil || cacheErr != nil {
		t.Fatal(err, cacheErr)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("an old cache was kept")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("a file that is no cache was removed")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "kb-*.cache")); len(m) != 1 {
		t.Errorf("caches: %v, want the new one", m)
	}
}
