package flows

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/stats"
)

// Questions Lotse could not answer help the editors only if they can read
// them – and they may only with the person's consent. After "no answer"
// Lotse asks once per conversation. The question, already masked, waits
// in the person's own session for the answer; any other event drops it,
// "no" drops it, and only "yes" keeps it in the question store (for 90
// days). Nothing else of the conversation is kept.

const (
	actConsentYes = "cy"
	actConsentNo  = "cn"
)

func (e *Engine) consentRoutes(t *table) {
	t.button(actConsentYes, e.consentYes)
	t.button(actConsentNo, e.consentNo)
}

// askConsent asks whether the team may read the question just left
// unanswered, once per conversation.
func (e *Engine) askConsent(r *Request, text string) {
	if e.questions == nil || r.Session.ConsentAsked {
		return
	}
	masked := maskQuestion(text, r.Event.FirstName)
	if !hasWords(masked) {
		// Only a number, a phone number, an address or a name: nothing
		// the editors could learn from, and not to be kept.
		return
	}
	r.Session.ConsentAsked = true
	r.Session.Question = masked
	r.holdQuestion = true
	t := r.T
	r.Say(t.T("consent.ask", nil), domain.Row(
		button(t.T("consent.yes", nil), actConsentYes, ""),
		button(t.T("consent.no", nil), actConsentNo, "")))
}

// consentYes keeps the waiting question, without the person's name.
func (e *Engine) consentYes(ctx context.Context, r *Request) error {
	q := r.Session.Question
	if e.questions == nil || q == "" {
		// Answered late: the question was dropped when something else
		// happened in between.
		r.Show(r.T.T("consent.gone", nil), e.menuRow(r))
		return nil
	}
	kept, err := e.questions.Keep(ctx, r.T.Lang(), q, r.now)
	if err != nil {
		return fmt.Errorf("consent: keep question: %w", err)
	}
	r.Session.Question = ""
	r.Session.Questions = append(r.Session.Questions, kept.Ref)
	r.count(stats.Consent(true))
	r.Show(r.T.T("consent.thanks", nil), e.menuRow(r))
	return nil
}

// consentNo drops the waiting question.
func (e *Engine) consentNo(_ context.Context, r *Request) error {
	if r.Session.Question != "" {
		r.count(stats.Consent(false))
	}
	r.Session.Question = ""
	r.Show(r.T.T("consent.declined", nil), e.menuRow(r))
	return nil
}

// forgetQuestions erases the questions the person allowed the team to
// read (on /delete).
func (e *Engine) forgetQuestions(ctx context.Context, r *Request) error {
	if e.questions == nil || len(r.Session.Questions) == 0 {
		return nil
	}
	if err := e.questions.Forget(ctx, r.Session.Questions); err != nil {
		return fmt.Errorf("privacy: forget questions: %w", err)
	}
	r.Session.Questions = nil
	return nil
}

var (
	emailRe = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}.\-]+\.\p{L}{2,}`)
	// phoneRe: a run of at least six digits with the usual separators,
	// optionally starting with +; not dots, which dates use.
	phoneRe = regexp.MustCompile(`\+?[\p{Nd}][\p{Nd} ()/\-]{4,}[\p{Nd}]`)
	digitRe = regexp.MustCompile(`\p{Nd}`)
)

// maskQuestion hides what could name or reach the person: e-mail
// addresses, phone numbers, every other digit (dates of birth, file
// numbers, house numbers) and the words of their Telegram first name.
func maskQuestion(text, firstName string) string {
	s := emailRe.ReplaceAllString(text, "[e-mail]")
	s = phoneRe.ReplaceAllStringFunc(s, func(m string) string {
		if len(digitRe.FindAllString(m, -1)) >= 6 {
			return "[phone]"
		}
		return m
	})
	s = digitRe.ReplaceAllString(s, "#")
	for _, name := range strings.FieldsFunc(firstName, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' }) {
		if utf8.RuneCountInString(name) < 2 {
			continue
		}
		s = replaceWord(s, name, "[name]")
	}
	return strings.TrimSpace(s)
}

// hasWords reports whether a masked question has a letter outside the
// placeholders maskQuestion puts in.
func hasWords(masked string) bool {
	for _, p := range []string{"[e-mail]", "[phone]", "[name]"} {
		masked = strings.ReplaceAll(masked, p, " ")
	}
	return strings.IndexFunc(masked, unicode.IsLetter) >= 0
}

// replaceWord replaces whole-word, case-insensitive occurrences of word.
func replaceWord(s, word, with string) string {
	re, err := regexp.Compile(`(?i)(^|[^\p{L}])` + regexp.QuoteMeta(word) + `($|[^\p{L}])`)
	if err != nil {
		return s
	}
	// Twice: adjacent matches share the separator between them.
	for i := 0; i < 2; i++ {
		s = re.ReplaceAllString(s, "${1}"+with+"${2}")
	}
	return s
}

// typedYes reports whether typed text is "yes" in the person's language:
// the word on the "yes" button or one of the words people use for it.
// "ok" is not among them: under a question whether the team may read
// a question, it may only acknowledge the "no answer" above it.
func typedYes(t *i18n.Localizer, typed string) bool {
	return sameWord(typed, t.T("consent.yes", nil)) || typedWord(t, "input.yes_words", typed)
}

// typedWord reports whether typed text is one of the comma-separated
// words of the message id.
func typedWord(t *i18n.Localizer, id, typed string) bool {
	list := t.T(id, nil)
	set, ok := wordSets.Load(list)
	if !ok {
		words := map[string]bool{}
		for _, w := range strings.Split(list, ",") {
			if l := letters(w); l != "" {
				words[l] = true
			}
		}
		set, _ = wordSets.LoadOrStore(list, words)
	}
	return set.(map[string]bool)[letters(typed)]
}

// wordSets are the typed-word lists as sets of their words' letters, each
// list split once: "I'll come" is looked for in every message.
var wordSets sync.Map // list text → map[string]bool

// sameWord reports whether typed text is the word on a button, whatever
// its case, emoji and punctuation ("ja!" for "✅ Ja").
func sameWord(typed, label string) bool {
	w := letters(label)
	return w != "" && letters(typed) == w
}

// letters is s lower-cased, its words of letters (and their marks) apart
// by single spaces, without emoji, digits or punctuation.
func letters(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r)
	}), " ")
}
