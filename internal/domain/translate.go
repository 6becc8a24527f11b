package domain

import "context"

// Translator translates between a person's language and German for the
// hand-over, keeping the glossary's office terms in German. It is
// optional: the desk works without it, and every failure leaves the
// original to be relayed as it is.
type Translator interface {
	// Supports reports whether lang can be translated to and from German.
	// A language the service lacks is said on the card, never guessed.
	Supports(lang string) bool
	// Translate translates text from the language from ("" to detect it)
	// into to. It returns within the translator's short timeout; on any
	// error (ErrTranslatorDown when it is known to be unreachable) the
	// caller relays the original.
	Translate(ctx context.Context, text, from, to string) (Translation, error)
}

// Translation is a machine translation and the language it was made from
// (the detected one when none was given).
type Translation struct {
	Text string
	From string
}

// ErrTranslatorDown: the translation service failed recently and is not
// asked again for a short while, so nobody waits on it in vain.
var ErrTranslatorDown = translateError("translator unavailable")

type translateError string

func (e translateError) Error() string { return string(e) }
