package flows

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/intent"
	"lotse/internal/kb"
	"lotse/internal/stats"
)

func (e *Engine) faqRoutes(t *table) {
	t.on(domain.EventText, e.onText)
	t.button(actQuestion, e.showAnswer)
}

// showAnswer shows one knowledge base answer with its source and review
// date, and the ways on: back to the area, the menu, a person.
func (e *Engine) showAnswer(ctx context.Context, r *Request) error {
	id := r.Event.Action.Arg
	en, ok := e.kb.Entry(id)
	text, found := e.answers[r.T.Lang()][id]
	if !ok || !found {
		return e.staleButton(ctx, r)
	}
	if r.Event.Kind == domain.EventButton && onSuggestScreen(r.Session) {
		r.count(stats.SuggestionTaken())
	}
	r.count(stats.Answer(id), stats.Area(en.Area))
	r.Session.Screen = screenQuestion + id
	rememberStep(r.Session, id)
	t := r.T
	r.Show(text,
		domain.Row(button(t.T("button.back", nil), actArea, en.Area), button(t.T("button.menu", nil), actMenu, "")),
		domain.Row(button(t.T("button.person", nil), actHandover, "")))
	return nil
}

// renderAnswers composes every answer in every language once, at start:
// question, answer with the local facts filled in, source, review date and
// the notes. In right-to-left text each fact is isolated: addresses and
// phone numbers are written left to right.
func (e *Engine) renderAnswers() {
	e.answers = map[string]map[string]string{}
	for _, l := range i18n.Languages {
		facts := make(map[string]string, len(e.set.Facts))
		for k, v := range e.set.Facts {
			facts[k] = v.In(l.Code)
			if l.RTL {
				facts[k] = i18n.Isolate(facts[k])
			}
		}
		t := e.msgs.For(l.Code)
		e.answers[l.Code] = map[string]string{}
		for _, area := range e.kb.Areas() {
			for _, en := range e.kb.Entries(area) {
				txt, ok := e.kb.Text(en.ID, l.Code)
				if !ok {
					continue
				}
				notes := []string{t.T("faq.not_advice", nil)}
				switch {
				case txt.Lang != l.Code:
					notes = append(notes, t.T("faq.other_language", nil))
				case !txt.HumanReviewed:
					notes = append(notes, t.T("faq.unreviewed", nil))
				}
				e.answers[l.Code][en.ID] = strings.Join([]string{
					"❓ " + txt.Question,
					kb.Render(txt.Answer, facts),
					t.T("faq.source", i18n.Data{"URL": en.Source}) + "\n" + t.T("faq.reviewed", i18n.Data{"Date": formatDate(t, en.Reviewed)}),
					strings.Join(notes, "\n"),
				}, "\n\n")
			}
		}
	}
}

