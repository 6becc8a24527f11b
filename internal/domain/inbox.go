package domain

import "context"

// Pending is one update waiting in a chat's inbox: its id and the raw
// update as received, so any replica can process it.
type Pending struct {
	UpdateID int64
	Payload  []byte
}

// ClaimState says what Offer found.
type ClaimState int

const (
	// ClaimDuplicate: the update was processed before; acknowledge it.
	ClaimDuplicate ClaimState = iota + 1
	// ClaimQueued: the update is stored, another worker holds the chat and
	// will process it; wait until it is done.
	ClaimQueued
	// ClaimLeased: this worker now holds the chat and must process
	// Claim.Pending in order, committing each.
	ClaimLeased
)

// Claim is the result of offering an update to its chat's inbox.
type Claim struct {
	State ClaimState
	// Lease is set for ClaimLeased.
	Lease Lease
	// Session is the chat's current session, nil if there is none.
	Session *Session
	// Pending are the chat's unprocessed updates in update order (the
	// offered one among them).
	Pending []Pending
}

// Lease is a worker's exclusive, expiring hold on one chat.
type Lease struct {
	ChatID int64
	Token  string
}

// Inbox makes update processing exactly-once and ordered per chat, across
// replicas and crashes. Every method is idempotent: a retried call has the
// effect of one.
type Inbox interface {
	// Offer stores the update in its chat's inbox unless it was processed
	// before, and leases the chat if no other worker holds it.
	Offer(ctx context.Context, chatID int64, p Pending, token string) (Claim, error)
	// Commit marks one update processed and saves the session (nil erases
	// it). It returns the updates still waiting; when none wait, the lease
	// is released. ErrLeaseLost if the lease expired and another worker
	// may have taken over.
	Commit(ctx context.Context, l Lease, updateID int64, s *Session) ([]Pending, error)
	// Release gives the chat up without committing, e.g. on shutdown.
	Release(ctx context.Context, l Lease) error
}
