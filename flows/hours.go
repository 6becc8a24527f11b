package flows

import "time"

// Hours are the weekly times when case managers answer, in their time
// zone. Rules are wall-clock times, so they stay put across daylight
// saving changes. No rules: always open.
type Hours struct {
	Loc   *time.Location
	Rules []HoursRule
}

// HoursRule is one weekly rule, e.g. Monday to Friday 08:00–16:00.
type HoursRule struct {
	Days     []time.Weekday
	From, To time.Duration // since local midnight
}

// Open reports whether the team answers at t.
func (h Hours) Open(t time.Time) bool {
	if len(h.Rules) == 0 {
		return true
	}
	lt := t.In(h.loc())
	// Wall-clock time of day, not time elapsed since midnight: on the days
	// the clocks change the two differ by an hour.
	since := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute
	for _, r := range h.Rules {
		if r.on(lt.Weekday()) && since >= r.From && since < r.To {
			return true
		}
	}
	return false
}

// NextOpen is the start of the next opening after t (t itself if open).
func (h Hours) NextOpen(t time.Time) time.Time {
	if h.Open(t) {
		return t
	}
	lt := t.In(h.loc())
	var best time.Time
	for day := 0; day <= 7; day++ {
		d := midnight(lt).AddDate(0, 0, day)
		for _, r := range h.Rules {
			if !r.on(d.Weekday()) {
				continue
			}
			start := time.Date(d.Year(), d.Month(), d.Day(), int(r.From/time.Hour), int(r.From%time.Hour/time.Minute), 0, 0, h.loc())
			if start.After(t) && (best.IsZero() || start.Before(best)) {
				best = start
			}
		}
		if !best.IsZero() {
			return best
		}
	}
	return t
}

func (h Hours) loc() *time.Location {
	if h.Loc == nil {
		return time.UTC
	}
	return h.Loc
}

func (r HoursRule) on(d time.Weekday) bool {
	for _, x := range r.Days {
		if x == d {
			return true
		}
	}
	return false
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
