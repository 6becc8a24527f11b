package flows

import (
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/kb"
	"lotse/internal/langid"
)

// Urgent help comes before anything else, in every state: in menus, while
// booking, while describing a matter or talking to a case manager. The
// reply fits the kind of emergency – a crisis line for suicidal thoughts,
// 112 for a medical emergency or fire, 110 and the violence helpline for
// violence – with the municipality's own numbers next to the national ones.
// An imminent deportation is a legal emergency: the person gets the
// knowledge-base answer on rejections and local legal help, not the police.

// Contact is a local place to call in an emergency.
type Contact struct {
	Name  i18n.Text
	Phone string
	Hours i18n.Text // when someone answers; optional
}

// LocalHelp are the municipality's emergency contacts.
type LocalHelp struct {
	Legal        []Contact // shown with an imminent deportation
	WomenShelter []Contact // shown with violence
	Crisis       []Contact // shown with suicidal thoughts
}

// The national numbers: free, day and night, everywhere in Germany.
var nationalNumbers = i18n.Data{
	"Police":    "110",
	"Emergency": "112",
	"Doctor":    "116 117",
	"Crisis":    "0800 111 0 111",
	"Crisis2":   "0800 111 0 222",
	"Crisis3":   "116 123",
	"Women":     "116 016",
}

// legalEntry is the knowledge-base answer for someone about to be
// deported: what to do after a rejection, and at once; legalAdvice, where
// to get free advice, is offered under it.
const (
	legalEntry  = "status.rejected"
	legalAdvice = "status.legal_advice"
)

// writtenText is what the person wrote in an event: a message, a caption,
// an edit, or the words after a command.
func writtenText(ev domain.Event) string {
	switch ev.Kind {
	case domain.EventText, domain.EventMedia, domain.EventEdited:
		return ev.Text
	case domain.EventCommand:
		return ev.Args
	}
	return ""
}

// Urgent reports whether what the person wrote signals an emergency, as
// urgentFirst reads it.
func (e *Engine) Urgent(ev domain.Event) bool {
	text := strings.TrimSpace(writtenText(ev))
	return text != "" && e.kb.UrgencyOf(kb.NewMessage(text)) != 0
}

// urgentFirst answers an urgent message before the event is handled any
// further, and records the kind in r.urgent so that free text is not
// answered a second time unless the alarm is not firm. Everything else
// (a booking step, a hand-over relay) still happens after it.
func (e *Engine) urgentFirst(r *Request) {
	text := writtenText(r.Event)
	if text == "" {
		return
	}
	// Trimmed as onText reads it, so both share one analysis; the
	// matching does not see surrounding space.
	u, firm := e.kb.Alarm(r.analyzed(strings.TrimSpace(text)))
	if u == 0 {
		return
	}
	r.urgent, r.urgentFirm = u, firm
	e.log.Info("urgent message", "kinds", u.String())
	e.urgentLanguage(r)
	e.showEmergency(r, u)
	r.urgentReplies = len(r.replies)
}

// urgentLanguage answers an emergency typed in Latin letters in the
// language whose romanised words raised it, when the language detector
// was not sure of any: "wedey aytenesin" (my son does not wake up,
// Tigrinya) on a German phone got the help in German (QA, 4 December).
// The words that fired are those of one language's list; only a
// language of another script than the person's counts (romanised Arabic
// does not move a Dari speaker), and the one with the most items.
func (e *Engine) urgentLanguage(r *Request) {
	s := r.Session
	if r.Event.Kind != domain.EventText || s.LangKeep || r.langFrom != "" || e.langs == nil {
		return
	}
	d := e.langs.Detect(r.Event.Text)
	if d.Script != langid.ScriptLatin || d.Wide() || d.Sure && d.Romanized {
		return // resolveLanguage has decided on it
	}
	to, most, tie := "", 0, false
	for l, n := range e.kb.UrgentLangs(r.msg) {
		if langid.ScriptOf(l) == langid.ScriptLatin || langid.ScriptOf(l) == langid.ScriptOf(s.Lang) || !i18n.Shipped(l) {
			continue
		}
		switch {
		case n > most:
			to, most, tie = l, n, false
		case n == most:
			tie = true
		}
	}
	if to == "" || tie {
		return // no romanised words, or as many of two languages
	}
	r.langFrom = s.Lang
	s.Lang, s.LangChosen, s.LangFrom = to, true, s.Lang
	r.T = e.msgs.For(to)
}

// showEmergency says what to do for each kind of emergency found, most
// pressing first, then the legal help for a deportation.
func (e *Engine) showEmergency(r *Request, u kb.Urgency) {
	t := r.T
	var parts []string
	if u.Has(kb.UrgentSuicide) {
		parts = append(parts, t.T("urgent.suicide", nationalNumbers)+e.localHelp(t, e.set.LocalHelp.Crisis))
	}
	if u.Has(kb.UrgentMedical) {
		parts = append(parts, t.T("urgent.medical", nationalNumbers))
	}
	if u.Has(kb.UrgentViolence) {
		parts = append(parts, t.T("urgent.violence", nationalNumbers)+e.localHelp(t, e.set.LocalHelp.WomenShelter))
	}
	if u.Has(kb.UrgentFire) {
		parts = append(parts, t.T("urgent.fire", nationalNumbers))
	}
	if len(parts) == 0 && u.Has(kb.UrgentGeneral) {
		parts = append(parts, t.T("urgent.numbers", nationalNumbers)+e.localHelp(t, e.set.LocalHelp.Crisis))
	}
	if len(parts) > 0 {
		r.Say(strings.Join(parts, "\n\n"), e.menuRow(r))
	}
	if u.Has(kb.UrgentLegal) {
		e.showLegalHelp(r)
	}
}

// showLegalHelp answers an imminent deportation: get legal help today, the
// local places for it, and the knowledge-base answer on rejections.
func (e *Engine) showLegalHelp(r *Request) {
	t := r.T
	r.Say(t.T("urgent.deportation", nil) + e.localHelp(t, e.set.LocalHelp.Legal))
	text, ok := e.answers[t.Lang()][legalEntry]
	if !ok {
		// A content directory without the entry: the advice above and a
		// person still help.
		e.log.Warn("urgent legal entry missing", "entry", legalEntry)
		return
	}
	var rows [][]domain.Button
	if txt, ok := e.kb.Text(legalAdvice, t.Lang()); ok {
		rows = append(rows, domain.Row(button(txt.Question, actQuestion, legalAdvice)))
	}
	rows = append(rows, e.menuRow(r))
	r.Say(text, rows...)
}

// localHelp lists the municipality's contacts under a heading, or nothing.
func (e *Engine) localHelp(t *i18n.Localizer, cs []Contact) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n" + t.T("urgent.local_heading", i18n.Data{"Town": e.set.Town}))
	for _, c := range cs {
		id := "urgent.local"
		if t.Local(c.Hours) != "" {
			id = "urgent.local_hours"
		}
		b.WriteString("\n" + t.T(id, i18n.Data{"Name": t.Local(c.Name), "Phone": c.Phone, "Hours": t.Local(c.Hours)}))
	}
	return b.String()
}
