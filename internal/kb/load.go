package kb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// File layout inside the locales tree (embedded, and mirrored by the
// override directory).
const (
	kbDir         = "kb"
	structureFile = "kb/structure.yaml"
	urgentFile    = "urgent.yaml"
	examplesDir   = "urgent_examples"
	dateLayout    = "2006-01-02"
)

// langName is what a text file may be called: a primary language subtag.
var langName = regexp.MustCompile(`^[a-z]{2,3}$`)

type structureYAML struct {
	Areas   []string    `yaml:"areas"`
	Entries []entryYAML `yaml:"entries"`
}

type entryYAML struct {
	ID       string   `yaml:"id"`
	Area     string   `yaml:"area"`
	Source   string   `yaml:"source"`
	Reviewed string   `yaml:"reviewed"`
	Related  []string `yaml:"related"`
}

type langYAML struct {
	HumanReviewed *bool               `yaml:"human_reviewed"`
	Entries       map[string]textYAML `yaml:"entries"`
}

type textYAML struct {
	Question string   `yaml:"question"`
	Answer   string   `yaml:"answer"`
	Phrases  []string `yaml:"phrases"`
}

// Load reads the knowledge base from fsys ("kb/structure.yaml",
// "kb/<lang>.yaml", "urgent.yaml") and then from overrideDir, a real
// directory with the same layout where every file is optional. Override
// files are merged by id: a field given there replaces the shipped one, new
// ids are added. This lets a municipality correct or extend content without
// a new release.
//
// Load fails on files it cannot read or parse (including unknown keys, so a
// misspelt "anwser:" is caught). Content problems such as a missing
// translation do not stop loading; Check reports them.
func Load(fsys fs.FS, overrideDir string) (*KB, error) {
	trees, err := readTrees(fsys, overrideDir)
	if err != nil {
		return nil, err
	}
	return loadTrees(trees)
}

// tree is the content files of one locales tree, read but not parsed.
type tree struct {
	dir       string // the override directory (for problem reports), or ""
	override  bool
	structure []byte // nil when an override has none
	langs     []langSource
	urgent    []byte // nil when an override has none
	examples  []langSource
	messages  []langSource
	ignored   []Problem
}

type langSource struct {
	lang, file string
	data       []byte
}

// readTrees reads the shipped tree and the override directory's.
func readTrees(fsys fs.FS, overrideDir string) ([]*tree, error) {
	shipped, err := readTree(fsys, "", false)
	if err != nil {
		return nil, err
	}
	trees := []*tree{shipped}
	if overrideDir != "" {
		st, err := os.Stat(overrideDir)
		if err != nil {
			return nil, fmt.Errorf("kb: load override dir: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("kb: load override dir %s: not a directory", overrideDir)
		}
		over, err := readTree(os.DirFS(overrideDir), overrideDir, true)
		if err != nil {
			return nil, err
		}
		trees = append(trees, over)
	}
	return trees, nil
}

// loadTrees parses and merges the trees and builds the index.
func loadTrees(trees []*tree) (*KB, error) {
	k := &KB{byID: map[string]int{}, langs: map[string]*langFile{}, urgent: newUrgentList()}
	for _, t := range trees {
		if err := k.mergeTree(t); err != nil {
			return nil, err
		}
	}
	if len(k.entries) == 0 {
		return nil, fmt.Errorf("kb: load %s: no entries", structureFile)
	}
	for l := range k.langs {
		k.files = append(k.files, l)
	}
	slices.Sort(k.files)
	// Each language's texts are kept as the cache keeps them, substrings
	// of one string: the texts as parsed are tens of thousands of strings
	// and slices, each with room to spare.
	for _, l := range k.files {
		f, err := cacheLangOf(l, k.langs[l]).langFile()
		if err != nil {
			return nil, fmt.Errorf("kb: load %s: %w", k.langs[l].file, err)
		}
		k.langs[l] = f
	}
	k.idx = buildIndex(k)
	if err := k.prepareUrgency(trees); err != nil {
		return nil, err
	}
	return k, nil
}

func (t *tree) display(name string) string {
	if t.dir == "" {
		return name
	}
	return filepath.Join(t.dir, filepath.FromSlash(name))
}

// readTree reads one locales tree. dir is the override directory (for
// problem reports) or "" for the shipped content.
func readTree(fsys fs.FS, dir string, override bool) (*tree, error) {
	t := &tree{dir: dir, override: override}
	b, err := fs.ReadFile(fsys, structureFile)
	switch {
	case err == nil:
		t.structure = b
	case override && errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("kb: load %s: %w", t.display(structureFile), err)
	}

	names, err := fs.Glob(fsys, kbDir+"/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("kb: load %s: %w", t.display(kbDir), err)
	}
	for _, name := range names {
		if name == structureFile {
			continue
		}
		lang := strings.TrimSuffix(path.Base(name), ".yaml")
		if !langName.MatchString(lang) {
			t.ignored = append(t.ignored, Problem{File: t.display(name), Severity: SeverityWarning,
				Msg: "file ignored: text files must be named after a language code, e.g. de.yaml"})
			continue
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("kb: load %s: %w", t.display(name), err)
		}
		t.langs = append(t.langs, langSource{lang: lang, file: t.display(name), data: b})
	}

	if t.examples, err = readLangFiles(fsys, examplesDir); err != nil {
		return nil, fmt.Errorf("kb: load %s: %w", t.display(examplesDir), err)
	}
	for i := range t.examples {
		t.examples[i].file = t.display(t.examples[i].file)
	}
	if t.messages, err = readLangFiles(fsys, messagesDir); err != nil {
		return nil, fmt.Errorf("kb: load %s: %w", t.display(messagesDir), err)
	}

	b, err = fs.ReadFile(fsys, urgentFile)
	switch {
	case err == nil:
		t.urgent = b
	case override && errors.Is(err, fs.ErrNotExist):
	default:
		// Without the list, urgent messages would silently go unnoticed.
		return nil, fmt.Errorf("kb: load %s: %w", t.display(urgentFile), err)
	}
	return t, nil
}

// mergeTree parses one tree's files and merges them into k.
func (k *KB) mergeTree(t *tree) error {
	if t.structure != nil {
		if err := k.mergeStructure(t.display(structureFile), t.structure, t.override); err != nil {
			return err
		}
	}
	k.loadProblems = append(k.loadProblems, t.ignored...)
	// YAML decoding is the slow part of start-up with a large base, and
	// the language files are independent: decode them on all cores, then
	// merge in file order so problems are reported the same way.
	decoded := make([]langYAML, len(t.langs))
	errs := make([]error, len(t.langs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(t.langs)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = decodeStrict(t.langs[i].data, &decoded[i])
			}
		})
	}
	for i := range t.langs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, l := range t.langs {
		if errs[i] != nil {
			return fmt.Errorf("kb: load %s: %w", l.file, errs[i])
		}
		k.mergeLang(l.lang, l.file, &decoded[i], t.override)
	}
	return k.mergeUrgent(t)
}

