package flows

import (
	"context"
	"slices"
	"strings"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/intent"
	"lotse/internal/kb"
	"lotse/internal/langid"
)

func (e *Engine) languageRoutes(t *table) {
	t.command("language", e.pickLanguage, duringHandover)
	t.typedAs("language", intent.Language)
	t.button(actLanguages, e.pickLanguage)
	t.button(actSetLanguage, e.setLanguage)
	t.button(actLangBack, e.restoreLanguage)
}

// resolveLanguage decides the language of the reply, once per event.
// Telegram's language_code counts until the person has settled on a
// language; a text message switches it when it is clearly written in
// another language (langid's sure result), the very first one included.
// Before the person has settled, a message in a script their language is
// not written in is enough, so a first "سلام" on a German phone is
// answered in Arabic script – but not a Latin one, which may be their
// own language transliterated. Such a message, when clearly Russian,
// Arabic, Dari… in Latin letters, switches to that language in its own
// script – but not from a language of the same script: romanised Russian
// and Ukrainian, or Arabic and Dari, are told apart less surely than their
// scripts, and the person reads the one they have. After the person
// pressed "back" to a language, only the picker changes it. It returns
// the language it switched away from, or "".
//
// A first message is often a greeting alone, too short for langid to be
// sure of: a greeting that only one language has ("Bonjour", "Silav",
// "Salaan", "سلام") names the language while the person has not settled
// on one (greetingLang).
func (e *Engine) resolveLanguage(s *domain.Session, ev domain.Event) string {
	settled := s.LangChosen
	if !settled {
		if l := i18n.Match(ev.LanguageCode); l != "" {
			s.Lang = l
		}
	}
	if !i18n.Shipped(s.Lang) {
		s.Lang = i18n.Default
	}
	if ev.Kind != domain.EventText || s.LangKeep || e.langs == nil {
		return ""
	}
	r := e.langs.Detect(ev.Text)
	if !settled && !r.Sure {
		// Words after the greeting say more than it does ("سلام ورور" is
		// Pashto): then it only confirms the detector's guess.
		if g, alone := e.greetingLang(ev.Text, s.Lang); g != "" && g != s.Lang && (alone || r.Lang == "" || r.Lang == g) {
			r = langid.Result{Lang: g, Sure: true}
		}
	}
	if !settled && !r.Sure && r.Romanized && r.Words <= 2 && r.WideGuess() {
		// One or two words of a romanised language, far ahead of every
		// other candidate ("badi maw3ad", "wakht ghwaram", "qotsera
		// delye"): too short to be sure, but on a German phone the German
		// booking that followed was read by nobody (QA, 4 December).
		r.Sure = true
	}
	if !settled && !r.Sure && r.Script == langid.ScriptLatin && r.Known > 0 && hasOwnLetter(ev.Text, r.Lang) {
		// A letter only the guessed language's alphabet has, among the
		// shipped Latin ones ("yardım lazım"), is typed on that
		// language's keyboard – not how Arabic or Russian is romanised –
		// in a word of that language ("äääää" is none).
		r.Sure = true
	}
	if r.Lang == "" || r.Lang == s.Lang || !i18n.Shipped(r.Lang) {
		return ""
	}
	if !r.Sure && (settled || r.Script == langid.ScriptOf(s.Lang) || r.Script == langid.ScriptLatin) {
		// Latin letters are how Russian, Ukrainian, Arabic and Dari
		// speakers often write their own language ("muzh menya b'et",
		// "ana abgha"): an unsure guess, romanised or not, says less
		// than their phone does.
		return ""
	}
	if r.Romanized && langid.ScriptOf(r.Lang) == langid.ScriptOf(s.Lang) {
		return ""
	}
	if r.Script == langid.ScriptLatin && !r.Romanized && !r.Wide() && !hasOwnLetter(ev.Text, r.Lang) {
		// Sure of Turkish, Somali or Kurmanji by a narrow lead and without
		// their letters, a Latin message is as often Pashto, Dari or
		// Arabic typed in Latin letters ("kor ke or lagedale", "farda
		// polis miad mano deport kone"): nearly every message of those
		// languages themselves leads widely. Emergency help in a language
		// the person does not read is worse than in their phone's.
		return ""
	}
	from := s.Lang
	s.Lang, s.LangChosen, s.LangFrom = r.Lang, true, from
	return from
}

