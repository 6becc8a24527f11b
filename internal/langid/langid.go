// Package langid tells which of Lotse's shipped languages a message is
// written in, so a person is answered in the language they write.
//
// It owns the whole decision from text to language: the script of the
// letters picks the candidates (Ge'ez: Tigrinya; Cyrillic: Ukrainian or
// Russian; Arabic script: Arabic, Dari/Farsi or Pashto; Latin: German,
// English, French, Turkish, Kurmanji or Somali, and Arabic, Dari/Farsi,
// Pashto, Russian, Ukrainian and Tigrinya as people type them in Latin
// letters – Arabizi "ana bdi sha2a", Finglish "mikham ye khune", "mne
// nuzhna pomosh", "gza ydli eye"), and a naive Bayes model of character n-grams decides among
// them. A romanised result is reported as the language itself, with
// Result.Romanized: those writers read their own script. The model is
// trained when the detector is built, from Lotse's own texts in locales/
// (knowledge base and messages, real text in every shipped language), the
// everyday words in colloquial/ that those standard-language texts lack,
// the Russian and Ukrainian texts and the Tigrinya messages
// transliterated by rule, and hand-written romanised word lists
// (colloquial/<lang>-latn.txt); there is no model file to keep in step
// with the texts. Digits inside a Latin word are letters (Arabizi 3 7 2). A whole word some
// candidates' texts have and the others' lack adds to their score. Letters that only some languages
// have (Pashto ټ ډ ړ ښ, Persian پ چ گ, Arabic ة, Ukrainian і ї є,
// Russian ы э ъ, Turkish ı ğ, Kurmanji ê û) are features of the model,
// while the n-grams see words with those letters folded, so that people
// who type without them are still recognised.
//
// German office terms ("Jobcenter", "Duldung", "WBS") occur inside every
// language's messages and are not counted, nor are words such as "ok",
// "hallo" or "danke" that people mix into any language. Detect is cheap
// (a few microseconds, no allocation per word beyond the lower-casing)
// and safe for concurrent use; it does no I/O.
//
// langid imports only the standard library, the locales it is trained on
// and the YAML reader.
package langid

import (
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"lotse/locales"
)

// Script is the writing system of a message's letters.
type Script uint8

const (
	ScriptNone Script = iota
	ScriptLatin
	ScriptCyrillic
	ScriptArabic
	ScriptEthiopic
	numScripts
)

var scriptNames = [...]string{"none", "latin", "cyrillic", "arabic", "ethiopic"}

func (s Script) String() string { return scriptNames[s] }

// scriptLangs are the shipped languages written in each script, the
// candidates the model chooses among.
var scriptLangs = [numScripts][]string{
	ScriptLatin:    {"de", "en", "fr", "tr", "ku", "so"},
	ScriptCyrillic: {"uk", "ru"},
	ScriptArabic:   {"ar", "fa", "ps"},
	ScriptEthiopic: {"ti"},
}

// langScript is scriptLangs turned around.
var langScript = func() map[string]Script {
	m := map[string]Script{}
	for s, langs := range scriptLangs {
		for _, l := range langs {
			m[l] = Script(s)
		}
	}
	return m
}()

// ScriptOf reports the script a shipped language is written in.
func ScriptOf(lang string) Script { return langScript[lang] }

// romanized are the languages of other scripts that people also type in
// Latin letters (Arabizi "ana bdi sha2a", Finglish "mikham ye khune",
// Russian "mne nuzhna pomosh"). Their romanised forms are candidates of
// the Latin model, named lang+latn inside the detector and reported as
// the language itself: these writers read their own script.
var romanized = []string{"ar", "fa", "ps", "ru", "uk", "ti"}

const latn = "-Latn"

// Result is what Detect found.
type Result struct {
	// Lang is the most likely shipped language, "" when the message has
	// no letters worth counting (numbers, emojis, office terms only).
	Lang string
	// Script is the script most of the counted letters are written in.
	Script Script
	// Sure says the message clearly is in Lang: at least three words and
	// two counted ones, one script, and a clear lead over the runner-up.
	// Only a sure result should change a language the person already has.
	Sure bool
	// Words is the number of counted words (office terms and neutral
	// words left out).
	Words int
	// Margin is the lead over the runner-up in log-probability per counted
	// word (+Inf when the script has one candidate).
	Margin float64
	// Known is how many counted words occur in Lang's training texts.
	Known int
	// Romanized says Lang, a language of another script, was typed in
	// Latin letters. Its romanised forms are told apart less surely than
	// its script is (Russian "ya ne khochu" is nearly Ukrainian).
	Romanized bool

	// distinct counts the different counted words; evidence those of them
	// in Lang's texts or with letters beyond ASCII (ç, ı, ü, é, ß).
	distinct, evidence int
}

