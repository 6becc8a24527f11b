package flows

import (
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

func (e *Engine) showOffices(r *Request, intro string) error {
	r.Session.Screen = screenMenu
	parts := []string{r.T.T(intro, nil)}
	for _, o := range e.set.Offices {
		parts = append(parts, r.T.T("contact.office", i18n.Data{"Name": r.T.Local(o.Name), "Address": o.Address, "Phone": o.Phone}))
	}
	r.Show(strings.Join(parts, "\n\n"), domain.Row(button(r.T.T("button.menu", nil), actMenu, "")))
	return nil
}
