// Package stats names Lotse's anonymous daily counters and sums them into
// the figures a coordinator reads (the monthly report, /stats in the staff
// group). A counter is a field name made of a kind and labels – languages,
// knowledge base entries, offices, topics – never a chat id, a name or any
// text a person wrote. It imports only the standard library and domain.
package stats

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"lotse/internal/domain"
)

// Count is one increment of a counter. It is a domain type so that a
// conversation's result can carry it without importing this package.
type Count = domain.Count

// Day is the date a counter belongs to, "2006-01-02" in the
// municipality's time zone.
const Day = "2006-01-02"

// Field kinds. Labels follow the kind, separated by ':'.
const (
	kindMessage     = "msg"     // :lang — messages, commands and media a person sent
	kindNew         = "new"     // :lang — people who wrote for the first time (or again after /delete or expiry)
	kindAnswer      = "answer"  // :entry — knowledge base answers shown
	kindArea        = "area"    // :area — the same, by area
	kindNoMatch     = "nomatch" // :lang — questions with no answer
	kindSuggest     = "suggest" // :lang — questions answered only with suggestions
	kindTaken       = "suggest_taken"
	kindUrgent      = "urgent"      // urgent help shown
	kindTyped       = "typed"       // :intent — typed requests
	kindBooking     = "booking"     // :event:office:topic:lang
	kindInterpreter = "interpreter" // :lang
	kindHandover    = "handover"    // :event:lang (opened, taken, closed)
	kindWait        = "wait"        // :bucket — time to take a hand-over
	kindRating      = "rating"      // :stars
	kindOffer       = "offer"       // :category
	kindReminder    = "reminder"    // reminders sent
	kindConsent     = "consent"     // :yes|no — answers to "may the team read this question"
)

// Booking events.
const (
	BookingMade      = "made"
	BookingMoved     = "moved"
	BookingCancelled = "cancelled"
	BookingAttended  = "attended"
	BookingNoShow    = "noshow"
)

// One builds a count of 1 for a kind and its labels. Labels must not
// contain ':'; one that does is replaced by "?" so that a field always
// splits into the same parts.
func one(kind string, labels ...string) Count {
	var b strings.Builder
	b.WriteString(kind)
	for _, l := range labels {
		if l == "" || strings.ContainsRune(l, ':') {
			l = "?"
		}
		b.WriteByte(':')
		b.WriteString(l)
	}
	return Count{Field: b.String(), N: 1}
}

func Message(lang string) Count         { return one(kindMessage, lang) }
func NewPerson(lang string) Count       { return one(kindNew, lang) }
func Answer(entry string) Count         { return one(kindAnswer, entry) }
func Area(area string) Count            { return one(kindArea, area) }
func NoMatch(lang string) Count         { return one(kindNoMatch, lang) }
func Suggested(lang string) Count       { return one(kindSuggest, lang) }
func SuggestionTaken() Count            { return one(kindTaken) }
func Urgent() Count                     { return one(kindUrgent) }
func Typed(intent string) Count         { return one(kindTyped, intent) }
func Interpreter(lang string) Count     { return one(kindInterpreter, lang) }
func Rating(stars int) Count            { return one(kindRating, strconv.Itoa(stars)) }
func OfferViewed(category string) Count { return one(kindOffer, category) }
func ReminderSent() Count               { return one(kindReminder) }
func Consent(yes bool) Count {
	if yes {
		return one(kindConsent, "yes")
	}
	return one(kindConsent, "no")
}

// Booking counts a booking event at an office, for a topic and language.
func Booking(event, office, topic, lang string) Count {
	return one(kindBooking, event, office, topic, lang)
}

// Handover counts a hand-over event (opened, taken, closed) by language.
func Handover(event, lang string) Count { return one(kindHandover, event, lang) }

// WaitBuckets are the upper bounds of the time-to-take histogram. A day
// keeps one counter per bucket, so medians and the 90th percentile of any
// span of days can be read from the sums.
var WaitBuckets = []time.Duration{
	5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
	4 * time.Hour, 8 * time.Hour, 24 * time.Hour, 72 * time.Hour,
}

