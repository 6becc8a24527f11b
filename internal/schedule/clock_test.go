package schedule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"lotse/internal/domain"
)

type claims map[string]time.Time

func (c claims) Claim(_ context.Context, job string, tick time.Time, _ time.Duration) (bool, error) {
	c[job] = tick
	return true, nil
}

// TestScheduler_InjectedClock: the tick a job is claimed for and the date
// a daily job runs for come from the injected clock, in the job's zone —
// 23:30 UTC on 31 December is already New Year's Day in Berlin.
func TestScheduler_InjectedClock(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 12, 31, 23, 30, 0, 400_000_000, time.UTC)
	c := claims{}
	s := New(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Now = func() time.Time { return now }

	var got string
	s.runDaily("agenda", berlin, func(_ context.Context, date string) error { got = date; return nil })
	if got != "2031-01-01" || !c["agenda"].Equal(time.Date(2031, 1, 1, 0, 0, 0, 0, berlin)) {
		t.Errorf("daily job ran for %q, claimed %v; want 2031-01-01", got, c["agenda"])
	}
	ran := false
	s.runEvery("sweep", time.Minute, func(context.Context) error { ran = true; return nil })
	if !ran || !c["sweep"].Equal(time.Date(2030, 12, 31, 23, 30, 0, 0, time.UTC)) {
		t.Errorf("tick claimed %v (ran %v); want 23:30 UTC of the injected day", c["sweep"], ran)
	}
}

// failingClaims fails every claim as a store does while Redis is away.
type failingClaims struct{ err error }

func (c failingClaims) Claim(context.Context, string, time.Time, time.Duration) (bool, error) {
	return false, c.err
}

// TestScheduler_OutageQuiet: while Redis is away every tick of every job
// fails; the store logs the outage once a minute, so the scheduler logs
// such failures at debug level only — and any other failure as before.
func TestScheduler_OutageQuiet(t *testing.T) {
	away := fmt.Errorf("claim: %w", domain.ErrUnavailable)
	for _, c := range []struct {
		name   string
		err    error
		quiet  bool
		claims Claimer
	}{
		{"ClaimOutage", away, true, failingClaims{away}},
		{"JobOutage", away, true, claims{}},
		{"ClaimOther", errors.New("WRONGTYPE"), false, failingClaims{errors.New("WRONGTYPE")}},
		{"JobOther", errors.New("boom"), false, claims{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			s := New(context.Background(), c.claims, slog.New(slog.NewTextHandler(&buf, nil)))
			s.Now = func() time.Time { return time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC) }
			s.runEvery("sweep", time.Minute, func(context.Context) error { return c.err })
			if quiet := buf.Len() == 0; quiet != c.quiet {
				t.Errorf("logged %q; want quiet %v", buf.String(), c.quiet)
			}
		})
	}
}
