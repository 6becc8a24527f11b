package main

// lotse offers: the editors' tools for the directory of local offers –
// check a file, import it for the running bots, export a translator's
// file and merge it back – and the wiring that gives the bot its
// directory. The logic lives in internal/offers.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"lotse/internal/config"
	"lotse/internal/domain"
	"lotse/internal/offers"
	"lotse/internal/redisstore"
)

// offersPoll is how often each replica asks Redis whether a new file was
// imported: one small HGET, so a new file is live everywhere within
// seconds without a restart. Tests set tuning.offersPoll.
func offersPoll() time.Duration {
	if tuning.offersPoll > 0 {
		return tuning.offersPoll
	}
	return 2 * time.Second
}

// offersFileNames are looked for in content_dir, in this order: offers.csv,
// offers.yaml, offers.yml (built, as the literals would read like message ids).
var offersFileNames = func() []string {
	var names []string
	for _, ext := range []string{".csv", ".yaml", ".yml"} {
		names = append(names, "offers"+ext)
	}
	return names
}()

func offersCmd(ctx context.Context, now func() time.Time, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "check":
		return offersCheck(args[1:], getenv, now, stdout, stderr)
	case "import":
		return offersImport(ctx, now, args[1:], getenv, stdout, stderr)
	case "export":
		return offersExport(args[1:], getenv, stdout, stderr)
	case "merge":
		return offersMerge(args[1:], stdout, stderr)
	}
	return errUsage
}

// shippedOffers is the file a deployment starts with: offers.csv (or
// .yaml) in content_dir, else the Musterstadt sample when the config is
// the embedded sample too (the demo); a real deployment without a file
// has no offers until one is imported.
func shippedOffers(cfg *config.Config) (name string, data []byte, err error) {
	if dir := cfg.File.ContentDir; dir != "" {
		for _, n := range offersFileNames {
			p := filepath.Join(dir, n)
			data, err := os.ReadFile(p)
			if err == nil {
				return p, data, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return "", nil, fmt.Errorf("offers: %w", err)
			}
		}
	}
	if cfg.ConfigPath == "" {
		return offers.SampleName, offers.Sample(), nil
	}
	return "", nil, nil
}

// categoriesFile in content_dir replaces the shipped topics (same format
// as internal/offers/categories.yaml).
const categoriesFile = "offers-categories.yaml"

// offerCategories are the topics: content_dir's own, or the shipped ones.
func offerCategories(cfg *config.Config) ([]offers.Category, error) {
	if dir := cfg.File.ContentDir; dir != "" {
		p := filepath.Join(dir, categoriesFile)
		data, err := os.ReadFile(p)
		if err == nil {
			return offers.ParseCategories(p, data)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("offers: %w", err)
		}
	}
	return offers.DefaultCategories(), nil
}

// readOffersFile reads --file, or the shipped file without it, and the
// topics the file is checked against.
func readOffersFile(file string, getenv func(string) string) (string, []byte, []offers.Category, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return "", nil, nil, err
	}
	cats, err := offerCategories(cfg)
	if err != nil {
		return "", nil, nil, err
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", nil, nil, fmt.Errorf("offers: %w", err)
		}
		return file, data, cats, nil
	}
	name, data, err := shippedOffers(cfg)
	if err == nil && name == "" {
		err = errors.New("offers: no file: give --file, or put offers.csv into content_dir")
	}
	return name, data, cats, err
}

// printProblems prints the problems sorted by line and a summary, and
// counts the errors.
func printProblems(w io.Writer, name string, n int, probs []offers.Problem) int {
	slices.SortStableFunc(probs, func(a, b offers.Problem) int { return a.Line - b.Line })
	for _, p := range probs {
		fmt.Fprintln(w, p.String())
	}
	errs := offers.Errors(probs)
	fmt.Fprintf(w, "%s: %s usable, %s, %s\n", name, plural(n, "offer"), plural(errs, "error"), plural(len(probs)-errs, "warning"))
	return errs
}

