package flows

import (
	"context"
	"strings"

	"lotse/internal/domain"
	"lotse/internal/intent"
	"lotse/internal/stats"
)

// Requests typed in words ("I want to talk to a person", "Termin absagen",
// "randevu almak istiyorum") open the same flow as their button. The
// phrases are in locales/intents.yaml; internal/intent decides whether a
// message is mainly such a request.

// typedRequest is the route a typed request opens (see
// table.typed), if the text is mainly one. guesses takes the model's
// requests too (intent.Reading.Guessed): where a message misread would
// only open a flow, not where it would be lost to a case manager.
func (e *Engine) typedRequest(r *Request, text string, guesses bool) (intent.Intent, route, bool) {
	rd := r.read(text)
	in := rd.Request
	if in == "" || rd.Guessed && !guesses {
		return "", route{}, false
	}
	rt, ok := e.table.typed[in]
	return in, rt, ok
}

// openTypedRequest opens the flow of a typed request and reports whether
// the text was one. On first contact the person is greeted first, as for
// any message.
func (e *Engine) openTypedRequest(ctx context.Context, r *Request, text string) (bool, error) {
	in, rt, ok := e.typedRequest(r, text, true)
	if !ok {
		return false, nil
	}
	e.log.Debug("typed request", "intent", string(in))
	r.count(stats.Typed(string(in)))
	if r.New {
		if in == intent.Language {
			if code := e.namedLanguage(text); code != "" {
				// "English" first: greeted in English, with the menu.
				e.chooseLanguage(r, code)
				return true, e.start(ctx, r)
			}
		}
		if err := e.start(ctx, r); err != nil {
			return true, err
		}
		if in == intent.Menu || in == intent.Thanks {
			return true, nil // the greeting shows the menu
		}
	}
	return true, rt.handle(ctx, r)
}

// handoverRequest is the handler for text typed while a case manager has
// the chat, if it asks for what a command allowed during a hand-over does
// (end, delete, privacy, language); everything else goes to the case
// manager. Urgent text is left to the relay, which shows the numbers first
// (urgentFirst has checked the text already).
func (e *Engine) handoverRequest(r *Request) Handler {
	_, rt, ok := e.typedRequest(r, strings.TrimSpace(r.Event.Text), false)
	if !ok || !rt.has(duringHandover) || r.urgent != 0 {
		return nil
	}
	return rt.handle
}

// typedMenu reports whether the event is text asking for the menu ("back
// to menu", "cancel"), which leaves a step waiting for typed text.
func (e *Engine) typedMenu(r *Request) bool {
	if r.Event.Kind != domain.EventText {
		return false
	}
	in, _, ok := e.typedRequest(r, strings.TrimSpace(r.Event.Text), false)
	return ok && in == intent.Menu
}
