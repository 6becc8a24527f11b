package flows

import (
	"context"
	"fmt"

	"lotse/internal/domain"
	"lotse/internal/intent"
)

// The routing table: every command, button, typed request and other event
// the bot answers to, in a person's chat and in the staff group. Each
// feature file registers its own routes in its ...Routes method, next to
// the handlers; routes below calls them all, so reading it and the
// methods it names tells everything the bot answers to.

// Handler is the one shape of every route.
type Handler func(ctx context.Context, r *Request) error

// routeFlag marks a route in a person's chat.
type routeFlag uint8

const (
	// duringHandover: a typed request (intents.go) the bot still acts on
	// while a case manager has the chat; other typed text goes to them.
	// Every command the bot knows acts as it says in a hand-over too.
	duringHandover routeFlag = 1 << iota
	// crossChat: a button sent into the person's chat from outside their
	// own conversation (by a case manager's action or a sweep). It is
	// signed without the session epoch and checks its ticket before acting.
	crossChat
)

type route struct {
	handle Handler
	flags  routeFlag
}

func (rt route) has(f routeFlag) bool { return rt.flags&f != 0 }

// table holds the routes; it is built once in New and only read after.
type table struct {
	commands map[string]route // "/name" in a person's chat
	buttons  map[string]route // button action names
	// typed maps a typed request ("I want to talk to a person") to the
	// route it opens (intents.go): a command's, or its own for a request
	// no command stands for ("what should I bring?").
	typed map[intent.Intent]route
	// events routes the other kinds of event; for EventCommand and
	// EventButton, those no route above knows.
	events map[domain.EventKind]Handler

	// The staff group, for configured staff only (desk.go); what no route
	// knows is ignored there.
	staffCommands map[string]staffCommand
	staffButtons  map[string]Handler
	staffEvents   map[domain.EventKind]Handler
}

type staffCommand struct {
	handle Handler
	// menu is the message describing it in the group's command menu
	// (staffhelp.go); "" leaves it out.
	menu string
}

// routes builds the table once, in New.
func (e *Engine) routes() *table {
	t := &table{commands: map[string]route{}, buttons: map[string]route{}, typed: map[intent.Intent]route{},
		events: map[domain.EventKind]Handler{}, staffCommands: map[string]staffCommand{}, staffButtons: map[string]Handler{},
		staffEvents: map[domain.EventKind]Handler{}}
	e.startRoutes(t)     // start.go: greeting, help
	e.menuRoutes(t)      // menu.go: main menu, knowledge areas
	e.faqRoutes(t)       // faq.go: questions and answers
	e.inputRoutes(t)     // input.go: media, edits, unknown commands, stale buttons
	e.languageRoutes(t)  // language.go
	e.privacyRoutes(t)   // privacy.go: notice, deletion
	e.exportRoutes(t)    // export.go
	e.consentRoutes(t)   // consent.go: may the team read a question
	e.handoverRoutes(t)  // handover.go: the person's side of a hand-over
	e.translateRoutes(t) // translate.go: a staff reply's original
	e.bookingRoutes(t)   // booking.go: appointments
	e.offerRoutes(t)     // offers.go: the directory of local offers; /offer
	e.deskRoutes(t)      // desk.go: tickets in the staff group
	e.agendaRoutes(t)    // agenda.go: the day's appointments, attendance, /block
	e.replyRoutes(t)     // replies.go: curated replies
	e.statsRoutes(t)     // stats.go: /stats
	e.staffHelpRoutes(t) // staffhelp.go: /help in the staff group
	return t
}

// A route registered twice is a programming error (the second would
// silently win): New panics, so every test that builds an engine fails.

func (t *table) command(name string, h Handler, flags ...routeFlag) {
	if _, dup := t.commands[name]; dup {
		panic("flows: command registered twice: " + name)
	}
	t.commands[name] = newRoute(h, flags)
}

func (t *table) button(action string, h Handler, flags ...routeFlag) {
	if _, dup := t.buttons[action]; dup {
		panic("flows: button registered twice: " + action)
	}
	t.buttons[action] = newRoute(h, flags)
}

