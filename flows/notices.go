package flows

import (
	"time"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// The staff group sees what happens to appointments as it happens: a new
// booking, a cancellation, a move and an interpreter request each as one
// short line (sent like every group message, paced within Telegram's
// group limit), in the staff language with the local date format. The
// lines name no person: they stay in the group after a person erases
// their data, and the agenda (asked for when needed) has the names.

// staffWhen is a start time as the staff group reads it ("Mi, 04.11.2026 10:00").
func (e *Engine) staffWhen(at time.Time) string {
	t := e.msgs.For(e.staff.Lang())
	at = at.In(e.set.Booking.Calendar.Loc)
	return e.dayLabel(t, at) + " " + at.Format("15:04")
}

// staffOffice names an office in the staff language.
func (e *Engine) staffOffice(id string) string {
	if o, ok := e.office(id); ok {
		if name := o.Name.In(e.staff.Lang()); name != "" {
			return name
		}
	}
	return id
}

// staffNotice sends one line to the staff group.
func (e *Engine) staffNotice(r *Request, id string, data i18n.Data) {
	if e.set.StaffChatID == 0 {
		return
	}
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T(id, data)})
}

// noticeBooked tells the group about a new or moved booking, and an
// interpreter request with it. moved is the booking it replaced, if any.
func (e *Engine) noticeBooked(r *Request, bk domain.Booking, moved *domain.Booking) {
	data := i18n.Data{"When": e.staffWhen(bk.Start), "Office": e.staffOffice(bk.Office),
		"Lang": e.langName(bk.Lang), "Topic": e.topicLabel(e.msgs.For(e.staff.Lang()), bk.Topic)}
	if moved != nil {
		data["From"] = e.staffWhen(moved.Start)
		e.staffNotice(r, "staff.notice_moved", data)
	} else {
		e.staffNotice(r, "staff.notice_booked", data)
	}
	if bk.Interpreter {
		e.staffNotice(r, "staff.notice_interpreter", data)
	}
}

// noticeCancelled tells the group a person cancelled.
func (e *Engine) noticeCancelled(r *Request, bk domain.Booking) {
	e.staffNotice(r, "staff.notice_cancelled", i18n.Data{"When": e.staffWhen(bk.Start), "Office": e.staffOffice(bk.Office), "Lang": e.langName(bk.Lang)})
}

// staffDate writes a YYYY-MM-DD date with its weekday in the staff
// language's format ("Mi 04.11.2026").
func (e *Engine) staffDate(date string) string {
	day, err := e.set.Booking.Calendar.DayStart(date)
	if err != nil {
		return date
	}
	return e.dayLabel(e.msgs.For(e.staff.Lang()), day)
}
