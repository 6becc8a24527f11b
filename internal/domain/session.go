package domain

import "time"

// Session is what Lotse remembers about one private chat between updates.
//
// Before the person has acknowledged the privacy notice it holds only the
// language and the menu position (plus a random epoch that binds buttons to
// this session); features that need more ask for the acknowledgement first.
type Session struct {
	// Lang is the shipped language code the person reads, e.g. "ar".
	Lang string `json:"l,omitempty"`
	// LangChosen is true once the person picked a language, or Lotse
	// switched to the one they clearly write, so Telegram's language_code
	// no longer overrides it.
	LangChosen bool `json:"lc,omitempty"`
	// LangFrom is the language Lotse switched away from because the person
	// clearly wrote in another; the reply offers a button back to it.
	LangFrom string `json:"lf,omitempty"`
	// LangKeep is set when the person pressed that button: they want Lang
	// whatever they write, until they pick a language again.
	LangKeep bool `json:"lk,omitempty"`
	// Screen is the menu position, e.g. "menu", "area:housing", "faq:housing.wbs".
	Screen string `json:"s,omitempty"`
	// Epoch is a random number created with the session. Buttons are signed
	// with it, so buttons from an erased or expired session are recognised as stale.
	Epoch uint32 `json:"e"`
	// PrivacyAck is when the person acknowledged the privacy notice; zero before.
	PrivacyAck time.Time `json:"pa,omitzero"` // omitempty never omits a time
	// Pending names the feature that waits for the privacy acknowledgement
	// ("booking", "handover"); empty otherwise.
	Pending string `json:"p,omitempty"`
	// Steps are the last questions the bot showed (entry ids), kept only
	// after the acknowledgement, so a case manager sees what was asked.
	Steps []string `json:"st,omitempty"`
	// Handover is where a hand-over stands: "describe" (asked for a short
	// description), "open" (a ticket exists), "rate", "comment".
	Handover string `json:"h,omitempty"`
	// Ticket is the person's current or last rated ticket.
	Ticket int64 `json:"t,omitempty"`
	// Draft is an appointment being booked, step by step.
	Draft *Draft `json:"d,omitempty"`
	// ConsentAsked: the person was asked once in this conversation whether
	// the team may read a question Lotse could not answer.
	ConsentAsked bool `json:"ca,omitempty"`
	// Question is that question, already masked, waiting only for the
	// person's answer: it is dropped with the next event that is not
	// "yes", and kept (in the question store) only on "yes".
	Question string `json:"q,omitempty"`
	// Questions name the questions the person allowed the team to read,
	// so /export can show them and /delete erase them.
	Questions []string `json:"qs,omitempty"`
}

// Draft is what a person has chosen so far while booking.
type Draft struct {
	Topic  string `json:"t,omitempty"`
	Office string `json:"o,omitempty"`
	// Day is the day whose times are shown (YYYY-MM-DD), so that a time
	// typed instead of tapped is read on it.
	Day string `json:"d,omitempty"`
	// Slot is the time (Unix seconds) the last check screen asked to
	// book, so that a typed "ok" or "yes" books it.
	Slot        int64 `json:"s,omitempty"`
	Interpreter bool  `json:"i,omitempty"`
	// Replace is the booking a new time is chosen for.
	Replace string `json:"r,omitempty"`
	// Nonce makes each booking attempt's request id unique, so the same
	// slot can be booked again after a cancellation; it is random and
	// does not contain the chat id.
	Nonce string `json:"n,omitempty"`
}

// Acknowledged reports whether the person has seen and accepted the privacy notice.
func (s *Session) Acknowledged() bool { return !s.PrivacyAck.IsZero() }

// Clone returns a copy that shares nothing mutable with s, so a failed
// handler's changes can be thrown away.
func (s Session) Clone() Session {
	s.Steps = append([]string(nil), s.Steps...)
	s.Questions = append([]string(nil), s.Questions...)
	if s.Draft != nil {
		d := *s.Draft
		s.Draft = &d
	}
	return s
}
