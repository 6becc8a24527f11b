package domain

// Reply is one message Lotse sends, fully localized.
type Reply struct {
	// Text is plain text, sent without parse mode so nothing can format it.
	Text string
	// Buttons are rows of inline buttons under the text.
	Buttons [][]Button
	// Edit asks to replace the message that carried the pressed button
	// instead of sending a new one (keeps the chat short on small screens).
	Edit bool
	// ChatID sends the reply to another chat — a relay into the staff group,
	// a case manager's answer to the person; 0 is the event's chat.
	ChatID int64
	// EditID edits that message of ChatID instead of sending (ticket cards).
	EditID int
	// DeleteID deletes that message of ChatID instead of sending (relayed
	// copies of an erased person's messages).
	DeleteID int
	// Copy relays an existing message (media stay media) instead of Text.
	Copy *Copy
	// Ticket records the sent message as part of the ticket, so that staff
	// replies to it reach the person; Card records it as the ticket's card.
	Ticket int64
	Card   bool
	// Mention links these users in the text (case managers on a card).
	Mention []Mention
	// Venue sends a map location instead of Text; Document a file.
	Venue    *Venue
	Document *Document
	// OnRefused is sent after the other replies when Telegram refuses
	// this one for good (the person has blocked the bot or deleted their
	// account), so a case manager learns that their answer did not arrive.
	OnRefused *Reply
}

// Venue is a place on the map.
type Venue struct {
	Lat, Lon       float64
	Title, Address string
}

// Document is a file to send, e.g. an .ics calendar entry.
type Document struct {
	Name string
	Data []byte
}

// Copy names a message to relay.
type Copy struct {
	FromChatID int64
	MessageID  int
	Caption    string
}

// Mention links a user by id at a piece of the text.
type Mention struct {
	UserID int64
	Text   string // must occur in Reply.Text
}

// Button is an inline button: either an action or a link.
type Button struct {
	Label  string
	Action Action
	// URL makes it a link button; Action is ignored then.
	URL string
}

// Row is a shorthand for one row of buttons.
func Row(b ...Button) []Button { return b }
