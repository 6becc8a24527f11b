package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/intent"
)

// The person's side of a hand-over: asking for a person, describing the
// matter, waiting, talking to the case manager through the bot, ending
// and rating. Session.Handover says where it stands.
const (
	handoverDescribe = "describe"
	handoverOpen     = "open"
	handoverRate     = "rate"
	handoverComment  = "comment"
	maxSteps         = 5
)

func (e *Engine) handoverRoutes(t *table) {
	t.command("person", e.requestPerson)
	t.command("end", e.endHandover, duringHandover)
	t.typedAs("person", intent.Person)
	t.typedAs("end", intent.End)
	t.button(actHandover, e.requestPerson)
	t.button(actSendRequest, e.sendRequest)
	t.button(actCancelReq, e.cancelRequest)
	t.button(actEndHandover, e.endHandover, crossChat)
	t.button(actRate, e.rate, crossChat)
	t.button(actSkip, e.skipFeedback, crossChat)
	t.on(domain.EventBlocked, e.personBlocked)
}

// requestPerson leads to a case manager: reachable from every screen and
// offered whenever the bot has no answer.
func (e *Engine) requestPerson(ctx context.Context, r *Request) error {
	if ok, err := e.requirePrivacy(ctx, r, actHandover); !ok || err != nil {
		return err
	}
	if e.set.StaffChatID == 0 {
		return e.showOffices(r, "contact.person")
	}
	t := r.T
	if r.Session.Handover == handoverOpen {
		r.Say(t.T("handover.already_open", i18n.Data{"Ticket": r.Session.Ticket}),
			domain.Row(button(t.T("handover.cancel", nil), actCancelReq, strconv.FormatInt(r.Session.Ticket, 10))))
		return nil
	}
	r.Session.Handover = handoverDescribe
	r.Show(t.T("handover.describe", nil),
		domain.Row(button(t.T("handover.send_now", nil), actSendRequest, "")),
		domain.Row(button(t.T("handover.cancel", nil), actCancelReq, "")))
	return nil
}

// sendRequest opens the ticket without a description.
func (e *Engine) sendRequest(ctx context.Context, r *Request) error {
	if r.Session.Handover == handoverOpen {
		return nil // a second tap: the request is with the team already
	}
	if r.Session.Handover != handoverDescribe {
		return e.staleButton(ctx, r)
	}
	return e.openTicket(ctx, r, false)
}

// handoverGate returns the handler for events that belong to a hand-over,
// or nil to route the event as usual. While a ticket is open, what the
// person writes goes to the case manager, not to the bot.
func (e *Engine) handoverGate(ctx context.Context, r *Request) Handler {
	s, ev := r.Session, r.Event
	textOrMedia := ev.Kind == domain.EventText || ev.Kind == domain.EventMedia
	switch s.Handover {
	case handoverDescribe:
		if e.typedMenu(r) {
			// "back to the menu" typed leaves the step as the button does,
			// rather than becoming the description.
			s.Handover = ""
			return nil
		}
		if textOrMedia {
			return func(ctx context.Context, r *Request) error { return e.openTicket(ctx, r, true) }
		}
		// A command or another button leaves the description step, so a later
		// question goes to the bot, not to the team.
		if ev.Kind == domain.EventCommand || ev.Kind == domain.EventButton && ev.Action.Name != actSendRequest && ev.Action.Name != actCancelReq &&
			ev.Action.Name != actPrivacyAck {
			s.Handover = ""
		}
	case handoverOpen:
		tk, err := e.tickets.Get(ctx, s.Ticket)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			// The store could not say: the person stays with their ticket
			// and is asked to try again.
			return func(context.Context, *Request) error {
				return fmt.Errorf("handover: ticket %d: %w", s.Ticket, err)
			}
		}
		if err != nil || tk.Status == domain.TicketClosed {
			// Closed by a case manager, a sweep, or expired: back to the bot.
			s.Handover = ""
			return nil
		}
		if ev.Kind == domain.EventText {
			if h := e.handoverRequest(r); h != nil {
				return h // "delete my data" typed acts like /delete
			}
			if e.bookingInput(r) {
				// A booking begun during the hand-over: "Mittwoch" or
				// "10:30" on its step is for the booking, not the team.
				return e.resumeBooking
			}
		}
		// A command the bot knows does what it says (/help, /menu, /start
		// …); one it does not know ("/2") is part of the conversation.
		_, known := e.table.commands[ev.Command]
		if textOrMedia || ev.Kind == domain.EventCommand && !known {
			return func(ctx context.Context, r *Request) error { return e.relayToStaff(ctx, r, tk) }
		}
	case handoverComment:
		if ev.Kind == domain.EventText && !e.typedMenu(r) {
			return e.comment
		}
		s.Handover = ""
	case handoverRate:
		if ev.Kind != domain.EventButton {
			s.Handover = ""
		}
	}
	return nil
}

