// Command lotse runs Lotse, the Telegram guide for newcomers: `serve` runs
// the bot, `chat` a terminal demo of the whole stack. main only wires.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `Lotse – a Telegram guide for newcomers in a German municipality.

Usage:
  lotse serve                 run the bot (configured by environment variables)
  lotse chat [--lang CODE]    talk to the bot in this terminal: embedded Redis,
                              an in-process fake Telegram, the real adapter
  lotse content check [--dir DIR] [--override] [--max-age 365d] [--config FILE]
                              check the knowledge base: the shipped content with
                              the config's content_dir, or DIR (a complete tree
                              if it has kb/structure.yaml, else an override);
                              and the config: texts without a language, and the
                              problems serve starts with but warns about
  lotse content export --lang CODE [--dir DIR] [--since FILE] [-o FILE]
                              write a translator's file: the German text next to
                              the CODE translation; --since: only what changed
  lotse content import --lang CODE --file FILE [--dir DIR] [--reviewed]
                              merge a translator's file into DIR/kb/CODE.yaml
                              (DIR default ./locales); --reviewed: checked by a
                              person who speaks CODE
  lotse content misses [--since YYYY-MM-DD] [--lang CODE] [--format md|csv] [-o FILE]
                              the questions people allowed the team to read after
                              "no answer" (masked, kept 90 days), grouped by language,
                              from REDIS_URL; with TRANSLATE_URL also in German
  lotse offers check [--file FILE] [--max-age 180d]
                              check the local offers (CSV or YAML): bad rows with
                              line and column; default: offers.csv in content_dir
  lotse offers import --file FILE | --remove
                              check FILE and put it live in the Redis of REDIS_URL;
                              running bots load it within seconds, no restart
  lotse offers export --lang CODE [--file FILE] [-o FILE]
                              write a translator's file: German next to CODE
  lotse offers merge --file TRANSLATION --offers FILE.csv [-o FILE]
                              write a translator's file into the offers CSV
                              (columns title_CODE, description_CODE, …)
  lotse report --from YYYY-MM-DD --to YYYY-MM-DD [--format md|csv|xlsx] [-o FILE]
                              the anonymous report of those days from the daily
                              counters in REDIS_URL; counts below 5 as "< 5"
  lotse health                ask the serve on this machine whether it is alive
                              (GET /healthz on METRICS_ADDR); the image's HEALTHCHECK
  lotse help                  show this help

Environment (serve):
  TELEGRAM_BOT_TOKEN     bot token from @BotFather (required; or TELEGRAM_BOT_TOKEN_FILE)
  TELEGRAM_API_URL       Bot API base URL (default https://api.telegram.org)
  REDIS_URL              redis:// or rediss:// URL; unset: embedded in-memory Redis (state lost on exit)
  REDIS_SENTINEL_MASTER  Sentinel master name (REDIS_URL then names a Sentinel)
  REDIS_CLUSTER          true for Redis Cluster (REDIS_URL names a seed node)
  REDIS_PREFIX           first part of every Redis key (default lotse), to share a Redis
  REDIS_SYNC_REPLICAS    replicas that must have an update before it is confirmed to Telegram
                         (WAIT; default 0: asynchronous), so a failover cannot repeat it
  REDIS_SYNC_TIMEOUT     how long to wait for those replicas (default 100ms)
  LOTSE_CONFIG           path of the YAML config file (default: embedded sample)
  LOTSE_SECRET           key for button signatures and pseudonyms (default: derived from the token)
  HTTP_ADDR              address of the webhook, the one port Telegram must reach (default :8080;
                         webhook mode only)
  METRICS_ADDR           address for /metrics, /healthz and /readyz (default 127.0.0.1:9090);
                         keep it off the public network
  STARTUP_WAIT           how long to wait at start for Redis and the Bot API (default 30s)
  SHUTDOWN_WAIT          how long a stop may finish work in flight before abandoning it (default 10s)
  WEBHOOK_URL            public HTTPS URL of the webhook; set: webhook mode, unset: long polling
  WEBHOOK_SECRET         required with WEBHOOK_URL; Telegram sends it back in every request
  STAFF_CHAT_ID          the case managers' Telegram supergroup: hand-overs, agenda (the bot leaves other groups)
  TRANSLATE_URL          LibreTranslate server for machine translation at the desk; unset: off
                         (with deepl: DeepL's API, chosen by the key; set only for a proxy)
  TRANSLATE_API_KEY      its API key: LibreTranslate's api_key if it needs one; required for deepl
  TRANSLATE_PROVIDER     libretranslate (the default; can run inside the municipality) or deepl
                         (DeepL's cloud API: messages leave the municipality, a data processing
                         agreement (AVV) is needed; translates ar uk tr ru fr en, not fa ps ku ti so)
  LOG_LEVEL              debug, info, warn or error (default info)
  LOG_FORMAT             json or text (default json)
Every secret can also be given as NAME_FILE, the path of a file holding it.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, time.Now, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "lotse:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run is the whole program; end-to-end tests call it with their own
// clock, arguments, environment and terminal. now is the one clock of
// every command (time.Now in production).
func run(ctx context.Context, now func() time.Time, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	if wantsHelp(args[1:]) {
		// `lotse serve --help` is a question, not a mistake: the answer
		// goes to stdout and the exit status is 0.
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(ctx, now, args[1:], getenv, stderr)
	case "chat":
		return chat(ctx, now, args[1:], getenv, stdin, stdout, stderr)
	case "content":
		return content(ctx, now, args[1:], getenv, stdout, stderr)
	case "report":
		return runReport(ctx, args[1:], getenv, stdout, stderr)
	case "offers":
		return offersCmd(ctx, now, args[1:], getenv, stdout, stderr)
	case "health":
		return health(ctx, args[1:], getenv, stdout)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return errUsage
}

// wantsHelp reports whether a subcommand's arguments ask for help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}
