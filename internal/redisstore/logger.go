package redisstore

import (
	"context"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RouteLogs sends go-redis's own log lines (Sentinel failovers, pool dial
// failures) to log instead of the library's direct writes to stderr. The
// library logs for the whole process, so this is set once, at start.
func RouteLogs(log *slog.Logger) { redis.SetLogger(logAdapter{log}) }

// logAdapter logs a constant message with the library's format string —
// code, not data — and any error among the arguments. The other arguments
// (master names, addresses, keys) stay out of the log.
type logAdapter struct{ log *slog.Logger }

func (a logAdapter) Printf(ctx context.Context, format string, args ...any) {
	attrs := []any{"what", strings.TrimSpace(format)}
	for _, v := range args {
		if err, ok := v.(error); ok {
			attrs = append(attrs, "err", err)
			break
		}
	}
	level := slog.LevelWarn
	if strings.Contains(format, "failed to dial") {
		// One per failed command while Redis is away: Health logs the
		// outage instead.
		level = slog.LevelDebug
	}
	a.log.Log(ctx, level, "redis client message", attrs...)
}