// Wide reports a sure result with a wide lead over the runner-up, as
// nearly every message of three or more words in a Latin-script language
// has; a narrow one in Latin letters is often another language
// romanised in words the detector does not know.
func (r Result) Wide() bool { return r.Sure && r.Margin >= guessMargin }

// WideGuess reports a result not sure, for too few words, that still
// leads widely and has a word of its language's texts: "badi maw3ad"
// (two words of Arabizi) is no guess like "asdf qwer".
func (r Result) WideGuess() bool { return r.Margin >= guessMargin && r.Known > 0 }

type seenWord struct {
	w       string
	knownBy uint16 // bit i: in the texts of model.langs[i]
	special bool
}

// Tuning. Buckets trades memory for fewer hash collisions between
// n-grams; alpha is additive smoothing; minMargin is the per-word lead
// below which a result is not sure.
const (
	bucketBits = 17
	buckets    = 1 << bucketBits
	maxN       = 4
	alpha      = 0.5
	minMargin  = 2.0
	// mixedShare: a second script with at least this share of the
	// counted letters makes the message mixed, never sure.
	mixedShare = 0.3
	// minKnown: at least one counted word in minKnown must occur in the
	// winning language's texts for a sure result.
	minKnown = 5
	// letterWeight scales the raw special-letter features: each is one
	// character but says as much about orthography as a word.
	letterWeight = 2
	// tiLatnMargin: the per-word lead a romanised Tigrinya result needs
	// to be sure (see Detect).
	tiLatnMargin = 8.0
	// guessMargin: below this per-word lead, a message with at most one
	// word of evidence is a guess (see Detect).
	guessMargin = 16.0
	// wordBonus is the log-odds a whole word adds for the candidates
	// whose texts have it, when the others' do not.
	wordBonus = 7.0
	// maxLangs bounds the candidates of one script (knownBy's bits).
	maxLangs = 16
)

// Detector holds the trained model. Build it once with New or Default.
type Detector struct {
	models [numScripts]*model
	// skip are words never counted: German office terms found inside the
	// other languages' texts, and neutral words used in any language.
	skip map[string]bool
}

type model struct {
	langs []string
	// logp[b*len(langs)+i] is log P(feature in bucket b | langs[i]).
	logp []float32
	// unseen[i] is logp of a feature langs[i]'s texts never had.
	unseen []float32
	// arLatn is the index of romanised Arabic in langs, -1 if none.
	arLatn int
}

var (
	defaultOnce sync.Once
	defaultDet  *Detector
	defaultErr  error
)

// Default is the detector trained on the shipped texts, built on first use.
func Default() (*Detector, error) {
	defaultOnce.Do(func() { defaultDet, defaultErr = New(locales.FS) })
	return defaultDet, defaultErr
}