// Wait counts one hand-over taken after d, in its histogram bucket; a
// wait beyond the last bucket is counted as "inf".
func Wait(d time.Duration) Count {
	for _, b := range WaitBuckets {
		if d <= b {
			return one(kindWait, strconv.FormatInt(int64(b/time.Second), 10))
		}
	}
	return one(kindWait, "inf")
}

// Summary is what a span of days adds up to.
type Summary struct {
	From, To string

	Messages, NewPeople         int64
	Answers, NoMatch, Suggested int64
	SuggestionsTaken, Urgent    int64
	Reminders                   int64
	ConsentYes, ConsentNo       int64
	Interpreters                int64
	Bookings                    BookingRow
	Handovers                   HandoverRow
	// WaitMedian and WaitP90 are upper bounds: half (nine in ten) of the
	// hand-overs taken were taken within this time. Zero: none taken;
	// -1: beyond the last bucket.
	WaitMedian, WaitP90 time.Duration
	Ratings             [6]int64 // by stars, 1–5
	RatingAvg           float64

	ByLang     []LangRow
	ByOffice   []OfficeRow
	ByTopic    []Labelled
	ByArea     []Labelled
	TopEntries []Labelled // the most shown answers, most first
	Unanswered []Labelled // languages by questions without answer, most first
	Typed      []Labelled
	Offers     []Labelled
}

// Labelled is a count with its label.
type Labelled struct {
	Label string
	N     int64
}

// BookingRow counts booking events.
type BookingRow struct {
	Made, Moved, Cancelled, Attended, NoShow int64
}

// NoShowRate is the share of appointments marked no-show among those
// marked at all; ok is false when nothing was marked.
func (b BookingRow) NoShowRate() (float64, bool) {
	if n := b.Attended + b.NoShow; n > 0 {
		return float64(b.NoShow) / float64(n), true
	}
	return 0, false
}

// HandoverRow counts hand-over events.
type HandoverRow struct{ Opened, Taken, Closed int64 }

// LangRow is one language's line.
type LangRow struct {
	Lang                   string
	Messages, NewPeople    int64
	NoMatch, Suggested     int64
	Bookings, Interpreters int64
	Handovers              int64
}

// OfficeRow is one office's bookings.
type OfficeRow struct {
	Office string
	BookingRow
}

// Sum adds the counters of several days.
func Sum(days []map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for _, d := range days {
		for k, v := range d {
			out[k] += v
		}
	}
	return out
}

