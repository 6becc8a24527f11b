package domain

import "time"

// Result is what the conversation decided for one event, or for a job run
// outside any chat (a sweep, the agenda, a reminder): what to send, and
// what to count and keep.
type Result struct {
	Replies []Reply
	// Toast is shown to whoever pressed the button (answerCallbackQuery).
	Toast string
	// Events feed the hand-over metrics.
	Events []TicketEvent
	// Counts are anonymous counters for the daily statistics.
	Counts []Count
	// Session is the next state; nil together with Erase.
	Session *Session
	// Erase asks the caller to remove everything stored about the person.
	Erase bool
}

// TicketEvent is something that happened to a hand-over, for metrics.
type TicketEvent struct {
	Kind   string // opened, taken, closed, rated
	Lang   string
	Wait   time.Duration // for taken: how long the person waited
	Rating int
}

// Count is one increment of an anonymous daily counter; internal/stats
// names the fields (a kind and labels, never a person).
type Count struct {
	Field string
	N     int64
}