// offerLanguageBack puts a button under the first message to the person
// that returns to the language Lotse switched away from. Its label is in
// that language: whoever wants it back reads it.
func (e *Engine) offerLanguageBack(replies []domain.Reply, from string) {
	for i := range replies {
		rep := &replies[i]
		if rep.ChatID != 0 || rep.Text == "" || rep.Copy != nil || rep.Venue != nil || rep.Document != nil ||
			rep.EditID != 0 || rep.DeleteID != 0 {
			continue
		}
		rep.Buttons = append(rep.Buttons, domain.Row(button(e.msgs.For(from).T("language.back", nil), actLangBack, "")))
		return
	}
}

// pickLanguage offers every shipped language, each named in itself. A
// language's own name typed ("English", "دری") is that language picked,
// and so is one given to the command ("/language ar", "/language
// Deutsch").
func (e *Engine) pickLanguage(ctx context.Context, r *Request) error {
	code := ""
	switch r.Event.Kind {
	case domain.EventText:
		code = e.namedLanguage(r.Event.Text)
	case domain.EventCommand:
		if code = e.namedLanguage(r.Event.Args); code == "" {
			code = i18n.Match(r.Event.Args)
		}
	}
	if code != "" {
		r.Event.Action = domain.Action{Name: actSetLanguage, Arg: code}
		return e.setLanguage(ctx, r)
	}
	var rows [][]domain.Button
	var row []domain.Button
	for _, l := range i18n.Languages {
		row = append(row, button(e.msgs.For(l.Code).T("language.name", nil), actSetLanguage, l.Code))
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	r.Show(r.T.T("language.choose", nil), rows...)
	return nil
}

// namedLanguage is the shipped language whose own name text is, or the
// one language a word of text names in any language ("arabic please",
// "mozhno po russki?", "af soomaali"; language.name_words), or "".
func (e *Engine) namedLanguage(text string) string {
	typed := kb.Normalize(text)
	if typed == "" {
		return ""
	}
	for _, l := range i18n.Languages {
		if kb.Normalize(e.msgs.For(l.Code).T("language.name", nil)) == typed {
			return l.Code
		}
	}
	e.langNamesOnce.Do(func() {
		e.langNames = map[string]string{}
		for _, l := range i18n.Languages {
			for _, w := range strings.Split(e.msgs.For(l.Code).T("language.name_words", nil), ",") {
				if w = kb.Normalize(w); w != "" {
					e.langNames[w] = l.Code
				}
			}
		}
	})
	named := ""
	for _, w := range strings.Fields(typed) {
		if l, ok := e.langNames[w]; ok && l != named {
			if named != "" {
				return "" // "English or German?": the picker
			}
			named = l
		}
	}
	return named
}

// setLanguage switches to the picked language and shows again where the
// person was. A pick is a fresh start: what they write may switch it again.
func (e *Engine) setLanguage(ctx context.Context, r *Request) error {
	lang := r.Event.Action.Arg
	if !i18n.Shipped(lang) {
		return e.staleButton(ctx, r)
	}
	e.chooseLanguage(r, lang)
	r.Say(r.T.T("language.changed", nil))
	return e.showScreen(ctx, r)
}

// chooseLanguage makes lang the person's pick.
func (e *Engine) chooseLanguage(r *Request, lang string) {
	r.Session.Lang, r.Session.LangChosen = lang, true
	r.Session.LangFrom, r.Session.LangKeep = "", false
	r.T = e.msgs.For(lang)
}

// restoreLanguage is the back button after a switch: the person wants the
// language they had, and keeps it whatever they write.
func (e *Engine) restoreLanguage(ctx context.Context, r *Request) error {
	from := r.Session.LangFrom
	if !i18n.Shipped(from) {
		return e.staleButton(ctx, r)
	}
	r.Session.Lang, r.Session.LangChosen = from, true
	r.Session.LangFrom, r.Session.LangKeep = "", true
	r.T = e.msgs.For(from)
	r.Say(r.T.T("language.changed", nil))
	return e.showScreen(ctx, r)
}

// hasOwnLetter reports whether text has a letter of lang's alphabet that
// no other shipped Latin-script language writes (ownLetters).
func hasOwnLetter(text, lang string) bool {
	return strings.ContainsAny(strings.ToLower(text), ownLetters[lang])
}

// ownLetters are the letters of each Latin-script language that no other
// shipped Latin-script language writes (Kurmanji's ê î û: French has them
// too, but only when langid already leans to Kurmanji do they count).
var ownLetters = map[string]string{
	"tr": "ığ",
	"ku": "êîû",
	"fr": "éèàùœâôëï",
	"de": "äß",
}

// greetingLang is the language a greeting that text starts with names
// (language.greeting_words): none if the person's current language says
// it too ("سلام" on an Arabic or Pashto phone, "merhaba" on a Kurmanji
// one); else the one language that lists it, or, of several, the one
// that marks it "*" as its own ("*سلام" in Dari/Farsi, whose speakers
// greet with it most; "*merhaba" in Turkish). "hallo", said by everyone in
// Germany, is listed for none. It also reports whether the greeting is the
// whole message.
func (e *Engine) greetingLang(text, current string) (lang string, alone bool) {
	g := e.greetings()
	words := strings.Fields(kb.Normalize(text))
	for n := min(len(words), g.maxWords); n > 0; n-- {
		gr, ok := g.byText[strings.Join(words[:n], " ")]
		if !ok {
			continue
		}
		alone = n == len(words)
		switch {
		case slices.Contains(gr.langs, current):
			return "", alone
		case gr.own != "":
			return gr.own, alone
		case len(gr.langs) == 1:
			return gr.langs[0], alone
		}
		return "", alone
	}
	return "", false
}

// onlyGreeting reports whether text is nothing but listed greetings, in
// any language ("salam 3alaykom", "selam, kemey aleka"): no question to
// look up, so no "no answer" and no asking to keep it.
func (e *Engine) onlyGreeting(text string) bool {
	g := e.greetings()
	words := strings.Fields(kb.Normalize(text))
	for len(words) > 0 {
		n := min(len(words), g.maxWords)
		for ; n > 0; n-- {
			if _, ok := g.byText[strings.Join(words[:n], " ")]; ok {
				break
			}
		}
		if n == 0 {
			return false
		}
		words = words[n:]
	}
	return true
}

// greetingSet holds the listed greetings, normalized.
type greetingSet struct {
	byText   map[string]*greeting
	maxWords int
}

// greeting is who says a greeting: every language that lists it, and
// the one that marks it as its own.
type greeting struct {
	langs []string
	own   string
}

// greetings is the greeting set, made on first use.
func (e *Engine) greetings() *greetingSet {
	e.greetingsOnce.Do(func() {
		g := &greetingSet{byText: map[string]*greeting{}}
		for _, l := range i18n.Languages {
			// Thanks count as greetings here: "spasibo" alone names
			// Russian, and is no question either.
			words := e.msgs.For(l.Code).T("language.greeting_words", nil) + "," + e.msgs.For(l.Code).T("language.thanks_words", nil)
			for _, w := range strings.Split(words, ",") {
				w, own := strings.CutPrefix(strings.TrimSpace(w), "*")
				words := strings.Fields(kb.Normalize(w))
				if len(words) == 0 {
					continue
				}
				key := strings.Join(words, " ")
				gr := g.byText[key]
				if gr == nil {
					gr = &greeting{}
					g.byText[key] = gr
				}
				if !slices.Contains(gr.langs, l.Code) {
					gr.langs = append(gr.langs, l.Code)
				}
				if own {
					gr.own = l.Code
				}
				g.maxWords = max(g.maxWords, len(words))
			}
		}
		e.greetingSet = g
	})
	return e.greetingSet
}
