package domain

import (
	"context"
	"time"
)

// Booking statuses.
const (
	BookingBooked    = "booked"
	BookingCancelled = "cancelled" // by the person
	BookingRemoved   = "removed"   // by staff (a blocked slot or day)
	BookingAttended  = "attended"
	BookingNoShow    = "noshow"
)

// Booking is one appointment in office hours.
type Booking struct {
	ID          string
	ChatID      int64
	FirstName   string
	Lang        string
	Topic       string
	Interpreter bool
	Office      string
	Start, End  time.Time
	Staff       int64
	Status      string
	Created     time.Time
}

// BookRequest asks for a place in a slot. Candidates are the case
// managers in order of preference, each with their capacity; the first
// with room gets the booking.
type BookRequest struct {
	RequestID  string // the same request books at most once
	Booking    Booking
	Candidates []Candidate
}

// Candidate is a case manager who holds the slot.
type Candidate struct {
	Staff    int64
	Capacity int
}

// ErrSlotTaken: every place in the slot is booked.
var ErrSlotTaken = ticketError("slot taken")

// BookingStore books slots atomically and keeps bookings.
type BookingStore interface {
	// Book takes a place in the slot, or fails with ErrSlotTaken. A repeated
	// request id returns the first call's booking.
	Book(ctx context.Context, req BookRequest) (Booking, error)
	// Booked counts bookings per case manager in slots of an office.
	Booked(ctx context.Context, office string, starts []time.Time) (map[int64]map[int64]int, error)
	// Get finds a booking; ErrNotFound if unknown or erased.
	Get(ctx context.Context, id string) (Booking, error)
	// SetStatus changes the status; leaving "booked" frees the place.
	SetStatus(ctx context.Context, id, status string) (Booking, error)
	// ByPerson lists a person's bookings; InSlots the bookings of slots.
	ByPerson(ctx context.Context, chatID int64) ([]Booking, error)
	InSlots(ctx context.Context, office string, starts []time.Time) ([]Booking, error)
	// Forget erases the person's bookings, freeing their places.
	Forget(ctx context.Context, chatID int64) ([]Booking, error)
	// Block closes an office's day ("2026-12-01") or slot
	// ("2026-12-01 09:30", local time) for booking until expires; Blocks
	// lists the blocks as "office|day" and "office|day HH:MM".
	Block(ctx context.Context, office, when string, expires time.Time) error
	Blocks(ctx context.Context) (map[string]bool, error)
}

// ReminderQueue is the due-set of reminders shared by all replicas.
type ReminderQueue interface {
	// Schedule adds reminders (id → when); Unschedule removes them.
	Schedule(ctx context.Context, due map[string]time.Time) error
	Unschedule(ctx context.Context, ids []string) error
	// Claim takes up to n reminders due by now for lease; reminders whose
	// lease ran out (their replica died) are due again.
	Claim(ctx context.Context, now time.Time, lease time.Duration, n int) ([]string, error)
	// Ack marks a reminder sent: it is never claimed again.
	Ack(ctx context.Context, id string) error
}