// New trains a detector on the YAML files kb/<lang>.yaml and
// messages/<lang>.yaml in fsys, every string value training text of its
// file's language, and on the everyday words in colloquial/.
func New(fsys fs.FS) (*Detector, error) {
	texts := map[string][]string{}
	for _, dir := range []string{"kb", "messages"} {
		files, err := fs.Glob(fsys, dir+"/*.yaml")
		if err != nil {
			return nil, fmt.Errorf("langid: list %s: %w", dir, err)
		}
		for _, f := range files {
			lang := strings.TrimSuffix(path.Base(f), ".yaml")
			if ScriptOf(lang) == ScriptNone {
				continue // structure.yaml and anything not a shipped language
			}
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("langid: read %s: %w", f, err)
			}
			var n yaml.Node
			if err := yaml.Unmarshal(b, &n); err != nil {
				return nil, fmt.Errorf("langid: parse %s: %w", f, err)
			}
			n0 := len(texts[lang])
			texts[lang] = appendScalars(texts[lang], &n, dir == "messages")
			if lang == "ti" && dir == "messages" {
				// Tigrinya typed in Latin letters, learnt from the everyday
				// wording of the messages spelt out letter by letter. Not
				// the knowledge base: its long, formal texts made the
				// romanised candidate so broad that it outscored Arabizi
				// and Finglish on their own words.
				texts["ti"+latn] = append(texts["ti"+latn], transliterate("ti", texts[lang][n0:])...)
			}
		}
	}
	lists, err := fs.Glob(colloquial, "colloquial/*.txt")
	if err != nil {
		return nil, fmt.Errorf("langid: list colloquial: %w", err)
	}
	for _, f := range lists {
		b, err := colloquial.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("langid: read %s: %w", f, err)
		}
		lang := strings.TrimSuffix(path.Base(f), ".txt")
		if l, ok := strings.CutSuffix(lang, "-latn"); ok {
			lang = l + latn // colloquial/ar-latn.txt: Arabic in Latin letters
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, "#") {
				texts[lang] = append(texts[lang], line)
			}
		}
	}
	return Train(texts)
}

// colloquial are everyday words the shipped texts, written in the
// standard language, lack (see colloquial/README.md).
//
//go:embed colloquial/*.txt
var colloquial embed.FS

// appendScalars collects the string values of a YAML tree (not its keys).
// In messages, values of keys ending in "_words" are lists of words people
// type ("ja,jo,genau", "aywa,na3am"), read by flows, not text: short,
// partly in Latin letters, they would teach the wrong script's model.
func appendScalars(out []string, n *yaml.Node, messages bool) []string {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			out = append(out, n.Value)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			if messages && strings.HasSuffix(n.Content[i-1].Value, "_words") {
				continue
			}
			out = appendScalars(out, n.Content[i], messages)
		}
	default:
		for _, c := range n.Content {
			out = appendScalars(out, c, messages)
		}
	}
	return out
}

// neutral are words people mix into any language; they say nothing about
// which one a message is in.
var neutral = []string{"ok", "okay", "oki", "hallo", "hello", "hi", "hey", "danke", "thanks", "thx", "merci",
	"bitte", "please", "pls", "plz", "salam", "salaam", "ja", "nein", "yes", "no", "bye", "tschüss", "super",
	"termin", "bamf", "lotse", "online", "email", "e-mail", "whatsapp", "telegram", "sms", "pdf",
	"lol", "haha", "hahaha", "hehe", "hihi", "xd", "omg"}

// Train builds a detector from training texts by language. Languages
// the detector does not know (not shipped) are ignored; a shipped
// language without text makes an error. Texts under lang+"-Latn" are a
// language of another script typed in Latin letters; Russian and
// Ukrainian get theirs also from their own texts, transliterated, and a
// romanised form without text is no candidate.
func Train(texts map[string][]string) (*Detector, error) {
	d := &Detector{skip: loanTerms(texts)}
	for _, w := range neutral {
		d.skip[w] = true
	}
	for lang, l := range langScript {
		if len(texts[lang]) == 0 && l != ScriptNone {
			return nil, fmt.Errorf("langid: train: no text for %q", lang)
		}
	}
	latin := map[string][]string{}
	for _, l := range romanized {
		if ts := texts[l+latn]; len(ts) > 0 || ScriptOf(l) == ScriptCyrillic {
			latin[l+latn] = append(slices.Clip(ts), transliterate(l, texts[l])...)
		}
	}
	var buf []rune
	for s := ScriptLatin; s < numScripts; s++ {
		langs := scriptLangs[s]
		if s == ScriptLatin {
			langs = slices.Clip(langs)
			for _, l := range romanized {
				if len(latin[l+latn]) > 0 {
					langs = append(langs, l+latn)
				}
			}
		}
		if len(langs) > maxLangs {
			// knownBy keeps a bit a language and Detect a score each in
			// fixed arrays: more would be read past their end.
			return nil, fmt.Errorf("langid: %d languages of one script, at most %d", len(langs), maxLangs)
		}
		m := &model{langs: langs, arLatn: slices.Index(langs, "ar"+latn)}
		d.models[s] = m
		if len(langs) == 1 {
			continue // nothing to choose: the script decides
		}
		m.logp = make([]float32, buckets*len(langs))
		m.unseen = make([]float32, len(langs))
		counts := make([]float64, buckets*len(langs))
		for i, lang := range langs {
			total := 0.0
			ts := texts[lang]
			if strings.HasSuffix(lang, latn) {
				ts = latin[lang]
			}
			for _, t := range ts {
				forWords(t, func(w string) {
					if scriptOfWord(w) != s || d.skip[w] {
						return
					}
					buf = features(buf[:0], w, s, func(h uint64, weight float64) {
						counts[int(h&(buckets-1))*len(langs)+i] += weight
						total += weight
					})
				})
			}
			denom := math.Log(total + alpha*buckets)
			unseen := float32(math.Log(alpha) - denom)
			m.unseen[i] = unseen
			for b := range buckets {
				k := b*len(langs) + i
				if counts[k] == 0 {
					m.logp[k] = unseen
					continue
				}
				m.logp[k] = float32(math.Log(counts[k]+alpha) - denom)
			}
		}
	}
	return d, nil
}

