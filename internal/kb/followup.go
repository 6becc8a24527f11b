package kb

import (
	"strings"
	"unicode/utf8"
)

// A follow-up is a short message right after an answer that asks about
// the same thing under another condition – "and with a Duldung?" after
// "Am I allowed to work?" – or asks on about it ("does it cost
// anything?" after the integration course). Alone, the first found the
// Duldung's own entry and the second nothing clear; read together with
// the question just answered, both find what the person means.
//
// Bounds: a follow-up has at most followUpWords words and followUpTerms
// search terms; a longer message says what it is about itself.
const (
	followUpWords = 8
	followUpTerms = 3
)

// conditionLists are the words that put a condition on what was just
// answered: "with", "if", "in case of". Only a message with one of them
// is read in the light of the answer when it is clear alone; "what is a
// Duldung" after the work permission still gets the Duldung. "And" and
// "also" are not among them: "and the deposit?" after finding a flat
// asks about the deposit. Written the way people type them; Arabic-script
// words also count with و (and) joined in front.
var conditionLists = map[string]string{
	"de": `mit wenn falls bei`,
	"en": `with if`,
	"fr": `avec si`,
	"ar": `مع معي معاي معو اذا إذا لو`,
	"fa": `با اگر اگه`,
	"ps": `سره که`,
	"uk": `з із зі якщо коли`,
	"ru": `с со если`,
	"tr": `ile ilen varsa olursa`,
	"ku": `bi heke ger eger`,
	"ti": `እንተ`,
	"so": `haddii leh`,
}

// familyLists are the people a person asks for after an answer – "and
// my wife?", "ومرتي؟", "а дружині?" – which put a condition on it as
// "with" does: does the same hold for them (QA, 4 December: family
// reunion came instead).
var familyLists = map[string]string{
	"de": `frau ehefrau mann ehemann kind kinder sohn tochter familie mutter vater`,
	"en": `wife husband child children kid kids son daughter family mother father`,
	"fr": `femme mari enfant enfants fils fille famille mere pere`,
	"ar": `زوجتي مرتي مراتي زوجي جوزي ولادي اولادي ابني بنتي عيلتي عائلتي امي ابوي`,
	"fa": `زنم خانمم شوهرم بچه بچه‌هایم بچه‌هام پسرم دخترم خانواده‌ام مادرم پدرم zanam shoharam`,
	"ps": `ښځه میرمن خاوند ماشوم ماشومان زوی لور کورنۍ مور پلار khaza`,
	"uk": `дружина дружині чоловік чоловіку дитина діти дітям син сину донька доньці сім'я`,
	"ru": `жена жене муж мужу ребенок ребёнку дети детям сын сыну дочь дочери семья`,
	"tr": `eşim esim karım karim kocam çocuğum cocugum çocuklarım cocuklarim oğlum oglum kızım kizim ailem`,
	"ku": `jina jinê mêrê zarok zarokên kurê keça malbat`,
	"ti": `ሰበይተይ ንሰበይተይ ሰብኣየይ ቆልዑ ውላደይ ወደይ ጓለይ ስድራ`,
	"so": `xaaskayga xaaskeyga ninkayga carruurta caruurta wiilkayga gabadhayda qoyska`,
}

var conditionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range familyLists {
		for _, w := range strings.Fields(Normalize(list)) {
			m[w] = true
		}
	}
	for _, list := range conditionLists {
		for _, w := range strings.Fields(Normalize(list)) {
			m[w] = true
		}
	}
	return m
}()

// hasCondition reports whether one of words (normalized) is a condition
// word.
func hasCondition(words []string) bool {
	for _, w := range words {
		if conditionWords[w] {
			return true
		}
		if rest, ok := strings.CutPrefix(w, "و"); ok && utf8.RuneCountInString(rest) >= 2 && conditionWords[rest] {
			return true
		}
	}
	return false
}

// FollowUp reads m, found alone to be alone, as a follow-up to the
// answer of entry prev. Only a short message is, when it puts a
// condition or is not clear alone:
//   - m puts a condition on what was answered ("and with a Duldung?"):
//     that entry is the answer, and what m found alone is offered beside;
//   - m is not clear alone ("does it cost anything?"), and the two
//     together find an entry clearly, or m puts a condition and nothing
//     is clear: that entry leads the choices, before those m found
//     alone – "what does Duldung mean" after the work permission is not
//     clear alone either, and wants the Duldung, so the context is not
//     answered directly.
//
// Otherwise alone is returned as it is.
func (k *KB) FollowUp(m *Message, prev, lang string, alone Parts) Parts {
	terms := m.Terms(lang)
	if len(terms) == 0 || len(terms) > followUpTerms || len(m.Words) > followUpWords {
		return alone
	}
	condition := hasCondition(m.Words)
	if alone.Main.Confident && (!condition || len(terms) > 1) {
		// Clear alone, and with a topic of its own beside the condition:
		// "Darf ich mit Duldung arbeiten?" after the Gestattung's answer
		// is a new question, not one about the Gestattung.
		return alone
	}
	txt, ok := k.Text(prev, lang)
	if !ok {
		return alone
	}
	if !k.knowsAny(terms) {
		// Words no entry knows ("blorf zamzam") are no follow-up but a
		// question without an answer, which the team may be allowed to
		// read.
		return alone
	}
	both := k.Search(txt.Question+" "+m.Text, lang)
	if len(both.Best) == 0 || !both.Confident && (!condition || alone.Main.Confident) {
		return alone
	}
	first := both.Best[0]
	if condition && both.Confident {
		out := Parts{Main: Result{Best: []Match{first}, Confident: true}}
		if !alone.Main.Confident {
			// What the words found alone is no topic of their own ("what
			// if we are 5 people" reached the people from Ukraine): the
			// answer stands by itself.
			return out
		}
		for _, b := range alone.Main.Best {
			if b.ID != first.ID {
				out.Also = append(out.Also, b.ID)
				break
			}
		}
		return out
	}
	choices := Result{Best: []Match{first}}
	for _, b := range alone.Main.Best {
		if b.ID != first.ID && len(choices.Best) < 3 {
			choices.Best = append(choices.Best, b)
		}
	}
	return Parts{Main: choices, Also: alone.Also}
}

// knowsAny reports whether a word of the knowledge base is like one of
// terms.
func (k *KB) knowsAny(terms []string) bool {
	var buf [16]cand
	for _, t := range terms {
		if len(k.idx.candidates(t, buf[:0])) > 0 {
			return true
		}
	}
	return false
}
