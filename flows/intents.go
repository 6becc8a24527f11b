package flows

import (
	"context"

	"lotse/internal/intent"
	"lotse/internal/stats"
)

// Requests typed in words ("I want to talk to a person", "Termin absagen",
// "randevu almak istiyorum") open the same flow as their button. The
// phrases are in locales/intents.yaml; internal/intent decides whether a
// message is mainly such a request.

// intentHandler is the button flow a typed request opens.
func (e *Engine) intentHandler(in intent.Intent) Handler {
	switch in {
	case intent.Person:
		return e.requestPerson
	case intent.Booking:
		return e.requestBooking
	case intent.Appointments, intent.Cancel:
		// The list has a cancel button next to each appointment.
		return e.showAppointments
	case intent.Delete:
		return e.askDelete
	case intent.Language:
		return e.pickLanguage
	case intent.Privacy:
		return e.showPrivacy
	case intent.Menu:
		return e.showMenu
	case intent.Help:
		return e.showHelp
	case intent.End:
		return e.endHandover
	}
	return nil
}

// openTypedRequest opens the flow of a typed request and reports whether
// the text was one. On first contact the person is greeted first, as for
// any message.
func (e *Engine) openTypedRequest(ctx context.Context, r *Request, text string) (bool, error) {
	in, ok := intent.Shipped().Match(text)
	if !ok {
		return false, nil
	}
	h := e.intentHandler(in)
	if h == nil {
		return false, nil
	}
	e.log.Debug("typed request", "intent", string(in))
	r.count(stats.Typed(string(in)))
	if r.New {
		if err := e.start(ctx, r); err != nil {
			return true, err
		}
		if in == intent.Menu {
			return true, nil // the greeting shows the menu
		}
	}
	return true, h(ctx, r)
}

// handoverRequest is the handler for text typed while a case manager has
// the chat, if it asks for one of the things the passThrough commands do
// (end, delete, privacy, language); everything else goes to the case
// manager. Urgent text is left to the relay, which shows the numbers first.
func (e *Engine) handoverRequest(text string) Handler {
	in, ok := intent.Shipped().Match(text)
	if !ok || e.kb.Urgent(text) {
		return nil
	}
	switch in {
	case intent.End, intent.Delete, intent.Privacy, intent.Language:
		return e.intentHandler(in)
	}
	return nil
}