// onText answers a question typed in the person's own words.
func (e *Engine) onText(ctx context.Context, r *Request) error {
	text := strings.TrimSpace(r.Event.Text)
	if r.urgent != 0 && r.urgentFirm {
		// urgentFirst has answered with help; an answer from the knowledge
		// base would only push it out of sight. An alarm that is not firm
		// ("the landlord will kill me if the rent is late, how much may
		// the rent be") is most often a calm question with one alarm word
		// in passing: it gets the help and its answer.
		if r.urgent == kb.UrgentSuicide && e.onBookingStep(r) {
			e.offerBookingBack(r)
		}
		return nil
	}
	if r.Session.Question != "" {
		// The consent question of the last reply, answered by typing
		// the word on its button rather than tapping it.
		switch {
		case typedYes(r.T, text):
			return e.consentYes(ctx, r)
		case sameWord(text, r.T.T("consent.no", nil)):
			return e.consentNo(ctx, r)
		}
	}
	if ok, err := e.typedDeleteAnswer(ctx, r, text); ok {
		return err
	}
	if ok, err := e.typedCancelAnswer(ctx, r, text); ok {
		return err
	}
	if id := typedSuggestion(r.Session, text); id != "" {
		r.Event.Action = domain.Action{Name: actQuestion, Arg: id}
		r.count(stats.SuggestionTaken())
		return e.showAnswer(ctx, r)
	}
	if ids := shownSuggestions(r.Session); ids != nil && typedYes(r.T, text) {
		// "yes" to "is it one of these questions?": which one is a tap
		// away, not "no answer" (QA, 4 December).
		r.Say(r.T.T("faq.tap_one", nil), e.questionRows(r, nil, ids)...)
		return nil
	}
	if onSuggestScreen(r.Session) {
		r.Session.Screen = screenSuggest // numbers count for one message
	}
	if ok, err := e.typedComing(ctx, r, text); ok {
		return err
	}
	if r.Session.Screen == screenPrivacy && !r.Session.Acknowledged() &&
		(typedYes(r.T, text) || sameWord(text, r.T.T("privacy.ack", nil)) || r.read(text).Request == intent.Thanks) {
		// "ok" under the notice is its "understood": the booking or the
		// hand-over that asked for it goes on.
		return e.ackPrivacy(ctx, r)
	}
	if e.onBookingStep(r) && (agreesToBook(r.T, text) || r.read(text).Request == intent.Thanks || e.bookingInput(r)) {
		// "ok", "yes" or "thanks" while booking is no way back to the
		// menu: it shows the step again, and on the check screen it books.
		// A button's label typed is that button, even where it is also a
		// question the search answers ("Wohnen" at the choice of topic).
		return e.resumeBooking(ctx, r)
	}
	if ok, err := e.openTypedRequest(ctx, r, text); ok {
		return err
	}
	if e.isOffersRequest(r, text) {
		return e.openOffers(ctx, r)
	}
	if utf8.RuneCountInString(text) > maxTextRunes {
		// A whole story pasted in: its first part is read and answered, as
		// a shorter message would be, then the person learns that the rest
		// was not. Only that part is kept if they let the team read it.
		text = firstRunes(text, maxTextRunes)
		r.Event.Text = text
		defer func() { r.Say(r.T.T("input.long_read_start", nil)) }()
	}
	// A number, a phone number or a link alone is no question either,
	// whatever the search makes of its digits or the words of a link.
	bare := onlyNumbersOrLinks(text)
	msg := r.analyzed(text)
	res := e.kb.SearchMessage(msg, r.T.Lang())
	if prev, ok := strings.CutPrefix(r.Session.Screen, screenQuestion); ok {
		// Right after an answer: "and with a Duldung?" asks about it.
		res = e.kb.FollowUp(msg, prev, r.T.Lang(), res)
	}
	// Nothing to look up – "hello", "thanks", "ok", an emoji, a lone "?":
	// not a question without an answer, so no "no answer" and no asking
	// to keep it, which is asked only once and would be spent on it.
	nothing := bare || len(msg.Terms(r.T.Lang())) == 0 && len(res.Main.Best) == 0 && len(res.Also) == 0 ||
		!res.Main.Confident && e.onlyGreeting(text)
	if r.New {
		// First contact: greet in their language first, then answer what
		// they wrote – the question is never lost behind the greeting,
		// not even one without an answer, which gets the way to a person.
		if err := e.start(ctx, r); err != nil {
			return err
		}
		if nothing {
			return nil // the greeting shows the menu
		}
	}
	if e.onBookingStep(r) && !res.Main.Confident {
		// Mostly a day or a time typed instead of tapped ("Mittwoch",
		// "9.12."): not a question to look up or to keep, and "no
		// answer" would push the booking out of sight. Text that is no
		// answer to the step either is said to be unclear, or the step
		// would come again as if nothing had been read.
		if !e.bookingInput(r) && !agreesToBook(r.T, text) {
			r.Say(r.T.T("booking.not_understood", nil))
		}
		return e.resumeBooking(ctx, r)
	}
	if r.Session.Screen == screenPrivacy && r.Session.Pending != "" && !r.Session.Acknowledged() && !res.Main.Confident {
		// Under the notice a booking or a request for a person waits for
		// ("about my flat" typed instead of "understood"): the way on is
		// one tap, and a search's guesses would leave the request behind.
		t := r.T
		ack := t.T("privacy.ack", nil)
		r.Say(t.T("privacy.tap_ack", i18n.Data{"Button": ack}),
			domain.Row(button(ack, actPrivacyAck, "")), e.menuRow(r))
		return nil
	}
	if prev, ok := strings.CutPrefix(r.Session.Screen, screenQuestion); ok && nothing && !bare && strings.ContainsAny(text, "?؟፧") {
		// "how much?", "where?", "ne kadar?" right after an answer ask on
		// about it in words that name nothing: the menu alone would be a
		// step back without a word (QA, 4 December).
		if txt, ok := e.kb.Text(prev, r.T.Lang()); ok {
			t := r.T
			r.Say(t.T("faq.followup_unclear", i18n.Data{"Question": txt.Question}),
				domain.Row(button(txt.Question, actQuestion, prev)), e.menuRow(r))
			return nil
		}
	}
	if nothing {
		r.Say(r.T.T("menu.title", nil), e.menuRows(r)...)
		return nil
	}
	return e.answerText(ctx, r, res)
}

