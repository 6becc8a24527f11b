package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// Machine translation at the desk, both ways. The person's message reaches
// the case managers as the original and a German translation marked as
// machine-made with the language it came from; a case manager's reply
// reaches the person in their language with a button to see the original.
// Office terms (the glossary) stay German inside translations, and the
// first time one comes up in a conversation the person gets it explained
// in their language. When the translator is slow or down the original is
// relayed at once with a note: nothing waits on it longer than its short
// timeout, and nothing is lost.

// actOriginal shows the person the original of a translated reply; the
// argument is "<ticket>:<staff-group message id>".
const actOriginal = "og"

func (e *Engine) translateRoutes(t *table) {
	t.button(actOriginal, e.showOriginal, crossChat)
}

// translating reports whether the person's language is translated at all:
// a translator is configured, the language is not German, and the
// service can translate it (otherwise the card says so).
func (e *Engine) translating(lang string) bool {
	return e.tr != nil && lang != i18n.Default && e.tr.Supports(lang)
}

// toGerman is the block added under a person's text in the staff group:
// the translation with where it came from, or a note why there is none.
// It is empty when nothing needs saying (German text, no translator, a
// language the card already marks as untranslated).
func (e *Engine) toGerman(ctx context.Context, tk domain.Ticket, text string) string {
	if !e.translating(tk.Lang) || strings.TrimSpace(text) == "" {
		return ""
	}
	tr, err := e.tr.Translate(ctx, text, "", i18n.Default)
	if err != nil {
		if !errors.Is(err, domain.ErrTranslatorDown) {
			e.log.Warn("translation to german failed", "ticket", tk.ID, "err", err)
		}
		return e.staff.T("staff.translation_failed", nil)
	}
	if tr.From == i18n.Default || strings.TrimSpace(tr.Text) == "" {
		return "" // they wrote German
	}
	return e.staff.T("staff.translation", i18n.Data{"Lang": e.langName(tr.From)}) + "\n" + i18n.StripOverrides(tr.Text)
}

// fromStaff heads what a case manager sends the person: their name, the
// same over texts, translations and media.
func fromStaff(name string) string { return "👤 " + name }

// toPerson renders a case manager's text for the person: translated into
// their language with a button to the original (the case manager's own
// message in the staff group, copied on request), or the original with a
// note when the translator failed.
func (e *Engine) toPerson(ctx context.Context, tk domain.Ticket, name, text string, staffMsg int) domain.Reply {
	rep := domain.Reply{ChatID: tk.ChatID, Text: fromStaff(name) + "\n" + text}
	if !e.translating(tk.Lang) {
		return rep
	}
	t := e.msgs.For(tk.Lang)
	tr, err := e.tr.Translate(ctx, text, "", tk.Lang)
	switch {
	case err != nil:
		if !errors.Is(err, domain.ErrTranslatorDown) {
			e.log.Warn("translation to person failed", "ticket", tk.ID, "err", err)
		}
		rep.Text += "\n\n" + t.T("handover.translation_failed", nil)
	case tr.From != tk.Lang:
		rep.Text = fromStaff(name) + "\n" + tr.Text + "\n\n" + t.T("handover.machine_translated", nil)
		rep.Buttons = [][]domain.Button{domain.Row(button(t.T("handover.show_original", nil), actOriginal,
			strconv.FormatInt(tk.ID, 10)+":"+strconv.Itoa(staffMsg)))}
	}
	return rep
}

// explainTerms returns the explanations, in the person's language, of the
// glossary terms in text that this conversation has not explained yet.
func (e *Engine) explainTerms(ctx context.Context, tk domain.Ticket, text string) (domain.Reply, bool, error) {
	if e.gloss == nil {
		return domain.Reply{}, false, nil
	}
	found := e.gloss.Find(text)
	if len(found) == 0 {
		return domain.Reply{}, false, nil
	}
	names := make([]string, len(found))
	for i, term := range found {
		names[i] = term.Term
	}
	fresh, err := e.tickets.Explained(ctx, tk.ID, names)
	if err != nil || len(fresh) == 0 {
		return domain.Reply{}, false, err
	}
	t := e.msgs.For(tk.Lang)
	lines := []string{t.T("handover.glossary", nil)}
	for _, term := range found {
		for _, f := range fresh {
			if f == term.Term {
				lines = append(lines, "• "+term.Term+" – "+term.Explanation(tk.Lang))
			}
		}
	}
	return domain.Reply{ChatID: tk.ChatID, Text: strings.Join(lines, "\n")}, true, nil
}

// showOriginal sends the person the case manager's own words: a copy of
// their message in the staff group, if it belongs to the person's ticket.
func (e *Engine) showOriginal(ctx context.Context, r *Request) error {
	idStr, msgStr, _ := strings.Cut(r.Event.Action.Arg, ":")
	id, err1 := strconv.ParseInt(idStr, 10, 64)
	msg, err2 := strconv.Atoi(msgStr)
	if err1 != nil || err2 != nil || e.tickets == nil {
		return e.staleButton(ctx, r)
	}
	owner, err := e.tickets.RelayedTicket(ctx, msg)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	tk, terr := e.tickets.Get(ctx, id)
	if terr != nil && !errors.Is(terr, domain.ErrNotFound) {
		return terr
	}
	if err != nil || terr != nil || owner != id || tk.ChatID != r.Event.ChatID {
		r.Say(r.T.T("handover.original_gone", nil))
		return nil
	}
	r.Say(r.T.T("handover.original", nil))
	r.send(domain.Reply{ChatID: r.Event.ChatID, Copy: &domain.Copy{FromChatID: e.set.StaffChatID, MessageID: msg}})
	return nil
}

// langName names a language code in the staff language ("Arabisch").
func (e *Engine) langName(code string) string {
	if id, ok := staffLangNames[code]; ok {
		return e.staff.T(id, nil)
	}
	return code
}

// staffLangNames are the staff texts naming each shipped language.
var staffLangNames = map[string]string{
	"ar": "staff.lang.ar", "uk": "staff.lang.uk", "fa": "staff.lang.fa", "ps": "staff.lang.ps",
	"tr": "staff.lang.tr", "ku": "staff.lang.ku", "ti": "staff.lang.ti", "so": "staff.lang.so",
	"ru": "staff.lang.ru", "fr": "staff.lang.fr", "en": "staff.lang.en", "de": "staff.lang.de",
}
