package redisstore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// OutageReport is how often a Redis outage that lasts is logged again.
const OutageReport = time.Minute

// Health watches every command of a client and logs Redis outages for
// the whole process: once when Redis stops answering, once a minute
// while it stays away (with the commands that failed), and once when it
// answers again. The parts that keep retrying while Redis is away — the
// poller's election, the scan for due chats, the jobs, the offers watch,
// the statistics — see their errors marked domain.ErrUnavailable and log
// them at debug level only, so an outage is a few lines in the log, not
// several a second.
type Health struct {
	now func() time.Time
	log *slog.Logger

	// isDown mirrors down for the hot path: every successful command
	// asks it, without the lock.
	isDown atomic.Bool

	mu        sync.Mutex
	down      bool
	since     time.Time // when the outage began
	failed    int       // commands failed in this outage
	announced bool      // the outage was logged
	reported  time.Time // when an outage was last logged
}

// Monitor installs the outage watch on rdb. now is the clock the outage
// is timed with.
func Monitor(rdb redis.UniversalClient, now func() time.Time, log *slog.Logger) *Health {
	if now == nil {
		now = time.Now
	}
	h := &Health{now: now, log: log}
	rdb.AddHook(healthHook{h})
	return h
}

// Down reports whether Redis is away right now, as far as the last
// command knows.
func (h *Health) Down() bool { return h.isDown.Load() }

// observe records a command's outcome.
func (h *Health) observe(err error) {
	if err != nil && unreachable(err) {
		h.fail(err)
		return
	}
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrClosed)) {
		return // the caller gave up or the client is closing: no news of Redis
	}
	h.up()
}

func (h *Health) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	if !h.down {
		h.down, h.since, h.failed, h.announced = true, now, 0, false
		h.isDown.Store(true)
	}
	h.failed++
	switch {
	case !h.announced && (h.reported.IsZero() || now.Sub(h.reported) >= OutageReport):
		// An outage right after another one (Redis flapping) waits for
		// the minute, so that it, too, is a line a minute at most.
		h.announced, h.reported = true, now
		h.log.Warn("redis unreachable: retrying; logged again once a minute while it lasts", "err", err)
	case h.announced && now.Sub(h.reported) >= OutageReport:
		h.reported = now
		h.log.Warn("redis still unreachable", "down_s", int(now.Sub(h.since).Seconds()), "failed_commands", h.failed, "err", err)
	}
}

func (h *Health) up() {
	if !h.isDown.Load() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return
	}
	h.down = false
	h.isDown.Store(false)
	if h.announced {
		h.log.Info("redis reachable again", "down_s", int(h.now().Sub(h.since).Seconds()), "failed_commands", h.failed)
	}
}

// unreachable tells an error of Redis being away — no connection, no
// answer, or a server that cannot serve yet (loading, failing over) —
// from an answer to the command.
func unreachable(err error) bool {
	if errors.Is(err, redis.ErrClosed) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, redis.ErrPoolTimeout):
		return true
	case redis.IsLoadingError(err), redis.IsReadOnlyError(err), redis.IsMasterDownError(err),
		redis.IsClusterDownError(err), redis.IsTryAgainError(err):
		return true
	}
	// Sentinel's "all sentinels … are unreachable" has no type of its own.
	return strings.Contains(err.Error(), "all sentinels specified in configuration are unreachable")
}

// outage is a command's error while Redis is away: it is what it was,
// and also domain.ErrUnavailable.
type outage struct{ err error }

func (o outage) Error() string   { return o.err.Error() }
func (o outage) Unwrap() []error { return []error{o.err, domain.ErrUnavailable} }

type healthHook struct{ h *Health }

func (k healthHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (k healthHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err == redis.Nil {
			k.h.observe(nil)
			return err
		}
		k.h.observe(err)
		if err != nil && unreachable(err) {
			err = outage{err}
			cmd.SetErr(err)
		}
		return err
	}
}

func (k healthHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		// A pipeline's error is its first failed command's: a command
		// error (a script's, a transaction's) says Redis answered.
		if err == redis.Nil {
			k.h.observe(nil)
		} else {
			k.h.observe(err)
		}
		if err != nil && unreachable(err) {
			for _, c := range cmds {
				if ce := c.Err(); ce != nil && unreachable(ce) {
					c.SetErr(outage{ce})
				}
			}
			return outage{err}
		}
		return err
	}
}
