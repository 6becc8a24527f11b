package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// The case managers' side, in the staff group: ticket cards with Take and
// Close, replies that reach the person, /queue and /close, and the sweep
// that re-announces and closes tickets. Only configured staff act; the
// bot never sends a person's message anywhere but the staff group, and a
// staff reply only to the person of the ticket it answers.

// Staff-group button actions.
const (
	actTake        = "T"
	actTakeOver    = "O"
	actConfirmOver = "Y"
	actKeepOwner   = "N"
	actClose       = "X"
	actHandBack    = "G"
)

func (e *Engine) deskRoutes(t *table) {
	t.staffCommand("queue", "staff.cmd.queue", e.showQueue)
	t.staffCommand("close", "staff.cmd.close", e.closeReplied)
	t.staffButton(actTake, e.takeTicket)
	t.staffButton(actTakeOver, e.offerTakeOver)
	t.staffButton(actConfirmOver, e.confirmTakeOver)
	t.staffButton(actKeepOwner, e.keepOwner)
	t.staffButton(actClose, e.closeCard)
	t.staffButton(actHandBack, e.handBack)
	t.staffOn(domain.EventText, e.answerPerson)
	t.staffOn(domain.EventMedia, e.answerPerson)
	t.staffOn(domain.EventEdited, e.editedAnswer)
	t.staffOn(domain.EventStaleButton, e.staleStaffButton)
}

// HandleStaff handles one event in the staff group.
func (e *Engine) HandleStaff(ctx context.Context, ev domain.Event) domain.Result {
	r := &Request{Event: ev, now: e.now()}
	if err := e.guard(func() error { return e.handleStaff(ctx, r) }); err != nil {
		e.log.Log(ctx, domain.LogLevel(err, slog.LevelError), "staff action failed", "op", e.table.staffName(ev), "err", err)
		r.replies, r.events = nil, nil
		r.toast = e.staff.T("staff.error", nil)
		if ev.Kind != domain.EventButton && ev.Kind != domain.EventStaleButton {
			// A command or reply has no toast to show it in.
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: r.toast})
		}
	}
	return domain.Result{Replies: r.replies, Toast: r.toast, Events: r.events, Counts: r.counts}
}

// guard turns a panic into an error: a message that makes a handler panic
// must get an answer and be done with, or it would be redelivered, and
// block its chat, until Telegram gives up.
func (e *Engine) guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("flows: panic: %v", p)
		}
	}()
	return f()
}

// handleStaff routes a configured case manager's event through the table;
// anyone else acting in the group is refused.
func (e *Engine) handleStaff(ctx context.Context, r *Request) error {
	if e.set.StaffChatID == 0 {
		return nil
	}
	ev := r.Event
	st, ok := e.staffMember(ev.UserID)
	if !ok {
		acting := ev.Kind == domain.EventButton || ev.Kind == domain.EventStaleButton || ev.Kind == domain.EventCommand || ev.ReplyTo != 0
		if acting {
			return e.refuseNonStaff(ctx, r)
		}
		return nil
	}
	r.staff = st
	if h := e.table.staffRouteOf(ev); h != nil {
		return h(ctx, r)
	}
	return nil
}

func (e *Engine) staffMember(userID int64) (Staff, bool) {
	for _, st := range e.set.Staff {
		if st.UserID == userID && userID != 0 {
			return st, true
		}
	}
	return Staff{}, false
}

// toStaffMember is a private note to a case manager; Telegram refuses it
// until they have started a chat with the bot, and then it is said in the
// group, addressed to them, rather than lost.
func (e *Engine) toStaffMember(st Staff, text string) domain.Reply {
	return domain.Reply{ChatID: st.UserID, Text: text, OnRefused: &domain.Reply{ChatID: e.set.StaffChatID, Text: st.Name + ": " + text}}
}

// refuseNonStaff ignores someone in the staff group who is not configured
// staff, and tells them so privately, once.
func (e *Engine) refuseNonStaff(ctx context.Context, r *Request) error {
	r.toast = e.staff.T("staff.not_staff", nil)
	first, err := e.tickets.FirstNotice(ctx, r.Event.UserID)
	if err != nil || !first {
		return err
	}
	r.send(domain.Reply{ChatID: r.Event.UserID, Text: e.staff.T("staff.not_staff", nil)})
	return nil
}