// stillOpen is the reminder, under the menu, the greeting and the help
// shown while a request is open, that what the person types goes to the
// team; "" otherwise.
func stillOpen(r *Request) string {
	if r.Session.Handover != handoverOpen || r.Session.Ticket == 0 {
		return ""
	}
	return "\n\n" + r.T.T("handover.still_open", i18n.Data{"Ticket": r.Session.Ticket})
}

// followLanguage gives the person's open ticket the language they have
// just switched to, so the team's messages reach them in it, and tells the
// group. A failure is logged: the person's own event went through.
func (e *Engine) followLanguage(ctx context.Context, r *Request) {
	s := r.Session
	if s.Handover != handoverOpen || s.Ticket == 0 || e.tickets == nil {
		return
	}
	tk, err := e.tickets.Get(ctx, s.Ticket)
	if err != nil || tk.Lang == s.Lang || tk.Status == domain.TicketClosed {
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			e.log.Warn("ticket language not followed", "ticket", s.Ticket, "err", err)
		}
		return
	}
	tk, err = e.tickets.SetLanguage(ctx, tk.ID, s.Lang)
	if err != nil {
		if !errors.Is(err, domain.ErrTicketClosed) && !errors.Is(err, domain.ErrNotFound) {
			e.log.Warn("ticket language not followed", "ticket", s.Ticket, "err", err)
		}
		return
	}
	e.sendCard(r, e.cardUpdate(tk))
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: e.staff.T("staff.person_language", i18n.Data{"ID": tk.ID, "Lang": e.langName(tk.Lang)})})
}

// openTicket announces the request in the staff group with its card, relays
// the description if there is one, and tells the person what happens next.
func (e *Engine) openTicket(ctx context.Context, r *Request, withDescription bool) error {
	s := r.Session
	prev, err := e.tickets.LastCaseManager(ctx, r.Event.ChatID)
	if err != nil {
		e.log.Warn("last case manager unknown", "err", err)
	}
	next := e.nextAppointment(ctx, r)
	tk, err := e.tickets.Open(ctx, domain.Ticket{
		ChatID: r.Event.ChatID, FirstName: r.Event.FirstName, Lang: s.Lang,
		Topic: topicOf(s.Screen), Steps: s.Steps, Created: r.now,
		Previous: prev, Appointment: next.Start, ApptOffice: next.Office,
	})
	if err != nil {
		return err
	}
	r.send(e.card(tk, prev))
	e.tellPrevious(r, tk)
	if withDescription {
		e.relay(ctx, r, tk)
	}
	s.Handover, s.Ticket = handoverOpen, tk.ID
	t := r.T
	// Withdrawing comes last: the button above it was "send", and a
	// second tap in the same place must not take the request back (QA,
	// 4 December).
	cancel := domain.Row(button(t.T("handover.cancel", nil), actCancelReq, strconv.FormatInt(tk.ID, 10)))
	if e.set.Hours.Open(r.now) {
		r.Say(t.T("handover.queued_open", i18n.Data{"Ticket": tk.ID}), domain.Row(button(t.T("button.menu", nil), actMenu, "")), cancel)
	} else {
		back := e.set.Hours.NextOpen(r.now).In(e.set.Hours.loc())
		r.Say(t.T("handover.queued_closed", i18n.Data{"Ticket": tk.ID, "Back": formatDate(t, back) + " " + back.Format("15:04")}),
			domain.Row(button(t.T("menu.booking", nil), actBooking, "")), cancel)
	}
	r.events = append(r.events, domain.TicketEvent{Kind: "opened", Lang: s.Lang})
	return nil
}

