package flows_test

import (
	"context"
	"strings"
	"testing"

	"lotse/flows"
	"lotse/internal/i18n"
)

// What the municipality writes in its config reaches each person in their
// language, and in German where it wrote nothing else.
func TestEngine_ConfigTextsInPersonsLanguage(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	e := bookingEngineWith(t, store, store.Bookings(0), langs{}, func(s *flows.Settings) {
		s.Offices = []flows.Office{{ID: "rathaus", Address: "Marktplatz 1", Phone: "+49 1",
			Name:  i18n.Text{"de": "Rathaus", "ar": "البلدية (Rathaus)"},
			Notes: i18n.Text{"de": "Eingang B", "ar": "المدخل B"}}}
		s.Booking.Bring = i18n.Text{"de": "Ausweis und Briefe", "ar": "الهوية والرسائل"}
		s.Facts = map[string]i18n.Text{"mietobergrenze": {"de": "1 Person: 450 €", "ar": "شخص واحد: 450 €"}}
	})

	res, _ := bookFirstSlot(t, e, amalSession(), amalChat) // Arabic
	ar := allText(res)
	for _, want := range []string{"البلدية (Rathaus)", "المدخل B", "الهوية والرسائل"} {
		if !strings.Contains(ar, want) {
			t.Errorf("Arabic confirmation lacks %q: %q", want, ar)
		}
	}
	de := amalSession()
	de.Lang = "de"
	res, _ = bookFirstSlot(t, e, de, amalChat+1)
	if got := allText(res); !strings.Contains(got, "Eingang B") || !strings.Contains(got, "Ausweis und Briefe") || strings.Contains(got, "المدخل") {
		t.Errorf("German confirmation: %q", got)
	}
	fa := amalSession()
	fa.Lang = "fa" // nothing written in Dari: the German text
	res, _ = bookFirstSlot(t, e, fa, amalChat+2)
	if got := allText(res); !strings.Contains(got, "Eingang B") {
		t.Errorf("Dari confirmation lacks the German fallback: %q", got)
	}

	res = e.Handle(ctx, amalSession(), false, personPress("q", "housing.rent_limit"))
	if got := allText(res); !strings.Contains(got, "شخص واحد: 450 €") || strings.Contains(got, "1 Person: 450 €") {
		t.Errorf("Arabic answer does not carry the Arabic fact: %q", got)
	}
}