// loanTerms finds the German office terms: Latin-script words that occur
// in the texts of at least two languages written in another script
// (Arabic, Dari, Pashto, Ukrainian, Russian, Tigrinya write "Jobcenter",
// "Duldung", "WBS" in Latin letters, as people do in their messages).
func loanTerms(texts map[string][]string) map[string]bool {
	seen := map[string]int{}
	for lang, ts := range texts {
		if s := ScriptOf(lang); s == ScriptLatin || s == ScriptNone {
			continue // and the romanised forms, Latin by design
		}
		in := map[string]bool{}
		for _, t := range ts {
			forWords(t, func(w string) {
				if scriptOfWord(w) == ScriptLatin && !in[w] {
					in[w] = true
					seen[w]++
				}
			})
		}
	}
	skip := map[string]bool{}
	for w, n := range seen {
		if n >= 2 {
			skip[w] = true
		}
	}
	return skip
}

// Detect tells which shipped language text is written in.
func (d *Detector) Detect(text string) Result {
	var letters [numScripts]int
	raw := 0
	var words [numScripts]int
	// First pass: count words and letters per script, leaving out the
	// words that are not counted, and keep those for the second.
	type counted struct {
		w string
		s Script
	}
	var cbuf [32]counted
	kept := cbuf[:0]
	forWords(text, func(w string) {
		raw++
		if d.skip[w] {
			return
		}
		s := scriptOfWord(w)
		if s == ScriptNone {
			return
		}
		words[s]++
		letters[s] += utf8.RuneCountInString(w)
		kept = append(kept, counted{w, s})
	})
	best, total := ScriptNone, 0
	for s := ScriptLatin; s < numScripts; s++ {
		total += letters[s]
		if letters[s] > letters[best] {
			best = s
		}
	}
	if best == ScriptNone {
		return Result{}
	}
	res := Result{Script: best, Words: words[best]}
	m := d.models[best]
	if len(m.langs) == 1 {
		res.Lang, res.Margin = m.langs[0], math.Inf(1)
	} else {
		var scores [maxLangs]float64
		var known [maxLangs]int
		// Each distinct word once, for the evidence rule below.
		var dbuf [16]seenWord
		distinct := dbuf[:0]
		n := len(m.langs)
		sc := scores[:n] // rows of n below need no bounds checks
		arabizi := 0     // words with a letter digit between letters
		var rbuf [64]rune
		buf := rbuf[:0]
		for _, c := range kept {
			if c.s != best {
				continue
			}
			w := c.w
			buf = features(buf[:0], w, best, func(h uint64, weight float64) {
				row := m.logp[int(h&(buckets-1))*n:][:len(sc)]
				for i, lp := range row {
					sc[i] += weight * float64(lp)
				}
			})
			// Whole words the language's texts have: a message in none of
			// the candidates (a language Lotse does not ship, or a
			// romanised one in words its lists lack) has few, whichever
			// language wins.
			knownBy := m.knownBy(buf)
			if knownBy == 0 && best == ScriptArabic {
				knownBy = m.knownWithoutClitic(buf)
			}
			for i := range n {
				if knownBy&(1<<i) != 0 {
					known[i]++
				}
			}
			// A word the texts of some candidates have and the others'
			// lack is stronger evidence than its n-grams, which a
			// Ukrainian "дуже" or "треба" shares with Russian.
			if knownBy != 0 && int(knownBy) != 1<<n-1 {
				for i := range n {
					if knownBy&(1<<i) != 0 {
						scores[i] += wordBonus
					}
				}
			}
			// A digit between two letters ("dafa3t", "sha2a", "ma3ak")
			// is how Arabizi writes ع ح ء خ; Somali writes digits only
			// before a word's letters ("2aad"), and the n-grams fold
			// digits away, so "dafa3t … w ma raddo" was sure Somali.
			if best == ScriptLatin && m.arLatn >= 0 && arabiziDigit(w) {
				arabizi++
			}
			if !slices.ContainsFunc(distinct, func(sw seenWord) bool { return sw.w == w }) {
				distinct = append(distinct, seenWord{w: w, knownBy: knownBy, special: strings.ContainsFunc(w, nonASCII)})
			}
		}
		if arabizi > 0 {
			// Romanised Arabic leads, whatever the n-grams of the rest
			// said, by a known word's weight for each such word and at
			// least by the margin of a sure result.
			scores[m.arLatn] = slices.Max(sc) + max(wordBonus*float64(arabizi), minMargin*float64(res.Words))
		}
		first, second := 0, -1
		for i := 1; i < n; i++ {
			if scores[i] > scores[first] {
				first, second = i, first
			} else if second < 0 || scores[i] > scores[second] {
				second = i
			}
		}
		if second < 0 {
			second = 1 - first
		}
		res.Lang = m.langs[first]
		if l, ok := strings.CutSuffix(res.Lang, latn); ok {
			res.Lang, res.Romanized = l, true
		}
		res.Known = known[first]
		for _, sw := range distinct {
			res.distinct++
			if sw.knownBy&(1<<first) != 0 || sw.special {
				res.evidence++
			}
		}
		res.Margin = (scores[first] - scores[second]) / float64(res.Words)
	}
	mixed := float64(total-letters[best]) >= mixedShare*float64(total)
	// A message whose words the winner's texts hardly know is likely in
	// none of the candidates, or romanised in words the lists lack, and
	// would otherwise be "sure" Somali or Kurmanji.
	unknown := len(m.langs) > 1 && res.Known*minKnown < res.Words
	// At most one of three or more distinct words in the winner's texts
	// or written with letters beyond ASCII, and no wide lead: keyboard
	// runs ("asdf qwer zxcv") or a language none of the candidates is,
	// where n-grams alone pick a language. Turkish typed
	// without its letters has the same few known words but a wide lead.
	unknown = unknown || best == ScriptLatin && len(m.langs) > 1 && res.evidence <= 1 && res.distinct >= 3 && res.Margin < guessMargin
	need := minMargin
	if res.Romanized && res.Lang == "ti" {
		// Romanised Tigrinya shares words with Arabizi ("bet", "fi",
		// "ana", "men") and is learnt from far more text than Arabizi's
		// list: "el bet fi dokhan ktir" (smoke in the house) was sure
		// Tigrinya and got the fire help in Ge'ez.
		need = tiLatnMargin
	}
	res.Sure = raw >= 3 && res.Words >= 2 && !mixed && !unknown && res.Margin >= need
	return res
}