// relayToStaff passes what the person sends to the case managers. Urgent
// words have already got their help first (urgentFirst).
func (e *Engine) relayToStaff(ctx context.Context, r *Request, tk domain.Ticket) error {
	waiting := tk.Status == domain.TicketWaiting
	if waiting && r.urgent == 0 {
		// Collected until a case manager takes the ticket, then posted as
		// one batch: many waiting people must not flood the group past
		// Telegram's 20 messages a minute. An emergency goes at once.
		err := e.collect(ctx, r, tk)
		switch {
		case err == nil:
			r.Say(r.T.T("handover.passed_on", nil))
			return e.tickets.Touch(ctx, tk.ID, r.now, 0)
		case errors.Is(err, domain.ErrTicketClosed), errors.Is(err, domain.ErrNotFound):
			// Ended just now: the message is for the bot again.
			r.Session.Handover = ""
			return e.table.routeOf(r.Event)(ctx, r)
		case !errors.Is(err, domain.ErrTicketTaken):
			return err
		}
		// Taken just now, the collected messages posted already: this
		// one goes straight to the case manager.
		waiting = false
	}
	e.relay(ctx, r, tk)
	if waiting {
		r.Say(r.T.T("handover.passed_on", nil))
	}
	return e.tickets.Touch(ctx, tk.ID, r.now, 0)
}

// collected is one thing a person sent while their ticket waited.
type collected struct {
	Text    string `json:"t,omitempty"`
	Chat    int64  `json:"c,omitempty"`
	Message int    `json:"m,omitempty"`
	Caption string `json:"cap,omitempty"`
	Media   string `json:"k,omitempty"`
}

func (e *Engine) collect(ctx context.Context, r *Request, tk domain.Ticket) error {
	ev := r.Event
	item := collected{Text: ev.Text}
	switch ev.Kind {
	case domain.EventMedia:
		item = collected{Chat: ev.ChatID, Message: ev.MessageID, Caption: ev.Text, Media: ev.Media}
	case domain.EventCommand:
		item.Text = "/" + ev.Command + " " + ev.Args
	}
	raw, err := json.Marshal(item)
	if err != nil {
		return err
	}
	return e.tickets.Collect(ctx, tk.ID, string(raw))
}

// flushCollected posts what the person sent while waiting, once a case
// manager has taken the ticket, in the order it was sent: the texts
// between two media as one message, media as media. Everything is
// translated at once, so the take waits for one translation at most.
func (e *Engine) flushCollected(ctx context.Context, r *Request, tk domain.Ticket) error {
	items, err := e.tickets.Collected(ctx, tk.ID)
	if err != nil || len(items) == 0 {
		return err
	}
	// parts are runs of texts, and single media, in order.
	type part struct {
		texts []string
		media *collected
	}
	var parts []part
	for _, raw := range items {
		var it collected
		if json.Unmarshal([]byte(raw), &it) != nil {
			continue
		}
		switch {
		case it.Message != 0:
			parts = append(parts, part{media: &it})
		case len(parts) > 0 && parts[len(parts)-1].media == nil:
			last := &parts[len(parts)-1]
			last.texts = append(last.texts, "• "+i18n.StripOverrides(it.Text))
		default:
			parts = append(parts, part{texts: []string{"• " + i18n.StripOverrides(it.Text)}})
		}
	}
	german := make([]string, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		src := strings.Join(p.texts, "\n")
		if p.media != nil {
			src = p.media.Caption
		}
		if strings.TrimSpace(src) == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			german[i] = e.toGerman(ctx, tk, src)
		}()
	}
	wg.Wait()
	waiting := e.staff.T("staff.relay_waiting", i18n.Data{"ID": tk.ID, "Name": personName(tk.FirstName)})
	live := e.staff.T("staff.relay", i18n.Data{"ID": tk.ID, "Name": personName(tk.FirstName)})
	for i, p := range parts {
		switch it := p.media; {
		case it == nil:
			text := waiting + "\n" + strings.Join(p.texts, "\n")
			if german[i] != "" {
				text += "\n\n" + german[i]
			}
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: text})
		case !captionable[it.Media]:
			// No caption to carry the label: a line before it, as live.
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: waiting})
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Copy: &domain.Copy{FromChatID: it.Chat, MessageID: it.Message}})
		default:
			body := i18n.StripOverrides(it.Caption)
			if german[i] != "" {
				body += "\n\n" + german[i]
			}
			r.replies = append(r.replies, e.relayMedia(tk, it.Chat, it.Message, live, body)...)
		}
	}
	return nil
}

