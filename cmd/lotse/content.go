package main

// lotse content: the municipality's tools for keeping the knowledge base
// true – check it, export a translator's file, import it back. The logic
// lives in internal/kb; this file parses flags, reads and writes files and
// prints.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"lotse/internal/config"
	"lotse/internal/kb"
	"lotse/locales"
)

func content(ctx context.Context, now func() time.Time, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "check":
		return contentCheck(args[1:], getenv, now, stdout, stderr)
	case "export":
		return contentExport(args[1:], getenv, now, stdout, stderr)
	case "import":
		return contentImport(args[1:], stdout, stderr)
	case "misses":
		return contentMisses(ctx, args[1:], getenv, now, stdout, stderr)
	}
	return errUsage
}

// contentCheck validates the content and prints every problem; only
// errors make it fail.
func contentCheck(args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("content check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dir := fl.String("dir", "", "content directory to check (default: the shipped content and the config's content_dir)")
	override := fl.Bool("override", false, "check --dir as an override on the shipped content even if it has kb/structure.yaml")
	cfgPath := fl.String("config", "", "config file whose facts answers may use (default: $LOTSE_CONFIG or the embedded sample)")
	maxAge := 365 * 24 * time.Hour
	fl.Func("max-age", "warn about entries reviewed longer ago than this, e.g. 365d or 8760h; 0 turns it off (default 365d)", func(s string) error {
		d, err := parseAge(s)
		maxAge = d
		return err
	})
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 {
		return errUsage
	}
	cfg, cfgName, err := contentConfig(*cfgPath, getenv)
	if err != nil {
		return err
	}
	c, err := openContent(*dir, *override, cfg.ContentDir, cfgName)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Checking %s; facts from %s.\n", c.what, cfgName)

	facts := slices.Sorted(maps.Keys(cfg.Facts))
	problems := append(c.kb.Check(maxAge, now(), facts), c.kb.CheckTranslationFacts()...)
	problems = append(problems, configTexts(cfg, cfgName)...)
	for i := range problems {
		problems[i].File = c.display(problems[i].File)
	}
	slices.SortStableFunc(problems, func(a, b kb.Problem) int { return strings.Compare(a.File, b.File) })
	errs, warns := 0, 0
	for _, p := range problems {
		printProblem(stdout, p)
		if p.Severity == kb.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintf(stdout, "%s, %s\n", plural(errs, "error"), plural(warns, "warning"))
	if errs > 0 {
		return fmt.Errorf("content check: %s", plural(errs, "error"))
	}
	return nil
}

// configTexts warns about each text of the config file that lacks a
// shipped language: people reading it get the German text there.
func configTexts(cfg *config.File, name string) []kb.Problem {
	var out []kb.Problem
	texts := cfg.Texts()
	for _, path := range slices.Sorted(maps.Keys(texts)) {
		if missing := texts[path].Missing(); len(missing) > 0 {
			out = append(out, kb.Problem{File: name, Key: path, Severity: kb.SeverityWarning,
				Msg: fmt.Sprintf("no text in %s: German is shown there", strings.Join(missing, ", "))})
		}
	}
	// And what serve starts with but warns about (a staff language Lotse
	// does not speak, …).
	for _, w := range cfg.Warnings {
		out = append(out, kb.Problem{File: fmt.Sprintf("%s:%d", name, w.Line), Key: w.Path, Severity: kb.SeverityWarning, Msg: w.Msg})
	}
	return out
}

// contentExport writes a translator's file for one language.
func contentExport(args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("content export", flag.ContinueOnError)
	fl.SetOutput(stderr)
	lang := fl.String("lang", "", "language to translate into, e.g. ar (required)")
	dir := fl.String("dir", "", "content directory (default: the shipped content and the config's content_dir)")
	override := fl.Bool("override", false, "treat --dir as an override on the shipped content even if it has kb/structure.yaml")
	cfgPath := fl.String("config", "", "config file naming content_dir (default: $LOTSE_CONFIG or the embedded sample)")
	since := fl.String("since", "", "previous export or returned file: export only what changed since")
	out := fl.String("o", "", "write to this file instead of standard output")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 || *lang == "" {
		return errUsage
	}
	if err := knownLanguage(*lang); err != nil {
		return fmt.Errorf("content export: %w", err)
	}
	contentDir, cfgName := "", ""
	if *dir == "" {
		cfg, name, err := contentConfig(*cfgPath, getenv)
		if err != nil {
			return err
		}
		contentDir, cfgName = cfg.ContentDir, name
	}
	c, err := openContent(*dir, *override, contentDir, cfgName)
	if err != nil {
		return err
	}
	var prev *kb.TranslationFile
	if *since != "" {
		if prev, err = readTranslationFile(*since); err != nil {
			return err
		}
	}
	tf, err := c.kb.ExportTranslations(*lang, prev, now())
	if err != nil {
		return err
	}
	data, err := tf.Marshal()
	if err != nil {
		return err
	}
	dest := "standard output"
	if *out == "" {
		if _, err := stdout.Write(data); err != nil {
			return fmt.Errorf("content export: %w", err)
		}
	} else {
		if err := writeFileAtomic(*out, data); err != nil {
			return fmt.Errorf("content export: %w", err)
		}
		dest = *out
	}
	fmt.Fprintf(stderr, "Exported %s for %s from %s to %s", plural(len(tf.Entries), "entry"), *lang, c.what, dest)
	if prev != nil {
		fmt.Fprintf(stderr, "; %d unchanged since %s left out", len(tf.Unchanged), *since)
	}
	fmt.Fprintln(stderr, ".")
	return nil
}

// contentImport merges a translator's file into DIR/kb/<lang>.yaml, or
// refuses it with every problem named.
func contentImport(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("content import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	lang := fl.String("lang", "", "language of the translation, e.g. ar (required)")
	file := fl.String("file", "", "the translator's file (required)")
	dir := fl.String("dir", "locales", "content directory to write kb/<lang>.yaml into")
	override := fl.Bool("override", false, "treat --dir as an override on the shipped content even if it has kb/structure.yaml")
	reviewed := fl.Bool("reviewed", false, "a person who speaks the language checked the texts: set human_reviewed: true")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 || *lang == "" || *file == "" || *dir == "" {
		return errUsage
	}
	if err := knownLanguage(*lang); err != nil {
		return fmt.Errorf("content import: %w", err)
	}
	c, err := openContent(*dir, *override, "", "")
	if err != nil {
		return err
	}
	tf, err := readTranslationFile(*file)
	if err != nil {
		return err
	}
	errs := 0
	for _, p := range c.kb.CheckTranslationFile(*file, *lang, tf) {
		printProblem(stdout, p)
		if p.Severity == kb.SeverityError {
			errs++
		}
	}
	if errs > 0 {
		return fmt.Errorf("content import: %s: %s; nothing was written", *file, plural(errs, "error"))
	}

	target := filepath.Join(*dir, "kb", *lang+".yaml")
	existing, err := os.ReadFile(target)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("content import: %w", err)
	}
	data, sum, err := c.kb.MergeTranslations(existing, *lang, tf, *reviewed)
	if err != nil {
		return fmt.Errorf("content import: %s: %w", target, err)
	}
	fmt.Fprintf(stdout, "%s: %d added, %d updated, %d unchanged, %d not translated (skipped).\n",
		target, len(sum.Added), len(sum.Updated), len(sum.Unchanged), len(sum.Untranslated))
	for _, l := range []struct {
		name string
		ids  []string
	}{{"added", sum.Added}, {"updated", sum.Updated}} {
		if len(l.ids) > 0 {
			fmt.Fprintf(stdout, "  %s: %s\n", l.name, strings.Join(l.ids, ", "))
		}
	}
	if existing != nil && bytes.Equal(data, existing) {
		fmt.Fprintln(stdout, "Nothing to change.")
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("content import: %w", err)
	}
	if err := writeFileAtomic(target, data); err != nil {
		return fmt.Errorf("content import: %w", err)
	}
	switch {
	case *reviewed:
		fmt.Fprintln(stdout, "Marked as reviewed by a person (human_reviewed: true).")
	case existing == nil:
		fmt.Fprintln(stdout, "New file with human_reviewed: false: the bot says these texts are machine translated until you import with --reviewed.")
	}
	fmt.Fprintf(stdout, "Wrote %s. Run \"lotse content check --dir %s\" to check the whole content.\n", target, *dir)
	return nil
}

// loadedContent is the knowledge base a content command works on.
type loadedContent struct {
	kb      *kb.KB
	what    string                   // for people: which content this is
	display func(file string) string // turns Load's file names into paths people can find
}

// openContent loads the content: dir as a complete tree when it has
// kb/structure.yaml (unless override), dir as an override on the shipped
// content otherwise; without dir, the shipped content with the config's
// content_dir on top.
func openContent(dir string, override bool, contentDir, cfgName string) (*loadedContent, error) {
	shipped := func(name string) string {
		if filepath.IsAbs(name) {
			return name
		}
		return "locales/" + name // the shipped files, embedded in the binary
	}
	if dir == "" {
		c := &loadedContent{what: "the shipped content", display: shipped}
		if contentDir != "" {
			c.what = fmt.Sprintf("the shipped content with the override directory %s (content_dir in %s)", contentDir, cfgName)
		}
		var err error
		if c.kb, err = loadOverride(contentDir); err != nil {
			return nil, err
		}
		return c, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		// Outside the source tree there is no ./locales: say which flag
		// to give rather than how loading failed.
		return nil, fmt.Errorf("content: --dir %s: no such directory; give your content_dir (the config's content_dir)", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "kb", "structure.yaml")); err == nil && !override {
		k, err := loadKB(os.DirFS(dir), "")
		if err != nil {
			return nil, fmt.Errorf("content: %s (a complete content tree): %w", dir, err)
		}
		return &loadedContent{kb: k,
			what:    dir + " as a complete content tree (it has kb/structure.yaml; --override layers it on the shipped content instead)",
			display: func(name string) string { return filepath.Join(dir, name) },
		}, nil
	}
	k, err := loadOverride(dir)
	if err != nil {
		return nil, err
	}
	return &loadedContent{kb: k, what: dir + " as an override on top of the shipped content", display: shipped}, nil
}

// loadOverride loads the shipped content with dir on top. dir is made
// absolute so that its files never look like the shipped ones.
func loadOverride(dir string) (*kb.KB, error) {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("content: %w", err)
		}
		dir = abs
	}
	return loadKB(locales.FS, dir)
}

// loadKB is kb.Load, or the tests' stand-in (tuning.loadKB).
func loadKB(fsys fs.FS, overrideDir string) (*kb.KB, error) {
	if tuning.loadKB != nil {
		return tuning.loadKB(fsys, overrideDir)
	}
	return kb.Load(fsys, overrideDir)
}

// contentConfig reads the config file (--config, else LOTSE_CONFIG, else
// the embedded sample) for its facts and content_dir.
func contentConfig(path string, getenv func(string) string) (*config.File, string, error) {
	if path == "" {
		path = getenv("LOTSE_CONFIG")
	}
	if path == "" {
		const name = "the embedded sample config"
		f, err := config.ParseFile(name, config.Sample)
		return f, name, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("config: %w", err)
	}
	f, err := config.ParseFile(path, data)
	return f, path, err
}

func readTranslationFile(name string) (*kb.TranslationFile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	return kb.ParseTranslationFile(name, data)
}

// knownLanguage refuses languages the bot does not speak (a typo such as
// "ua" for Ukrainian would otherwise create a file nobody sees) and the
// source language.
func knownLanguage(lang string) error {
	if lang == kb.SourceLang {
		return fmt.Errorf("%s is the source language; edit kb/%s.yaml directly", lang, lang)
	}
	if !slices.Contains(languages(), lang) {
		return fmt.Errorf("the bot does not speak %q; its languages: %s", lang, strings.Join(languages(), ", "))
	}
	return nil
}

// parseAge reads a duration in days ("365d") or as Go writes it ("8760h").
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, fmt.Errorf("want days such as 365d or a duration such as 8760h, got %q", s)
}

func printProblem(w io.Writer, p kb.Problem) {
	sev := strings.ToUpper(p.Severity.String())
	if p.Key == "" {
		fmt.Fprintf(w, "%-7s %s: %s\n", sev, p.File, p.Msg)
		return
	}
	fmt.Fprintf(w, "%-7s %s: %s: %s\n", sev, p.File, p.Key, p.Msg)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		word = strings.TrimSuffix(word, "y") + "ie"
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// writeFileAtomic writes through a temporary file in the same directory,
// so that a bot reading the file never sees half of it.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
