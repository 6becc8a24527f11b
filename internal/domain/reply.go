package domain

// Reply is one message Lotse sends to the person, fully localized.
type Reply struct {
	// Text is plain text, sent without parse mode so nothing can format it.
	Text string
	// Buttons are rows of inline buttons under the text.
	Buttons [][]Button
	// Edit asks to replace the message that carried the pressed button
	// instead of sending a new one (keeps the chat short on small screens).
	Edit bool
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
