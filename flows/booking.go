package flows

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lotse/internal/calendar"
	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/intent"
	"lotse/internal/kb"
	"lotse/internal/stats"
)

// Booking an appointment in office hours: topic → office (skipped if only
// one) → day → time → confirm; /appointments to see, move or cancel; and
// the reminders. Every step has back and cancel, and a slot someone else
// just took gets the nearest free times, never an error.
const (
	actTopic        = "bt"
	actOffice       = "bo"
	actDay          = "bd"
	actInterp       = "bi"
	actSlot         = "bs"
	actBook         = "bc"
	actAppointments = "ba"
	actCancelAppt   = "ac"
	actCancelYes    = "ay"
	actReschedule   = "ar"
	actComing       = "rk"
	actChange       = "rx"
	maxDayButtons   = 8
	maxTimeButtons  = 12
)

func (e *Engine) bookingRoutes(t *table) {
	t.command("appointment", e.requestBooking)
	t.command("appointments", e.showAppointments)
	t.typedAs("appointment", intent.Booking)
	t.typedAs("appointments", intent.Appointments)
	t.typedTo(intent.Cancel, e.answerCancel)
	t.typedTo(intent.Bring, e.answerBring)
	t.typedTo(intent.Late, e.answerLate)
	t.button(actBooking, e.requestBooking, crossChat)
	t.button(actTopic, e.chooseTopic)
	t.button(actOffice, e.chooseOffice)
	t.button(actDay, e.showTimes)
	t.button(actInterp, e.toggleInterpreter)
	t.button(actSlot, e.confirmSlot)
	t.button(actBook, e.book)
	t.button(actAppointments, e.showAppointments)
	t.button(actCancelAppt, e.askCancelAppointment)
	t.button(actCancelYes, e.cancelAppointment)
	t.button(actReschedule, e.reschedule)
	t.button(actComing, e.confirmComing, crossChat)
	t.button(actChange, e.changeAppointment, crossChat)
}

func (e *Engine) bookingEnabled() bool { return len(e.set.Booking.Calendar.Rules) > 0 }

// argBack marks the booking button that steps back to the topics: only
// there, and after a language switch, does a move in progress stay a move.
const argBack = "back"

// requestBooking starts booking, after the privacy notice. A fresh start
// (the command, a menu button) drops a move the person walked away from,
// or the booking it ends with would silently cancel that appointment.
func (e *Engine) requestBooking(ctx context.Context, r *Request) error {
	if r.Event.Kind == domain.EventButton && r.Event.Action.Arg == argGoOn && e.onBookingStep(r) {
		r.Event.Text = ""
		return e.resumeBooking(ctx, r)
	}
	return e.startBooking(ctx, r, r.Event.Kind == domain.EventButton && r.Event.Action.Arg == argBack)
}

// argGoOn marks the booking button that shows the step the booking is
// at again, after an emergency reply came between.
const argGoOn = "on"

// offerBookingBack follows the crisis help given in the middle of a
// booking: "ich will nicht mehr", "je veux plus, merci" there are as
// often about the appointment as about life (QA, 4 December). The help
// stays first; the booking is neither dropped nor pushed on.
func (e *Engine) offerBookingBack(r *Request) {
	t := r.T
	r.Say(t.T("booking.after_urgent", nil), domain.Row(
		button(t.T("booking.stop", nil), actMenu, ""),
		button(t.T("booking.go_on", nil), actBooking, argGoOn)))
}

// startBooking shows the topics; keepMove carries a move in progress on.
func (e *Engine) startBooking(ctx context.Context, r *Request, keepMove bool) error {
	if ok, err := e.requirePrivacy(ctx, r, actBooking); !ok || err != nil {
		return err
	}
	if !e.bookingEnabled() {
		return e.showOffices(r, "contact.booking")
	}
	replace := ""
	if keepMove && r.Session.Draft != nil {
		replace = r.Session.Draft.Replace
	}
	active, err := e.upcoming(ctx, r.Event.ChatID)
	if err != nil {
		return err
	}
	if len(active) >= e.set.Booking.MaxActive && replace == "" {
		r.Show(r.T.N("booking.max_active", len(active), nil),
			domain.Row(button(r.T.T("booking.my_appointments", nil), actAppointments, "")), e.menuRow(r))
		return nil
	}
	r.Session.Draft = &domain.Draft{Replace: replace, Nonce: nonce()}
	r.Session.Screen = screenBooking
	t := r.T
	var rows [][]domain.Button
	for _, topic := range e.set.Booking.Topics {
		rows = append(rows, domain.Row(button(e.topicLabel(t, topic), actTopic, topic)))
	}
	// The first step: back to the appointments a move started from, and
	// for a new booking cancel alone (a back here would show this again).
	last := domain.Row(button(t.T("booking.stop", nil), actMenu, ""))
	if replace != "" {
		last = slices.Insert(last, 0, button(t.T("button.back", nil), actAppointments, ""))
	}
	rows = append(rows, last)
	r.Show(t.T("booking.topic_prompt", nil), rows...)
	return nil
}

func (e *Engine) topicLabel(t *i18n.Localizer, topic string) string {
	switch topic {
	case "housing", "status", "work":
		return t.T("menu."+topic, nil)
	}
	return t.T("booking.topic_other", nil)
}

func (e *Engine) cancelRow(r *Request) []domain.Button {
	return domain.Row(button(r.T.T("button.back", nil), actBooking, argBack), button(r.T.T("booking.stop", nil), actMenu, ""))
}

// draft returns the booking in progress, or shows the start again.
func (e *Engine) draft(ctx context.Context, r *Request) (*domain.Draft, bool, error) {
	if r.Session.Draft == nil || !e.bookingEnabled() {
		return nil, false, e.requestBooking(ctx, r)
	}
	return r.Session.Draft, true, nil
}

// onBookingStep reports whether the person is on a step of a booking.
func (e *Engine) onBookingStep(r *Request) bool {
	return r.Session.Screen == screenBooking && r.Session.Draft != nil && e.bookingEnabled()
}

// bookingInput reports whether the text is what a button of the booking
// step on screen says: a topic or office by name, a day, a time of the
// shown day, or agreement on the check screen. It reads nothing, so it
// can decide where a message goes before anything is looked up.
func (e *Engine) bookingInput(r *Request) bool {
	if !e.onBookingStep(r) {
		return false
	}
	d, text := r.Session.Draft, r.Event.Text
	switch {
	case d.Slot != 0 && agreesToBook(r.T, text):
		return true
	case d.Office != "":
		weekday, date := e.namedDay(r.T, text)
		_, clock := typedTime(r.T, text)
		return weekday >= 0 || date != "" || d.Day != "" && clock
	case d.Topic != "":
		_, ok := e.typedOffice(r, text)
		return ok
	}
	_, ok := e.typedTopic(r, text)
	return ok
}

