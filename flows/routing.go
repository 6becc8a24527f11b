package flows

import (
	"slices"
	"time"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// Routing that knows people: whom a card mentions and who may take a
// request first. Case managers who speak the person's language are
// mentioned; failing that, those who speak a related language (Russian
// for Ukrainian, Farsi for Pashto — Settings.Related); nobody on leave (a
// closure naming them, for that day). Whoever helped the person before is
// told privately and has the take to themselves for a while
// (Settings.PreviousFirst).

// DefaultRelated are the related languages used when the config names
// none: people of these languages often read the other well.
var DefaultRelated = map[string][]string{"uk": {"ru"}, "ru": {"uk"}, "ps": {"fa"}}

// speakers are the case managers present on the day of at who speak lang,
// and — only if none does — those who speak a related language.
func (e *Engine) speakers(lang string, at time.Time) (exact, related []Staff) {
	for _, st := range e.set.Staff {
		if e.absent(st, at) {
			continue
		}
		if slices.Contains(st.Languages, lang) {
			exact = append(exact, st)
		}
	}
	if len(exact) > 0 {
		return exact, nil
	}
	for _, st := range e.set.Staff {
		if e.absent(st, at) {
			continue
		}
		for _, rel := range e.set.Related[lang] {
			if slices.Contains(st.Languages, rel) && !slices.ContainsFunc(related, func(o Staff) bool { return o.UserID == st.UserID }) {
				related = append(related, st)
			}
		}
	}
	return nil, related
}

// absent reports whether a closure names the case manager on at's day.
func (e *Engine) absent(st Staff, at time.Time) bool {
	return e.set.Booking.Calendar.Absent(st.UserID, at)
}

// reservedFor reports whether a waiting ticket is still kept for the case
// manager who helped the person before, and for how many more minutes,
// when someone else tries to take it.
func (e *Engine) reservedFor(tk domain.Ticket, st Staff, now time.Time) (Staff, int, bool) {
	if e.set.PreviousFirst <= 0 || tk.Status != domain.TicketWaiting || tk.Previous == 0 || tk.Previous == st.UserID {
		return Staff{}, 0, false
	}
	prev, ok := e.staffMember(tk.Previous)
	until := tk.Created.Add(e.set.PreviousFirst)
	if !ok || !now.Before(until) || e.absent(prev, now) {
		return Staff{}, 0, false
	}
	return prev, int((until.Sub(now) + time.Minute - 1) / time.Minute), true
}

// tellPrevious sends the case manager who helped the person before a
// private note, if they are not on leave. Telegram refuses it until they
// have started a chat with the bot; the sender drops such a refusal.
func (e *Engine) tellPrevious(r *Request, tk domain.Ticket) {
	prev, ok := e.staffMember(tk.Previous)
	if !ok || e.absent(prev, r.now) {
		return
	}
	minutes := int(e.set.PreviousFirst.Minutes())
	id := "staff.previous_dm"
	if minutes <= 0 {
		id = "staff.previous_dm_plain"
	}
	r.send(domain.Reply{ChatID: prev.UserID, Text: e.staff.T(id, i18n.Data{
		"ID": tk.ID, "Name": personName(tk.FirstName), "Lang": e.langName(tk.Lang), "Minutes": minutes,
	})})
}