// cardTicket is the ticket a staff button acts on: its argument is
// "<ticket>" or "<ticket>:<more>".
func cardTicket(r *Request) int64 {
	id, _ := strconv.ParseInt(strings.SplitN(r.Event.Action.Arg, ":", 2)[0], 10, 64)
	return id
}

// takeTicket is the card's Take button.
func (e *Engine) takeTicket(ctx context.Context, r *Request) error {
	return e.take(ctx, r, r.staff, cardTicket(r), false)
}

// confirmTakeOver takes the ticket from its owner, if the confirmation
// was offered to whoever pressed it.
func (e *Engine) confirmTakeOver(ctx context.Context, r *Request) error {
	id := cardTicket(r)
	if r.Event.Action.Arg != strconv.FormatInt(id, 10)+":"+strconv.FormatInt(r.staff.UserID, 10) {
		r.toast = e.staff.T("staff.not_yours", nil)
		return nil
	}
	return e.take(ctx, r, r.staff, id, true)
}

// keepOwner withdraws a take-over offer: the card as it was.
func (e *Engine) keepOwner(ctx context.Context, r *Request) error {
	id := cardTicket(r)
	tk, err := e.tickets.Get(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		r.toast = e.staff.T("staff.gone", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("desk: keep owner of ticket %d: %w", id, err)
	}
	e.sendCard(r, e.cardUpdate(tk))
	return nil
}

func (e *Engine) staleStaffButton(_ context.Context, r *Request) error {
	r.toast = e.staff.T("staff.stale", nil)
	return nil
}

// take gives the ticket to a case manager, updates the card and tells the
// person who is now with them.
func (e *Engine) take(ctx context.Context, r *Request, st Staff, id int64, takeOver bool) error {
	before, err := e.tickets.Get(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		r.toast = e.staff.T("staff.gone", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("desk: take ticket %d: %w", id, err)
	}
	if prev, minutes, reserved := e.reservedFor(before, st, r.now); reserved && !takeOver {
		r.toast = e.staff.T("staff.reserved", i18n.Data{"ID": id, "Name": prev.Name, "Minutes": minutes})
		return nil
	}
	// The update that took it from the queue, processed again because its
	// replies did not all go out: the take's work is done again.
	retry := r.Event.UpdateID != 0 && before.TakeUpdate == r.Event.UpdateID && before.Owner == st.UserID
	tk, err := e.tickets.Take(ctx, id, st.UserID, st.Name, takeOver, r.now, r.Event.UpdateID)
	switch {
	case errors.Is(err, domain.ErrTicketTaken):
		r.toast = e.staff.T("staff.taken_by", i18n.Data{"ID": id, "Name": tk.OwnerName})
		return nil
	case errors.Is(err, domain.ErrTicketClosed), errors.Is(err, domain.ErrNotFound):
		r.toast = e.staff.T("staff.gone", nil)
		return nil
	case err != nil:
		return fmt.Errorf("desk: take ticket %d: %w", id, err)
	}
	e.sendCard(r, e.cardUpdate(tk))
	if before.Owner == st.UserID && !retry {
		return nil // already theirs: a double tap
	}
	if before.Status == domain.TicketWaiting {
		r.events = append(r.events, domain.TicketEvent{Kind: "taken", Lang: tk.Lang, Wait: r.now.Sub(tk.Created)})
	}
	if before.Status == domain.TicketWaiting || retry {
		if err := e.flushCollected(ctx, r, tk); err != nil {
			return err
		}
	}
	t := e.msgs.For(tk.Lang)
	r.send(domain.Reply{ChatID: tk.ChatID, Text: t.T("handover.taken", i18n.Data{"Name": st.Name}),
		Buttons: [][]domain.Button{domain.Row(button(t.T("handover.end", nil), actEndHandover, ""))}, OnRefused: e.undelivered(tk)})
	return nil
}

// handBack gives a taken ticket back to the team, by its owner: it waits
// again, announced in the group, and the person is told. What they write
// from now on is collected for whoever takes it next.
func (e *Engine) handBack(ctx context.Context, r *Request) error {
	id := cardTicket(r)
	tk, err := e.tickets.Release(ctx, id, r.staff.UserID, r.now)
	switch {
	case errors.Is(err, domain.ErrTicketTaken):
		r.toast = e.staff.T("staff.hand_back_not_yours", i18n.Data{"ID": id})
		return nil
	case errors.Is(err, domain.ErrTicketClosed), errors.Is(err, domain.ErrNotFound):
		r.toast = e.staff.T("staff.gone", nil)
		return nil
	case err != nil:
		return fmt.Errorf("desk: hand back ticket %d: %w", id, err)
	}
	e.sendCard(r, e.cardUpdate(tk))
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID,
		Text:    e.staff.T("staff.handed_back", i18n.Data{"ID": tk.ID, "Name": r.staff.Name}),
		Buttons: [][]domain.Button{domain.Row(button(e.staff.T("staff.take", nil), actTake, strconv.FormatInt(tk.ID, 10)))}})
	t := e.msgs.For(tk.Lang)
	r.send(domain.Reply{ChatID: tk.ChatID, Text: t.T("handover.handed_back", nil),
		Buttons: [][]domain.Button{domain.Row(button(t.T("handover.cancel", nil), actCancelReq, strconv.FormatInt(tk.ID, 10)))}})
	return nil
}