func (k *KB) mergeUrgent(t *tree) error {
	if t.urgent == nil {
		return nil
	}
	if err := k.urgent.merge(t.urgent); err != nil {
		return fmt.Errorf("kb: load %s: %w", t.display(urgentFile), err)
	}
	return nil
}

// decodeStrict decodes YAML and rejects unknown keys. An empty file (only
// comments) decodes to the zero value.
func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

func (k *KB) mergeStructure(file string, b []byte, override bool) error {
	var s structureYAML
	if err := decodeStrict(b, &s); err != nil {
		return fmt.Errorf("kb: load %s: %w", file, err)
	}
	for _, a := range s.Areas {
		a = strings.TrimSpace(a)
		if a != "" && !slices.Contains(k.areas, a) {
			k.areas = append(k.areas, a)
		}
	}
	seen := map[string]bool{}
	for _, y := range s.Entries {
		id := strings.TrimSpace(y.ID)
		if seen[id] {
			k.loadProblems = append(k.loadProblems, Problem{File: file, Key: id, Severity: SeverityError,
				Msg: "id listed twice; the second one is ignored"})
			continue
		}
		seen[id] = true
		e := Entry{ID: id, Area: strings.TrimSpace(y.Area), Source: strings.TrimSpace(y.Source), Related: y.Related}
		if y.Reviewed != "" {
			// A bad date loads as zero; Check reports it.
			e.Reviewed, _ = time.Parse(dateLayout, strings.TrimSpace(y.Reviewed))
		}
		i, exists := k.byID[id]
		if !exists {
			k.byID[id] = len(k.entries)
			k.entries = append(k.entries, e)
			continue
		}
		if !override {
			continue
		}
		old := &k.entries[i]
		if e.Area != "" {
			old.Area = e.Area
		}
		if e.Source != "" {
			old.Source = e.Source
		}
		if y.Reviewed != "" {
			old.Reviewed = e.Reviewed
		}
		if e.Related != nil {
			old.Related = e.Related
		}
	}
	return nil
}

func (k *KB) mergeLang(lang, file string, l *langYAML, override bool) {
	f, exists := k.langs[lang]
	if !exists {
		f = &langFile{file: file}
		k.langs[lang] = f
	}
	reviewed := false
	switch {
	case l.HumanReviewed != nil:
		reviewed = *l.HumanReviewed
	case override && exists:
		reviewed = f.humanReviewed
	default:
		k.loadProblems = append(k.loadProblems, Problem{File: file, Severity: SeverityWarning,
			Msg: "human_reviewed is missing; the texts are treated as not reviewed"})
	}
	if !exists || !override {
		f.humanReviewed = reviewed
	}

	ids := make([]string, 0, len(l.Entries))
	for id := range l.Entries {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		y := l.Entries[id]
		if i, ok := k.byID[id]; ok {
			// One string per id, not one per language.
			id = k.entries[i].ID
		}
		t := langText{
			question:      strings.TrimSpace(y.Question),
			answer:        strings.TrimSpace(y.Answer),
			phrases:       makePhraseList(y.Phrases),
			humanReviewed: reviewed,
			file:          file,
		}
		old, had := f.texts.get(id)
		if had && override {
			if t.question == "" {
				t.question = old.question
			}
			if t.answer == "" {
				t.answer = old.answer
			}
			if y.Phrases == nil {
				t.phrases = old.phrases
			}
		}
		if !had {
			f.order = append(f.order, id)
		}
		f.texts.set(id, t)
	}
}