// knownBy reports which candidates' texts have the word whose folded
// runes, between boundary marks, are buf: bit i for m.langs[i].
func (m *model) knownBy(buf []rune) uint16 {
	n := len(m.langs)
	row := m.logp[int(hashRunes(0, buf)&(buckets-1))*n:][:n]
	var by uint16
	for i, lp := range row {
		if lp > m.unseen[i] {
			by |= 1 << i
		}
	}
	return by
}

// arClitics are what Arabic writes onto a word (the article, "and",
// "with", "for" and their combinations), folded; the texts seldom have
// the very combination a message does ("بغرفة", "والوضع"). Longest first.
var arClitics = [][]rune{[]rune("وال"), []rune("بال"), []rune("فال"), []rune("کال"), []rune("لل"), []rune("ال"), []rune("و"), []rune("ب"), []rune("ل"), []rune("ف")}

// knownWithoutClitic is knownBy for the word without its first clitic,
// when at least three letters remain. buf is restored.
func (m *model) knownWithoutClitic(buf []rune) uint16 {
	for _, c := range arClitics {
		if len(buf)-2-len(c) < 3 || !slices.Equal(buf[1:1+len(c)], c) {
			continue
		}
		r := buf[len(c)]
		buf[len(c)] = '^'
		by := m.knownBy(buf[len(c):])
		buf[len(c)] = r
		if by != 0 {
			return by
		}
	}
	return 0
}