// offerTakeOver asks the case manager who pressed "take over" to confirm.
func (e *Engine) offerTakeOver(ctx context.Context, r *Request) error {
	st, id := r.staff, cardTicket(r)
	tk, err := e.tickets.Get(ctx, id)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return fmt.Errorf("desk: offer take-over of ticket %d: %w", id, err)
	}
	if err != nil || tk.Status == domain.TicketClosed {
		r.toast = e.staff.T("staff.gone", nil)
		return nil
	}
	if tk.Owner == st.UserID {
		r.toast = e.staff.T("staff.already_yours", nil)
		return nil
	}
	card := e.cardUpdate(tk)
	card.Buttons = [][]domain.Button{domain.Row(
		button(e.staff.T("staff.confirm_takeover", i18n.Data{"Name": st.Name, "Owner": tk.OwnerName}), actConfirmOver,
			strconv.FormatInt(id, 10)+":"+strconv.FormatInt(st.UserID, 10)),
		button(e.staff.T("staff.keep_owner", nil), actKeepOwner, strconv.FormatInt(id, 10)))}
	e.sendCard(r, card)
	return nil
}

// closeCard is the card's Close button.
func (e *Engine) closeCard(ctx context.Context, r *Request) error {
	return e.closeTicket(ctx, r, cardTicket(r), "")
}

// closeReplied answers /close [note], given as a reply to a request.
func (e *Engine) closeReplied(ctx context.Context, r *Request) error {
	id, err := e.tickets.RelayedTicket(ctx, r.Event.ReplyTo)
	if err != nil {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.close_usage", nil)})
		return nil
	}
	return e.closeTicket(ctx, r, id, r.Event.Args)
}

// closeTicket ends a ticket from the staff side and asks the person to rate.
func (e *Engine) closeTicket(ctx context.Context, r *Request, id int64, note string) error {
	tk, err := e.tickets.Close(ctx, id, "staff", note, r.now)
	if errors.Is(err, domain.ErrTicketClosed) || errors.Is(err, domain.ErrNotFound) {
		r.toast = e.staff.T("staff.gone", nil)
		if r.Event.Kind != domain.EventButton {
			// A typed /close has no button to show the toast on.
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: r.toast})
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("desk: close ticket %d: %w", id, err)
	}
	e.sendCard(r, e.cardUpdate(tk))
	r.events = append(r.events, domain.TicketEvent{Kind: "closed", Lang: tk.Lang})
	t := e.msgs.For(tk.Lang)
	rep := e.askRating(t, tk)
	rep.ChatID = tk.ChatID
	rep.Text = t.T("handover.closed_by_staff", nil) + "\n\n" + rep.Text
	r.send(rep)
	return nil
}

