package flows

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"lotse/internal/calendar"
	"lotse/internal/domain"
	"lotse/internal/glossary"
	"lotse/internal/i18n"
	"lotse/internal/intent"
	"lotse/internal/kb"
	"lotse/internal/langid"
	"lotse/internal/stats"
)

// Office is where a person meets the integration management.
type Office struct {
	ID, Address, Phone string
	Lat, Lon           float64
	// Name, Notes and Accessibility are written by the municipality, in
	// German and any other language it has.
	Name, Notes, Accessibility i18n.Text
}

// BookingRules are the office hours and rules for appointments.
type BookingRules struct {
	Calendar  calendar.Calendar
	DaysAhead int
	MinLead   time.Duration
	MaxActive int
	Topics    []string
	Reminders []time.Duration // before the start
	// Bring is what to bring to an appointment, shown with the booking.
	Bring i18n.Text
}

// Staff is a case manager as the conversation knows them.
type Staff struct {
	UserID    int64
	Name      string
	Languages []string
}

// SessionLanguages reads a person's current language, for messages sent
// outside their own conversation (reminders).
type SessionLanguages interface {
	Language(ctx context.Context, chatID int64) (string, error)
}

// Settings are the municipality's facts the conversation needs.
type Settings struct {
	// StaffChatID is the case managers' group; 0 disables hand-overs (people
	// are given the offices instead).
	StaffChatID int64
	Staff       []Staff
	// Hours are when case managers answer.
	Hours Hours
	// ReannounceAfter and CloseInactiveAfter time the hand-over sweeps.
	ReannounceAfter, CloseInactiveAfter time.Duration
	// Booking enables appointments when it has office hours.
	Booking BookingRules
	// Town is the municipality's name, used in the greeting.
	Town string
	// Offices are shown when a person asks for an appointment or a person.
	Offices []Office
	// SessionIdle is how long a session is kept after the last message;
	// RecordsKept how long appointments and closed hand-overs are kept.
	// The privacy notice tells the person both.
	SessionIdle, RecordsKept time.Duration
	// Facts are inserted into knowledge base answers ({{name}}).
	Facts map[string]i18n.Text
	// LocalHelp are local emergency contacts shown with the national numbers.
	LocalHelp LocalHelp
	// Related maps a person's language to languages whose speakers are
	// suggested when nobody speaks it (routing.go); PreviousFirst is how
	// long the case manager who helped before has a request to themselves.
	Related       map[string][]string
	PreviousFirst time.Duration
}

// Deps are the parts the engine works with.
type Deps struct {
	Messages *i18n.Bundle
	// StaffText renders the staff group's texts (German or English).
	StaffText *i18n.Localizer
	KB        *kb.KB
	// Tickets stores hand-overs; nil disables them.
	Tickets domain.TicketStore
	// Bookings and Reminders store appointments; nil disables them.
	Bookings  domain.BookingStore
	Reminders domain.ReminderQueue
	Sessions  SessionLanguages
	// Langs tells the language a message is written in; nil: the
	// detector trained on the shipped texts.
	Langs *langid.Detector
	// Offers is the directory of local offers; nil hides them.
	Offers OfferDirectory
	// Stats reads the anonymous daily counters for /stats; Questions
	// keeps consented questions. nil disables each.
	Stats     StatsReader
	Questions domain.QuestionStore
	// Translator translates at the desk; nil: no machine translation.
	// Glossary holds the office terms kept in German and explained.
	Translator domain.Translator
	Glossary   *glossary.Glossary
	Now        func() time.Time
	Log        *slog.Logger
}

// Engine routes events to handlers. It is safe for concurrent use.
type Engine struct {
	msgs *i18n.Bundle
	// greetingSet is read from msgs on first use (greetings).
	greetingsOnce sync.Once
	greetingSet   *greetingSet
	// langNames maps a word naming a language, in any language, to it
	// (namedLanguage), read from msgs on first use.
	langNamesOnce sync.Once
	langNames     map[string]string
	staff         *i18n.Localizer
	kb            *kb.KB
	tickets       domain.TicketStore
	bookings      domain.BookingStore
	remind        domain.ReminderQueue
	sessions      SessionLanguages
	langs         *langid.Detector
	set           Settings
	now           func() time.Time
	log           *slog.Logger
	table         *table // routes.go
	// answers are the knowledge base answers with local facts filled in,
	// by language and entry id: rendered once, not per question.
	answers map[string]map[string]string
	// offers and the words that open them (see offers.go).
	offers        OfferDirectory
	offerTriggers map[string]bool
	// stats and questions: see stats.go and consent.go.
	stats     StatsReader
	questions domain.QuestionStore
	// tr and gloss: see translate.go.
	tr    domain.Translator
	gloss *glossary.Glossary
}

