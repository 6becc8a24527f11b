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