// answerPerson delivers a case manager's reply to the person of the ticket
// the reply answers — and only to them.
func (e *Engine) answerPerson(ctx context.Context, r *Request) error {
	ev, st := r.Event, r.staff
	if ev.ReplyTo == 0 {
		return nil // not a reply: staff talking among themselves
	}
	id, err := e.tickets.RelayedTicket(ctx, ev.ReplyTo)
	if errors.Is(err, domain.ErrNotFound) {
		return nil // not a ticket message: staff talking among themselves
	}
	if err != nil {
		return fmt.Errorf("desk: answer: %w", err)
	}
	tk, ok, err := e.answerable(ctx, r, st, id)
	if err != nil || !ok {
		return err
	}
	if ev.Kind == domain.EventMedia {
		e.copyToPerson(ctx, r, tk, st.Name, ev)
	} else {
		rep := e.toPerson(ctx, tk, st.Name, ev.Text, ev.MessageID)
		rep.OnRefused = e.undelivered(tk)
		r.send(rep)
	}
	if gl, ok, err := e.explainTerms(ctx, tk, ev.Text); err != nil {
		e.log.Warn("glossary terms not explained", "ticket", id, "err", err)
	} else if ok {
		r.send(gl)
	}
	// The reply itself now belongs to the ticket: replying to it works too.
	if err := e.tickets.Relay(ctx, ev.MessageID, id, false); err != nil {
		return err
	}
	return e.tickets.Touch(ctx, id, r.now, 0)
}

// editedAnswer answers a case manager who edits an answer already sent:
// the person keeps the first version, so a corrected date or address
// must go out as a new reply.
func (e *Engine) editedAnswer(ctx context.Context, r *Request) error {
	id, err := e.tickets.RelayedTicket(ctx, r.Event.MessageID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil // not an answer: staff talking among themselves
	}
	if err != nil {
		return fmt.Errorf("desk: edited answer: %w", err)
	}
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.edit_not_sent", i18n.Data{"ID": id})})
	return nil
}

// copyToPerson passes a case manager's photo, voice message or file on
// with their name, as their texts go: in the caption where the medium has
// one and the name fits Telegram's limit, else on a line before it. A
// caption is translated as a text reply is, the original one tap away.
func (e *Engine) copyToPerson(ctx context.Context, r *Request, tk domain.Ticket, name string, ev domain.Event) {
	plain := fromStaff(name)
	head := domain.Reply{ChatID: tk.ChatID, Text: plain}
	if ev.Text != "" {
		head = e.toPerson(ctx, tk, name, ev.Text, ev.MessageID)
	}
	cp := &domain.Copy{FromChatID: e.set.StaffChatID, MessageID: ev.MessageID}
	rep := domain.Reply{ChatID: tk.ChatID, Copy: cp, OnRefused: e.undelivered(tk)}
	switch {
	case captionable[ev.Media] && i18n.UTF16Len(head.Text) <= maxCaption:
		cp.Caption, rep.Buttons = head.Text, head.Buttons
	case ev.Text != "" && head.Text != plain+"\n"+ev.Text:
		// Translated (or noted): said before the copy, which keeps its
		// original caption.
		r.send(head)
	default:
		r.send(domain.Reply{ChatID: tk.ChatID, Text: plain})
	}
	r.send(rep)
}

// undelivered tells the group that Telegram refused an answer to the
// person of tk: most often they have blocked the bot, and no answer
// through Lotse will reach them.
func (e *Engine) undelivered(tk domain.Ticket) *domain.Reply {
	return &domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.undelivered", i18n.Data{"ID": tk.ID, "Name": personName(tk.FirstName)})}
}

// maxCaption is Telegram's limit on a caption, in UTF-16 code units.
const maxCaption = 1024

