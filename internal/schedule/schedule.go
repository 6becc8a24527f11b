// Package schedule runs Lotse's periodic jobs — today the hand-over sweep —
// in every replica, with each tick carried out by one replica only. cron
// is only the ticker: what is due lives in Redis, so ticks missed while a
// replica was down are caught up by the next one.
//
// It is the only package that imports robfig/cron. It imports domain only.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"lotse/internal/domain"
)

// Claimer lets one replica claim a job's tick (a Redis SET NX keyed on the
// tick's time, not a lock held while running: with clock skew a held lock
// could be taken again right after release).
type Claimer interface {
	Claim(ctx context.Context, job string, tick time.Time, ttl time.Duration) (bool, error)
}

// Scheduler ticks jobs.
type Scheduler struct {
	c     *cron.Cron
	claim Claimer
	log   *slog.Logger
	ctx   context.Context

	// Now names the tick a job is claimed for and the date a daily job
	// runs for; set it before Start. cron itself fires on the machine's
	// clock.
	Now func() time.Time
}

// New builds a scheduler; ctx bounds every job run.
func New(ctx context.Context, claim Claimer, log *slog.Logger) *Scheduler {
	l := cronLogger{log}
	// Recover is not in cron's default chain: without it a panicking job
	// takes the whole process down.
	c := cron.New(cron.WithSeconds(), cron.WithLocation(time.UTC), cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)))
	return &Scheduler{c: c, claim: claim, log: log, ctx: ctx, Now: time.Now}
}

// Every runs job every interval, in one replica per tick. The interval is
// whole seconds dividing a minute, or whole minutes dividing an hour, so
// that every replica fires at the same wall-clock moments (an "@every"
// schedule would fire at offsets from each replica's start).
func (s *Scheduler) Every(name string, interval time.Duration, job func(ctx context.Context) error) error {
	var spec string
	switch secs, mins := int(interval/time.Second), int(interval/time.Minute); {
	case interval < time.Minute && secs > 0 && 60%secs == 0 && interval%time.Second == 0:
		spec = fmt.Sprintf("*/%d * * * * *", secs)
	case interval >= time.Minute && interval <= time.Hour && 60%mins == 0 && interval%time.Minute == 0:
		spec = fmt.Sprintf("0 */%d * * * *", mins)
	default:
		return fmt.Errorf("schedule: %s: interval %v must divide a minute or an hour", name, interval)
	}
	_, err := s.c.AddFunc(spec, func() { s.runEvery(name, interval, job) })
	if err != nil {
		return fmt.Errorf("schedule: add %s: %w", name, err)
	}
	return nil
}

// runEvery runs one tick of an Every job if this replica claims it.
func (s *Scheduler) runEvery(name string, interval time.Duration, job func(ctx context.Context) error) {
	// Rounded, not truncated: replicas whose clocks differ a little
	// still name the same tick.
	tick := s.Now().UTC().Round(interval)
	ok, err := s.claim.Claim(s.ctx, name, tick, 2*interval)
	if err != nil {
		s.log.Log(s.ctx, domain.LogLevel(err, slog.LevelWarn), "job claim failed", "job", name, "err", err)
		return
	}
	if !ok {
		return // another replica has this tick
	}
	if err := job(s.ctx); err != nil {
		s.log.Log(s.ctx, domain.LogLevel(err, slog.LevelError), "job failed", "job", name, "err", err)
	}
}

// Tick runs job every interval in every replica: for work that is claimed
// item by item (reminders), so replicas share it.
func (s *Scheduler) Tick(name string, interval time.Duration, job func(ctx context.Context) error) error {
	_, err := s.c.AddFunc(fmt.Sprintf("@every %s", interval), func() {
		if err := job(s.ctx); err != nil {
			s.log.Log(s.ctx, domain.LogLevel(err, slog.LevelError), "job failed", "job", name, "err", err)
		}
	})
	if err != nil {
		return fmt.Errorf("schedule: add %s: %w", name, err)
	}
	return nil
}

// Daily runs job once a day at clock ("07:30") in loc, in one replica. The
// job gets the local date it runs for.
func (s *Scheduler) Daily(name, clock string, loc *time.Location, job func(ctx context.Context, date string) error) error {
	t, err := time.Parse("15:04", clock)
	if err != nil {
		return fmt.Errorf("schedule: %s: time %q: %w", name, clock, err)
	}
	spec := fmt.Sprintf("CRON_TZ=%s 0 %d %d * * *", loc.String(), t.Minute(), t.Hour())
	_, err = s.c.AddFunc(spec, func() { s.runDaily(name, loc, job) })
	if err != nil {
		return fmt.Errorf("schedule: add %s: %w", name, err)
	}
	return nil
}

// runDaily runs a Daily job for today's date in loc if this replica
// claims the day.
func (s *Scheduler) runDaily(name string, loc *time.Location, job func(ctx context.Context, date string) error) {
	date := s.Now().In(loc).Format(time.DateOnly)
	day, _ := time.ParseInLocation(time.DateOnly, date, loc)
	ok, err := s.claim.Claim(s.ctx, name, day, 36*time.Hour)
	if err != nil {
		s.log.Warn("job claim failed", "job", name, "err", err)
		return
	}
	if !ok {
		return // another replica has today
	}
	if err := job(s.ctx, date); err != nil {
		s.log.Error("job failed", "job", name, "err", err)
	}
}

// Start starts ticking.
func (s *Scheduler) Start() { s.c.Start() }

// Stop stops ticking and waits for running jobs.
func (s *Scheduler) Stop() { <-s.c.Stop().Done() }

type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
