// Package testclock is the one date Lotse's date-sensitive tests (flows,
// redisstore, bot) run at, so that no test depends on the day it runs.
// LOTSE_TEST_CLOCK=<year> moves it to the same week of another year;
// TestClock_OtherYears in cmd/lotse runs those suites in past and future
// years, which catches any reading of the real clock that slipped past
// the injected one.
//
// Only tests and test helpers import it. It imports the standard library
// only.
package testclock

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// Env names the year the tests run in.
const Env = "LOTSE_TEST_CLOCK"

// DefaultYear is the year tests run in without Env.
const DefaultYear = 2026

var (
	once  sync.Once
	start time.Time
)

// Start is the tests' "now": the first Monday on or after 23 November of
// the year, 10:00 UTC (23 November 2026 by default). Tests rely on it
// being a Monday morning with weeks of ordinary working days ahead.
func Start() time.Time {
	once.Do(func() {
		year := DefaultYear
		if v := os.Getenv(Env); v != "" {
			y, err := strconv.Atoi(v)
			if err != nil || y < 2000 || y > 2200 {
				panic(fmt.Sprintf("testclock: %s=%q: want a year such as 2027", Env, v))
			}
			year = y
		}
		start = MondayOnOrAfter(time.Date(year, time.November, 23, 10, 0, 0, 0, time.UTC))
	})
	return start
}

// Year is the year of Start.
func Year() int { return Start().Year() }

// Running returns a clock that reads Start when it is called first and
// then advances with real time, for tests whose parts wait on each other
// (leases, retries) and so need time to pass.
func Running() func() time.Time {
	base := Start()
	var (
		mu    sync.Mutex
		begun time.Time
	)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if begun.IsZero() {
			begun = time.Now()
		}
		// Monotonic elapsed time: the offset from Start is all that is
		// taken from the real clock.
		return base.Add(time.Since(begun))
	}
}

// MondayOnOrAfter is t moved forward to a Monday, at the same time of day.
func MondayOnOrAfter(t time.Time) time.Time {
	return t.AddDate(0, 0, (int(time.Monday)-int(t.Weekday())+7)%7)
}

// LastSunday is the last Sunday of month in year, at hour in loc: the EU's
// daylight saving switches are on the last Sundays of March and October.
func LastSunday(year int, month time.Month, hour int, loc *time.Location) time.Time {
	d := time.Date(year, month+1, 0, hour, 0, 0, 0, loc) // the month's last day
	return d.AddDate(0, 0, -int(d.Weekday()))
}
