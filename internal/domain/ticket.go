package domain

import (
	"context"
	"time"
)

// TicketStatus is where a hand-over request stands.
type TicketStatus string

const (
	TicketWaiting TicketStatus = "waiting" // announced, no case manager yet
	TicketTaken   TicketStatus = "taken"   // a case manager owns the chat
	TicketClosed  TicketStatus = "closed"
)

// Ticket is one hand-over of a conversation to a case manager.
type Ticket struct {
	ID        int64
	ChatID    int64
	FirstName string
	Lang      string
	Topic     string   // knowledge area the person was in, or ""
	Steps     []string // the last questions the bot showed, by entry id
	Status    TicketStatus
	Owner     int64 // staff Telegram user id
	OwnerName string
	Created   time.Time
	Taken     time.Time
	Activity  time.Time // last message either way
	Announced time.Time // last (re-)announcement in the staff group
	CardID    int       // the card's message id in the staff group
	Closed    time.Time
	ClosedBy  string // staff, person, timeout, erased
	Note      string // the case manager's closing note
	Rating    int    // 1–5, 0 for none
	// Previous is the case manager who helped the person before (0: none);
	// Appointment and ApptOffice their next appointment when they asked.
	// Both are shown on the card.
	Previous    int64
	Appointment time.Time
	ApptOffice  string
	// TakeUpdate is the update that took the ticket from the queue: when
	// that update is processed again (its replies failed to go out), the
	// take's work is done again rather than taken for a double tap.
	TakeUpdate int64
}

// Error kinds of the ticket store.
var (
	// ErrTicketTaken: another case manager already owns the ticket.
	ErrTicketTaken = ticketError("ticket already taken")
	// ErrTicketClosed: the ticket is closed.
	ErrTicketClosed = ticketError("ticket closed")
)

// ErrTicketErased: the person erased their data, and the ticket with it.
// It is also ErrNotFound.
var ErrTicketErased error = erasedError{}

type erasedError struct{}

func (erasedError) Error() string        { return "ticket erased at the person's request" }
func (erasedError) Is(target error) bool { return target == ErrNotFound }

type ticketError string

func (e ticketError) Error() string { return string(e) }

// TicketStore keeps hand-over tickets, which staff-group message belongs
// to which ticket, and who helped whom before.
type TicketStore interface {
	// Open creates a ticket and returns it with its number.
	Open(ctx context.Context, t Ticket) (Ticket, error)
	// Get returns a ticket; ErrNotFound if it expired, ErrTicketErased
	// (also ErrNotFound) if the person erased their data.
	Get(ctx context.Context, id int64) (Ticket, error)
	// Take gives the ticket to a case manager atomically. With takeOver
	// false it fails with ErrTicketTaken if someone else has it. update is
	// the update that asks, kept as TakeUpdate when it takes the ticket
	// from the queue.
	Take(ctx context.Context, id, staff int64, name string, takeOver bool, now time.Time, update int64) (Ticket, error)
	// Release hands a taken ticket back by its owner: it waits again for
	// anyone to take. ErrTicketTaken if staff does not own it (any more).
	Release(ctx context.Context, id, staff int64, now time.Time) (Ticket, error)
	// Touch records activity (and the card id, if not 0).
	Touch(ctx context.Context, id int64, now time.Time, cardID int) error
	// Close closes the ticket; closing twice returns ErrTicketClosed.
	Close(ctx context.Context, id int64, by, note string, now time.Time) (Ticket, error)
	// SetLanguage records the language the person now reads, for what the
	// team sends them from then on; ErrTicketClosed or ErrNotFound once
	// the ticket has ended.
	SetLanguage(ctx context.Context, id int64, lang string) (Ticket, error)
	// Rate stores the person's rating of a closed ticket.
	Rate(ctx context.Context, id int64, rating int) (Ticket, error)
	// Open tickets, oldest first.
	Queue(ctx context.Context) ([]Ticket, error)
	// Relay remembers that a staff-group message belongs to a ticket;
	// byBot says the bot sent it (a card, a relayed copy), not a case
	// manager. RelayedTicket finds it again (ErrNotFound if not a ticket
	// message).
	Relay(ctx context.Context, staffMsgID int, ticket int64, byBot bool) error
	RelayedTicket(ctx context.Context, staffMsgID int) (int64, error)
	// Announced records a re-announcement.
	Announced(ctx context.Context, id int64, now time.Time) error
	// LastCaseManager is who last helped the person (0 if nobody).
	LastCaseManager(ctx context.Context, chatID int64) (int64, error)
	// Forget erases what is stored about the person: their tickets, the
	// staff-group messages recorded for them and who helped them. It
	// returns what the staff group still shows of them. The tickets'
	// numbers stay known as erased for the retention, and so do the
	// staff-group messages that belonged to them (message and ticket
	// number, nothing of the person): a case manager who answers one is
	// told why the answer goes nowhere.
	Forget(ctx context.Context, chatID int64, ticket int64) (Forgotten, error)
	// Collect keeps what a person sends while their ticket waits:
	// ErrTicketTaken once a case manager has it (send it to them instead),
	// ErrTicketClosed or ErrNotFound once it has ended. Collected returns
	// what was kept, in order, and sets it aside for a while: asked again
	// for the same take (a retry), it returns the same items; a hand-back,
	// the close or erasure forget them.
	Collect(ctx context.Context, ticket int64, item string) error
	Collected(ctx context.Context, ticket int64) ([]string, error)
	// FirstNotice reports whether a non-staff user in the staff group is
	// told for the first time (in 30 days) that the bot ignores them.
	FirstNotice(ctx context.Context, userID int64) (bool, error)
	// Explained records glossary terms as explained to the person in this
	// ticket's conversation and returns those that were not before. It is
	// erased with the ticket.
	Explained(ctx context.Context, ticket int64, terms []string) ([]string, error)
}

// DeletableFor is how long after sending the bot may delete its own
// message in a group (Telegram's limit for bots).
const DeletableFor = 48 * time.Hour

// Forgotten is what the staff group still shows of an erased person.
type Forgotten struct {
	// Tickets are the person's tickets as they were, to blank their cards.
	Tickets []Ticket
	// Copies are the bot's messages in the staff group that carried what
	// the person sent (not the cards), still young enough to delete.
	Copies []int
}
