package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// Curated replies: the answers case managers give again and again, written
// in German and shipped checked in all twelve languages (locales, reply.*),
// so the person reads a reviewed text, never a machine translation. /replies
// lists them; as a reply to a message of a request it offers them as
// buttons; /reply <number> sends one. Adding one is a locales change and an
// entry here; the locales tests check it exists in every language.

// CuratedReplies are the message ids of the curated replies, in list order.
var CuratedReplies = []string{"reply.photo", "reply.bring", "reply.call", "reply.abh", "reply.office_hours", "reply.checking"}

// actSendReply sends a curated reply: "<ticket>:<number>".
const actSendReply = "R"

func (e *Engine) replyRoutes(t *table) {
	t.staffCommand("replies", "staff.cmd.replies", e.showReplies)
	t.staffCommand("reply", "staff.cmd.reply", e.replyCommand)
	t.staffButton(actSendReply, e.pickReply)
}

// showReplies answers /replies: the list, and as a reply to a request a
// button per reply.
func (e *Engine) showReplies(ctx context.Context, r *Request) error {
	de := e.msgs.For(e.staff.Lang())
	lines := []string{e.staff.T("staff.replies_title", nil)}
	for i, id := range CuratedReplies {
		lines = append(lines, e.staff.T("staff.replies_line", i18n.Data{"N": i + 1, "Text": de.T(id, nil)}))
	}
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: strings.Join(lines, "\n")})
	if r.Event.ReplyTo == 0 {
		return nil
	}
	id, err := e.tickets.RelayedTicket(ctx, r.Event.ReplyTo)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("desk: replies: %w", err)
	}
	if _, err := e.tickets.Get(ctx, id); errors.Is(err, domain.ErrTicketErased) {
		r.send(e.erasedReply(id))
		return nil
	}
	var rows [][]domain.Button
	var row []domain.Button
	for i := range CuratedReplies {
		row = append(row, button(strconv.Itoa(i+1), actSendReply, strconv.FormatInt(id, 10)+":"+strconv.Itoa(i+1)))
	}
	rows = append(rows, row)
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: id, Text: e.staff.T("staff.replies_pick", i18n.Data{"ID": id}), Buttons: rows})
	return nil
}

// replyCommand answers /reply <number> given as a reply to a request.
func (e *Engine) replyCommand(ctx context.Context, r *Request) error {
	n, err := strconv.Atoi(strings.TrimSpace(r.Event.Args))
	usage := domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.reply_usage", nil)}
	if err != nil || n < 1 || n > len(CuratedReplies) || r.Event.ReplyTo == 0 {
		r.send(usage)
		return nil
	}
	id, err := e.tickets.RelayedTicket(ctx, r.Event.ReplyTo)
	if errors.Is(err, domain.ErrNotFound) {
		r.send(usage)
		return nil
	}
	if err != nil {
		return fmt.Errorf("desk: reply: %w", err)
	}
	return e.sendCurated(ctx, r, r.staff, id, n)
}

// pickReply handles a curated reply's button.
func (e *Engine) pickReply(ctx context.Context, r *Request) error {
	idStr, nStr, _ := strings.Cut(r.Event.Action.Arg, ":")
	id, err1 := strconv.ParseInt(idStr, 10, 64)
	n, err2 := strconv.Atoi(nStr)
	if err1 != nil || err2 != nil || n < 1 || n > len(CuratedReplies) {
		r.toast = e.staff.T("staff.stale", nil)
		return nil
	}
	return e.sendCurated(ctx, r, r.staff, id, n)
}

// sendCurated sends curated reply n to the person of ticket id, in their
// language, after the same checks as a typed answer.
func (e *Engine) sendCurated(ctx context.Context, r *Request, st Staff, id int64, n int) error {
	tk, ok, err := e.answerable(ctx, r, st, id)
	if err != nil || !ok {
		return err
	}
	msgID := CuratedReplies[n-1]
	text := e.msgs.For(tk.Lang).T(msgID, nil)
	r.send(domain.Reply{ChatID: tk.ChatID, Text: "👤 " + st.Name + "\n" + text, OnRefused: e.undelivered(tk)})
	// Only the office terms the person's text keeps in German need
	// explaining: the note says they appear in the person's messages.
	if gl, ok, err := e.explainTerms(ctx, tk, text); err != nil {
		e.log.Warn("glossary terms not explained", "ticket", id, "err", err)
	} else if ok {
		r.send(gl)
	}
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Ticket: id, Text: e.staff.T("staff.reply_sent", i18n.Data{
		"ID": id, "Lang": e.langName(tk.Lang), "Text": e.msgs.For(e.staff.Lang()).T(msgID, nil)})})
	r.toast = ""
	return e.tickets.Touch(ctx, id, r.now, 0)
}

// erasedReply tells the group that an answer to ticket id went nowhere:
// the person erased their data.
func (e *Engine) erasedReply(id int64) domain.Reply {
	return domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.reply_erased", i18n.Data{"ID": id})}
}

// reachable returns ticket id if the case manager may send its person
// something: it exists, is open and is not another's. Otherwise ok is
// false and the group or the case manager is told why.
func (e *Engine) reachable(ctx context.Context, r *Request, st Staff, id int64) (domain.Ticket, bool, error) {
	tk, err := e.tickets.Get(ctx, id)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return tk, false, fmt.Errorf("desk: ticket %d: %w", id, err)
	}
	if errors.Is(err, domain.ErrTicketErased) {
		r.send(e.erasedReply(id))
		return tk, false, nil
	}
	if err != nil || tk.Status == domain.TicketClosed {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T("staff.reply_closed", i18n.Data{"ID": id})})
		return tk, false, nil
	}
	if tk.Status == domain.TicketTaken && tk.Owner != st.UserID {
		r.send(e.toStaffMember(st, e.staff.T("staff.not_owner", i18n.Data{"ID": id, "Name": tk.OwnerName})))
		return tk, false, nil
	}
	return tk, true, nil
}

// answerable returns the ticket a case manager answers, taking it if it
// waits; ok is false (and the group or the case manager told why) when
// the answer must not go out.
func (e *Engine) answerable(ctx context.Context, r *Request, st Staff, id int64) (domain.Ticket, bool, error) {
	tk, ok, err := e.reachable(ctx, r, st, id)
	if !ok || tk.Owner == st.UserID {
		return tk, ok, err
	}
	// Answering a waiting ticket takes it.
	if err := e.take(ctx, r, st, id, false); err != nil {
		return tk, false, err
	}
	if tk, err = e.tickets.Get(ctx, id); err != nil {
		return tk, false, fmt.Errorf("desk: answer ticket %d: %w", id, err)
	}
	if tk.Owner != st.UserID {
		if r.toast != "" && r.Event.Kind != domain.EventButton {
			// A typed command has no toast to show why nothing went out.
			r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: r.toast})
		}
		return tk, false, nil
	}
	return tk, true, nil
}