// forWords calls f with each lower-cased word of text: runs of letters
// (and marks, and apostrophes inside a word). Links and addresses are
// skipped whole.
func forWords(text string, f func(string)) {
	for field := range strings.FieldsSeq(text) {
		if strings.Contains(field, "://") || strings.Contains(field, "@") || strings.HasPrefix(field, "www.") {
			continue
		}
		start := -1
		for i, r := range field {
			var inWord bool
			if r < utf8.RuneSelf {
				// ASCII without the Unicode tables: no marks, and its
				// letters are the Latin ones.
				inWord = isLatinLetter(byte(r)) || start >= 0 && r == '\'' && i+1 < len(field) ||
					letterDigit(field, i, start)
			} else {
				inWord = unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) ||
					(start >= 0 && r == '’' && i+utf8.RuneLen(r) < len(field))
			}
			if inWord && start < 0 {
				start = i
			}
			if !inWord && start >= 0 {
				emit(field[start:i], f)
				start = -1
			}
		}
		if start >= 0 {
			emit(field[start:], f)
		}
	}
}

// arabiziDigit reports whether w has one of Arabizi's letter digits
// (2 3 5 7 9) between two Latin letters ("dafa3t"), or leading a word of
// at least three letters that is no ordinal ("7ubub", "3ish", "3alaykom";
// not Somali "2aad" or "3rd", "2nd", "5th", "3ème", "2te").
func arabiziDigit(w string) bool {
	for i := 1; i+1 < len(w); i++ {
		switch w[i] {
		case '2', '3', '5', '7', '9':
			if isLatinLetter(w[i-1]) && isLatinLetter(w[i+1]) {
				return true
			}
		}
	}
	if len(w) < 4 || !strings.ContainsRune("23579", rune(w[0])) {
		return false
	}
	for i := 1; i < len(w); i++ {
		if !isLatinLetter(w[i]) {
			return false
		}
	}
	return !slices.Contains(ordinalSuffixes, w[1:])
}

// ordinalSuffixes follow a digit in the shipped Latin-script languages'
// ordinals: Somali 2aad, English 3rd, German 2te, French 2eme, Turkish 3ncü
// typed without its letters.
var ordinalSuffixes = []string{"aad", "aadka", "aadna", "st", "nd", "rd", "th", "te", "ter", "ten", "tes", "eme", "ème", "er", "ere", "nci", "ncu", "ncü", "inci", "uncu"}

// letterDigit says the digit at field[i] is a letter of a word typed in
// Latin letters: Arabizi writes ع ح ق خ as 3 7 9 5 ("ma3", "7abibi",
// "sha2a"), Russian chat ч ш as 4 6. It must touch a Latin letter; 0 and
// 1 never are letters (B1, 1st).
func letterDigit(field string, i, start int) bool {
	if c := field[i]; c < '2' || c > '9' {
		return false
	}
	if start >= 0 {
		return strings.IndexFunc(field[start:i], func(r rune) bool { return r < utf8.RuneSelf && isLatinLetter(byte(r)) }) >= 0
	}
	for j := i + 1; j < len(field); j++ {
		if c := field[j]; c < '2' || c > '9' {
			return isLatinLetter(c)
		}
	}
	return false
}

func isLatinLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func emit(w string, f func(string)) {
	w = strings.TrimRight(w, "'’")
	if w == "" {
		return
	}
	// Turkish dotted capital I lower-cases to i plus a combining dot in
	// Go's default mapping; people mean plain i.
	w = strings.ReplaceAll(w, "İ", "I")
	f(strings.ToLower(w))
}

// scriptOfWord is the script of a word's first letter.
func scriptOfWord(w string) Script {
	for _, r := range w {
		switch {
		case r < 0x250 && unicode.IsLetter(r):
			return ScriptLatin
		case r >= 0x400 && r < 0x530:
			return ScriptCyrillic
		case r >= 0x600 && r < 0x700, r >= 0x750 && r < 0x780, r >= 0xFB50 && r < 0xFF00:
			return ScriptArabic
		case r >= 0x1200 && r < 0x13A0, r >= 0x2D80 && r < 0x2DE0, r >= 0xAB00 && r < 0xAB30:
			return ScriptEthiopic
		}
		if unicode.IsLetter(r) {
			return ScriptNone
		}
	}
	return ScriptNone
}