// relay copies the person's message into the staff group, marked with the
// ticket: text as plain text (it can neither format nor link as the bot),
// media as media; text and captions with their German translation.
func (e *Engine) relay(ctx context.Context, r *Request, tk domain.Ticket) {
	head := e.staff.T("staff.relay", i18n.Data{"ID": tk.ID, "Name": personName(tk.FirstName)})
	if r.urgent != 0 {
		// The person has been shown the emergency numbers already.
		head = e.staff.T("staff.relay_urgent", i18n.Data{"ID": tk.ID, "Name": personName(tk.FirstName)})
	}
	ev := r.Event
	switch {
	case ev.Kind == domain.EventMedia && captionable[ev.Media]:
		body := ""
		if ev.Text != "" {
			body = i18n.StripOverrides(ev.Text)
			if de := e.toGerman(ctx, tk, ev.Text); de != "" {
				body += "\n\n" + de
			}
		}
		for _, rep := range e.relayMedia(tk, ev.ChatID, ev.MessageID, head, body) {
			r.send(rep)
		}
	case ev.Kind == domain.EventMedia:
		// Stickers, locations and contacts carry no caption: a header first.
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: head})
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID,
			Copy: &domain.Copy{FromChatID: ev.ChatID, MessageID: ev.MessageID}})
	default:
		text := ev.Text
		if ev.Kind == domain.EventCommand {
			text = strings.TrimSpace("/" + ev.Command + " " + ev.Args)
		}
		out := head + "\n" + i18n.StripOverrides(text)
		if de := e.toGerman(ctx, tk, text); de != "" {
			out += "\n\n" + de
		}
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: out})
	}
}

// relayMedia copies a person's photo, voice message or file into the
// staff group with the header and body (their caption and its
// translation) as caption — or, past Telegram's caption limit, with the
// header alone and the body as a message after it: a copy refused for
// its caption would never reach the team.
func (e *Engine) relayMedia(tk domain.Ticket, from int64, msg int, head, body string) []domain.Reply {
	cp := &domain.Copy{FromChatID: from, MessageID: msg, Caption: head}
	out := []domain.Reply{{ChatID: e.set.StaffChatID, Ticket: tk.ID, Copy: cp}}
	switch {
	case body == "":
	case i18n.UTF16Len(head+"\n"+body) <= maxCaption:
		cp.Caption = head + "\n" + body
	default:
		out = append(out, domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: head + "\n" + body})
	}
	return out
}

var captionable = map[string]bool{"photo": true, "video": true, "document": true, "audio": true, "voice": true, "animation": true}

// endHandover gives the conversation back to the bot and asks for a rating.
func (e *Engine) endHandover(ctx context.Context, r *Request) error {
	s := r.Session
	if s.Handover != handoverOpen || s.Ticket == 0 {
		r.Say(r.T.T("handover.none", nil), e.menuRow(r))
		return nil
	}
	switch tk, err := e.tickets.Get(ctx, s.Ticket); {
	case err != nil && !errors.Is(err, domain.ErrNotFound):
		return fmt.Errorf("handover: end ticket %d: %w", s.Ticket, err)
	case err == nil && tk.Status == domain.TicketWaiting:
		// Nobody has answered yet: nothing to rate, the request is
		// withdrawn.
		return e.withdraw(ctx, r)
	}
	tk, err := e.closeByPerson(ctx, r, "person", "staff.person_ended")
	if err != nil {
		return err
	}
	s.Handover = handoverRate
	rep := e.askRating(r.T, tk)
	rep.Text = r.T.T("handover.ended", nil) + "\n\n" + rep.Text
	r.send(rep)
	return nil
}