// typedOffice is the bookable office the text names (see namedLabel).
func (e *Engine) typedOffice(r *Request, text string) (Office, bool) {
	offices := e.bookableOffices()
	names := make([]string, len(offices))
	for i, o := range offices {
		names[i] = r.T.Local(o.Name)
	}
	if i := namedLabel(text, names); i >= 0 {
		return offices[i], true
	}
	return Office{}, false
}

// typedTopic is the booking topic the text names (see namedLabel).
func (e *Engine) typedTopic(r *Request, text string) (string, bool) {
	topics := e.set.Booking.Topics
	labels := make([]string, len(topics))
	for i, topic := range topics {
		labels[i] = e.topicLabel(r.T, topic)
	}
	if i := namedLabel(text, labels); i >= 0 {
		return topics[i], true
	}
	return "", false
}

// namedLabel is the index of the button label a short typed text names,
// or -1: the whole label ("🏠 Wohnen" for "wohnen"), or else a word of
// four letters or more of exactly one label, accents aside ("rathaus" or
// "im Rathaus" for "Rathaus Musterstadt", "xani" for "🏠 Xanî"). The QA
// pass typed those and got the same question again.
func namedLabel(text string, labels []string) int {
	for i, l := range labels {
		if sameWord(text, l) {
			return i
		}
	}
	typed := strings.Fields(kb.Normalize(text))
	if len(typed) == 0 || len(typed) > 3 {
		return -1
	}
	found := -1
	for i, l := range labels {
		for _, w := range strings.Fields(kb.Normalize(l)) {
			if utf8.RuneCountInString(w) < 4 || !slices.ContainsFunc(typed, func(t string) bool { return sameLabelWord(t, w) }) {
				continue
			}
			if found >= 0 && found != i {
				return -1 // a word of two labels names neither
			}
			found = i
		}
	}
	return found
}

// sameLabelWord reports whether a typed word is a word of a button's
// label as people type it: without the Arabic article ("اقامة" for
// "الإقامة") or with another ending ("shaqo" for "Shaqada", "arbeiten"
// for "Arbeit") – the same first letters, all but at most one of the
// shorter word's, and at least four (QA, 4 December).
func sameLabelWord(typed, label string) bool {
	typed, label = strings.TrimPrefix(typed, "ال"), strings.TrimPrefix(label, "ال")
	if typed == label {
		return true
	}
	a, b := []rune(typed), []rune(label)
	short := min(len(a), len(b))
	common := 0
	for common < short && a[common] == b[common] {
		common++
	}
	return short >= 4 && common >= 4 && common >= short-1
}

// resumeBooking shows the booking's step again after a message that was
// not a tap. What a button says, typed, is that button: a topic or an
// office by its name ("Arbeit"), a day by its weekday or date
// ("Mittwoch", "9.12."), a time ("10:30", "10 Uhr"), and on the check
// screen "ok" or "yes" books.
func (e *Engine) resumeBooking(ctx context.Context, r *Request) error {
	typed := r.Event.Text
	d := r.Session.Draft
	if d.Slot != 0 && d.Office != "" && agreesToBook(r.T, typed) {
		r.Event.Action = domain.Action{Name: actBook, Arg: slotArg(time.Unix(d.Slot, 0), d.Office)}
		return e.book(ctx, r)
	}
	if d.Office != "" {
		if d.Day != "" {
			start, at, named, err := e.typedSlot(ctx, r, d)
			if err != nil {
				return err
			}
			if !start.IsZero() {
				r.Event.Action = domain.Action{Name: actSlot, Arg: slotArg(start, d.Office)}
				return e.confirmSlot(ctx, r)
			}
			if named {
				// A time that is taken or outside the hours: said, and the
				// free times of the day shown, not the same keys silently.
				r.Say(r.T.T("booking.time_not_free", i18n.Data{"Time": fmt.Sprintf("%d:%02d", at/60, at%60)}))
				r.Event.Action = domain.Action{Name: actDay, Arg: dayArg(d.Day, d.Office)}
				return e.showTimes(ctx, r)
			}
		}
		day, named, err := e.typedDay(ctx, r, d)
		if err != nil {
			return err
		}
		switch {
		case day != "":
			r.Event.Action = domain.Action{Name: actDay, Arg: dayArg(day, d.Office)}
			return e.showTimes(ctx, r)
		case named:
			return e.offerDays(ctx, r, "booking.day_not_free")
		case d.Slot != 0:
			r.Event.Action = domain.Action{Name: actSlot, Arg: slotArg(time.Unix(d.Slot, 0), d.Office)}
			return e.confirmSlot(ctx, r)
		case d.Day != "":
			r.Event.Action = domain.Action{Name: actDay, Arg: dayArg(d.Day, d.Office)}
			return e.showTimes(ctx, r)
		}
		return e.showDays(ctx, r)
	}
	if d.Topic != "" {
		if o, ok := e.typedOffice(r, typed); ok {
			r.Event.Action = domain.Action{Name: actOffice, Arg: o.ID}
			return e.chooseOffice(ctx, r)
		}
		r.Event.Action = domain.Action{Name: actTopic, Arg: d.Topic}
		return e.chooseTopic(ctx, r)
	}
	if topic, ok := e.typedTopic(r, typed); ok {
		r.Event.Action = domain.Action{Name: actTopic, Arg: topic}
		return e.chooseTopic(ctx, r)
	}
	return e.startBooking(ctx, r, true) // a move in progress stays one
}

// agreesToBook reports whether text agrees to the check screen's
// question: "yes", "ok" and the like, or the book button's words. Thanks
// alone does not: "danke" to an offer can be "no, thanks".
func agreesToBook(t *i18n.Localizer, text string) bool {
	return typedYes(t, text) || typedWord(t, "input.ok_words", text) || sameWord(text, t.T("booking.confirm_button", nil))
}

func (e *Engine) chooseTopic(ctx context.Context, r *Request) error {
	d, ok, err := e.draft(ctx, r)
	if !ok {
		return err
	}
	d.Topic = r.Event.Action.Arg
	offices := e.bookableOffices()
	if len(offices) == 1 {
		d.Office = offices[0].ID
		return e.showDays(ctx, r)
	}
	// The office is chosen again (also after "back" from the days), so a
	// typed office's name is read on this step, not the last one's.
	d.Office, d.Day, d.Slot = "", "", 0
	var rows [][]domain.Button
	for _, o := range offices {
		rows = append(rows, domain.Row(button(r.T.Local(o.Name), actOffice, o.ID)))
	}
	rows = append(rows, e.cancelRow(r))
	r.Show(r.T.T("booking.office_prompt", nil), rows...)
	return nil
}

