package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/stats"
)

// simulateMonth writes the counters of a known November 2026: what the
// flows and the adapter would have counted, day by day, plus activity
// just outside the month that the report must leave out.
func simulateMonth(t *testing.T, r *redistest.Redis) {
	t.Helper()
	st := r.Store(redisstore.Options{Now: func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }}).Stats(0)
	days := map[string]map[string]int64{}
	add := func(day string, c stats.Count, n int64) {
		if days[day] == nil {
			days[day] = map[string]int64{}
		}
		days[day][c.Field] += n
	}
	for d := 1; d <= 30; d++ {
		day := time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC).Format(stats.Day)
		add(day, stats.Message("ar"), 10)  // 300
		add(day, stats.Message("uk"), 4)   // 120
		add(day, stats.NewPerson("ar"), 1) // 30
		add(day, stats.Answer("housing.wbs"), 3)
		add(day, stats.Area("housing"), 3) // 90
		add(day, stats.NoMatch("ar"), 1)   // 30
		if d%10 == 0 {
			add(day, stats.NoMatch("ti"), 1)                                       // 3: "< 5"
			add(day, stats.Booking(stats.BookingMade, "rathaus", "work", "ar"), 4) // 12
			add(day, stats.Booking(stats.BookingNoShow, "rathaus", "work", "ar"), 1)
			add(day, stats.Booking(stats.BookingAttended, "rathaus", "work", "ar"), 3)
		}
		if d <= 20 {
			add(day, stats.Handover("opened", "ar"), 1)
			add(day, stats.Handover("taken", "ar"), 1)
			add(day, stats.Wait(10*time.Minute), 1) // ≤ 15 min, 20 times
		}
	}
	add("2026-12-01", stats.Message("ar"), 1000)
	add("2026-10-31", stats.Message("ar"), 1000)
	if err := st.Add(context.Background(), days); err != nil {
		t.Fatal(err)
	}
}

// TestReport_Month: a known month gives a report in md, csv and xlsx whose
// numbers are those counted, small ones as "< 5".
func TestReport_Month(t *testing.T) {
	t.Parallel()
	r := redistest.Must(t)
	simulateMonth(t, r)
	vars := env(map[string]string{"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix})
	report := func(format string) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "report."+format)
		var stderr bytes.Buffer
		if err := run(context.Background(), time.Now, []string{"report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", format, "-o", out}, vars, nil, io.Discard, &stderr); err != nil {
			t.Fatalf("%s: %v %s", format, err, stderr.String())
		}
		return readFile(t, out)
	}
	want := map[string]string{ // label → value in the first column it appears
		"Messages": "420", "New people": "30", "Answers shown": "90", "Questions without answer": "33",
		"Appointments booked": "12", "No-show": "< 5", "Attended": "9", "No-show rate (of marked)": "25 %",
		"Hand-overs opened": "20", "Half taken within": "15 min", "9 in 10 taken within": "15 min",
	}
	md := string(report("md"))
	for label, v := range want {
		if !strings.Contains(md, "| "+label+" | "+v+" |") {
			t.Errorf("md lacks %q = %q", label, v)
		}
	}
	for _, row := range []string{"| ar | 300 | 30 | 30 |", "| uk | 120 | < 5 | < 5 |", "| housing.wbs | 90 |", "| housing | 90 |", "| ti | < 5 |", "| rathaus | 12 | < 5 | < 5 | 9 | < 5 | 25 % |"} {
		if !strings.Contains(md, row) {
			t.Errorf("md lacks row %q", row)
		}
	}

	recs, err := csv.NewReader(bytes.NewReader(report("csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rec := range recs[1:] {
		if strings.HasPrefix(rec[0], "Totals") || strings.HasPrefix(rec[0], "Hand-over") {
			got[rec[1]] = rec[3]
		}
	}
	for label, v := range want {
		if got[label] != v {
			t.Errorf("csv %q = %q, want %q", label, got[label], v)
		}
	}

	x, err := excelize.OpenReader(bytes.NewReader(report("xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Totals")
	if err != nil {
		t.Fatal(err)
	}
	gotX := map[string]string{}
	for _, row := range rows[1:] {
		gotX[row[0]] = row[1]
	}
	for _, label := range []string{"Messages", "New people", "Appointments booked", "No-show", "Hand-overs opened"} {
		if gotX[label] != want[label] {
			t.Errorf("xlsx %q = %q, want %q", label, gotX[label], want[label])
		}
	}
	if v, _ := x.GetCellValue("Per language", "B2"); v != "300" {
		t.Errorf("xlsx ar messages = %q, want 300", v)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
