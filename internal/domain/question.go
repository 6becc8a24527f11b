package domain

import (
	"context"
	"time"
)

// Question is a question Lotse could not answer that the person allowed
// the integration team to read, with digits, e-mail addresses, phone
// numbers and their name masked. It carries no chat id.
type Question struct {
	// Ref names it in the store; only the asking person's session keeps it.
	Ref  string    `json:"ref"`
	Lang string    `json:"lang"`
	Text string    `json:"text"`
	At   time.Time `json:"asked"`
	// Expires is when the store deletes it.
	Expires time.Time `json:"deleted_after"`
}

// QuestionStore keeps consented questions for a limited time.
type QuestionStore interface {
	// Keep stores a question and returns its ref.
	Keep(ctx context.Context, lang, text string, at time.Time) (Question, error)
	// Get returns the questions still kept of refs, in order.
	Get(ctx context.Context, refs []string) ([]Question, error)
	// Forget deletes the questions of refs.
	Forget(ctx context.Context, refs []string) error
	// Since lists the questions asked from since on, oldest first.
	Since(ctx context.Context, since time.Time) ([]Question, error)
}
