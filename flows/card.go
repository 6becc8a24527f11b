package flows

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// The whole picture on a ticket's card, in the staff language and within
// one phone screen: who (first name, language by name), what (topic, the
// last questions read, by their German or English title), the next
// appointment, who helped before, how long they wait, and whether their
// messages are machine translated.

// cardSteps is how many of the last questions the card names.
const (
	cardSteps     = 3
	cardStepRunes = 48
)

// topicName names a knowledge area in the staff language ("🏠 Wohnen").
func (e *Engine) topicName(topic string) string {
	if topic == "" {
		return ""
	}
	if name := e.msgs.For(e.staff.Lang()).T("menu."+topic, nil); name != "" && name != "menu."+topic {
		return name
	}
	return topic
}

// stepTitles names the last questions the person read by their titles in
// the staff language, shortened to fit a phone line.
func (e *Engine) stepTitles(steps []string) string {
	if len(steps) > cardSteps {
		steps = steps[len(steps)-cardSteps:]
	}
	var out []string
	for _, id := range steps {
		title := id
		if e.kb != nil {
			if t, ok := e.kb.Text(id, e.staff.Lang()); ok && t.Question != "" {
				title = t.Question
			}
		}
		if utf8.RuneCountInString(title) > cardStepRunes {
			title = string([]rune(title)[:cardStepRunes-1]) + "…"
		}
		out = append(out, "„"+title+"“")
	}
	return strings.Join(out, " · ")
}

// cardExtras are the card's lines under its head that depend on the ticket
// only, so that every edit of the card keeps them.
func (e *Engine) cardExtras(tk domain.Ticket) []string {
	s := e.staff
	var lines []string
	if tk.Status == domain.TicketWaiting {
		lines = append(lines, s.T("staff.card_wait", i18n.Data{"Minutes": int(e.now().Sub(tk.Created).Minutes())}))
	}
	if !tk.Appointment.IsZero() {
		office := tk.ApptOffice
		if o, ok := e.office(tk.ApptOffice); ok {
			office = o.Name.In(s.Lang())
		}
		at := tk.Appointment.In(e.set.Hours.loc())
		lines = append(lines, s.T("staff.card_appointment", i18n.Data{
			"When": formatDate(e.msgs.For(s.Lang()), at) + " " + at.Format("15:04"), "Office": office}))
	}
	if st, ok := e.staffMember(tk.Previous); ok {
		if _, minutes, reserved := e.reservedFor(tk, Staff{}, e.now()); reserved {
			lines = append(lines, s.T("staff.card_previous_first", i18n.Data{"Name": st.Name, "Minutes": minutes}))
		} else {
			lines = append(lines, s.T("staff.card_previous", i18n.Data{"Name": st.Name}))
		}
	}
	if e.tr != nil && tk.Lang != i18n.Default {
		if e.tr.Supports(tk.Lang) {
			lines = append(lines, s.T("staff.card_translated", nil))
		} else {
			lines = append(lines, s.T("staff.card_no_translation", i18n.Data{"Lang": e.langName(tk.Lang)}))
		}
	}
	return lines
}

// nextAppointment is the person's next booked appointment, if any; the
// card is shown without it when the bookings cannot be read.
func (e *Engine) nextAppointment(ctx context.Context, r *Request) domain.Booking {
	if e.bookings == nil {
		return domain.Booking{}
	}
	bks, err := e.bookings.ByPerson(ctx, r.Event.ChatID)
	if err != nil {
		e.log.Warn("appointments unknown for the card", "err", err)
		return domain.Booking{}
	}
	var next domain.Booking
	for _, bk := range bks {
		if bk.Status == domain.BookingBooked && bk.Start.After(r.now) && (next.ID == "" || bk.Start.Before(next.Start)) {
			next = bk
		}
	}
	return next
}

// ticketArg is a ticket id as a button argument.
func ticketArg(id int64) string { return strconv.FormatInt(id, 10) }
