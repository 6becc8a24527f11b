package domain

import (
	"errors"
	"log/slog"
)

// Error kinds shared across packages, checked with errors.Is.
var (
	// ErrNotFound: the thing asked for does not exist (or expired).
	ErrNotFound = errors.New("not found")
	// ErrBusy: another worker holds the chat right now; try again shortly.
	ErrBusy = errors.New("busy")
	// ErrLeaseLost: the worker's lock on a chat expired before it committed.
	ErrLeaseLost = errors.New("lease lost")
	// ErrUnsupported: the messenger server does not know the method.
	ErrUnsupported = errors.New("unsupported")
)

// ErrUnavailable marks an error of the store being unreachable (Redis
// down, failing over). The store logs the outage itself, once and then
// once a minute; the parts that retry log such errors at debug level.
var ErrUnavailable = errors.New("store unavailable")

// LogLevel is the level to log a failure at: level, or debug when err is
// the store's outage, which the store logs itself.
func LogLevel(err error, level slog.Level) slog.Level {
	if errors.Is(err, ErrUnavailable) {
		return slog.LevelDebug
	}
	return level
}