// features calls f with the hashed features of one word: the character
// 1- to 4-grams of the folded word between boundary marks, the folded
// word itself, and each letter the folding changed (the orthography).
// buf is scratch space, returned for reuse.
func features(buf []rune, w string, s Script, f func(h uint64, weight float64)) []rune {
	buf = append(buf, '^')
	for _, r := range w {
		if fr := fold(r, s); fr != 0 {
			if (fr != r || special(r)) && !keyboardVariant(r) {
				f(hashRunes(9, []rune{r}), letterWeight)
			}
			if fr != '\'' && fr != '’' && unicode.Is(unicode.Mn, fr) {
				continue // vowel signs and diacritics people rarely type
			}
			buf = append(buf, fr)
		}
	}
	buf = append(buf, '$')
	for n := 1; n <= maxN; n++ {
		for i := 0; i+n <= len(buf); i++ {
			if n == 1 && (buf[i] == '^' || buf[i] == '$') {
				continue
			}
			f(hashRunes(uint64(n), buf[i:i+n]), 1)
		}
	}
	f(hashRunes(0, buf), 1)
	return buf
}

// keyboardVariant are letters whose form says which keyboard typed them,
// not which language: Arabic ي ى ك for Persian ی ک. An Afghan phone with
// an Arabic layout writes Dari with them, so they are folded but are no
// feature; Arabic is still told by its words and by ة.
func keyboardVariant(r rune) bool { return r == 'ي' || r == 'ى' || r == 'ك' }

// special are letters that mark a language although folding keeps them.
func nonASCII(r rune) bool { return r > unicode.MaxASCII }

func special(r rune) bool {
	switch r {
	case 'і', 'ї', 'є', 'ґ', 'ы', 'э', 'ъ', 'x', 'q', 'w':
		return true
	}
	return false
}

// fold maps a letter to the form people type when their keyboard lacks
// it: Pashto letters to their Persian look-alikes, Arabic ي ك ة to the
// Persian forms, Latin letters without accents. 0 drops the rune.
func fold(r rune, s Script) rune {
	switch s {
	case ScriptArabic:
		switch r {
		case 'ي', 'ى', 'ې', 'ۍ', 'ے', 'ئ':
			return 'ی'
		case 'ك':
			return 'ک'
		case 'ة':
			return 'ه'
		case 'أ', 'إ', 'آ', 'ٱ':
			return 'ا'
		case 'ؤ':
			return 'و'
		case 'ټ':
			return 'ت'
		case 'ډ':
			return 'د'
		case 'ړ':
			return 'ر'
		case 'ښ':
			return 'ش'
		case 'ږ':
			return 'ژ'
		case 'ګ':
			return 'گ'
		case 'ڼ':
			return 'ن'
		case 'ـ':
			return 0 // tatweel, a stretching stroke
		}
		if r >= 0x64B && r <= 0x65F || r == 0x670 {
			return 0 // harakat
		}
	case ScriptCyrillic:
		if r == 'ё' {
			return 'е'
		}
	case ScriptLatin:
		switch r {
		case 'ı', 'î', 'ï', 'í', 'ì':
			return 'i'
		case 'ş':
			return 's'
		case 'ğ':
			return 'g'
		case 'ç':
			return 'c'
		case 'ö', 'ô', 'ó':
			return 'o'
		case 'ü', 'û', 'ù', 'ú':
			return 'u'
		case 'ä', 'à', 'â', 'á':
			return 'a'
		case 'é', 'è', 'ê', 'ë':
			return 'e'
		case 'ß':
			return 's'
		case '’':
			return '\''
		}
	}
	return r
}

// hashRunes is FNV-1a over the runes, seeded with the feature kind so
// that a word and an n-gram with the same letters do not collide.
func hashRunes(kind uint64, rs []rune) uint64 {
	h := uint64(14695981039346656037) ^ (kind * 0x9E3779B97F4A7C15)
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	h ^= h >> 29
	return h
}
