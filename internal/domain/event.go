package domain

import "time"

// EventKind says what a person did.
type EventKind int

const (
	// EventText is a plain text message (not a command).
	EventText EventKind = iota + 1
	// EventCommand is a message starting with "/": Command holds the name
	// without slash or @botname, Args the rest.
	EventCommand
	// EventButton is a verified press on one of our inline buttons.
	EventButton
	// EventStaleButton is a press on a button that is forged, expired or from
	// an erased session. It must get a calm answer, never an action.
	EventStaleButton
	// EventMedia is a sticker, photo, voice message, document, … Media names it.
	EventMedia
	// EventEdited is an edit of an earlier message.
	EventEdited
	// EventBlocked: the person has blocked the bot; nothing sent to them
	// arrives any more.
	EventBlocked
)

// Event is one thing a person did in a private chat, already decoded from
// the messenger's wire format.
type Event struct {
	Kind EventKind
	// UpdateID is the messenger's id of the update, unique per bot.
	UpdateID int64
	// ChatID identifies the private chat.
	ChatID int64
	// LanguageCode is the messenger's language hint (may be empty).
	LanguageCode string
	// FirstName is kept in memory only; it is never stored before the privacy
	// acknowledgement and never logged.
	FirstName string
	// Text is the message text or media caption.
	Text string
	// Command and Args are set for EventCommand.
	Command string
	Args    string
	// Action is set for EventButton.
	Action Action
	// Media is set for EventMedia: "photo", "sticker", "voice", "audio",
	// "video", "video_note", "document", "location", "contact", "other".
	Media string
	// Location is set for Media "location": where the person is, used to
	// sort what is near and never stored or logged.
	Location *Location
	// MessageID is the message itself, or for a button the message carrying
	// it, so a reply can replace it instead of piling up new messages.
	MessageID int
	// UserID is the sender (in the staff group: the case manager).
	UserID int64
	// ReplyTo is the message this one replies to, 0 if none.
	ReplyTo int
	// Throttled marks the message with which the person went past the
	// flood limit: it is answered, with a note to slow down; the next ones
	// in the burst are dropped before they reach the flows.
	Throttled bool
	// At is when the messenger says the event happened.
	At time.Time
}

// Action is what a button does: a short name and an optional argument. The
// adapter signs and encodes it; flows only ever see verified actions.
type Action struct {
	Name string
	Arg  string
}

// Location is a shared position in degrees.
type Location struct{ Lat, Lon float64 }

// Command is one entry of the messenger's command menu.
type Command struct {
	Name, Description string
}

var eventKindNames = [...]string{EventText: "text", EventCommand: "command", EventButton: "button",
	EventStaleButton: "stale_button", EventMedia: "media", EventEdited: "edited", EventBlocked: "blocked"}

// String names the kind for logs.
func (k EventKind) String() string {
	if k > 0 && int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "unknown"
}