// personBlocked: the person has blocked the bot, and nothing reaches them
// any more. An open request is closed and the team told, so nobody answers
// into the void; the person is told nothing, as they cannot receive it.
func (e *Engine) personBlocked(ctx context.Context, r *Request) error {
	return e.leaveHandover(ctx, r, "blocked", "staff.person_blocked")
}

// leaveHandover closes the person's request, if one is open, as by the
// person (see closeByPerson), and ends the hand-over in their session.
func (e *Engine) leaveHandover(ctx context.Context, r *Request, by, staffNote string) error {
	s := r.Session
	if s.Handover == handoverOpen && s.Ticket != 0 {
		if _, err := e.closeByPerson(ctx, r, by, staffNote); err != nil {
			return err
		}
	}
	s.Handover = ""
	return nil
}

// cancelRequest withdraws the request (or leaves the description step).
// A cancel button names its request: one under an earlier request,
// pressed in an old message, must not close the request open now, which a
// case manager may be answering. (Buttons without a request are from the
// description step, or sent before buttons named theirs.)
func (e *Engine) cancelRequest(ctx context.Context, r *Request) error {
	s := r.Session
	if arg := r.Event.Action.Arg; arg != "" && (s.Handover != handoverOpen || arg != strconv.FormatInt(s.Ticket, 10)) {
		if s.Handover == handoverOpen || s.Handover == handoverDescribe {
			// The request open or being written now, with its own buttons.
			return e.requestPerson(ctx, r)
		}
		return e.staleButton(ctx, r) // that request has ended already
	}
	return e.withdraw(ctx, r)
}

// withdraw closes the person's request, if one is open, as withdrawn.
func (e *Engine) withdraw(ctx context.Context, r *Request) error {
	if err := e.leaveHandover(ctx, r, "cancelled", "staff.person_cancelled"); err != nil {
		return err
	}
	r.Say(r.T.T("handover.cancelled", nil))
	return e.showMenu(ctx, r)
}

// closeByPerson closes the person's ticket and tells the staff group; a
// ticket closed meanwhile (by staff or a sweep) is no error.
func (e *Engine) closeByPerson(ctx context.Context, r *Request, by, staffNote string) (domain.Ticket, error) {
	tk, err := e.tickets.Close(ctx, r.Session.Ticket, by, "", r.now)
	switch {
	case errors.Is(err, domain.ErrTicketClosed):
		return tk, nil
	case err != nil:
		return tk, err
	}
	e.sendCard(r, e.cardUpdate(tk))
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: e.staff.T(staffNote, i18n.Data{"ID": tk.ID})})
	r.events = append(r.events, domain.TicketEvent{Kind: "closed", Lang: tk.Lang})
	return tk, nil
}

// askRating offers 1–5 stars for a ticket, in the person's language.
func (e *Engine) askRating(t *i18n.Localizer, tk domain.Ticket) domain.Reply {
	var stars []domain.Button
	for n := 1; n <= 5; n++ {
		stars = append(stars, button(strconv.Itoa(n)+"⭐", actRate, strconv.FormatInt(tk.ID, 10)+":"+strconv.Itoa(n)))
	}
	return domain.Reply{Text: t.T("handover.rate", nil), Buttons: [][]domain.Button{
		stars, domain.Row(button(t.T("handover.skip", nil), actSkip, strconv.FormatInt(tk.ID, 10))),
	}}
}

// rate records the person's rating and asks for an optional comment.
func (e *Engine) rate(ctx context.Context, r *Request) error {
	idStr, nStr, _ := strings.Cut(r.Event.Action.Arg, ":")
	id, err1 := strconv.ParseInt(idStr, 10, 64)
	n, err2 := strconv.Atoi(nStr)
	if err1 != nil || err2 != nil || n < 1 || n > 5 {
		return e.staleButton(ctx, r)
	}
	tk, err := e.tickets.Get(ctx, id)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return fmt.Errorf("handover: rate ticket %d: %w", id, err)
	}
	if err != nil || tk.ChatID != r.Event.ChatID || tk.Status != domain.TicketClosed || tk.Rating != 0 {
		r.Say(r.T.T("handover.thanks", nil), e.menuRow(r))
		return nil
	}
	if tk, err = e.tickets.Rate(ctx, id, n); err != nil {
		return fmt.Errorf("handover: rate ticket %d: %w", id, err)
	}
	e.sendCard(r, e.cardUpdate(tk))
	r.events = append(r.events, domain.TicketEvent{Kind: "rated", Lang: tk.Lang, Rating: n})
	r.Session.Handover, r.Session.Ticket = handoverComment, id
	r.Show(r.T.T("handover.comment", nil), domain.Row(button(r.T.T("handover.skip", nil), actSkip, idStr)))
	return nil
}

