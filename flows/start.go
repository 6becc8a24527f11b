package flows

import (
	"context"
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// start greets the person in their language and shows the main menu.
func (e *Engine) start(_ context.Context, r *Request) error {
	r.Session.Screen = screenMenu
	r.Say(r.T.T("start.greeting", i18n.Data{"Town": e.set.Town}), e.menuRows(r)...)
	return nil
}

func (e *Engine) showHelp(_ context.Context, r *Request) error {
	r.Say(r.T.T("help.text", nil), e.menuRow(r))
	return nil
}

// pickLanguage offers every shipped language, each named in itself.
func (e *Engine) pickLanguage(_ context.Context, r *Request) error {
	var rows [][]domain.Button
	var row []domain.Button
	for _, l := range i18n.Languages {
		row = append(row, button(e.msgs.For(l.Code).T("language.name", nil), actSetLanguage, l.Code))
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	r.Show(r.T.T("language.choose", nil), rows...)
	return nil
}

// setLanguage switches the language and shows again where the person was.
func (e *Engine) setLanguage(ctx context.Context, r *Request) error {
	lang := r.Event.Action.Arg
	if !i18n.Shipped(lang) {
		return e.staleButton(ctx, r)
	}
	r.Session.Lang, r.Session.LangChosen = lang, true
	r.T = e.msgs.For(lang)
	r.Say(r.T.T("language.changed", nil))
	return e.showScreen(ctx, r)
}

// Screens are the menu positions kept in the session.
const (
	screenMenu     = "menu"
	screenArea     = "area:"
	screenQuestion = "faq:"
	screenPrivacy  = "privacy"
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
	case s == screenPrivacy:
		return e.showPrivacy(ctx, r)
	}
	return e.showMenu(ctx, r)
}
