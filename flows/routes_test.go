package flows

import (
	"context"
	"maps"
	"slices"
	"testing"

	"lotse/internal/calendar"
	"lotse/internal/intent"
	"lotse/internal/offers"
)

type someStats struct{}

func (someStats) Days(context.Context, []string) ([]map[string]int64, error) { return nil, nil }

type someOffers struct{}

func (someOffers) Current() *offers.Directory { return nil }

// fullTable is the routing table with every feature switched on; the
// handlers are only looked at, never run.
func fullTable() *table {
	e := &Engine{stats: someStats{}, offers: someOffers{}}
	e.set.Booking.Calendar.Rules = []calendar.Rule{{}}
	return e.routes()
}

// TestRoutes_ListsAgree: the command menus and the table name the same
// commands, and every typed request opens a route.
func TestRoutes_ListsAgree(t *testing.T) {
	tb := fullTable()
	if got, want := slices.Sorted(maps.Keys(tb.commands)), slices.Sorted(slices.Values(Commands())); !slices.Equal(got, want) {
		t.Errorf("routed commands %v, command menu %v", got, want)
	}
	if got, want := slices.Sorted(maps.Keys(tb.staffCommands)), slices.Sorted(slices.Values(staffMenu)); !slices.Equal(got, want) {
		t.Errorf("routed staff commands %v, staff menu %v", got, want)
	}
	for _, name := range staffMenu {
		if tb.staffCommands[name].menu == "" {
			t.Errorf("staff command %s has no menu description", name)
		}
	}
	for _, in := range intent.All {
		if _, ok := tb.typed[in]; !ok {
			t.Errorf("typed request %s opens no route", in)
		}
	}
}

// TestRoutes_Flags: exactly these buttons are accepted from outside the
// person's own conversation (signed without the session epoch), and
// exactly these commands reach the bot during a hand-over.
func TestRoutes_Flags(t *testing.T) {
	tb := fullTable()
	var cross, during []string
	for name, rt := range tb.buttons {
		if rt.has(crossChat) {
			cross = append(cross, name)
		}
	}
	for name, rt := range tb.commands {
		if rt.has(duringHandover) {
			during = append(during, name)
		}
	}
	wantCross := []string{actBooking, actEndHandover, actRate, actSkip, actComing, actChange, actOriginal}
	if slices.Sort(cross); !slices.Equal(cross, slices.Sorted(slices.Values(wantCross))) {
		t.Errorf("cross-chat buttons %v, want %v", cross, wantCross)
	}
	if slices.Sort(during); !slices.Equal(during, []string{"delete", "end", "export", "language", "privacy"}) {
		t.Errorf("commands during a hand-over %v", during)
	}
}

// TestRoutes_Twice: registering a route twice panics instead of letting
// the second silently win.
func TestRoutes_Twice(t *testing.T) {
	tb := fullTable()
	for name, register := range map[string]func(){
		"command":       func() { tb.command("start", nil) },
		"button":        func() { tb.button(actMenu, nil) },
		"typed":         func() { tb.typedAs("menu", intent.Menu) },
		"staff command": func() { tb.staffCommand("queue", "", nil) },
		"staff button":  func() { tb.staffButton(actTake, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s registered twice without a panic", name)
				}
			}()
			register()
		}()
	}
}