// New builds the engine. Time is injected so tests control it.
func New(d Deps, set Settings) *Engine {
	e := &Engine{msgs: d.Messages, staff: d.StaffText, kb: d.KB, tickets: d.Tickets, set: set, now: d.Now, log: d.Log,
		bookings: d.Bookings, remind: d.Reminders, sessions: d.Sessions, langs: d.Langs,
		offers: d.Offers, offerTriggers: offerTriggerSet(d.Messages), stats: d.Stats, questions: d.Questions,
		tr: d.Translator, gloss: d.Glossary}
	if e.langs == nil {
		var err error
		if e.langs, err = langid.Default(); err != nil {
			// Only a broken embedded text gets here; people are then
			// answered in Telegram's language or the one they pick.
			e.log.Error("language detection unavailable", "err", err)
		}
	}
	if e.bookings == nil || e.remind == nil || len(set.Booking.Calendar.Rules) == 0 {
		e.set.Booking.Calendar.Rules = nil
	}
	if e.tickets == nil || e.staff == nil {
		e.set.StaffChatID = 0
	}
	// The typed requests' model is learnt now (about 0.1 s, once per
	// process), not at someone's first message.
	intent.Shipped()
	e.renderAnswers()
	e.table = e.routes()
	return e
}

// Action names are short: they travel in Telegram's 64-byte callback data.
const (
	actMenu         = "m"
	actArea         = "a"
	actQuestion     = "q"
	actLanguages    = "l"
	actSetLanguage  = "L"
	actLangBack     = "lb"
	actPrivacy      = "p"
	actPrivacyAck   = "pa"
	actDelete       = "d"
	actDeleteYes    = "dy"
	actDeleteNo     = "dn"
	actBooking      = "b"
	actHandover     = "h"
	actSendRequest  = "hs"
	actCancelReq    = "hc"
	actEndHandover  = "he"
	actRate         = "hr"
	actSkip         = "hk"
	maxTextRunes    = 1000
	deleteConfirmOK = 10 * time.Minute
)

// Commands lists the commands offered in Telegram's command menu, in order.
func Commands() []string {
	return []string{"start", "menu", "offers", "language", "person", "end", "appointment", "appointments", "privacy", "export", "delete", "help"}
}

// Handle runs one event against a copy of the session. isNew says the
// session did not exist before (first contact, or after erasure/expiry).
func (e *Engine) Handle(ctx context.Context, s domain.Session, isNew bool, ev domain.Event) domain.Result {
	if ev.Kind == domain.EventBlocked && isNew {
		return domain.Result{} // blocked before writing: nothing to keep
	}
	lang := s.Lang
	switchedFrom := e.resolveLanguage(&s, ev)
	before := s.Clone()
	r := &Request{Event: ev, Session: &s, New: isNew, T: e.msgs.For(s.Lang), now: e.now(), langFrom: switchedFrom}
	err := e.run(ctx, r)
	if err == nil && r.Session.Lang != lang {
		e.followLanguage(ctx, r)
	}
	if err != nil {
		e.log.Log(ctx, domain.LogLevel(err, slog.LevelError), "flow failed", "op", e.table.name(ev), "err", err)
		// Nothing the failed handler decided is kept: the person is where
		// they were before and can simply try again.
		*r.Session = before
		// Urgent help already given stays: a failure elsewhere must not
		// take the emergency numbers away.
		r.replies, r.erase, r.events, r.toast, r.counts = r.replies[:r.urgentReplies], false, nil, "", nil
		r.Say(r.T.T("error.generic", nil), e.menuRow(r))
	}
	e.finish(r)
	if r.erase {
		return domain.Result{Replies: r.replies, Erase: true, Events: r.events, Counts: r.counts}
	}
	if r.langFrom != "" && r.Session.LangFrom == r.langFrom {
		// Unless the person picked a language meanwhile ("English").
		e.offerLanguageBack(r.replies, r.langFrom)
	}
	return domain.Result{Replies: r.replies, Session: r.Session, Toast: r.toast, Events: r.events, Counts: r.counts}
}

