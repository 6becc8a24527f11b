package flows

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/stats"
)

// The case managers' side of office hours: the day's agenda, marking who
// came, and blocking a slot or a day.
const (
	actAttended = "ka"
	actNoShow   = "kn"
)

func (e *Engine) agendaRoutes(t *table) {
	if e.bookingEnabled() {
		t.staffCommand("agenda", "staff.cmd.agenda", e.showAgenda)
		t.staffCommand("block", "staff.cmd.block", e.blockSlots)
	}
	t.staffButton(actAttended, e.markBooking)
	t.staffButton(actNoShow, e.markBooking)
}

// dayBookings lists the bookings of a local date in all offices (or one),
// by time.
func (e *Engine) dayBookings(ctx context.Context, date, office string) ([]domain.Booking, error) {
	cal := e.set.Booking.Calendar
	day, err := cal.DayStart(date)
	if err != nil {
		return nil, err
	}
	var out []domain.Booking
	for _, o := range e.bookableOffices() {
		if office != "" && o.ID != office {
			continue
		}
		var starts []time.Time
		for _, s := range cal.Slots(o.ID, day, day.AddDate(0, 0, 1), nil) {
			starts = append(starts, s.Start)
		}
		bks, err := e.bookings.InSlots(ctx, o.ID, starts)
		if err != nil {
			return nil, err
		}
		for _, bk := range bks {
			if bk.Status != domain.BookingCancelled && bk.Status != domain.BookingRemoved {
				out = append(out, bk)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}

// Agenda is the day's appointments for the staff group, each with buttons
// to mark the person as come or not.
func (e *Engine) Agenda(ctx context.Context, date string) (domain.Result, error) {
	if !e.bookingEnabled() || e.set.StaffChatID == 0 {
		return domain.Result{}, nil
	}
	bks, err := e.dayBookings(ctx, date, "")
	if err != nil {
		return domain.Result{}, err
	}
	s := e.staff
	if len(bks) == 0 {
		return domain.Result{Replies: []domain.Reply{{ChatID: e.set.StaffChatID, Text: s.T("staff.agenda_empty", i18n.Data{"Date": e.staffDate(date)})}}}, nil
	}
	lines := []string{s.T("staff.agenda_title", i18n.Data{"Date": e.staffDate(date), "Count": len(bks)})}
	var rows [][]domain.Button
	for i, bk := range bks {
		o, _ := e.office(bk.Office)
		line := strconv.Itoa(i+1) + ". " + s.T("staff.agenda_line", i18n.Data{
			"Time": bk.Start.In(e.set.Booking.Calendar.Loc).Format("15:04"), "Office": o.Name.In(s.Lang()),
			"Name": personName(bk.FirstName), "Lang": e.langName(bk.Lang), "Topic": e.topicLabel(e.msgs.For(s.Lang()), bk.Topic),
			"CaseManager": e.staffName(bk.Staff),
		})
		if bk.Interpreter {
			line += " · " + s.T("staff.agenda_interpreter", nil)
		}
		if bk.Status != domain.BookingBooked {
			line += " · " + s.T("staff.booking_status."+bk.Status, nil)
		}
		lines = append(lines, line)
		n := strconv.Itoa(i + 1)
		rows = append(rows, domain.Row(
			button(n+" "+s.T("staff.attended", nil), actAttended, bk.ID),
			button(n+" "+s.T("staff.noshow", nil), actNoShow, bk.ID)))
	}
	return domain.Result{Replies: []domain.Reply{{ChatID: e.set.StaffChatID, Text: strings.Join(lines, "\n"), Buttons: rows}}}, nil
}

func (e *Engine) staffName(id int64) string {
	if st, ok := e.staffMember(id); ok {
		return st.Name
	}
	return "—"
}

// showAgenda answers /agenda [YYYY-MM-DD] in the staff group.
func (e *Engine) showAgenda(ctx context.Context, r *Request) error {
	date := strings.TrimSpace(r.Event.Args)
	if date == "" {
		date = e.set.Booking.Calendar.Date(r.now)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.agenda_usage", nil)})
		return nil
	}
	res, err := e.Agenda(ctx, date)
	if err != nil {
		return err
	}
	r.replies = append(r.replies, res.Replies...)
	return nil
}

// markBooking records attended (actAttended) or no-show (actNoShow).
func (e *Engine) markBooking(ctx context.Context, r *Request) error {
	status := domain.BookingAttended
	if r.Event.Action.Name == actNoShow {
		status = domain.BookingNoShow
	}
	bk, err := e.bookings.SetStatus(ctx, r.Event.Action.Arg, status)
	if err != nil {
		r.toast = e.staff.T("staff.gone", nil)
		return nil
	}
	// domain.BookingAttended and BookingNoShow are the stats event names.
	r.count(stats.Booking(status, bk.Office, bk.Topic, bk.Lang))
	r.toast = e.staff.T("staff.marked", i18n.Data{"Name": personName(bk.FirstName), "Status": e.staff.T("staff.booking_status."+status, nil)})
	// The mark is seen by the whole group, not only by whoever tapped.
	e.staffNotice(r, "staff.notice_marked", i18n.Data{"Status": e.staff.T("staff.booking_status."+status, nil),
		"When": e.staffWhen(bk.Start), "Lang": e.langName(bk.Lang), "By": e.staffName(r.Event.UserID)})
	return nil
}

// blockSlots answers /block YYYY-MM-DD [office] [HH:MM]: the day (or one
// slot) is closed for booking, and people booked there are told in their
// language, with a button to book again.
func (e *Engine) blockSlots(ctx context.Context, r *Request) error {
	args := strings.Fields(r.Event.Args)
	cal := e.set.Booking.Calendar
	if len(args) == 0 {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.block_usage", nil)})
		return nil
	}
	date, office, clock := args[0], "", ""
	for _, a := range args[1:] {
		if _, err := time.Parse("15:04", a); err == nil {
			clock = a
		} else {
			office = a
		}
	}
	day, err := cal.DayStart(date)
	if _, known := e.office(office); err != nil || office != "" && !known {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.block_usage", nil)})
		return nil
	}
	bks, err := e.dayBookings(ctx, date, office)
	if err != nil {
		return err
	}
	removed := 0
	for _, bk := range bks {
		if bk.Status != domain.BookingBooked || clock != "" && bk.Start.In(cal.Loc).Format("15:04") != clock {
			continue
		}
		if _, err := e.bookings.SetStatus(ctx, bk.ID, domain.BookingRemoved); err != nil {
			return err
		}
		if err := e.remind.Unschedule(ctx, e.reminderIDs(bk.ID)); err != nil {
			return err
		}
		removed++
		lang, err := e.personLang(ctx, bk)
		if err != nil {
			// The place is freed already: they are told in the language they
			// booked in rather than not at all.
			e.log.Warn("language of a removed booking unknown", "booking", bk.ID, "err", err)
		}
		t := e.msgs.For(lang)
		r.send(domain.Reply{ChatID: bk.ChatID, Text: t.T("booking.removed", e.when(t, bk.Start, bk.Office)), Buttons: [][]domain.Button{domain.Row(button(t.T("menu.booking", nil), actBooking, ""))}})
	}
	when := date
	if clock != "" {
		when += " " + clock
	}
	offices := []string{office}
	if office == "" {
		offices = nil
		for _, o := range e.bookableOffices() {
			offices = append(offices, o.ID)
		}
	}
	for _, o := range offices {
		if err := e.bookings.Block(ctx, o, when, day.AddDate(0, 0, 2)); err != nil {
			return err
		}
	}
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.blocked", i18n.Data{"What": strings.TrimSpace(when + " " + office), "Count": removed})})
	return nil
}
