package flows

import (
	"context"
	"strconv"
	"time"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/intent"
)

func (e *Engine) privacyRoutes(t *table) {
	t.command("privacy", e.showPrivacy, duringHandover)
	t.command("delete", e.askDelete, duringHandover)
	t.typedAs("privacy", intent.Privacy)
	t.typedAs("delete", intent.Delete)
	t.button(actPrivacy, e.showPrivacy)
	t.button(actPrivacyAck, e.ackPrivacy)
	t.button(actDelete, e.askDelete)
	t.button(actDeleteYes, e.confirmDelete)
	t.button(actDeleteNo, e.cancelDelete)
}

// showPrivacy explains, in plain words, what is kept, why, for how long,
// and what not to send.
func (e *Engine) showPrivacy(_ context.Context, r *Request) error {
	r.Session.Screen = screenPrivacy
	t := r.T
	var rows [][]domain.Button
	if !r.Session.Acknowledged() {
		rows = append(rows, domain.Row(button(t.T("privacy.ack", nil), actPrivacyAck, "")))
	}
	rows = append(rows,
		domain.Row(button(t.T("privacy.delete", nil), actDelete, "")),
		domain.Row(button(t.T("button.menu", nil), actMenu, "")))
	days := int(e.set.SessionIdle / (24 * time.Hour))
	text := t.T("privacy.notice", nil) + "\n" + t.T("privacy.export", nil)
	if e.questions != nil {
		text += "\n" + t.T("privacy.questions", nil)
	}
	if e.tr != nil && e.set.StaffChatID != 0 {
		text += "\n" + t.T("privacy.translation", nil)
	}
	text += "\n\n" + t.N("privacy.retention", days, nil)
	if e.bookingEnabled() || e.set.StaffChatID != 0 {
		text += "\n" + t.N("privacy.retention_records", int(e.set.RecordsKept/(24*time.Hour)), nil)
	}
	r.Show(text, rows...)
	return nil
}

// requirePrivacy shows the notice before a feature that stores more than
// language and menu position, and remembers the feature to continue with.
// It reports whether the person has already acknowledged.
func (e *Engine) requirePrivacy(ctx context.Context, r *Request, feature string) (bool, error) {
	if r.Session.Acknowledged() {
		return true, nil
	}
	r.Session.Pending = feature
	r.Say(r.T.T("privacy.first", nil))
	return false, e.showPrivacy(ctx, r)
}

// ackPrivacy records the acknowledgement and continues with the feature
// that asked for it.
func (e *Engine) ackPrivacy(ctx context.Context, r *Request) error {
	s := r.Session
	if s.Acknowledged() && s.Pending == "" &&
		(s.Handover == handoverDescribe || s.Screen == screenBooking && s.Draft != nil) {
		// A second tap on "understood": the step the first tap opened stays,
		// or what the person writes next would not reach the team.
		return nil
	}
	if !r.Session.Acknowledged() {
		r.Session.PrivacyAck = r.now.UTC()
	}
	pending := r.Session.Pending
	r.Session.Pending = ""
	// The notice is read: a later language switch must not show it again.
	r.Session.Screen = screenMenu
	switch pending {
	case actBooking:
		return e.requestBooking(ctx, r)
	case actHandover:
		return e.requestPerson(ctx, r)
	}
	r.Say(r.T.T("privacy.thanks", nil))
	return e.showMenu(ctx, r)
}

// askDelete asks once more; the confirmation button carries the time it
// was offered, so an old "yes" found later in the chat cannot erase.
func (e *Engine) askDelete(_ context.Context, r *Request) error {
	r.Session.Screen = screenDelete
	r.Show(r.T.T("delete.confirm", nil), deleteRows(r)...)
	return nil
}

func deleteRows(r *Request) [][]domain.Button {
	t := r.T
	return [][]domain.Button{
		domain.Row(button(t.T("delete.yes", nil), actDeleteYes, strconv.FormatInt(r.now.Unix(), 10))),
		domain.Row(button(t.T("delete.no", nil), actDeleteNo, "")),
	}
}

// typedDeleteAnswer answers the delete question of the last reply when
// the person types rather than taps: "no" keeps everything; "yes" is not
// taken for the tap – erasing everything stays a button – but shows the
// button again with a word on it, so it does not look done. Anything
// else is a new message, and the question is over.
func (e *Engine) typedDeleteAnswer(ctx context.Context, r *Request, text string) (bool, error) {
	if r.Session.Screen != screenDelete {
		return false, nil
	}
	r.Session.Screen = screenMenu
	t := r.T
	switch {
	case sameWord(text, t.T("consent.no", nil)) || sameWord(text, t.T("delete.no", nil)):
		return true, e.cancelDelete(ctx, r)
	case typedYes(t, text) || sameWord(text, t.T("delete.yes", nil)):
		r.Session.Screen = screenDelete
		r.Say(t.T("delete.tap_yes", i18n.Data{"Button": t.T("delete.yes", nil)}), deleteRows(r)...)
		return true, nil
	}
	return false, nil
}

func (e *Engine) confirmDelete(ctx context.Context, r *Request) error {
	asked, err := strconv.ParseInt(r.Event.Action.Arg, 10, 64)
	if err != nil || r.now.Sub(time.Unix(asked, 0)) > deleteConfirmOK || time.Unix(asked, 0).After(r.now.Add(time.Minute)) {
		return e.staleButton(ctx, r)
	}
	if err := e.forgetQuestions(ctx, r); err != nil {
		return err
	}
	if err := e.forgetPerson(ctx, r); err != nil {
		return err
	}
	r.erase = true
	r.Show(r.T.T("delete.done", nil))
	return nil
}

func (e *Engine) cancelDelete(ctx context.Context, r *Request) error {
	r.Say(r.T.T("delete.cancelled", nil))
	return e.showMenu(ctx, r)
}
