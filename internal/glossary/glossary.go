// Package glossary owns the German terms of the offices that Lotse keeps in
// German inside machine translations (locales/glossary.yaml): finding them
// in a message, hiding them from a translator behind placeholders and
// putting them back, and their short explanation in each shipped language.
// It imports only the standard library, the YAML decoder and i18n's list
// of shipped languages.
package glossary

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"lotse/internal/i18n"
)

// Term is one German term with its explanation per language code.
type Term struct {
	Term    string            `yaml:"term"`
	Forms   []string          `yaml:"forms"`
	Explain map[string]string `yaml:",inline"`
}

// Explanation is the short explanation in lang, or the German one.
func (t *Term) Explanation(lang string) string {
	if s := t.Explain[lang]; s != "" {
		return s
	}
	return t.Explain[i18n.Default]
}

// Glossary is the loaded list; it is read-only and safe for concurrent use.
type Glossary struct {
	terms []*Term
	// re matches every form, longest first, case-insensitively; forms maps
	// a lower-cased form to its term.
	re    *regexp.Regexp
	forms map[string]*Term
}

// Load reads the glossary file at path in fsys. Every term must have an
// explanation in every shipped language: a person must never get the
// German term explained in German only.
func Load(fsys fs.FS, path string) (*Glossary, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	var terms []*Term
	if err := yaml.Unmarshal(data, &terms); err != nil {
		return nil, fmt.Errorf("glossary: %s: %w", path, err)
	}
	return New(terms)
}

// New builds a glossary from terms, checking each is complete.
func New(terms []*Term) (*Glossary, error) {
	g := &Glossary{terms: terms, forms: map[string]*Term{}}
	var all []string
	for i, t := range terms {
		if strings.TrimSpace(t.Term) == "" {
			return nil, fmt.Errorf("glossary: entry %d: no term", i+1)
		}
		for _, l := range i18n.Languages {
			if strings.TrimSpace(t.Explain[l.Code]) == "" {
				return nil, fmt.Errorf("glossary: %s: no explanation in %s", t.Term, l.Code)
			}
		}
		for code := range t.Explain {
			if !i18n.Shipped(code) {
				return nil, fmt.Errorf("glossary: %s: unknown language %q", t.Term, code)
			}
		}
		for _, f := range append([]string{t.Term}, t.Forms...) {
			key := strings.ToLower(f)
			if other, dup := g.forms[key]; dup {
				return nil, fmt.Errorf("glossary: %q belongs to both %s and %s", f, other.Term, t.Term)
			}
			g.forms[key] = t
			all = append(all, f)
		}
	}
	// Longest first: "Reiseausweis für Flüchtlinge" wins over "Reiseausweis".
	sort.SliceStable(all, func(i, j int) bool { return utf8.RuneCountInString(all[i]) > utf8.RuneCountInString(all[j]) })
	quoted := make([]string, len(all))
	for i, f := range all {
		quoted[i] = regexp.QuoteMeta(f)
	}
	if len(quoted) > 0 {
		g.re = regexp.MustCompile(`(?i)(?:` + strings.Join(quoted, "|") + `)`)
	}
	return g, nil
}

// Terms lists every term in file order.
func (g *Glossary) Terms() []*Term { return g.terms }

// match is one occurrence of a term in a text.
type match struct {
	start, end int
	term       *Term
}

// matches finds the terms as whole words: "Duldung" in "die Duldung," but
// not inside "Duldungsbescheinigung". Letters of any script count as word
// characters, so an Arabic letter glued to a term hides it as well.
func (g *Glossary) matches(text string) []match {
	if g == nil || g.re == nil {
		return nil
	}
	var out []match
	for _, loc := range g.re.FindAllStringIndex(text, -1) {
		before, _ := utf8.DecodeLastRuneInString(text[:loc[0]])
		after, _ := utf8.DecodeRuneInString(text[loc[1]:])
		if loc[0] > 0 && isWordRune(before) || loc[1] < len(text) && isWordRune(after) {
			continue
		}
		out = append(out, match{loc[0], loc[1], g.forms[strings.ToLower(text[loc[0]:loc[1]])]})
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Find lists the terms a text uses, each once, in order of appearance.
func (g *Glossary) Find(text string) []*Term {
	var out []*Term
	for _, m := range g.matches(text) {
		if m.term != nil && !slices.Contains(out, m.term) {
			out = append(out, m.term)
		}
	}
	return out
}

// Protected is a text with its glossary terms replaced by placeholders,
// ready for a translator, and what the placeholders stand for.
type Protected struct {
	Text string
	// Kept are the original spellings, in placeholder order.
	Kept []string
}

// Protect replaces each term by a placeholder the translator leaves alone:
// a bracketed number, which machine translation copies as it copies
// numbers. The person then reads the term in German, as on their letters.
func (g *Glossary) Protect(text string) Protected {
	ms := g.matches(text)
	if len(ms) == 0 {
		return Protected{Text: text}
	}
	var b strings.Builder
	p := Protected{}
	last := 0
	for i, m := range ms {
		b.WriteString(text[last:m.start])
		b.WriteString(placeholder(i))
		p.Kept = append(p.Kept, text[m.start:m.end])
		last = m.end
	}
	b.WriteString(text[last:])
	p.Text = b.String()
	return p
}

func placeholder(i int) string { return "[" + strconv.Itoa(i+1) + "]" }

// placeholderRe accepts what translators make of "[3]": spaces inside,
// full-width or Arabic-script brackets, Eastern Arabic or Persian digits.
var placeholderRe = regexp.MustCompile(`[\[［【(（]\s*([0-9٠-٩۰-۹]{1,3})\s*[\]］】)）]`)

// Restore puts the kept terms back into a translation of p.Text. A term
// whose placeholder the translator lost is added at the end in brackets,
// so no term is ever dropped from what the person reads.
func (p Protected) Restore(translated string) string {
	if len(p.Kept) == 0 {
		return translated
	}
	used := make([]bool, len(p.Kept))
	out := placeholderRe.ReplaceAllStringFunc(translated, func(s string) string {
		n := digitsValue(placeholderRe.FindStringSubmatch(s)[1])
		if n < 1 || n > len(p.Kept) {
			return s
		}
		used[n-1] = true
		return p.Kept[n-1]
	})
	var lost []string
	for i, u := range used {
		if !u && !slices.Contains(lost, p.Kept[i]) {
			lost = append(lost, p.Kept[i])
		}
	}
	if len(lost) > 0 {
		out += " (" + strings.Join(lost, ", ") + ")"
	}
	return out
}

// digitsValue reads ASCII, Arabic-Indic and Extended Arabic-Indic digits.
func digitsValue(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r >= '٠' && r <= '٩':
			n = n*10 + int(r-'٠')
		case r >= '۰' && r <= '۹':
			n = n*10 + int(r-'۰')
		}
	}
	return n
}