// run routes the event, guarded against panics.
func (e *Engine) run(ctx context.Context, r *Request) error {
	return e.guard(func() error {
		e.urgentFirst(r)
		if (r.Event.Kind != domain.EventText || r.urgent != 0) && strings.HasPrefix(r.Session.Screen, screenCancel) {
			// A cancel question is answered by the next message only: a
			// "yes" typed after a tap or an emergency must not cancel.
			r.Session.Screen = screenMenu
		}
		h := e.table.routeOf(r.Event)
		if gate := e.handoverGate(ctx, r); gate != nil {
			h = gate
		}
		if err := h(ctx, r); err != nil {
			return fmt.Errorf("flows: %s: %w", e.table.name(r.Event), err)
		}
		if r.Event.Throttled {
			r.Say(r.T.T("input.slow_down", nil))
		}
		return nil
	})
}

// Request is one event being handled: the session to change and the
// replies collected so far.
type Request struct {
	Event   domain.Event
	Session *domain.Session
	New     bool
	T       *i18n.Localizer
	// staff is the case manager acting in the staff group.
	staff Staff
	// langFrom is the language this event switched away from, if any
	// (resolveLanguage, urgentLanguage): the first reply offers it back.
	langFrom string
	now      time.Time
	replies  []domain.Reply
	erase    bool
	toast    string
	events   []domain.TicketEvent
	// urgent is the kind of emergency the person's text signals; its help
	// is the first urgentReplies replies. Unless urgentFirm (kb.Alarm),
	// the text is answered as well.
	urgent        kb.Urgency
	urgentFirm    bool
	urgentReplies int
	// counts are the statistics this event adds (stats.go); holdQuestion
	// keeps the question just put to the person for consent (consent.go).
	counts       []stats.Count
	countBuf     [4]stats.Count // counts' first array: an answer counts two
	holdQuestion bool
	// msg is the text being matched, analyzed once (see analyzed), and
	// reading the typed-request matcher's reading of it (see read), once
	// hasReading.
	msg        *kb.Message
	reading    intent.Reading
	hasReading bool
	// greeted: the greeting was said in this request (start), so a
	// photo's caption answered after it is not greeted twice.
	greeted bool
}

// analyzed is text normalized and split for the matchers, once per
// event: urgent words, typed requests, the offers' trigger words, the
// search and the local offers all read the same analysis.
func (r *Request) analyzed(text string) *kb.Message {
	if r.msg == nil || r.msg.Text != text {
		r.msg = kb.NewMessage(text)
		r.hasReading = false
	}
	return r.msg
}

// read is the typed-request matcher's reading of text, made once per
// message however many steps ask (typed request, menu, hand-over,
// mentioned flow).
func (r *Request) read(text string) intent.Reading {
	msg := r.analyzed(text)
	if !r.hasReading {
		r.reading, r.hasReading = intent.Shipped().ReadMessage(msg), true
	}
	return r.reading
}

// send adds any reply, e.g. one to another chat.
func (r *Request) send(rep domain.Reply) { r.replies = append(r.replies, rep) }

// Say sends a new message.
func (r *Request) Say(text string, rows ...[]domain.Button) {
	r.replies = append(r.replies, domain.Reply{Text: text, Buttons: rows})
}

// Show replaces the message whose button was pressed, or sends a new one:
// navigating menus should not pile up messages on a small screen.
func (r *Request) Show(text string, rows ...[]domain.Button) {
	edit := r.Event.Kind == domain.EventButton && r.Event.MessageID != 0 && len(r.replies) == 0
	r.replies = append(r.replies, domain.Reply{Text: text, Buttons: rows, Edit: edit})
}

func button(label, action, arg string) domain.Button {
	return domain.Button{Label: label, Action: domain.Action{Name: action, Arg: arg}}
}

// CommandMenu lists the commands with their descriptions in lang, for the
// messenger's command menu.
func (e *Engine) CommandMenu(lang string) []domain.Command {
	t := e.msgs.For(lang)
	out := make([]domain.Command, 0, len(Commands()))
	for _, name := range Commands() {
		out = append(out, domain.Command{Name: name, Description: t.T("command."+name, nil)})
	}
	return out
}
