package flows

import (
	"context"
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/intent"
)

func (e *Engine) startRoutes(t *table) {
	t.command("start", e.start)
	t.command("help", e.showHelp)
	t.typedAs("help", intent.Help)
}

// start greets the person in their language and shows the main menu.
func (e *Engine) start(_ context.Context, r *Request) error {
	if r.greeted {
		return nil
	}
	r.greeted = true
	r.Session.Screen = screenMenu
	r.Say(r.T.T("start.greeting", i18n.Data{"Town": e.set.Town})+stillOpen(r), e.menuRows(r)...)
	return nil
}

func (e *Engine) showHelp(_ context.Context, r *Request) error {
	text := r.T.T("help.text", nil)
	if e.offerDir() != nil {
		text += "\n" + r.T.T("help.offers", nil)
	}
	r.Say(text+"\n"+r.T.T("help.export", nil)+stillOpen(r), e.menuRow(r))
	return nil
}

// Screens are the menu positions kept in the session.
const (
	screenMenu     = "menu"
	screenArea     = "area:"
	screenQuestion = "faq:"
	screenPrivacy  = "privacy"
	screenDelete   = "delete"  // the delete question, for one message
	screenCancel   = "cancel:" // an appointment's cancel question, for one message
	screenBooking  = "booking"
)

// showScreen renders the screen stored in the session, so a language switch
// or a privacy acknowledgement returns the person to where they were.
func (e *Engine) showScreen(ctx context.Context, r *Request) error {
	s := r.Session.Screen
	switch {
	case strings.HasPrefix(s, screenArea):
		r.Event.Action = domain.Action{Name: actArea, Arg: strings.TrimPrefix(s, screenArea)}
		return e.showArea(ctx, r)
	case strings.HasPrefix(s, screenQuestion):
		r.Event.Action = domain.Action{Name: actQuestion, Arg: strings.TrimPrefix(s, screenQuestion)}
		return e.showAnswer(ctx, r)
	case strings.HasPrefix(s, screenSuggest+":"):
		return e.showSuggestions(r, strings.Split(strings.TrimPrefix(s, screenSuggest+":"), ","))
	case s == screenPrivacy:
		return e.showPrivacy(ctx, r)
	case s == screenDelete:
		return e.askDelete(ctx, r)
	case onOffersScreen(r.Session) && e.offerDir() != nil:
		return e.reopenOffers(ctx, r)
	case s == screenBooking && r.Session.Draft != nil:
		// The steps so far were answered in the other language; the
		// booking starts again in the new one, a move still a move.
		return e.startBooking(ctx, r, true)
	}
	return e.showMenu(ctx, r)
}
