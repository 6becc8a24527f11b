package main

// lotse report: the anonymous monthly report from the daily counters in
// Redis (REDIS_URL, REDIS_PREFIX, LOTSE_CONFIG for the retention).

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"lotse/internal/config"
	"lotse/internal/domain"
	"lotse/internal/redisstore"
	"lotse/internal/report"
	"lotse/internal/stats"
)

func runReport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("report", flag.ContinueOnError)
	fl.SetOutput(stderr)
	from := fl.String("from", "", "first day, YYYY-MM-DD (required)")
	to := fl.String("to", "", "last day, YYYY-MM-DD (required)")
	format := fl.String("format", "md", "md, csv or xlsx")
	out := fl.String("o", "", "write to this file instead of standard output")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 {
		return errUsage
	}
	f, err1 := time.Parse(stats.Day, *from)
	t, err2 := time.Parse(stats.Day, *to)
	if err1 != nil || err2 != nil || t.Before(f) || t.Sub(f) > 366*24*time.Hour {
		return fmt.Errorf("report: --from and --to: YYYY-MM-DD, from before to, at most a year apart")
	}
	if *format != "md" && *format != "csv" && *format != "xlsx" {
		return fmt.Errorf("report: --format: md, csv or xlsx")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cfg.RedisURL.Value() == "" {
		return fmt.Errorf("report: REDIS_URL is not set: the counters live in the bot's Redis")
	}
	rdb, err := redisstore.Connect(cfg.RedisURL.Value(), cfg.RedisSentinel, cfg.RedisCluster)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	store := redisstore.New(rdb, domain.Pseudonyms{}, redisstore.Options{Prefix: cfg.RedisPrefix}) // the counters name nobody
	defer store.Close()
	if err := pingTool(ctx, store); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	days, err := store.Stats(cfg.File.Stats.Kept()).Days(rctx, stats.Days(f, t))
	if err != nil {
		return err
	}
	tables := report.Tables(stats.Summarize(*from, *to, stats.Sum(days)))
	w := stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		defer file.Close()
		w = file
	}
	return report.Write(w, *format, tables)
}

// pingTool tells an editor at once, naming the variable, when the Redis of
// REDIS_URL does not answer, rather than with the first command's error.
func pingTool(ctx context.Context, store *redisstore.Store) error {
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := store.Ping(pctx); err != nil {
		return fmt.Errorf("REDIS_URL: redis does not answer: %w", err)
	}
	return nil
}
