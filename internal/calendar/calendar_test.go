package calendar_test

import (
	"testing"
	"time"

	"lotse/internal/calendar"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

func cal() calendar.Calendar {
	return calendar.Calendar{Loc: berlin, Rules: []calendar.Rule{
		{Office: "rathaus", Weekdays: []time.Weekday{time.Monday, time.Wednesday}, From: 9 * time.Hour, To: 12 * time.Hour, Slot: 30 * time.Minute, Capacity: 1, Staff: []int64{1, 2}},
		{Office: "nord", Weekdays: []time.Weekday{time.Thursday}, From: 14 * time.Hour, To: 15 * time.Hour, Slot: 30 * time.Minute, Capacity: 2, Staff: []int64{2}},
		{Office: "rathaus", Date: "2026-12-19", From: 10 * time.Hour, To: 11 * time.Hour, Slot: 30 * time.Minute, Capacity: 1, Staff: []int64{1}},
	}, Closures: []calendar.Closure{
		{From: "2026-12-24", To: "2026-12-24"},
		{From: "2026-12-07", To: "2026-12-09", Staff: 1},
	}}
}

func TestCalendar_Slots(t *testing.T) {
	c := cal()
	mon := time.Date(2026, 11, 30, 0, 0, 0, 0, berlin)
	slots := c.Slots("", mon, mon.AddDate(0, 0, 7), nil)
	// Mon + Wed: 6 slots each in rathaus; Thu: 2 in nord.
	if len(slots) != 14 {
		t.Fatalf("%d slots: %+v", len(slots), slots)
	}
	if s := slots[0]; s.Office != "rathaus" || s.Start.In(berlin).Hour() != 9 || s.Staff[1] != 1 || s.Staff[2] != 1 {
		t.Errorf("first slot = %+v", s)
	}
	t.Run("Absence", func(t *testing.T) {
		week := time.Date(2026, 12, 7, 0, 0, 0, 0, berlin)
		for _, s := range c.Slots("rathaus", week, week.AddDate(0, 0, 3), nil) {
			if _, ok := s.Staff[1]; ok {
				t.Errorf("absent case manager holds %v", s.Start)
			}
		}
	})
	t.Run("HolidayAndExtra", func(t *testing.T) {
		if got := c.Slots("", time.Date(2026, 12, 24, 0, 0, 0, 0, berlin), time.Date(2026, 12, 25, 0, 0, 0, 0, berlin), nil); len(got) != 0 {
			t.Errorf("holiday has slots: %+v", got)
		}
		sat := time.Date(2026, 12, 19, 0, 0, 0, 0, berlin)
		if got := c.Slots("rathaus", sat, sat.AddDate(0, 0, 1), nil); len(got) != 2 {
			t.Errorf("extra hours: %d slots", len(got))
		}
	})
	t.Run("Blocked", func(t *testing.T) {
		blocked := func(office string, start time.Time) bool { return start.In(berlin).Hour() == 9 }
		if got := c.Slots("rathaus", mon, mon.AddDate(0, 0, 1), blocked); len(got) != 4 {
			t.Errorf("blocked 9:00 slots still offered: %d", len(got))
		}
	})
}

// TestCalendar_DST: office hours stay at the same wall-clock time on both
// sides of the March and October switches.
func TestCalendar_DST(t *testing.T) {
	c := calendar.Calendar{Loc: berlin, Rules: []calendar.Rule{{Office: "o", Weekdays: []time.Weekday{time.Saturday, time.Sunday, time.Monday}, From: 9 * time.Hour, To: 10 * time.Hour, Slot: time.Hour, Capacity: 1, Staff: []int64{1}}}}
	for _, tc := range []struct {
		name        string
		from        time.Time
		utcHourPre  int
		utcHourPost int
	}{
		{"March", time.Date(2027, 3, 27, 0, 0, 0, 0, berlin), 8, 7},    // CET → CEST on 28 March 2027
		{"October", time.Date(2026, 10, 24, 0, 0, 0, 0, berlin), 7, 8}, // CEST → CET on 25 October 2026
	} {
		t.Run(tc.name, func(t *testing.T) {
			slots := c.Slots("o", tc.from, tc.from.AddDate(0, 0, 3), nil)
			if len(slots) != 3 {
				t.Fatalf("%d slots", len(slots))
			}
			for _, s := range slots {
				if s.Start.In(berlin).Hour() != 9 {
					t.Errorf("slot at %v local", s.Start.In(berlin))
				}
			}
			if slots[0].Start.UTC().Hour() != tc.utcHourPre || slots[2].Start.UTC().Hour() != tc.utcHourPost {
				t.Errorf("UTC hours %d and %d, want %d and %d", slots[0].Start.UTC().Hour(), slots[2].Start.UTC().Hour(), tc.utcHourPre, tc.utcHourPost)
			}
		})
	}
}

// TestCalendar_YearlyClosure: a month-day closure closes the same days
// every year, also over New Year; a dated one only in its year.
func TestCalendar_YearlyClosure(t *testing.T) {
	c := calendar.Calendar{Loc: berlin, Rules: []calendar.Rule{{
		Office: "rathaus", Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday},
		From: 9 * time.Hour, To: 10 * time.Hour, Slot: time.Hour, Capacity: 1, Staff: []int64{1},
	}}, Closures: []calendar.Closure{
		{From: "12-24", To: "12-24"},
		{From: "12-31", To: "01-01", Office: "rathaus"},
		{From: "2026-06-01", To: "2026-06-01"},
	}}
	open := func(y int, m time.Month, d int) bool {
		day := time.Date(y, m, d, 0, 0, 0, 0, berlin)
		return len(c.Slots("rathaus", day, day.AddDate(0, 0, 1), nil)) == 1
	}
	for _, y := range []int{2024, 2026, 2031} {
		if open(y, time.December, 24) || open(y, time.December, 31) || open(y+1, time.January, 1) {
			t.Errorf("%d: a yearly closure is open", y)
		}
		if !open(y, time.December, 23) || !open(y, time.December, 30) || !open(y+1, time.January, 2) {
			t.Errorf("%d: a day next to a yearly closure is closed", y)
		}
	}
	if open(2026, time.June, 1) || !open(2027, time.June, 1) {
		t.Error("a dated closure must close its own year only")
	}
}
