package main

// lotse content misses: the questions people allowed the integration team
// to read (after "no answer"), grouped by language, for the editors who
// fill the gaps in the knowledge base. They are already masked (digits,
// e-mail addresses, phone numbers, the person's first name) and carry no
// link to a chat. With TRANSLATE_URL set, each comes with a German
// machine translation (glossary terms kept in German), made when the
// list is written and stored nowhere.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"lotse/internal/config"
	"lotse/internal/domain"
	"lotse/internal/glossary"
	"lotse/internal/i18n"
	"lotse/internal/redisstore"
	"lotse/internal/translate"
	"lotse/locales"
)

func contentMisses(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("content misses", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sinceFlag := fl.String("since", "", "first day, YYYY-MM-DD (default: all kept, 90 days)")
	lang := fl.String("lang", "", "only this language")
	format := fl.String("format", "md", "md or csv")
	out := fl.String("o", "", "write to this file instead of standard output")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 {
		return errUsage
	}
	since := now().Add(-redisstore.QuestionsKept - 24*time.Hour)
	if *sinceFlag != "" {
		d, err := time.Parse(time.DateOnly, *sinceFlag)
		if err != nil {
			return fmt.Errorf("content misses: --since: want YYYY-MM-DD, got %q", *sinceFlag)
		}
		since = d // questions are filed by their UTC day
	}
	if *lang != "" && !slices.Contains(languages(), *lang) {
		return fmt.Errorf("content misses: --lang: the bot does not speak %q; its languages: %s", *lang, strings.Join(languages(), ", "))
	}
	if *format != "md" && *format != "csv" {
		return fmt.Errorf("content misses: --format: md or csv")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cfg.RedisURL.Value() == "" {
		return fmt.Errorf("content misses: REDIS_URL is not set: the questions live in the bot's Redis")
	}
	rdb, err := redisstore.Connect(cfg.RedisURL.Value(), cfg.RedisSentinel, cfg.RedisCluster)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	store := redisstore.New(rdb, domain.Pseudonyms{}, redisstore.Options{Prefix: cfg.RedisPrefix, Now: now}) // the questions name nobody
	defer store.Close()
	if err := pingTool(ctx, store); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	qs, err := store.Questions().Since(rctx, since)
	if err != nil {
		return fmt.Errorf("content misses: %w", err)
	}
	if *lang != "" {
		qs = slices.DeleteFunc(qs, func(q domain.Question) bool { return q.Lang != *lang })
	}
	groups := groupQuestions(qs)
	german, failed := translateQuestions(rctx, cfg, groups, stderr)
	if failed > 0 {
		fmt.Fprintf(stderr, "%s without German translation: the translation service did not answer\n", plural(failed, "question"))
	}
	var buf bytes.Buffer
	if *format == "csv" {
		err = writeMissesCSV(&buf, groups, german)
	} else {
		writeMissesMarkdown(&buf, groups, german, since, len(qs))
	}
	if err != nil {
		return fmt.Errorf("content misses: %w", err)
	}
	if *out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return fmt.Errorf("content misses: %w", err)
	}
	fmt.Fprintf(stderr, "%s in %s written to %s\n", plural(len(qs), "question"), plural(len(groups), "language"), *out)
	return nil
}

// questionGroup is one language's questions, oldest first.
type questionGroup struct {
	Lang      string
	Questions []domain.Question
}

// groupQuestions groups by language, the language with most questions
// first (ties in code order).
func groupQuestions(qs []domain.Question) []questionGroup {
	by := map[string][]domain.Question{}
	for _, q := range qs {
		by[q.Lang] = append(by[q.Lang], q)
	}
	out := make([]questionGroup, 0, len(by))
	for l, list := range by {
		slices.SortStableFunc(list, func(a, b domain.Question) int { return a.At.Compare(b.At) })
		out = append(out, questionGroup{Lang: l, Questions: list})
	}
	slices.SortFunc(out, func(a, b questionGroup) int {
		return cmp.Or(cmp.Compare(len(b.Questions), len(a.Questions)), strings.Compare(a.Lang, b.Lang))
	})
	return out
}

// translateQuestions translates every question that is not German into
// German when TRANSLATE_URL is set: ref → translation. It returns how many
// could not be translated; none is tried when the service is not
// configured or does not answer at all.
func translateQuestions(ctx context.Context, cfg *config.Config, groups []questionGroup, stderr io.Writer) (map[string]string, int) {
	if cfg.TranslateURL == "" {
		return nil, 0
	}
	gloss, err := glossary.Load(locales.FS, "glossary.yaml")
	if err != nil {
		fmt.Fprintf(stderr, "no German translation: %v\n", err)
		return nil, 0
	}
	// No cache: the list is written once, and nothing is kept.
	svc := translate.New(translationProvider(cfg), nil, gloss,
		translate.Options{Log: slog.New(slog.DiscardHandler)})
	if err := svc.LoadLanguages(ctx); err != nil {
		fmt.Fprintf(stderr, "no German translation: %v\n", err)
		return nil, 0
	}
	out := map[string]string{}
	failed := 0
	for _, g := range groups {
		if g.Lang == i18n.Default {
			continue
		}
		if !svc.Supports(g.Lang) {
			fmt.Fprintf(stderr, "no German translation for %s: the translation service lacks it\n", g.Lang)
			continue
		}
		for _, q := range g.Questions {
			tr, err := svc.Translate(ctx, q.Text, g.Lang, i18n.Default)
			if err != nil {
				failed++
				continue
			}
			out[q.Ref] = tr.Text
		}
	}
	return out, failed
}

func writeMissesMarkdown(w io.Writer, groups []questionGroup, german map[string]string, since time.Time, n int) {
	fmt.Fprintf(w, "# Questions Lotse could not answer\n\n")
	fmt.Fprintf(w, "Asked since %s and shared with the team by the person who asked (kept 90 days). "+
		"Digits are shown as #, e-mail addresses, phone numbers and first names are masked. %s.\n",
		since.UTC().Format(time.DateOnly), plural(n, "question"))
	if len(groups) == 0 {
		fmt.Fprintf(w, "\n(none)\n")
	}
	for _, g := range groups {
		fmt.Fprintf(w, "\n## %s (%d)\n\n", g.Lang, len(g.Questions))
		for _, q := range g.Questions {
			fmt.Fprintf(w, "- %s: %s\n", q.At.UTC().Format(time.DateOnly), oneLine(q.Text))
			if de := german[q.Ref]; de != "" {
				fmt.Fprintf(w, "  - de (machine translation): %s\n", oneLine(de))
			}
		}
	}
}

// writeMissesCSV writes one question a row; "german" is the machine
// translation, empty without one.
func writeMissesCSV(w io.Writer, groups []questionGroup, german map[string]string) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"lang", "asked", "question", "german"})
	for _, g := range groups {
		for _, q := range g.Questions {
			cw.Write([]string{g.Lang, q.At.UTC().Format(time.DateOnly), q.Text, german[q.Ref]})
		}
	}
	cw.Flush()
	return cw.Error()
}

// oneLine keeps a question on its list line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
