// Package calendar turns office hours — weekly rules, one-off extra hours,
// closures and absences — into bookable slots. Rules are wall-clock times
// in the municipality's time zone, so a Monday 09:00 slot stays at 09:00
// across daylight saving changes; slot instants are computed per date.
//
// It imports only the standard library.
package calendar

import (
	"sort"
	"time"
)

// Rule is office hours in one office: weekly (Weekdays) or on one Date.
type Rule struct {
	Office   string
	Weekdays []time.Weekday
	Date     string // YYYY-MM-DD, for one-off hours
	From, To time.Duration
	Slot     time.Duration
	Capacity int     // people per slot and case manager
	Staff    []int64 // case managers holding these hours
}

// Closure closes dates (inclusive) for an office, a case manager, or all.
// From and To are both YYYY-MM-DD, or both MM-DD for a closure that
// recurs every year (Christmas); a yearly range may run over New Year
// ("12-28" to "01-01").
type Closure struct {
	From, To string
	Office   string // "" for all offices
	Staff    int64  // 0 for everyone
}

// Calendar is the whole set of office hours.
type Calendar struct {
	Loc      *time.Location
	Rules    []Rule
	Closures []Closure
}

// Slot is one bookable time in one office, with each case manager's
// capacity.
type Slot struct {
	Office     string
	Start, End time.Time
	Staff      map[int64]int
}

// Slots lists the slots of an office ("" for all) starting in [from, to),
// by start time. blocked, if not nil, removes slots staff blocked.
func (c Calendar) Slots(office string, from, to time.Time, blocked func(office string, start time.Time) bool) []Slot {
	loc := c.loc()
	byKey := map[string]*Slot{}
	day := time.Date(from.In(loc).Year(), from.In(loc).Month(), from.In(loc).Day(), 0, 0, 0, 0, loc)
	for ; day.Before(to); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		date := day.Format(time.DateOnly)
		for _, r := range c.Rules {
			if office != "" && r.Office != office || !r.on(day.Weekday(), date) {
				continue
			}
			for t := r.From; t+r.Slot <= r.To; t += r.Slot {
				start := wall(day, t, loc)
				if start.Before(from) || !start.Before(to) || blocked != nil && blocked(r.Office, start) {
					continue
				}
				key := r.Office + start.String()
				s := byKey[key]
				if s == nil {
					s = &Slot{Office: r.Office, Start: start, End: wall(day, t+r.Slot, loc), Staff: map[int64]int{}}
					byKey[key] = s
				}
				for _, st := range r.Staff {
					if !c.closed(r.Office, st, date) {
						s.Staff[st] += r.Capacity
					}
				}
			}
		}
	}
	out := make([]Slot, 0, len(byKey))
	for _, s := range byKey {
		if len(s.Staff) > 0 {
			out = append(out, *s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].Office < out[j].Office
	})
	return out
}

// Date is the local calendar date of t, as YYYY-MM-DD.
func (c Calendar) Date(t time.Time) string { return t.In(c.loc()).Format(time.DateOnly) }

// DayStart is local midnight of a YYYY-MM-DD date.
func (c Calendar) DayStart(date string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, date, c.loc())
}

func (c Calendar) loc() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

func (r Rule) on(d time.Weekday, date string) bool {
	if r.Date != "" {
		return r.Date == date
	}
	for _, w := range r.Weekdays {
		if w == d {
			return true
		}
	}
	return false
}

// Absent reports whether a closure naming this case manager covers the day
// of t: they are on leave and must not be asked to help.
func (c Calendar) Absent(staff int64, t time.Time) bool {
	date := t.In(c.loc()).Format(time.DateOnly)
	for _, cl := range c.Closures {
		if cl.Staff == staff && staff != 0 && cl.covers(date) {
			return true
		}
	}
	return false
}

func (c Calendar) closed(office string, staff int64, date string) bool {
	for _, cl := range c.Closures {
		if !cl.covers(date) {
			continue
		}
		if (cl.Office == "" || cl.Office == office) && (cl.Staff == 0 || cl.Staff == staff) {
			return true
		}
	}
	return false
}

// covers reports whether the closure includes date (YYYY-MM-DD).
func (cl Closure) covers(date string) bool {
	if len(cl.From) != len("01-02") {
		return cl.From <= date && date <= cl.To
	}
	md := date[len("2006-"):]
	if cl.From <= cl.To {
		return cl.From <= md && md <= cl.To
	}
	return md >= cl.From || md <= cl.To // over New Year
}

// wall is the instant at wall-clock time t after local midnight of day:
// built from fields, not by adding a duration, which would drift by the
// daylight saving hour on the days the clocks change.
func wall(day time.Time, t time.Duration, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(t/time.Hour), int(t%time.Hour/time.Minute), 0, 0, loc)
}