func newRoute(h Handler, flags []routeFlag) route {
	rt := route{handle: h}
	for _, f := range flags {
		rt.flags |= f
	}
	return rt
}

// typedAs opens command's flow for these typed requests; the command is
// registered first.
func (t *table) typedAs(command string, ins ...intent.Intent) {
	rt, ok := t.commands[command]
	if !ok {
		panic(fmt.Sprintf("flows: typed requests %v open unknown command %s", ins, command))
	}
	for _, in := range ins {
		t.typedRoute(in, rt)
	}
}

// typedTo answers a typed request that no command stands for.
func (t *table) typedTo(in intent.Intent, h Handler) { t.typedRoute(in, route{handle: h}) }

func (t *table) typedRoute(in intent.Intent, rt route) {
	if _, dup := t.typed[in]; dup {
		panic("flows: typed request registered twice: " + string(in))
	}
	t.typed[in] = rt
}

func (t *table) on(kind domain.EventKind, h Handler) {
	if t.events[kind] != nil {
		panic("flows: event registered twice: " + kind.String())
	}
	t.events[kind] = h
}

func (t *table) staffCommand(name, menu string, h Handler) {
	if _, dup := t.staffCommands[name]; dup {
		panic("flows: staff command registered twice: " + name)
	}
	t.staffCommands[name] = staffCommand{handle: h, menu: menu}
}

func (t *table) staffButton(action string, h Handler) {
	if _, dup := t.staffButtons[action]; dup {
		panic("flows: staff button registered twice: " + action)
	}
	t.staffButtons[action] = h
}

func (t *table) staffOn(kind domain.EventKind, h Handler) {
	if t.staffEvents[kind] != nil {
		panic("flows: staff event registered twice: " + kind.String())
	}
	t.staffEvents[kind] = h
}

// routeOf is the handler of an event in a person's chat.
func (t *table) routeOf(ev domain.Event) Handler {
	switch ev.Kind {
	case domain.EventCommand:
		if rt, ok := t.commands[ev.Command]; ok {
			return rt.handle
		}
	case domain.EventButton:
		if rt, ok := t.buttons[ev.Action.Name]; ok {
			return rt.handle
		}
	}
	if h, ok := t.events[ev.Kind]; ok {
		return h
	}
	return t.events[domain.EventCommand] // no kind we know: like an unknown command
}

// name names what an event asked for, for logs and errors: the kind, and
// the command or button if it is one of ours (never free text).
func (t *table) name(ev domain.Event) string {
	switch ev.Kind {
	case domain.EventCommand:
		if _, ok := t.commands[ev.Command]; ok {
			return "command " + ev.Command
		}
	case domain.EventButton:
		if _, ok := t.buttons[ev.Action.Name]; ok {
			return "button " + ev.Action.Name
		}
	}
	return ev.Kind.String()
}

// staffRouteOf is the handler of a configured case manager's event in the
// staff group; nil: nothing to do.
func (t *table) staffRouteOf(ev domain.Event) Handler {
	switch ev.Kind {
	case domain.EventCommand:
		return t.staffCommands[ev.Command].handle
	case domain.EventButton:
		return t.staffButtons[ev.Action.Name]
	}
	return t.staffEvents[ev.Kind]
}

// staffName is name for the staff group.
func (t *table) staffName(ev domain.Event) string {
	switch ev.Kind {
	case domain.EventCommand:
		if _, ok := t.staffCommands[ev.Command]; ok {
			return "staff command " + ev.Command
		}
	case domain.EventButton:
		if _, ok := t.staffButtons[ev.Action.Name]; ok {
			return "staff button " + ev.Action.Name
		}
	}
	return "staff " + ev.Kind.String()
}

// CrossChat says whether a button may come from outside the person's own
// conversation (crossChat), so the adapter accepts it without the
// session epoch.
func (e *Engine) CrossChat(action string) bool { return e.table.buttons[action].has(crossChat) }