// Summarize turns summed counters into the report's figures.
func Summarize(from, to string, c map[string]int64) Summary {
	s := Summary{From: from, To: to}
	langs := map[string]*LangRow{}
	lang := func(l string) *LangRow {
		if langs[l] == nil {
			langs[l] = &LangRow{Lang: l}
		}
		return langs[l]
	}
	offices := map[string]*OfficeRow{}
	topics, areas, entries, unanswered, typed, offers := map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}
	waits := map[string]int64{}
	for field, n := range c {
		p := strings.Split(field, ":")
		arg := func(i int) string {
			if i < len(p) {
				return p[i]
			}
			return "?"
		}
		switch p[0] {
		case kindMessage:
			s.Messages += n
			lang(arg(1)).Messages += n
		case kindNew:
			s.NewPeople += n
			lang(arg(1)).NewPeople += n
		case kindAnswer:
			s.Answers += n
			entries[arg(1)] += n
		case kindArea:
			areas[arg(1)] += n
		case kindNoMatch:
			s.NoMatch += n
			lang(arg(1)).NoMatch += n
			unanswered[arg(1)] += n
		case kindSuggest:
			s.Suggested += n
			lang(arg(1)).Suggested += n
		case kindTaken:
			s.SuggestionsTaken += n
		case kindUrgent:
			s.Urgent += n
		case kindTyped:
			typed[arg(1)] += n
		case kindReminder:
			s.Reminders += n
		case kindConsent:
			if arg(1) == "yes" {
				s.ConsentYes += n
			} else {
				s.ConsentNo += n
			}
		case kindInterpreter:
			s.Interpreters += n
			lang(arg(1)).Interpreters += n
		case kindOffer:
			offers[arg(1)] += n
		case kindRating:
			if st, err := strconv.Atoi(arg(1)); err == nil && st >= 1 && st <= 5 {
				s.Ratings[st] += n
			}
		case kindWait:
			waits[arg(1)] += n
		case kindHandover:
			switch arg(1) {
			case "opened":
				s.Handovers.Opened += n
				lang(arg(2)).Handovers += n
			case "taken":
				s.Handovers.Taken += n
			case "closed":
				s.Handovers.Closed += n
			}
		case kindBooking:
			o := offices[arg(2)]
			if o == nil {
				o = &OfficeRow{Office: arg(2)}
				offices[arg(2)] = o
			}
			addBooking(&s.Bookings, arg(1), n)
			addBooking(&o.BookingRow, arg(1), n)
			if arg(1) == BookingMade || arg(1) == BookingMoved {
				topics[arg(3)] += n
				lang(arg(4)).Bookings += n
			}
		}
	}
	var rated, stars int64
	for st := 1; st <= 5; st++ {
		rated += s.Ratings[st]
		stars += int64(st) * s.Ratings[st]
	}
	if rated > 0 {
		s.RatingAvg = float64(stars) / float64(rated)
	}
	s.WaitMedian, s.WaitP90 = quantile(waits, 0.5), quantile(waits, 0.9)
	for _, l := range langs {
		s.ByLang = append(s.ByLang, *l)
	}
	slices.SortFunc(s.ByLang, func(a, b LangRow) int {
		return cmp.Or(cmp.Compare(b.Messages, a.Messages), strings.Compare(a.Lang, b.Lang))
	})
	for _, o := range offices {
		s.ByOffice = append(s.ByOffice, *o)
	}
	slices.SortFunc(s.ByOffice, func(a, b OfficeRow) int { return strings.Compare(a.Office, b.Office) })
	s.ByTopic, s.ByArea, s.Typed, s.Offers = ranked(topics, 0), ranked(areas, 0), ranked(typed, 0), ranked(offers, 0)
	s.TopEntries = ranked(entries, 20)
	s.Unanswered = ranked(unanswered, 0)
	return s
}

func addBooking(b *BookingRow, event string, n int64) {
	switch event {
	case BookingMade:
		b.Made += n
	case BookingMoved:
		b.Moved += n
	case BookingCancelled:
		b.Cancelled += n
	case BookingAttended:
		b.Attended += n
	case BookingNoShow:
		b.NoShow += n
	}
}

// ranked sorts labels by count, most first, ties by label; limit 0 keeps all.
func ranked(m map[string]int64, limit int) []Labelled {
	out := make([]Labelled, 0, len(m))
	for k, v := range m {
		if v > 0 {
			out = append(out, Labelled{k, v})
		}
	}
	slices.SortFunc(out, func(a, b Labelled) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Label, b.Label)) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// quantile reads the upper bound of the bucket in which the q-th share of
// the waits falls.
func quantile(waits map[string]int64, q float64) time.Duration {
	var total int64
	for _, n := range waits {
		total += n
	}
	if total == 0 {
		return 0
	}
	var seen int64
	for _, b := range WaitBuckets {
		seen += waits[strconv.FormatInt(int64(b/time.Second), 10)]
		if float64(seen) >= q*float64(total) {
			return b
		}
	}
	return -1
}

// Days lists the dates from..to inclusive ("2006-01-02").
func Days(from, to time.Time) []string {
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(Day))
	}
	return out
}

// Small is the threshold below which a published figure is shown as
// "< 5": a count that small could single a person out.
const Small = 5

// Cell formats a count for publication: below Small it is "< 5".
func Cell(n int64) string {
	if n < Small {
		return "< 5"
	}
	return strconv.FormatInt(n, 10)
}