func offersCheck(args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("offers check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	file := fl.String("file", "", "the offers file, CSV or YAML (default: offers.csv in content_dir, or the sample)")
	maxAge := 180 * 24 * time.Hour
	fl.Func("max-age", "warn about offers not checked for longer than this, e.g. 180d; 0 turns it off (default 180d)", func(s string) error {
		d, err := parseAge(s)
		maxAge = d
		return err
	})
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 {
		return errUsage
	}
	name, data, cats, err := readOffersFile(*file, getenv)
	if err != nil {
		return err
	}
	list, probs := offers.Parse(name, data, cats)
	probs = append(probs, offers.CheckDates(name, list, now(), maxAge)...)
	if errs := printProblems(stdout, name, len(list), probs); errs > 0 {
		return fmt.Errorf("offers check: %s", plural(errs, "error"))
	}
	return nil
}

// offersImport checks a file and stores it in Redis, where every running
// replica picks it up within offersPoll.
func offersImport(ctx context.Context, now func() time.Time, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("offers import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	file := fl.String("file", "", "the offers file to put live, CSV or YAML")
	remove := fl.Bool("remove", false, "drop the imported file: the bots go back to content_dir's file or none")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 || (*file == "") == !*remove {
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cfg.RedisURL.Value() == "" {
		return errors.New("offers import: REDIS_URL is not set; the import goes to the Redis the bots share")
	}
	rdb, err := redisstore.Connect(cfg.RedisURL.Value(), cfg.RedisSentinel, cfg.RedisCluster)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	defer rdb.Close()
	// The offers file names no chat: no pseudonym key is needed.
	base := redisstore.New(rdb, domain.Pseudonyms{}, redisstore.Options{Prefix: cfg.RedisPrefix})
	if err := pingTool(ctx, base); err != nil {
		return err
	}
	store := base.Offers()
	if *remove {
		if err := store.Remove(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "Removed the imported offers; the bots go back to the file in content_dir (or none) within seconds.")
		return nil
	}
	_, data, cats, err := readOffersFile(*file, getenv)
	if err != nil {
		return err
	}
	list, probs := offers.Parse(*file, data, cats)
	probs = append(probs, offers.CheckDates(*file, list, now(), 0)...)
	if errs := printProblems(stdout, *file, len(list), probs); errs > 0 {
		return fmt.Errorf("offers import: %s: %s; nothing was imported", *file, plural(errs, "error"))
	}
	imp := offers.Imported{Name: filepath.Base(*file), Data: data, Version: offers.Version(data), At: now()}
	if err := store.Import(ctx, imp); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Imported %s as version %s; running bots use it within %v.\n", plural(len(list), "offer"), imp.Version, offersPoll())
	return nil
}

func offersExport(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("offers export", flag.ContinueOnError)
	fl.SetOutput(stderr)
	lang := fl.String("lang", "", "language to translate into, e.g. ar (required)")
	file := fl.String("file", "", "the offers file (default: offers.csv in content_dir, or the sample)")
	out := fl.String("o", "", "write to this file instead of standard output")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 || *lang == "" {
		return errUsage
	}
	if err := knownLanguage(*lang); err != nil {
		return fmt.Errorf("offers export: %w", err)
	}
	name, data, cats, err := readOffersFile(*file, getenv)
	if err != nil {
		return err
	}
	list, probs := offers.Parse(name, data, cats)
	if offers.Errors(probs) > 0 {
		printProblems(stderr, name, len(list), probs)
		return fmt.Errorf("offers export: %s has errors; run lotse offers check", name)
	}
	tf, n, err := offers.ExportTranslations(list, *lang)
	if err != nil {
		return err
	}
	dest := "standard output"
	if *out == "" {
		_, err = stdout.Write(tf)
	} else {
		err, dest = writeFileAtomic(*out, tf), *out
	}
	if err != nil {
		return fmt.Errorf("offers export: %w", err)
	}
	fmt.Fprintf(stderr, "Exported %s from %s for %s to %s.\n", plural(n, "offer"), name, *lang, dest)
	return nil
}

func offersMerge(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("offers merge", flag.ContinueOnError)
	fl.SetOutput(stderr)
	file := fl.String("file", "", "the translator's file (required)")
	into := fl.String("offers", "", "the offers CSV file to write the translation into (required)")
	out := fl.String("o", "", "write the result here instead of replacing --offers")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 || *file == "" || *into == "" {
		return errUsage
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return fmt.Errorf("offers merge: %w", err)
	}
	tf, err := offers.ParseTranslations(*file, raw)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(*into)
	if err != nil {
		return fmt.Errorf("offers merge: %w", err)
	}
	merged, sum, err := offers.MergeTranslations(*into, src, tf)
	if err != nil {
		return err
	}
	dest := *into
	if *out != "" {
		dest = *out
	}
	if err := writeFileAtomic(dest, merged); err != nil {
		return fmt.Errorf("offers merge: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d updated, %d unchanged, %d not translated (skipped) for %s.\nRun \"lotse offers check --file %s\", then \"lotse offers import --file %s\".\n",
		dest, sum.Updated, sum.Unchanged, sum.Skipped, tf.Language, dest, dest)
	return nil
}

// offerDirectory builds the bot's directory: the shipped file, replaced
// by whatever `lotse offers import` put into Redis. A shipped file with
// errors stops the start, as a bad config does.
func offerDirectory(cfg *config.Config, src offers.Source, log *slog.Logger) (*offers.Live, error) {
	cats, err := offerCategories(cfg)
	if err != nil {
		return nil, err
	}
	name, data, err := shippedOffers(cfg)
	if err != nil {
		return nil, err
	}
	var base *offers.Directory
	if name != "" {
		list, probs := offers.Parse(name, data, cats)
		if n := offers.Errors(probs); n > 0 {
			var msgs []string
			for _, p := range probs {
				if p.Severity == offers.SeverityError && len(msgs) < 5 {
					msgs = append(msgs, p.String())
				}
			}
			return nil, fmt.Errorf("offers: %s has %s (run lotse offers check):\n%s", name, plural(n, "error"), strings.Join(msgs, "\n"))
		}
		base = offers.Build(list, cats, offers.Version(data))
	}
	return offers.NewLive(base, cats, src, log), nil
}

// watchOffers loads the imported file now and keeps polling for new ones
// until the returned stop is called.
func watchOffers(ctx context.Context, live *offers.Live, log *slog.Logger) (stop func()) {
	if err := live.Refresh(ctx); err != nil {
		log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "offers refresh failed", "err", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { live.Watch(ctx, offersPoll()) })
	return func() { cancel(); wg.Wait() }
}
