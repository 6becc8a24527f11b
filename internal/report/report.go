// Package report turns a span of the anonymous daily counters into the
// monthly report a coordinator hands in: Markdown, CSV or an Excel
// workbook. Every count below 5 is printed as "< 5" so that no person
// can be singled out; rates are printed only when their base is 5 or
// more. It reads nothing itself: cmd/lotse passes the summed counters.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"lotse/internal/stats"
)

// Table is one section of the report.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// Tables lays out a summary: totals, per language, per office, per area,
// the most asked entries, unanswered by language, hand-over times.
func Tables(s stats.Summary) []Table {
	c := stats.Cell
	rate := func(n, base int64) string {
		if base < stats.Small {
			return "–"
		}
		return fmt.Sprintf("%.0f %%", 100*float64(n)/float64(base))
	}
	b := s.Bookings
	totals := Table{Title: "Totals " + s.From + " – " + s.To, Header: []string{"Figure", "Count"}, Rows: [][]string{
		{"Messages", c(s.Messages)}, {"New people", c(s.NewPeople)},
		{"Answers shown", c(s.Answers)}, {"Questions with suggestions only", c(s.Suggested)},
		{"Suggestions taken", c(s.SuggestionsTaken)}, {"Questions without answer", c(s.NoMatch)},
		{"Urgent help shown", c(s.Urgent)},
		{"Appointments booked", c(b.Made)}, {"Appointments moved", c(b.Moved)}, {"Appointments cancelled", c(b.Cancelled)},
		{"Attended", c(b.Attended)}, {"No-show", c(b.NoShow)},
		{"Cancellation rate", rate(b.Cancelled, b.Made)}, {"No-show rate (of marked)", rate(b.NoShow, b.Attended+b.NoShow)},
		{"Interpreter requested", c(s.Interpreters)}, {"Reminders sent", c(s.Reminders)},
		{"Hand-overs opened", c(s.Handovers.Opened)}, {"Hand-overs taken", c(s.Handovers.Taken)}, {"Hand-overs closed", c(s.Handovers.Closed)},
		{"Questions shared with the team", c(s.ConsentYes)},
	}}
	langs := Table{Title: "Per language", Header: []string{"Language", "Messages", "New people", "No answer", "Suggestions only", "Bookings", "Interpreter", "Hand-overs"}}
	for _, l := range s.ByLang {
		langs.Rows = append(langs.Rows, []string{l.Lang, c(l.Messages), c(l.NewPeople), c(l.NoMatch), c(l.Suggested), c(l.Bookings), c(l.Interpreters), c(l.Handovers)})
	}
	offices := Table{Title: "Per office", Header: []string{"Office", "Booked", "Moved", "Cancelled", "Attended", "No-show", "No-show rate"}}
	for _, o := range s.ByOffice {
		offices.Rows = append(offices.Rows, []string{o.Office, c(o.Made), c(o.Moved), c(o.Cancelled), c(o.Attended), c(o.NoShow), rate(o.NoShow, o.Attended+o.NoShow)})
	}
	labelled := func(title, col string, ls []stats.Labelled) Table {
		t := Table{Title: title, Header: []string{col, "Count"}}
		for _, l := range ls {
			t.Rows = append(t.Rows, []string{l.Label, c(l.N)})
		}
		return t
	}
	waits := Table{Title: "Hand-over: time until taken", Header: []string{"Figure", "Value"}, Rows: [][]string{
		{"Half taken within", waitText(s.WaitMedian, s.Handovers.Taken)},
		{"9 in 10 taken within", waitText(s.WaitP90, s.Handovers.Taken)},
	}}
	var rated int64
	for st := 1; st <= 5; st++ {
		rated += s.Ratings[st]
	}
	for st := 5; st >= 1; st-- {
		waits.Rows = append(waits.Rows, []string{"Rated " + strings.Repeat("★", st), c(s.Ratings[st])})
	}
	if rated >= stats.Small {
		waits.Rows = append(waits.Rows, []string{"Average rating", strconv.FormatFloat(s.RatingAvg, 'f', 1, 64)})
	}
	return []Table{totals, langs, offices,
		labelled("Answers per area", "Area", s.ByArea),
		labelled("Bookings per topic", "Topic", s.ByTopic),
		labelled("20 most asked entries", "Entry", s.TopEntries),
		labelled("Languages with most questions without answer", "Language", s.Unanswered),
		labelled("Typed requests", "Request", s.Typed),
		labelled("Local offers viewed per category", "Category", s.Offers),
		waits}
}

func waitText(d time.Duration, taken int64) string {
	switch {
	case taken < stats.Small:
		return "–"
	case d < 0:
		return "more than 72 h"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h", int(d/time.Hour))
}

// Write renders the tables as md, csv or xlsx.
func Write(w io.Writer, format string, ts []Table) error {
	switch format {
	case "md", "":
		return writeMarkdown(w, ts)
	case "csv":
		return writeCSV(w, ts)
	case "xlsx":
		return writeXLSX(w, ts)
	}
	return fmt.Errorf("report: unknown format %q (md, csv or xlsx)", format)
}

func writeMarkdown(w io.Writer, ts []Table) error {
	var b strings.Builder
	b.WriteString("# Lotse – anonymous report\n\nCounts below 5 are shown as \"< 5\".\n")
	for _, t := range ts {
		fmt.Fprintf(&b, "\n## %s\n\n", t.Title)
		if len(t.Rows) == 0 {
			b.WriteString("(none)\n")
			continue
		}
		b.WriteString("| " + strings.Join(t.Header, " | ") + " |\n")
		b.WriteString("|" + strings.Repeat(" --- |", len(t.Header)) + "\n")
		for _, r := range t.Rows {
			b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCSV writes one CSV with the section as the first column, so a
// spreadsheet can filter by it.
func writeCSV(w io.Writer, ts []Table) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"section", "label", "column", "value"})
	for _, t := range ts {
		for _, r := range t.Rows {
			for i := 1; i < len(r); i++ {
				cw.Write([]string{t.Title, r[0], t.Header[i], r[i]})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeXLSX writes one sheet per section.
func writeXLSX(w io.Writer, ts []Table) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, t := range ts {
		name := sheetName(t.Title, i)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("report: xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("report: xlsx: %w", err)
		}
		rows := append([][]string{t.Header}, t.Rows...)
		for y, r := range rows {
			for x, v := range r {
				cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
				var val any = v
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					val = n // numbers stay numbers for the spreadsheet
				}
				if err := f.SetCellValue(name, cell, val); err != nil {
					return fmt.Errorf("report: xlsx: %w", err)
				}
			}
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	return nil
}

// sheetName fits Excel's rules: at most 31 characters, none of []:*?/\.
func sheetName(title string, i int) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, title)
	if i == 0 {
		s = "Totals"
	}
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
