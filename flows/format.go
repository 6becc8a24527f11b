package flows

import (
	"fmt"
	"time"

	"lotse/internal/i18n"
)

// formatDate writes a date the way the person's language does; the
// pattern is the message "format.date".
func formatDate(t *i18n.Localizer, d time.Time) string {
	return t.Value("format.date", i18n.Data{
		"Day": fmt.Sprintf("%02d", d.Day()), "Month": fmt.Sprintf("%02d", int(d.Month())), "Year": d.Year(),
	})
}

// personName is a person's first name as the staff group sees it: on one
// line, and isolated, so an Arabic or Persian name does not turn the
// German line it starts ("👤 أمل · Sprache: Arabisch") right to left.
func personName(s string) string {
	return i18n.Isolate(i18n.OneLine(s))
}
