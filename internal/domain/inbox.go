package domain

import (
	"context"
	"time"
)

// Pending is one update waiting in a chat's inbox: its id and the raw
// update as received, so any replica can process it.
type Pending struct {
	UpdateID int64
	Payload  []byte
}

// ClaimState says what Offer or TakeOver found.
type ClaimState int

const (
	// ClaimDuplicate: the update was processed before; acknowledge it.
	ClaimDuplicate ClaimState = iota + 1
	// ClaimQueued: the update is stored, another worker holds the chat and
	// will process it. It is safe to acknowledge once the chat is marked
	// due (MarkDue), so that whoever takes the expired lease finds it.
	ClaimQueued
	// ClaimLeased: this worker now holds the chat and must process
	// Claim.Pending in order, committing each.
	ClaimLeased
	// ClaimEmpty: TakeOver found nothing waiting.
	ClaimEmpty
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
	// HolderLeft is, for ClaimQueued, how long the other worker's lease
	// runs unless it renews it.
	HolderLeft time.Duration
}

// Lease is a worker's exclusive, expiring hold on one chat.
type Lease struct {
	ChatID int64
	Token  string
	// Chat is the chat's pseudonym; set when the lease was taken from the
	// due set, where only the pseudonym is known.
	Chat string
}

// DueChat is a chat whose waiting updates may have lost their worker:
// when it is due, any replica looks whether the lease has expired.
type DueChat struct {
	Chat string // pseudonym
	At   int64  // due time, Unix milliseconds; identifies this entry
}

// Inbox makes update processing exactly-once and ordered per chat, across
// replicas and crashes. Every method is idempotent: a retried call has the
// effect of one.
type Inbox interface {
	// Offer stores the update in its chat's inbox unless it was processed
	// before, and leases the chat if no other worker holds it. An update
	// offered to an idle chat with nothing waiting may be leased without
	// being stored: it must not be confirmed to Telegram before it is
	// committed or offered again with the lease's token, which stores it.
	Offer(ctx context.Context, chatID int64, p Pending, token string) (Claim, error)
	// Commit marks one update processed and saves the session (nil erases
	// it). It returns the updates still waiting; when none wait, the lease
	// is released. ErrLeaseLost if another worker holds the chat now.
	Commit(ctx context.Context, l Lease, updateID int64, s *Session) ([]Pending, error)
	// Release gives the chat up without committing, e.g. on shutdown.
	Release(ctx context.Context, l Lease) error
	// Renew extends the lease while an update is in progress;
	// ErrLeaseLost if another worker holds the chat now.
	Renew(ctx context.Context, l Lease) error
	// MarkDue records that the chat has waiting updates that must be
	// looked at after d unless their worker processes them first.
	MarkDue(ctx context.Context, chatID int64, d time.Duration) error
	// DueChats lists up to n chats that are due now.
	DueChats(ctx context.Context, n int) ([]DueChat, error)
	// TakeOver leases a due chat if no worker holds it and updates wait
	// (ClaimLeased), or reports ClaimQueued (held; due again when the
	// lease runs out) or ClaimEmpty (nothing waits; no longer due).
	TakeOver(ctx context.Context, c DueChat, token string) (Claim, error)
}