// showQueue lists open tickets, longest waiting first.
func (e *Engine) showQueue(ctx context.Context, r *Request) error {
	q, err := e.tickets.Queue(ctx)
	if err != nil {
		return err
	}
	if len(q) == 0 {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.queue_empty", nil)})
		return nil
	}
	lines := []string{e.staff.T("staff.queue_title", i18n.Data{"Count": len(q)})}
	for _, tk := range q {
		owner := e.staff.T("staff.waiting", nil)
		if tk.Status == domain.TicketTaken {
			owner = tk.OwnerName
		}
		topic := e.topicName(tk.Topic)
		if topic == "" {
			topic = "—"
		}
		lines = append(lines, e.staff.T("staff.queue_line", i18n.Data{
			"ID": tk.ID, "Name": personName(tk.FirstName), "Lang": e.langName(tk.Lang), "Topic": topic, "Owner": owner,
			"Minutes": int(r.now.Sub(tk.Created).Minutes()),
		}))
	}
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: strings.Join(lines, "\n")})
	return nil
}

// card is a new ticket's announcement, mentioning who speaks the language
// (or a related one) and is not on leave, and who helped the person before
// (on the card through cardExtras).
func (e *Engine) card(tk domain.Ticket, prev int64) domain.Reply {
	rep := e.cardUpdate(tk)
	rep.EditID, rep.Card, rep.Ticket = 0, true, tk.ID
	speak, related := e.speakers(tk.Lang, tk.Created)
	var names []string
	for _, st := range speak {
		names = append(names, st.Name)
		rep.Mention = append(rep.Mention, domain.Mention{UserID: st.UserID, Text: st.Name})
	}
	if len(names) > 0 {
		rep.Text += "\n" + e.staff.T("staff.card_speakers", i18n.Data{"Lang": e.langName(tk.Lang), "Names": strings.Join(names, ", ")})
	}
	var rel []string
	for _, st := range related {
		rel = append(rel, st.Name)
		rep.Mention = append(rep.Mention, domain.Mention{UserID: st.UserID, Text: st.Name})
	}
	if len(rel) > 0 {
		rep.Text += "\n" + e.staff.T("staff.card_related", i18n.Data{"Names": strings.Join(rel, ", ")})
	}
	if st, ok := e.staffMember(prev); ok && !slices.ContainsFunc(rep.Mention, func(m domain.Mention) bool { return m.UserID == st.UserID }) {
		// Named on the card already (cardExtras): mention only.
		rep.Mention = append(rep.Mention, domain.Mention{UserID: st.UserID, Text: st.Name})
	}
	return rep
}

// sendCard sends a card's edit. The card's id is stored only once Telegram
// has returned it, so a tap on a card sent a moment ago can find none yet:
// the tapped message is then the card. Without an id nothing is sent — a
// second card would keep the person's name after they erase their data.
func (e *Engine) sendCard(r *Request, card domain.Reply) {
	if card.EditID == 0 && r.Event.Kind == domain.EventButton && r.Event.ChatID == e.set.StaffChatID {
		card.EditID = r.Event.MessageID
	}
	if card.EditID != 0 {
		r.send(card)
	}
}