// answerText shows what the search found: the clear answer with the other
// topics of a long message as buttons, or the entries to choose from, or
// honestly that there is no answer, with the way to a person.
func (e *Engine) answerText(ctx context.Context, r *Request, res kb.Parts) error {
	t := r.T
	flow := e.mentionedFlow(r)
	main := res.Main
	switch {
	case main.Confident:
		r.Event.Action = domain.Action{Name: actQuestion, Arg: main.Best[0].ID}
		if err := e.showAnswer(ctx, r); err != nil {
			return err
		}
		if flow != nil {
			// "I need an appointment, we must leave the shelter": the
			// answer about the shelter, and the booking a tap away.
			answer := &r.replies[len(r.replies)-1]
			answer.Buttons = append([][]domain.Button{flow}, answer.Buttons...)
		}
		if len(res.Also) > 0 {
			r.Say(t.T("faq.also_asked", nil), e.questionRows(r, flow, res.Also)...)
		}
	case (len(main.Best) > 0 || len(res.Also) > 0) && onOffersScreen(r.Session) && e.suggestOffers(r, r.Event.Text):
		// The offers screen asked them to write what they look for: the
		// offers that fit answer it, not "I'm not sure what you mean".
		return nil
	case len(main.Best) > 0 || len(res.Also) > 0:
		ids := make([]string, 0, len(main.Best)+len(res.Also))
		for _, m := range main.Best {
			ids = append(ids, m.ID)
		}
		for _, id := range res.Also {
			if !slices.Contains(ids, id) && len(ids) < maxSuggestions {
				ids = append(ids, id)
			}
		}
		r.Say(t.T("faq.suggest", nil), e.questionRows(r, flow, ids)...)
		r.count(stats.Suggested(t.Lang()))
		// So a choice from the list is counted, and its number typed
		// ("2") understood – unless a flow's button comes first.
		r.Session.Screen = screenSuggest
		if flow == nil {
			r.Session.Screen = suggestScreen(e.kb, t.Lang(), ids)
		}
	case r.urgent != 0:
		// Help is shown (an alarm that is not firm): "no answer" and the
		// consent question would only push it away.
		return nil
	default:
		r.count(stats.NoMatch(t.Lang()))
		if !e.suggestOffers(r, r.Event.Text) {
			rows := [][]domain.Button{e.menuRow(r)}
			if flow != nil {
				rows = [][]domain.Button{flow, e.menuRow(r)}
			}
			r.Say(t.T("faq.no_match", nil), rows...)
			e.askConsent(r, r.Event.Text)
		}
		return nil
	}
	e.suggestOffers(r, r.Event.Text) // local offers that fit as well
	return nil
}

// showSuggestions offers the questions of an unclear message again, after
// a language switch.
func (e *Engine) showSuggestions(r *Request, ids []string) error {
	r.Session.Screen = suggestScreen(e.kb, r.T.Lang(), ids)
	r.Show(r.T.T("faq.suggest", nil), e.questionRows(r, nil, ids)...)
	return nil
}

// questionRows are the buttons of the entries ids, in the person's
// language, under a flow's button if there is one and above the menu's.
func (e *Engine) questionRows(r *Request, flow []domain.Button, ids []string) [][]domain.Button {
	rows := make([][]domain.Button, 0, len(ids)+2)
	if flow != nil {
		rows = append(rows, flow)
	}
	for _, id := range ids {
		if txt, ok := e.kb.Text(id, r.T.Lang()); ok {
			rows = append(rows, domain.Row(button(txt.Question, actQuestion, id)))
		}
	}
	return append(rows, e.menuRow(r))
}

// mentionedFlow is the button of the flow a message asks for among other
// things ("I need an appointment, my landlord wants us out"): too much
// else to open it as a typed request, so it is offered first, above the
// entries found. The way to a person is under every such reply already.
func (e *Engine) mentionedFlow(r *Request) []domain.Button {
	t := r.T
	switch r.read(strings.TrimSpace(r.Event.Text)).Mention {
	case intent.Booking:
		return domain.Row(button(t.T("menu.booking", nil), actBooking, ""))
	case intent.Appointments, intent.Cancel:
		return domain.Row(button(t.T("booking.my_appointments", nil), actAppointments, ""))
	case intent.Delete:
		return domain.Row(button(t.T("privacy.delete", nil), actDelete, ""))
	}
	return nil
}

// maxSuggestions bounds the choices offered for an unclear message: a
// small screen shows four questions and the way out at once.
const maxSuggestions = 4

// linkRe is a web address or a bare domain ("www.example.de/x",
// "example.com"); emailRe (consent.go) an e-mail address.
var linkRe = regexp.MustCompile(`(?i)^(https?://\S+|www\.\S+|[\p{L}\p{N}\-]+(\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}(/\S*)?)$`)

// onlyNumbersOrLinks reports whether text is made only of numbers (a
// phone number, "123"), links and e-mail addresses: something pasted or
// mistyped, not a question to search for or to keep.
func onlyNumbersOrLinks(text string) bool {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		if linkRe.MatchString(f) || emailRe.MatchString(f) && emailRe.FindString(f) == strings.Trim(f, ".,;:!?()<>") {
			continue
		}
		if strings.IndexFunc(f, unicode.IsLetter) >= 0 {
			return false
		}
	}
	return true
}

// firstRunes is the start of text up to max runes, cut after the last
// space in it, so no word is cut in two.
func firstRunes(text string, max int) string {
	n := 0
	for i := range text {
		if n == max {
			text = text[:i]
			break
		}
		n++
	}
	if i := strings.LastIndexFunc(text, unicode.IsSpace); i > len(text)/2 {
		text = text[:i]
	}
	return strings.TrimSpace(text)
}
