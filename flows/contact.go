package flows

import (
	"context"
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// requestBooking leads to an appointment: for now by phone or in person
// at the offices the municipality configured.
func (e *Engine) requestBooking(ctx context.Context, r *Request) error {
	if ok, err := e.requirePrivacy(ctx, r, actBooking); !ok || err != nil {
		return err
	}
	return e.showOffices(r, "contact.booking")
}

func (e *Engine) showOffices(r *Request, intro string) error {
	r.Session.Screen = screenMenu
	parts := []string{r.T.T(intro, nil)}
	for _, o := range e.set.Offices {
		parts = append(parts, r.T.T("contact.office", i18n.Data{"Name": o.Name, "Address": o.Address, "Phone": o.Phone}))
	}
	r.Show(strings.Join(parts, "\n\n"), domain.Row(button(r.T.T("button.menu", nil), actMenu, "")))
	return nil
}
