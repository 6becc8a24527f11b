package flows

import (
	"context"
	"slices"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/intent"
)

func (e *Engine) menuRoutes(t *table) {
	t.command("menu", e.showMenu)
	t.typedAs("menu", intent.Menu, intent.Thanks)
	t.button(actMenu, e.showMenu)
	t.button(actArea, e.showArea)
}

func (e *Engine) showMenu(_ context.Context, r *Request) error {
	r.Session.Screen = screenMenu
	// The menu ends a booking in progress: an old time or book button
	// pressed later must not finish a move the person walked away from.
	r.Session.Draft = nil
	title := r.T.T("menu.title", nil)
	if r.Event.Kind == domain.EventText && r.read(r.Event.Text).Request == intent.Thanks {
		// "danke", "spasibo" after an answer: thanked back, not only the
		// menu (QA, 4 December).
		title = r.T.T("menu.welcome", nil)
	}
	r.Show(title+stillOpen(r), e.menuRows(r)...)
	return nil
}

// menuRows is the main menu: the three knowledge areas, the two ways to a
// person, privacy and the language switch.
func (e *Engine) menuRows(r *Request) [][]domain.Button {
	t := r.T
	rows := [][]domain.Button{
		domain.Row(button(t.T("menu.housing", nil), actArea, "housing"), button(t.T("menu.status", nil), actArea, "status")),
		domain.Row(button(t.T("menu.work", nil), actArea, "work"), button(t.T("menu.booking", nil), actBooking, "")),
		domain.Row(button(t.T("menu.handover", nil), actHandover, "")),
		domain.Row(button(t.T("menu.privacy", nil), actPrivacy, ""), button(t.T("menu.language", nil), actLanguages, "")),
	}
	if e.offerDir() != nil {
		rows = slices.Insert(rows, 2, domain.Row(button(t.T("offers.menu_button", nil), actOffers, "")))
	}
	return rows
}

// menuRow is the way out offered under every answer: the main menu and a
// person. No screen is a dead end.
func (e *Engine) menuRow(r *Request) []domain.Button {
	return domain.Row(button(r.T.T("button.menu", nil), actMenu, ""), button(r.T.T("button.person", nil), actHandover, ""))
}

// showArea lists the questions of one knowledge area.
func (e *Engine) showArea(ctx context.Context, r *Request) error {
	area := r.Event.Action.Arg
	entries := e.kb.Entries(area)
	if len(entries) == 0 {
		return e.staleButton(ctx, r)
	}
	r.Session.Screen = screenArea + area
	rows := make([][]domain.Button, 0, len(entries)+1)
	for _, en := range entries {
		if txt, ok := e.kb.Text(en.ID, r.T.Lang()); ok {
			rows = append(rows, domain.Row(button(txt.Question, actQuestion, en.ID)))
		}
	}
	rows = append(rows, e.menuRow(r))
	r.Show(r.T.T("area.intro", i18n.Data{"Area": r.T.T("menu."+area, nil)}), rows...)
	return nil
}