// cardUpdate renders the ticket's card as it stands, as an edit of it.
func (e *Engine) cardUpdate(tk domain.Ticket) domain.Reply {
	s := e.staff
	name, steps := personName(tk.FirstName), strings.Join(tk.Steps, ", ")
	if tk.ClosedBy == "erased" {
		name, steps = "", ""
	}
	if name == "" {
		name = "—"
	}
	if steps == "" {
		steps = "—"
	}
	topic := e.topicName(tk.Topic)
	if topic == "" {
		topic = "—"
	}
	if tk.ClosedBy != "erased" && len(tk.Steps) > 0 {
		steps = e.stepTitles(tk.Steps)
	}
	lines := []string{s.T("staff.card", i18n.Data{
		"ID": tk.ID, "Since": e.clock(tk.Created), "Name": name, "Lang": e.langName(tk.Lang), "Topic": topic, "Steps": steps,
	})}
	if tk.ClosedBy != "erased" {
		lines = append(lines, e.cardExtras(tk)...)
	}
	var rows [][]domain.Button
	id := strconv.FormatInt(tk.ID, 10)
	switch tk.Status {
	case domain.TicketWaiting:
		rows = append(rows, domain.Row(button(s.T("staff.take", nil), actTake, id), button(s.T("staff.close", nil), actClose, id)))
	case domain.TicketTaken:
		lines = append(lines, s.T("staff.card_taken", i18n.Data{"Name": tk.OwnerName, "Time": e.clock(tk.Taken)}))
		rows = append(rows, domain.Row(button(s.T("staff.takeover", nil), actTakeOver, id), button(s.T("staff.close", nil), actClose, id)),
			domain.Row(button(s.T("staff.hand_back", nil), actHandBack, id)))
	case domain.TicketClosed:
		if tk.OwnerName != "" {
			lines = append(lines, s.T("staff.card_taken", i18n.Data{"Name": tk.OwnerName, "Time": e.clock(tk.Taken)}))
		}
		lines = append(lines, s.T("staff.card_closed", i18n.Data{"By": s.T("staff.closed_by."+tk.ClosedBy, nil), "Time": e.clock(tk.Closed)}))
		if tk.Note != "" {
			lines = append(lines, s.T("staff.card_note", i18n.Data{"Note": tk.Note}))
		}
		if tk.Rating > 0 {
			lines = append(lines, s.T("staff.card_rating", i18n.Data{"Stars": strings.Repeat("★", tk.Rating) + strings.Repeat("☆", 5-tk.Rating)}))
		}
	}
	return domain.Reply{ChatID: e.set.StaffChatID, EditID: tk.CardID, Text: strings.Join(lines, "\n"), Buttons: rows}
}

func (e *Engine) clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(e.set.Hours.loc()).Format("02.01. 15:04")
}

// quietSince is when a ticket's quiet time began: its last activity, or,
// for a request nobody has taken, the team's next opening after it — the
// person was told the team answers then, and a long weekend must not
// close it before anyone could.
func (e *Engine) quietSince(tk domain.Ticket) time.Time {
	if tk.Status != domain.TicketWaiting {
		return tk.Activity
	}
	return e.set.Hours.NextOpen(tk.Activity)
}

// Sweep re-announces tickets nobody took and closes tickets nobody wrote
// in; the scheduler calls it every minute in one replica.
func (e *Engine) Sweep(ctx context.Context) (domain.Result, error) {
	r := &Request{now: e.now()}
	if e.set.StaffChatID == 0 {
		return domain.Result{}, nil
	}
	q, err := e.tickets.Queue(ctx)
	if err != nil {
		return domain.Result{}, err
	}
	for _, tk := range q {
		switch {
		case r.now.Sub(e.quietSince(tk)) >= e.set.CloseInactiveAfter:
			closed, err := e.tickets.Close(ctx, tk.ID, "timeout", "", r.now)
			if errors.Is(err, domain.ErrTicketClosed) || errors.Is(err, domain.ErrNotFound) {
				continue // closed meanwhile
			}
			if err != nil {
				return domain.Result{}, fmt.Errorf("desk: sweep: close ticket %d: %w", tk.ID, err)
			}
			e.sendCard(r, e.cardUpdate(closed))
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID, Text: e.staff.T("staff.timeout", i18n.Data{"ID": tk.ID})})
			t := e.msgs.For(tk.Lang)
			rep := e.askRating(t, closed)
			rep.ChatID = tk.ChatID
			rep.Text = t.T("handover.closed_inactive", nil) + "\n\n" + rep.Text
			r.send(rep)
			r.events = append(r.events, domain.TicketEvent{Kind: "closed", Lang: tk.Lang})
		case tk.Status == domain.TicketWaiting && r.now.Sub(tk.Announced) >= e.set.ReannounceAfter && e.set.Hours.Open(r.now):
			// Only while the team is at work: not every half hour through
			// the night.
			if err := e.tickets.Announced(ctx, tk.ID, r.now); err != nil {
				return domain.Result{}, err
			}
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: tk.ID,
				Text:    e.staff.T("staff.reannounce", i18n.Data{"ID": tk.ID, "Minutes": int(r.now.Sub(tk.Created).Minutes())}),
				Buttons: [][]domain.Button{domain.Row(button(e.staff.T("staff.take", nil), actTake, strconv.FormatInt(tk.ID, 10)))}})
		}
	}
	return domain.Result{Replies: r.replies, Events: r.events}, nil
}
