package flows

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/kb"
	"lotse/internal/stats"
)

// Anonymous statistics: handlers note what happened with r.count; the
// counts travel back in domain.Result.Counts and the adapter adds them up in
// memory and writes them to Redis in batches, so counting costs no round
// trip of its own. Counts carry languages, entry ids, offices and topics,
// never a chat id, a name or what a person wrote.

// screenSuggest is the screen while the questions offered for an unclear
// message are shown; choosing one counts as a suggestion taken.
const screenSuggest = "suggest"

func onSuggestScreen(s *domain.Session) bool {
	return s.Screen == screenSuggest || strings.HasPrefix(s.Screen, screenSuggest+":")
}

// suggestScreen is screenSuggest with the ids of the questions shown, in
// their order, so a number typed instead of a tap can be understood.
func suggestScreen(base *kb.KB, lang string, ids []string) string {
	shown := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := base.Text(id, lang); ok {
			shown = append(shown, id)
		}
	}
	return screenSuggest + ":" + strings.Join(shown, ",")
}

// shownSuggestions are the ids of the questions suggestScreen recorded,
// in their order, or none.
func shownSuggestions(s *domain.Session) []string {
	list, ok := strings.CutPrefix(s.Screen, screenSuggest+":")
	if !ok || list == "" {
		return nil
	}
	return strings.Split(list, ",")
}

// typedSuggestion is the question whose number was typed under the
// offered questions ("2", "٢", "2."), or "".
func typedSuggestion(s *domain.Session, text string) string {
	ids := shownSuggestions(s)
	if ids == nil {
		return ""
	}
	text = strings.TrimRight(strings.TrimSpace(text), ".)")
	if text == "" || utf8.RuneCountInString(text) > 2 {
		return ""
	}
	n := 0
	for _, c := range text {
		d := -1
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= '٠' && c <= '٩': // Arabic-Indic
			d = int(c - '٠')
		case c >= '۰' && c <= '۹': // Persian
			d = int(c - '۰')
		}
		if d < 0 {
			return ""
		}
		n = n*10 + d
	}
	if n < 1 || n > len(ids) {
		return ""
	}
	return ids[n-1]
}

// StatsReader reads the daily counters, for /stats.
type StatsReader interface {
	// Days returns the counters of each day ("2006-01-02").
	Days(ctx context.Context, days []string) ([]map[string]int64, error)
}

func (e *Engine) statsRoutes(t *table) {
	if e.stats != nil {
		t.staffCommand("stats", "staff.cmd.stats", e.showStats)
	}
}

// count notes counters for this event.
func (r *Request) count(c ...stats.Count) {
	if r.counts == nil {
		r.counts = r.countBuf[:0]
	}
	r.counts = append(r.counts, c...)
}

// finish counts what every event of a person adds up to — a message in
// their language, a first contact, urgent help shown — and drops a
// question that waited for consent if this event was not the answer to it.
func (e *Engine) finish(r *Request) {
	lang := r.T.Lang()
	switch r.Event.Kind {
	case domain.EventText, domain.EventCommand, domain.EventMedia:
		r.count(stats.Message(lang))
	}
	if r.New && r.Event.Kind != domain.EventStaleButton {
		r.count(stats.NewPerson(lang))
	}
	if r.urgentReplies > 0 {
		r.count(stats.Urgent())
	}
	if !r.holdQuestion {
		r.Session.Question = ""
	}
}

// showStats answers /stats in the staff group: this week and this month
// so far, in the staff language, from the same counters as the report.
// Small figures are shown as "< 5" there too: the group is larger than
// the team that needs to know.
func (e *Engine) showStats(ctx context.Context, r *Request) error {
	now := r.now.In(e.statsLoc())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	weekStart := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7)) // Monday
	monthStart := today.AddDate(0, 0, 1-today.Day())
	first := weekStart
	if monthStart.Before(first) {
		first = monthStart
	}
	days := stats.Days(first, today)
	counts, err := e.stats.Days(ctx, days)
	if err != nil {
		return fmt.Errorf("stats: read counters: %w", err)
	}
	sum := func(from time.Time) stats.Summary {
		var sel []map[string]int64
		for i, d := range days {
			if day, _ := time.ParseInLocation(stats.Day, d, now.Location()); !day.Before(from) {
				sel = append(sel, counts[i])
			}
		}
		return stats.Summarize(from.Format(stats.Day), today.Format(stats.Day), stats.Sum(sel))
	}
	text := e.staff.T("staff.stats_title", nil) + "\n\n" +
		e.statsBlock("staff.stats_week", sum(weekStart)) + "\n\n" +
		e.statsBlock("staff.stats_month", sum(monthStart))
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: text})
	return nil
}

// statsBlock is one period's figures in the staff language.
func (e *Engine) statsBlock(title string, s stats.Summary) string {
	t := e.staff
	c := stats.Cell
	lines := []string{
		t.T(title, i18n.Data{"From": s.From, "To": s.To}),
		t.T("staff.stats_people", i18n.Data{"Messages": c(s.Messages), "New": c(s.NewPeople)}),
		t.T("staff.stats_answers", i18n.Data{"Answers": c(s.Answers), "Suggested": c(s.Suggested), "NoMatch": c(s.NoMatch)}),
		t.T("staff.stats_bookings", i18n.Data{"Made": c(s.Bookings.Made), "Cancelled": c(s.Bookings.Cancelled),
			"Attended": c(s.Bookings.Attended), "NoShow": c(s.Bookings.NoShow), "Interpreters": c(s.Interpreters)}),
		t.T("staff.stats_handovers", i18n.Data{"Opened": c(s.Handovers.Opened), "Taken": c(s.Handovers.Taken),
			"Median": e.waitText(s.WaitMedian, s.Handovers.Taken), "P90": e.waitText(s.WaitP90, s.Handovers.Taken)}),
	}
	if top := topCells(s.Unanswered, 3); top != "" {
		lines = append(lines, t.T("staff.stats_unanswered", i18n.Data{"Langs": top}))
	}
	if top := topCells(s.Offers, 3); top != "" {
		lines = append(lines, t.T("staff.stats_offers", i18n.Data{"Categories": top}))
	}
	return strings.Join(lines, "\n")
}

// topCells is the first n labels with their counts ("ar 12, ti < 5").
func topCells(ls []stats.Labelled, n int) string {
	var top []string
	for _, l := range ls[:min(n, len(ls))] {
		top = append(top, l.Label+" "+stats.Cell(l.N))
	}
	return strings.Join(top, ", ")
}

// waitText is a time-to-take bound ("≤ 15 min"); below stats.Small
// hand-overs taken it is not shown.
func (e *Engine) waitText(d time.Duration, taken int64) string {
	switch {
	case taken < stats.Small:
		return "–"
	case d < 0:
		return "> 72 h"
	case d < time.Hour:
		return "≤ " + strconv.Itoa(int(d/time.Minute)) + " min"
	}
	return "≤ " + strconv.Itoa(int(d/time.Hour)) + " h"
}

// statsLoc is the municipality's time zone: counters are kept by its days.
func (e *Engine) statsLoc() *time.Location {
	if e.set.Hours.Loc != nil {
		return e.set.Hours.Loc
	}
	return time.UTC
}
