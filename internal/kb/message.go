package kb

import "strings"

// Message is one incoming text, normalized and split once for every
// matcher that reads it: urgent words, typed requests, the offers'
// trigger words, the knowledge-base search and the local offers. Each of
// them used to run Normalize on the same text again, five times for an
// ordinary question.
//
// A Message belongs to one event being handled; it is not safe for
// concurrent use.
type Message struct {
	// Text is the text as written (the matchers' query).
	Text string
	// Norm is Normalize(Text); Words are its words.
	Norm  string
	Words []string

	// The search terms (see Terms) for the language asked first.
	termsLang string
	terms     []string
	hasTerms  bool
}

// NewMessage analyzes text once.
func NewMessage(text string) *Message {
	norm := Normalize(text)
	return &Message{Text: text, Norm: norm, Words: strings.Fields(norm)}
}

// Terms is Terms(m.Text, lang), computed once for the language asked
// first; the search and the local offers read the same terms. The slice
// is shared: callers must not change it.
func (m *Message) Terms(lang string) []string {
	if m.hasTerms && m.termsLang == lang {
		return m.terms
	}
	t := filterTerms(m.Words, stopMask(baseLang(lang)))
	if !m.hasTerms {
		m.termsLang, m.terms, m.hasTerms = lang, t, true
	}
	return t
}