// comment passes the person's optional comment to the case managers.
func (e *Engine) comment(ctx context.Context, r *Request) error {
	tk, err := e.tickets.Get(ctx, r.Session.Ticket)
	switch {
	case err == nil:
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID,
			Text: e.staff.T("staff.feedback", i18n.Data{"ID": tk.ID}) + "\n" + i18n.OneLine(r.Event.Text)})
	case !errors.Is(err, domain.ErrNotFound):
		return fmt.Errorf("handover: comment on ticket %d: %w", r.Session.Ticket, err)
	}
	return e.skipFeedback(ctx, r)
}

func (e *Engine) skipFeedback(ctx context.Context, r *Request) error {
	r.Session.Handover = ""
	r.Say(r.T.T("handover.thanks", nil))
	return e.showMenu(ctx, r)
}

// rememberStep keeps the last questions shown, for the case manager's card;
// only after the privacy acknowledgement.
func rememberStep(s *domain.Session, id string) {
	if !s.Acknowledged() {
		return
	}
	s.Steps = append(s.Steps, id)
	if len(s.Steps) > maxSteps {
		s.Steps = s.Steps[len(s.Steps)-maxSteps:]
	}
}

// topicOf names the knowledge area the person was in.
func topicOf(screen string) string {
	switch {
	case strings.HasPrefix(screen, screenArea):
		return strings.TrimPrefix(screen, screenArea)
	case strings.HasPrefix(screen, screenQuestion):
		id := strings.TrimPrefix(screen, screenQuestion)
		area, _, _ := strings.Cut(id, ".")
		return area
	}
	return ""
}

// forgetPerson erases what is stored about the person beyond the session:
// their appointments (freeing the places, dropping the reminders), and
// their tickets — an open one is closed and the case managers are told.
// In the staff group, every card of theirs loses the name and what they
// looked at, and the bot deletes the copies of what they sent while
// Telegram still lets it.
func (e *Engine) forgetPerson(ctx context.Context, r *Request) error {
	if e.bookings != nil {
		gone, err := e.bookings.Forget(ctx, r.Event.ChatID)
		if err != nil {
			return fmt.Errorf("privacy: forget bookings: %w", err)
		}
		for _, bk := range gone {
			if err := e.remind.Unschedule(ctx, e.reminderIDs(bk.ID)); err != nil {
				return fmt.Errorf("privacy: forget reminders of %s: %w", bk.ID, err)
			}
		}
	}
	if e.tickets == nil {
		return nil
	}
	s := r.Session
	if s.Ticket != 0 {
		tk, err := e.tickets.Close(ctx, s.Ticket, "erased", "", r.now)
		switch {
		case err == nil:
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.erased", i18n.Data{"ID": tk.ID})})
			r.events = append(r.events, domain.TicketEvent{Kind: "closed", Lang: tk.Lang})
		case !errors.Is(err, domain.ErrTicketClosed) && !errors.Is(err, domain.ErrNotFound):
			return fmt.Errorf("privacy: close ticket %d: %w", s.Ticket, err)
		}
	}
	gone, err := e.tickets.Forget(ctx, r.Event.ChatID, s.Ticket)
	if err != nil {
		return fmt.Errorf("privacy: forget tickets: %w", err)
	}
	for _, tk := range gone.Tickets {
		if tk.CardID == 0 {
			continue
		}
		tk.FirstName, tk.Steps, tk.Note = "", nil, ""
		card := e.cardUpdate(tk)
		card.Buttons = nil
		r.send(card)
	}
	for _, id := range gone.Copies {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, DeleteID: id})
	}
	return nil
}