func (e *Engine) chooseOffice(ctx context.Context, r *Request) error {
	d, ok, err := e.draft(ctx, r)
	if !ok {
		return err
	}
	if _, known := e.office(r.Event.Action.Arg); !known {
		return e.staleButton(ctx, r)
	}
	d.Office = r.Event.Action.Arg
	return e.showDays(ctx, r)
}

// bookableOffices are the configured offices that hold office hours.
func (e *Engine) bookableOffices() []Office {
	var out []Office
	for _, o := range e.set.Offices {
		for _, rule := range e.set.Booking.Calendar.Rules {
			if rule.Office == o.ID {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

func (e *Engine) office(id string) (Office, bool) {
	for _, o := range e.set.Offices {
		if o.ID == id {
			return o, true
		}
	}
	return Office{}, false
}

// freeSlot is a slot with room, and whether a case manager with room
// speaks the person's language.
type freeSlot struct {
	calendar.Slot
	candidates []domain.Candidate
	speaks     bool
}

// offeredSlots are the free slots offered to choose from: without the
// times the person already holds an appointment, so someone unsure whether
// a booking worked does not take a second place at the same time. (Book
// itself does not check: a retry after a failure must find its own place.)
func (e *Engine) offeredSlots(ctx context.Context, r *Request, office string, from, to time.Time) ([]freeSlot, error) {
	free, err := e.freeSlots(ctx, r, office, from, to)
	if err != nil {
		return nil, err
	}
	mine, err := e.upcoming(ctx, r.Event.ChatID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(free, func(s freeSlot) bool {
		return slices.ContainsFunc(mine, func(bk domain.Booking) bool { return bk.Start.Equal(s.Start) })
	}), nil
}

// freeSlots lists the office's bookable slots in [from, to) with room.
func (e *Engine) freeSlots(ctx context.Context, r *Request, office string, from, to time.Time) ([]freeSlot, error) {
	lang := r.T.Lang()
	rules := e.set.Booking
	earliest := e.now().Add(rules.MinLead)
	if from.Before(earliest) {
		from = earliest
	}
	if horizon := e.now().AddDate(0, 0, rules.DaysAhead); to.After(horizon) {
		to = horizon
	}
	blocks, err := e.bookings.Blocks(ctx)
	if err != nil {
		return nil, err
	}
	cal := rules.Calendar
	slots := cal.Slots(office, from, to, func(o string, start time.Time) bool {
		local := start.In(cal.Loc)
		return blocks[o+"|"+local.Format(time.DateOnly)] || blocks[o+"|"+local.Format("2006-01-02 15:04")]
	})
	starts := make([]time.Time, len(slots))
	for i, s := range slots {
		starts[i] = s.Start
	}
	booked, err := e.bookings.Booked(ctx, office, starts)
	if err != nil {
		return nil, err
	}
	var out []freeSlot
	for _, s := range slots {
		fs := freeSlot{Slot: s}
		var others []domain.Candidate
		for staff, capacity := range s.Staff {
			left := capacity - booked[s.Start.Unix()][staff]
			if left <= 0 {
				continue
			}
			c := domain.Candidate{Staff: staff, Capacity: capacity}
			if e.speaks(staff, lang) {
				fs.speaks = true
				fs.candidates = append(fs.candidates, c)
			} else {
				others = append(others, c)
			}
		}
		sortCandidates(fs.candidates)
		sortCandidates(others)
		fs.candidates = append(fs.candidates, others...)
		if len(fs.candidates) > 0 {
			out = append(out, fs)
		}
	}
	return out, nil
}

func sortCandidates(cs []domain.Candidate) {
	sort.Slice(cs, func(i, j int) bool { return cs[i].Staff < cs[j].Staff })
}

func (e *Engine) speaks(staff int64, lang string) bool {
	for _, st := range e.set.Staff {
		if st.UserID == staff {
			for _, l := range st.Languages {
				if l == lang {
					return true
				}
			}
		}
	}
	return false
}

// showDays offers the days with free slots; days where someone speaks the
// person's language are marked.
func (e *Engine) showDays(ctx context.Context, r *Request) error {
	return e.offerDays(ctx, r, "booking.day_prompt")
}

// offerDays is showDays under the prompt with the message id prompt.
func (e *Engine) offerDays(ctx context.Context, r *Request, prompt string) error {
	d := r.Session.Draft
	d.Day, d.Slot = "", 0
	free, err := e.offeredSlots(ctx, r, d.Office, e.now(), e.now().AddDate(0, 0, e.set.Booking.DaysAhead))
	if err != nil {
		return err
	}
	cal := e.set.Booking.Calendar
	var days []string
	speaks := map[string]bool{}
	for _, s := range free {
		day := cal.Date(s.Start)
		if len(days) == 0 || days[len(days)-1] != day {
			days = append(days, day)
		}
		speaks[day] = speaks[day] || s.speaks
	}
	t := r.T
	// Back goes to the step before: the offices, when there was a choice.
	back := e.cancelRow(r)
	if len(e.bookableOffices()) > 1 && d.Topic != "" {
		back[0] = button(t.T("button.back", nil), actTopic, d.Topic)
	}
	if len(days) == 0 {
		r.Show(t.T("booking.no_slots", nil), domain.Row(button(t.T("button.person", nil), actHandover, "")), back)
		return nil
	}
	if len(days) > maxDayButtons {
		days = days[:maxDayButtons]
	}
	var rows [][]domain.Button
	marked := false
	for _, day := range days {
		start, _ := cal.DayStart(day)
		label := e.dayLabel(t, start)
		if speaks[day] {
			label, marked = "🗣 "+label, true
		}
		rows = append(rows, domain.Row(button(label, actDay, dayArg(day, d.Office))))
	}
	rows = append(rows, back)
	r.Show(t.T(prompt, nil)+langMark(t, marked), rows...)
	return nil
}

// typedSlot is the free time of the shown day that the message names, if
// it names exactly one: "10:30", "10.30", "10 Uhr" or "10", also in
// Arabic or Persian digits, or an hour in words (typedTime). A date
// ("9.12.") names no time. It also gives back the time named, free or not
// (at, named), so that a taken time can be said so; start is zero when it
// is not free.
func (e *Engine) typedSlot(ctx context.Context, r *Request, d *domain.Draft) (start time.Time, at int, named bool, err error) {
	at, named = typedTime(r.T, r.Event.Text)
	if !named {
		return time.Time{}, 0, false, nil
	}
	cal := e.set.Booking.Calendar
	day, err := cal.DayStart(d.Day)
	if err != nil {
		return time.Time{}, at, true, nil
	}
	free, err := e.offeredSlots(ctx, r, d.Office, day, day.AddDate(0, 0, 1))
	if err != nil {
		return time.Time{}, at, true, err
	}
	for _, s := range free {
		if st := s.Start.In(cal.Loc); st.Hour()*60+st.Minute() == at {
			return s.Start, at, true, nil
		}
	}
	return time.Time{}, at, true, nil
}

// typedTime is the one clock time (minutes after midnight) text names:
// in digits ("10:30", "10 Uhr", "10h"), or as an hour in words in the
// person's language ("at ten", "الساعة عشرة", "saat on"; input.hour_words),
// which office hours put between 7 and 18 ("two" is 14:00), in a short
// message only.
func typedTime(t *i18n.Localizer, text string) (int, bool) {
	switch times := typedTimes(text); len(times) {
	case 1:
		return times[0], true
	case 0:
	default:
		return 0, false
	}
	norm := kb.Normalize(text)
	if len(strings.Fields(norm)) > 4 {
		return 0, false // "I have one more question": no time
	}
	padded := " " + norm + " "
	hour, best := 0, 0
	for i, words := range strings.Split(t.T("input.hour_words", nil), ",") {
		for _, w := range strings.Split(words, "/") {
			// The longest name found: "on bir" (eleven) is not "on" (ten).
			if n := kb.Normalize(w); len(n) > best && strings.Contains(padded, " "+n+" ") {
				hour, best = i+1, len(n)
			}
		}
	}
	if hour == 0 {
		return 0, false
	}
	if hour < 7 {
		hour += 12
	}
	return hour * 60, true
}

// typedTimes lists the distinct clock times (minutes after midnight) in
// text: an hour, with minutes after ":", "." or "h".
func typedTimes(text string) []int {
	var out []int
	for _, m := range clockTime.FindAllStringSubmatch(strings.Map(kb.ASCIIDigit, text), -1) {
		h, _ := strconv.Atoi(m[1])
		mins := 0
		if m[2] != "" {
			mins, _ = strconv.Atoi(m[2])
		}
		if t := h*60 + mins; !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// typedDay is the offered day the message names by weekday ("Mittwoch",
// "Mi", "الأربعاء") or by date ("9.12.", "09.12.2026"): the nearest such
// day with a free place, or "" with named set when none has one.
func (e *Engine) typedDay(ctx context.Context, r *Request, d *domain.Draft) (day string, named bool, err error) {
	weekday, date := e.namedDay(r.T, r.Event.Text)
	if weekday < 0 && date == "" {
		return "", false, nil
	}
	free, err := e.offeredSlots(ctx, r, d.Office, e.now(), e.now().AddDate(0, 0, e.set.Booking.DaysAhead))
	if err != nil {
		return "", true, err
	}
	cal := e.set.Booking.Calendar
	for _, s := range free {
		day := cal.Date(s.Start)
		if (date == "" || strings.HasSuffix(day, date)) && (weekday < 0 || int(s.Start.In(cal.Loc).Weekday()) == weekday) {
			return day, true, nil
		}
	}
	return "", true, nil
}

// namedDay reads the day text names: a weekday (0 is Sunday, -1 none)
// and a date as the end of a YYYY-MM-DD date ("-12-09", "" none), also
// "today" or "tomorrow" ("yarın", "bukra"), which name a date.
func (e *Engine) namedDay(t *i18n.Localizer, text string) (weekday int, date string) {
	weekday = e.typedWeekday(t, text)
	if m := typedDate.FindStringSubmatch(strings.Map(kb.ASCIIDigit, text)); m != nil {
		day, _ := strconv.Atoi(m[1])
		month, _ := strconv.Atoi(m[2])
		date = fmt.Sprintf("-%02d-%02d", month, day)
	} else if ahead := typedRelativeDay(t, text); ahead >= 0 && weekday < 0 {
		date = e.set.Booking.Calendar.Date(e.now().AddDate(0, 0, ahead))[4:]
	}
	return weekday, date
}

// typedRelativeDay is how many days ahead text names: 0 for "today", 1
// for "tomorrow" (input.relative_day_words: today's words, then
// tomorrow's), -1 for neither.
func typedRelativeDay(t *i18n.Localizer, text string) int {
	padded := " " + kb.Normalize(text) + " "
	for ahead, words := range strings.Split(t.T("input.relative_day_words", nil), ",") {
		for _, w := range strings.Split(words, "/") {
			if n := kb.Normalize(w); n != "" && strings.Contains(padded, " "+n+" ") {
				return ahead
			}
		}
	}
	return -1
}

// typedWeekday is the weekday text names (0 is Sunday, -1 none): its
// name or its short form on the day buttons, in the person's language;
// the longest name found, so that Persian "سه شنبه" (Tuesday) is not
// "شنبه" (Saturday).
func (e *Engine) typedWeekday(t *i18n.Localizer, text string) int {
	padded := " " + kb.Normalize(text) + " "
	best, bestLen := -1, 0
	try := func(wd int, name string) {
		if n := kb.Normalize(name); len(n) > bestLen && utf8.RuneCountInString(n) > 1 && strings.Contains(padded, " "+n+" ") {
			best, bestLen = wd, len(n)
		}
	}
	names := strings.Split(t.T("input.weekday_words", nil), ",")
	for wd := 0; wd < 7; wd++ {
		try(wd, t.T("weekday."+strconv.Itoa(wd), nil))
		if wd < len(names) {
			for _, name := range strings.Split(names[wd], "/") {
				try(wd, name)
			}
		}
	}
	return best
}

// typedDate is a day and month, German order ("9.12", "09.12.2026", "9/12").
var typedDate = regexp.MustCompile(`(?:^|\D)(0?[1-9]|[12]\d|3[01])[./](0?[1-9]|1[0-2])(?:[./]\d{2,4})?(?:\D|$)`)

var clockTime = regexp.MustCompile(`(?:^|[^\d.:])([01]?\d|2[0-3])(?:[:.h]([0-5]\d))?(?:[^\d.:]|$)`)

// showTimes offers the free times of a day, those with a case manager who
// speaks the person's language first.
func (e *Engine) showTimes(ctx context.Context, r *Request) error {
	d, ok, err := e.draft(ctx, r)
	if !ok {
		return err
	}
	cal := e.set.Booking.Calendar
	date, office, _ := strings.Cut(r.Event.Action.Arg, ".")
	day, err := cal.DayStart(date)
	if err != nil || !e.setOffice(d, office) {
		return e.staleButton(ctx, r)
	}
	free, err := e.offeredSlots(ctx, r, d.Office, day, day.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	t := r.T
	if len(free) == 0 {
		return e.offerNearest(ctx, r, day)
	}
	d.Day, d.Slot = date, 0
	sort.SliceStable(free, func(i, j int) bool { return free[i].speaks && !free[j].speaks })
	if len(free) > maxTimeButtons {
		free = free[:maxTimeButtons]
	}
	var rows [][]domain.Button
	var row []domain.Button
	marked := false
	for _, s := range free {
		label := s.Start.In(cal.Loc).Format("15:04")
		if s.speaks {
			label, marked = "🗣 "+label, true
		}
		row = append(row, button(label, actSlot, slotArg(s.Start, d.Office)))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	interp := t.T("booking.interpreter", nil)
	if d.Interpreter {
		interp = t.T("booking.interpreter_on", nil)
	}
	rows = append(rows, domain.Row(button(interp, actInterp, dayArg(date, d.Office))))
	rows = append(rows, domain.Row(button(t.T("button.back", nil), actOffice, d.Office), button(t.T("booking.stop", nil), actMenu, "")))
	r.Show(t.T("booking.time_prompt", i18n.Data{"Day": e.dayLabel(t, day)})+langMark(t, marked), rows...)
	return nil
}

// langMark is the line that explains 🗣, when a button carries it: for a
// language nobody on the team speaks it would promise what is not there.
func langMark(t *i18n.Localizer, marked bool) string {
	if !marked {
		return ""
	}
	return "\n" + t.T("booking.lang_mark", nil)
}

// toggleInterpreter asks for (or no longer for) an interpreter and shows
// the day's times again.
func (e *Engine) toggleInterpreter(ctx context.Context, r *Request) error {
	d, ok, err := e.draft(ctx, r)
	if !ok {
		return err
	}
	d.Interpreter = !d.Interpreter
	return e.showTimes(ctx, r)
}

// slotArg names a slot in a time or "book" button: its start and office.
// The office travels with the time (and a day button's date) because an
// older message's button can be pressed after a booking for another
// office, or none yet, has begun.
func slotArg(start time.Time, office string) string {
	return strconv.FormatInt(start.Unix(), 10) + "." + office
}

// dayArg names a day (YYYY-MM-DD) and office in a day or interpreter
// button; showTimes reads it.
func dayArg(date, office string) string { return date + "." + office }

// parseSlotArg reads slotArg; office is "" on buttons sent before it
// carried one.
func parseSlotArg(arg string) (start time.Time, office string, err error) {
	unix, office, _ := strings.Cut(arg, ".")
	sec, err := strconv.ParseInt(unix, 10, 64)
	if err != nil {
		return time.Time{}, "", err
	}
	return time.Unix(sec, 0), office, nil
}

// draftSlot returns the booking in progress, set to the slot and office a
// button names; ok is false when a reply has been given instead.
func (e *Engine) draftSlot(ctx context.Context, r *Request) (d *domain.Draft, start time.Time, ok bool, err error) {
	if d, ok, err = e.draft(ctx, r); !ok {
		return nil, time.Time{}, false, err
	}
	start, office, perr := parseSlotArg(r.Event.Action.Arg)
	if perr != nil || !e.setOffice(d, office) {
		return nil, time.Time{}, false, e.staleButton(ctx, r)
	}
	return d, start, true, nil
}

// setOffice sets the booking in progress to the office a day, time or book
// button names ("" on buttons sent before they named one). It reports
// false when the booking would have no office the button is for: an
// unknown one, or none chosen yet.
func (e *Engine) setOffice(d *domain.Draft, office string) bool {
	if office != "" {
		if _, known := e.office(office); !known {
			return false
		}
		d.Office = office
	}
	return d.Office != ""
}

// when is the template data naming an appointment: day, time, office, address.
func (e *Engine) when(t *i18n.Localizer, start time.Time, office string) i18n.Data {
	o, _ := e.office(office)
	return i18n.Data{"Day": e.dayLabel(t, start), "Time": start.In(e.set.Booking.Calendar.Loc).Format("15:04"), "Office": t.Local(o.Name), "Address": o.Address}
}

// confirmSlot shows what will be booked and asks to confirm.
func (e *Engine) confirmSlot(ctx context.Context, r *Request) error {
	d, start, ok, err := e.draftSlot(ctx, r)
	if !ok {
		return err
	}
	d.Slot = start.Unix()
	t := r.T
	cal := e.set.Booking.Calendar
	text := t.T("booking.confirm_prompt", e.when(t, start, d.Office))
	if d.Interpreter {
		text += "\n" + t.T("booking.interpreter_on", nil)
	}
	r.Show(text,
		domain.Row(button(t.T("booking.confirm_button", nil), actBook, slotArg(start, d.Office))),
		domain.Row(button(t.T("button.back", nil), actDay, dayArg(cal.Date(start), d.Office)), button(t.T("booking.stop", nil), actMenu, "")))
	return nil
}

// book takes the place atomically; a slot just taken offers the nearest
// free times instead.
func (e *Engine) book(ctx context.Context, r *Request) error {
	if r.Session.Draft == nil {
		// A second tap on "book" finds the draft gone with the first:
		// showing the appointment made beats starting a new booking.
		booked, err := e.bookedAt(ctx, r)
		if err != nil {
			return err
		}
		if booked {
			return e.showAppointments(ctx, r)
		}
	}
	d, start, ok, err := e.draftSlot(ctx, r)
	if !ok {
		return err
	}
	free, err := e.freeSlots(ctx, r, d.Office, start, start.Add(time.Second))
	if err != nil {
		return err
	}
	if len(free) == 0 || !free[0].Start.Equal(start) {
		return e.offerNearest(ctx, r, start)
	}
	slot := free[0]
	bk, err := e.bookings.Book(ctx, domain.BookRequest{
		// The draft's nonce, not the chat: the request id is a Redis key
		// name, and no key may carry the Telegram id.
		RequestID: d.Nonce + "." + strconv.FormatInt(start.Unix(), 10),
		Booking: domain.Booking{
			ChatID: r.Event.ChatID, FirstName: r.Event.FirstName, Lang: r.T.Lang(), Topic: d.Topic,
			Interpreter: d.Interpreter, Office: d.Office, Start: slot.Start, End: slot.End, Created: r.now,
		},
		Candidates: slot.candidates,
	})
	if errors.Is(err, domain.ErrSlotTaken) {
		return e.offerNearest(ctx, r, start)
	}
	if err != nil {
		return err
	}
	if err := e.remind.Schedule(ctx, e.reminderTimes(bk)); err != nil {
		return err
	}
	// The old place is freed only once the new one is held; what it was
	// names the move in the staff group.
	var moved *domain.Booking
	if d.Replace != "" {
		old, ok, err := e.cancelBooking(ctx, d.Replace, r.Event.ChatID)
		if err != nil {
			return err
		}
		if ok {
			moved = &old
		}
	}
	r.Session.Draft = nil
	event := stats.BookingMade
	if moved != nil {
		event = stats.BookingMoved
	}
	r.count(stats.Booking(event, bk.Office, bk.Topic, bk.Lang))
	if bk.Interpreter {
		r.count(stats.Interpreter(bk.Lang))
	}
	e.noticeBooked(r, bk, moved)
	e.confirmation(r, bk)
	return nil
}

// bookedAt reports whether the person has an upcoming appointment at the
// time the pressed button names.
func (e *Engine) bookedAt(ctx context.Context, r *Request) (bool, error) {
	start, _, err := parseSlotArg(r.Event.Action.Arg)
	if err != nil || !e.bookingEnabled() {
		return false, nil
	}
	list, err := e.upcoming(ctx, r.Event.ChatID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(bk domain.Booking) bool { return bk.Start.Equal(start) }), nil
}

// reminderTimes are the reminders of a booking still ahead: a reminder id
// names the booking and the offset. Whole days before are counted on the
// wall clock — "the day before at the same time", also across a daylight
// saving switch — shorter offsets as elapsed time.
func (e *Engine) reminderTimes(bk domain.Booking) map[string]time.Time {
	out := map[string]time.Time{}
	loc := e.set.Booking.Calendar.Loc
	if loc == nil {
		loc = time.UTC
	}
	for i, before := range e.set.Booking.Reminders {
		at := bk.Start.Add(-before)
		if before%(24*time.Hour) == 0 {
			l := bk.Start.In(loc)
			at = time.Date(l.Year(), l.Month(), l.Day()-int(before/(24*time.Hour)), l.Hour(), l.Minute(), 0, 0, loc)
		}
		if at.After(e.now()) {
			out[bk.ID+"|"+strconv.Itoa(i)] = at
		}
	}
	return out
}

func (e *Engine) reminderIDs(bookingID string) []string {
	ids := make([]string, len(e.set.Booking.Reminders))
	for i := range ids {
		ids[i] = bookingID + "|" + strconv.Itoa(i)
	}
	return ids
}

// confirmation tells what was booked, where, what to bring, with the place
// on the map and a calendar file for the phone.
func (e *Engine) confirmation(r *Request, bk domain.Booking) {
	t := r.T
	o, _ := e.office(bk.Office)
	lines := []string{t.T("booking.confirmed", e.when(t, bk.Start, bk.Office))}
	if notes := t.Local(o.Notes); notes != "" {
		lines = append(lines, "ℹ️ "+notes)
	}
	if access := t.Local(o.Accessibility); access != "" {
		lines = append(lines, "♿ "+access)
	}
	if bk.Interpreter {
		lines = append(lines, t.T("booking.interpreter_on", nil))
	}
	lines = append(lines, e.bringLine(t))
	r.Show(strings.Join(lines, "\n"),
		domain.Row(button(t.T("booking.my_appointments", nil), actAppointments, "")), e.menuRow(r))
	if o.Lat != 0 || o.Lon != 0 {
		r.send(domain.Reply{Venue: &domain.Venue{Lat: o.Lat, Lon: o.Lon, Title: t.Local(o.Name), Address: o.Address}})
	}
	r.send(domain.Reply{Document: &domain.Document{Name: "termin.ics", Data: ics(bk, t.T("booking.ics_summary", nil)+" – "+t.Local(o.Name), o.Address)}})
}

// bringLine is what to bring to an appointment: the municipality's own
// words when the config has them.
func (e *Engine) bringLine(t *i18n.Localizer) string {
	if bring := t.Local(e.set.Booking.Bring); bring != "" {
		return t.T("booking.bring_local", i18n.Data{"Things": bring})
	}
	return t.T("booking.bring", nil)
}

// answerBring answers "what should I bring?", which people ask most in the
// middle of booking: what to bring and where the offices are, in a message
// of its own, so the booking step above stays as it was and can be tapped.
func (e *Engine) answerBring(ctx context.Context, r *Request) error {
	t := r.T
	parts := []string{e.bringLine(t)}
	for _, o := range e.set.Offices {
		parts = append(parts, t.T("contact.office", i18n.Data{"Name": t.Local(o.Name), "Address": o.Address, "Phone": o.Phone}))
	}
	rows := [][]domain.Button{domain.Row(button(t.T("menu.booking", nil), actBooking, ""))}
	if r.Session.Draft != nil || !e.bookingEnabled() {
		rows = nil // the step above goes on; or there is no booking here
	}
	r.Say(strings.Join(parts, "\n\n"), append(rows, e.menuRow(r))...)
	return nil
}

// offerNearest answers a slot or day that just filled up with the nearest
// free times.
func (e *Engine) offerNearest(ctx context.Context, r *Request, near time.Time) error {
	d := r.Session.Draft
	free, err := e.offeredSlots(ctx, r, d.Office, e.now(), e.now().AddDate(0, 0, e.set.Booking.DaysAhead))
	if err != nil {
		return err
	}
	sort.SliceStable(free, func(i, j int) bool { return absDur(free[i].Start.Sub(near)) < absDur(free[j].Start.Sub(near)) })
	if len(free) > 3 {
		free = free[:3]
	}
	sort.Slice(free, func(i, j int) bool { return free[i].Start.Before(free[j].Start) })
	t := r.T
	cal := e.set.Booking.Calendar
	var rows [][]domain.Button
	for _, s := range free {
		rows = append(rows, domain.Row(button(e.dayLabel(t, s.Start)+" "+s.Start.In(cal.Loc).Format("15:04"), actSlot, slotArg(s.Start, d.Office))))
	}
	rows = append(rows, e.cancelRow(r))
	if len(free) == 0 {
		r.Say(t.T("booking.no_slots", nil), rows...)
		return nil
	}
	r.Say(t.T("booking.taken", nil), rows...)
	return nil
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// upcoming lists the person's booked, not yet started appointments.
func (e *Engine) upcoming(ctx context.Context, chatID int64) ([]domain.Booking, error) {
	if e.bookings == nil {
		return nil, nil
	}
	all, err := e.bookings.ByPerson(ctx, chatID)
	if err != nil {
		return nil, err
	}
	var out []domain.Booking
	for _, bk := range all {
		if bk.Status == domain.BookingBooked && bk.Start.After(e.now()) {
			out = append(out, bk)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}

// showAppointments lists upcoming appointments with cancel and new time.
func (e *Engine) showAppointments(ctx context.Context, r *Request) error {
	t := r.T
	if !e.bookingEnabled() {
		return e.showOffices(r, "contact.booking")
	}
	list, err := e.upcoming(ctx, r.Event.ChatID)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		r.Show(t.T("booking.none", nil), domain.Row(button(t.T("menu.booking", nil), actBooking, "")), e.menuRow(r))
		return nil
	}
	lines := []string{t.T("booking.list_title", nil)}
	var rows [][]domain.Button
	cal := e.set.Booking.Calendar
	for i, bk := range list {
		o, _ := e.office(bk.Office)
		n := strconv.Itoa(i + 1)
		lines = append(lines, n+". "+e.dayLabel(t, bk.Start)+" "+bk.Start.In(cal.Loc).Format("15:04")+" · "+t.Local(o.Name))
		rows = append(rows, domain.Row(
			button(n+" · "+t.T("booking.reschedule_button", nil), actReschedule, bk.ID),
			button(n+" · "+t.T("booking.cancel_button", nil), actCancelAppt, bk.ID)))
	}
	rows = append(rows, e.menuRow(r))
	r.Show(strings.Join(lines, "\n"), rows...)
	return nil
}

// answerLate answers "I'll be late": call the office, as nobody there
// reads the chat in time, and a place may be given away after a long
// wait; with the next appointment named and buttons to move or cancel it.
// Without one it is the appointments screen ("no appointments", book).
func (e *Engine) answerLate(ctx context.Context, r *Request) error {
	var list []domain.Booking
	if e.bookingEnabled() {
		var err error
		if list, err = e.upcoming(ctx, r.Event.ChatID); err != nil {
			return err
		}
	}
	if len(list) == 0 {
		// The offices' contacts without booking, else "none" and booking.
		return e.showAppointments(ctx, r)
	}
	t := r.T
	bk := list[0] // the soonest: the one a person can be late for
	o, _ := e.office(bk.Office)
	data := e.when(t, bk.Start, bk.Office)
	data["Phone"] = o.Phone
	key := "booking.late"
	if o.Phone == "" {
		key = "booking.late_no_phone"
	}
	r.Say(t.T(key, data),
		domain.Row(
			button(t.T("booking.reschedule_button", nil), actReschedule, bk.ID),
			button(t.T("booking.cancel_button", nil), actCancelAppt, bk.ID)),
		e.menuRow(r))
	return nil
}

// ownBooking reads a booking named by a button and checks it is the
// person's and still upcoming.
func (e *Engine) ownBooking(ctx context.Context, r *Request) (domain.Booking, bool, error) {
	if e.bookings == nil {
		return domain.Booking{}, false, nil
	}
	bk, err := e.bookings.Get(ctx, r.Event.Action.Arg)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Booking{}, false, nil
	}
	if err != nil {
		return domain.Booking{}, false, fmt.Errorf("booking: read %s: %w", r.Event.Action.Arg, err)
	}
	if bk.ChatID != r.Event.ChatID || bk.Status != domain.BookingBooked || !bk.Start.After(e.now()) {
		return domain.Booking{}, false, nil
	}
	return bk, true, nil
}

// listedBooking is ownBooking for a button of the appointments list: one
// that is gone is said so, with the list of what is left.
func (e *Engine) listedBooking(ctx context.Context, r *Request) (domain.Booking, bool, error) {
	bk, ok, err := e.ownBooking(ctx, r)
	if err != nil || ok {
		return bk, ok, err
	}
	r.Say(r.T.T("booking.gone", nil))
	return domain.Booking{}, false, e.showAppointments(ctx, r)
}

// askCancelAppointment asks before cancelling: the cancel button sits
// next to "new time", and a place given up by a slip of the finger may be
// gone when the person notices.
func (e *Engine) askCancelAppointment(ctx context.Context, r *Request) error {
	bk, ok, err := e.listedBooking(ctx, r)
	if !ok {
		return err
	}
	t := r.T
	r.Session.Screen = screenCancel + bk.ID
	r.Show(t.T("booking.cancel_confirm", e.when(t, bk.Start, bk.Office)),
		domain.Row(button(t.T("booking.cancel_yes", nil), actCancelYes, bk.ID)),
		domain.Row(button(t.T("booking.cancel_keep", nil), actAppointments, "")))
	return nil
}

// answerCancel answers "cancel my appointment" typed: with one
// appointment ahead, its cancel question at once, which a typed "yes"
// answers; with more, the list, whose buttons say which.
func (e *Engine) answerCancel(ctx context.Context, r *Request) error {
	if !e.bookingEnabled() {
		return e.showAppointments(ctx, r)
	}
	list, err := e.upcoming(ctx, r.Event.ChatID)
	if err != nil {
		return err
	}
	if len(list) != 1 {
		return e.showAppointments(ctx, r)
	}
	r.Event.Action = domain.Action{Name: actCancelAppt, Arg: list[0].ID}
	return e.askCancelAppointment(ctx, r)
}

// typedCancelAnswer answers the cancel question of the last reply when
// the person types rather than taps: "yes" cancels, "no" keeps it and
// shows the appointments. Anything else is a new message, and the
// question is over; so is a tap on any button (Engine.run).
func (e *Engine) typedCancelAnswer(ctx context.Context, r *Request, text string) (bool, error) {
	id, ok := strings.CutPrefix(r.Session.Screen, screenCancel)
	if !ok {
		return false, nil
	}
	r.Session.Screen = screenMenu
	t := r.T
	switch {
	case typedYes(t, text) || sameWord(text, t.T("booking.cancel_yes", nil)):
		r.Event.Action = domain.Action{Name: actCancelYes, Arg: id}
		return true, e.cancelAppointment(ctx, r)
	case sameWord(text, t.T("consent.no", nil)) || sameWord(text, t.T("booking.cancel_keep", nil)):
		return true, e.showAppointments(ctx, r)
	}
	return false, nil
}

func (e *Engine) cancelAppointment(ctx context.Context, r *Request) error {
	bk, ok, err := e.listedBooking(ctx, r)
	if !ok {
		return err
	}
	if _, _, err := e.cancelBooking(ctx, bk.ID, r.Event.ChatID); err != nil {
		return err
	}
	if d := r.Session.Draft; d != nil && d.Replace == bk.ID {
		d.Replace = "" // a move of it begun before is a new booking now
	}
	r.count(stats.Booking(stats.BookingCancelled, bk.Office, bk.Topic, bk.Lang))
	e.noticeCancelled(r, bk)
	t := r.T
	rows := [][]domain.Button{domain.Row(button(t.T("menu.booking", nil), actBooking, ""))}
	// With another appointment left, the way to it. The cancellation is
	// done; a failed read only leaves the button out.
	left, err := e.upcoming(ctx, r.Event.ChatID)
	if err != nil {
		e.log.Warn("appointments left unknown after a cancellation", "err", err)
	}
	if len(left) > 0 {
		rows = append(rows, domain.Row(button(t.T("booking.my_appointments", nil), actAppointments, "")))
	}
	r.Show(t.T("booking.cancelled", nil), append(rows, e.menuRow(r))...)
	return nil
}

// cancelBooking frees the place at once and drops its reminders. A
// booking that is gone, or not the person's, needs nothing; any other
// failure is returned, so a move never leaves the old place taken. ok
// tells whether there was one of the person's to cancel.
func (e *Engine) cancelBooking(ctx context.Context, id string, chatID int64) (bk domain.Booking, ok bool, err error) {
	bk, err = e.bookings.Get(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return bk, false, nil
	}
	if err != nil {
		return bk, false, fmt.Errorf("booking: cancel %s: %w", id, err)
	}
	if bk.ChatID != chatID {
		return bk, false, nil
	}
	if _, err := e.bookings.SetStatus(ctx, id, domain.BookingCancelled); err != nil && !errors.Is(err, domain.ErrNotFound) {
		return bk, false, fmt.Errorf("booking: cancel %s: %w", id, err)
	}
	if err := e.remind.Unschedule(ctx, e.reminderIDs(id)); err != nil {
		return bk, false, fmt.Errorf("booking: cancel %s: drop reminders: %w", id, err)
	}
	return bk, true, nil
}

// reschedule keeps the booking until a new time is booked, then frees it.
func (e *Engine) reschedule(ctx context.Context, r *Request) error {
	bk, ok, err := e.listedBooking(ctx, r)
	if !ok {
		return err
	}
	r.Session.Draft = &domain.Draft{Topic: bk.Topic, Office: bk.Office, Interpreter: bk.Interpreter, Replace: bk.ID, Nonce: nonce()}
	r.Session.Screen = screenBooking // a language switch goes on with the move
	return e.showDays(ctx, r)
}

// confirmComing answers "I'll come" under a reminder.
func (e *Engine) confirmComing(ctx context.Context, r *Request) error {
	_, ok, err := e.ownBooking(ctx, r)
	if err != nil {
		return err
	}
	if !ok {
		r.Say(r.T.T("booking.gone", nil), e.menuRow(r))
		return nil
	}
	r.Say(r.T.T("reminder.thanks", nil), e.menuRow(r))
	return nil
}

// typedComing answers "I'll come" typed rather than tapped under a
// reminder ("ich komme", "سأحضر", "приду"), for the person's next
// appointment; ok reports whether the text was that and there is one.
func (e *Engine) typedComing(ctx context.Context, r *Request, text string) (ok bool, err error) {
	t := r.T
	if r.New || !e.bookingEnabled() || !typedWord(t, "input.coming_words", text) && !sameWord(text, t.T("reminder.coming", nil)) {
		return false, nil
	}
	next, err := e.upcoming(ctx, r.Event.ChatID)
	if err != nil || len(next) == 0 {
		return err != nil, err
	}
	r.Event.Action = domain.Action{Name: actComing, Arg: next[0].ID}
	return true, e.confirmComing(ctx, r)
}

// changeAppointment answers "Cancel / new time" under a reminder.
func (e *Engine) changeAppointment(ctx context.Context, r *Request) error {
	bk, ok, err := e.ownBooking(ctx, r)
	if err != nil {
		return err
	}
	if !ok {
		r.Say(r.T.T("booking.gone", nil), e.menuRow(r))
		return nil
	}
	t := r.T
	r.Say(t.T("booking.change_prompt", nil),
		domain.Row(button(t.T("booking.reschedule_button", nil), actReschedule, bk.ID)),
		domain.Row(button(t.T("booking.cancel_button", nil), actCancelAppt, bk.ID)),
		e.menuRow(r))
	return nil
}

// Reminder renders a due reminder in the person's current language, or
// nothing if the booking was cancelled, moved or has started.
func (e *Engine) Reminder(ctx context.Context, id string) (domain.Result, error) {
	bookingID, _, _ := strings.Cut(id, "|")
	bk, err := e.bookings.Get(ctx, bookingID)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Result{}, nil
	}
	if err != nil {
		return domain.Result{}, err
	}
	if bk.Status != domain.BookingBooked || !bk.Start.After(e.now()) {
		return domain.Result{}, nil
	}
	lang, err := e.personLang(ctx, bk)
	if err != nil {
		return domain.Result{}, fmt.Errorf("booking: reminder %s: %w", id, err)
	}
	t := e.msgs.For(lang)
	// A reminder sent late (the bot was down when it was due) may come
	// less than an hour before: "in 1 hour" would make someone late.
	left := bk.Start.Sub(e.now())
	head := t.T("reminder.soon", nil)
	if left >= time.Hour {
		head = t.N("reminder.hours_left", int(left.Round(time.Hour)/time.Hour), nil)
	}
	text := head + "\n" + t.T("booking.confirmed", e.when(t, bk.Start, bk.Office))
	return domain.Result{Replies: []domain.Reply{{ChatID: bk.ChatID, Text: text, Buttons: [][]domain.Button{
		domain.Row(button(t.T("reminder.coming", nil), actComing, bk.ID)),
		domain.Row(button(t.T("reminder.change", nil), actChange, bk.ID)),
	}}}, Counts: []stats.Count{stats.ReminderSent()}}, nil
}

// personLang is the language the person of a booking reads now: the one
// they booked in, unless they have switched since (also on an error).
func (e *Engine) personLang(ctx context.Context, bk domain.Booking) (string, error) {
	if e.sessions == nil {
		return bk.Lang, nil
	}
	l, err := e.sessions.Language(ctx, bk.ChatID)
	if err != nil || l == "" {
		return bk.Lang, err
	}
	return l, nil
}

// dayLabel is "Mon 01.12.2026" in the person's language.
func (e *Engine) dayLabel(t *i18n.Localizer, at time.Time) string {
	local := at.In(e.set.Booking.Calendar.Loc)
	return t.T("weekday."+strconv.Itoa(int(local.Weekday())), nil) + " " + formatDate(t, local)
}

// nonce identifies one booking attempt. It is kept in the session, so a
// double tap or a redelivered update repeats the same request; 96 random
// bits keep the requests of different people apart without naming them.
func nonce() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ics is a calendar file for the appointment (RFC 5545), in UTC.
func ics(bk domain.Booking, summary, location string) []byte {
	const stamp = "20060102T150405Z"
	esc := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace
	lines := []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Lotse//Termin//DE", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + bk.ID + "@lotse",
		"DTSTAMP:" + bk.Created.UTC().Format(stamp),
		"DTSTART:" + bk.Start.UTC().Format(stamp),
		"DTEND:" + bk.End.UTC().Format(stamp),
		"SUMMARY:" + esc(summary),
		"LOCATION:" + esc(location),
		"BEGIN:VALARM", "TRIGGER:-PT2H", "ACTION:DISPLAY", "DESCRIPTION:" + esc(summary), "END:VALARM",
		"END:VEVENT", "END:VCALENDAR",
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}
