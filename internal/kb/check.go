package kb

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Severity says whether a problem must be fixed before shipping.
type Severity int

const (
	// SeverityWarning: the content works but should be looked at.
	SeverityWarning Severity = iota + 1
	// SeverityError: something is wrong or missing for people.
	SeverityError
)

func (s Severity) String() string {
	if s == SeverityError {
		return "error"
	}
	return "warning"
}

// Problem is one finding of Check, worded for the person editing the files.
type Problem struct {
	File     string
	Key      string // entry id, if the problem concerns one
	Msg      string
	Severity Severity
}

func (p Problem) String() string {
	key := ""
	if p.Key != "" {
		key = " " + p.Key
	}
	return fmt.Sprintf("%s: %s%s: %s", p.Severity, p.File, key, p.Msg)
}

// Content rules.
const (
	maxIDLen       = 32 // ids travel in 64-byte button data with other fields
	maxAnswerWords = 120
)

var idPattern = regexp.MustCompile(`^[a-z0-9_]+\.[a-z0-9_]+$`)

// markup that would show up literally, since answers are sent as plain text.
var markup = regexp.MustCompile(`<[a-zA-Z/][^>]*>|\*\*|__|\]\(|^#{1,6} `)

// Check validates the loaded content: ids, sources, review dates, every
// entry in every language, answer length, duplicates and placeholders.
// Entries reviewed longer than maxAge before now are reported (maxAge 0
// skips this). knownFacts lists the placeholder names the municipality
// configures; nil skips that check.
func (k *KB) Check(maxAge time.Duration, now time.Time, knownFacts []string) []Problem {
	var ps []Problem
	ps = append(ps, k.loadProblems...)
	add := func(sev Severity, file, key, format string, args ...any) {
		ps = append(ps, Problem{File: file, Key: key, Msg: fmt.Sprintf(format, args...), Severity: sev})
	}

	if len(k.areas) == 0 {
		add(SeverityError, structureFile, "", "no areas listed")
	}
	for _, e := range k.entries {
		switch {
		case !idPattern.MatchString(e.ID):
			add(SeverityError, structureFile, e.ID, "id must look like area.name, in lowercase letters, digits and _")
		case len(e.ID) > maxIDLen:
			add(SeverityError, structureFile, e.ID, "id is %d bytes long, at most %d are allowed", len(e.ID), maxIDLen)
		case !strings.HasPrefix(e.ID, e.Area+"."):
			add(SeverityError, structureFile, e.ID, "id must start with its area %q", e.Area)
		}
		if !slices.Contains(k.areas, e.Area) {
			add(SeverityError, structureFile, e.ID, "area %q is not in the list of areas", e.Area)
		}
		if msg := checkSource(e.Source); msg != "" {
			add(SeverityError, structureFile, e.ID, "%s", msg)
		}
		switch {
		case e.Reviewed.IsZero():
			add(SeverityError, structureFile, e.ID, "reviewed date is missing or not written as YYYY-MM-DD")
		case e.Reviewed.After(now):
			add(SeverityWarning, structureFile, e.ID, "reviewed date %s is in the future", e.Reviewed.Format(dateLayout))
		case maxAge > 0 && now.Sub(e.Reviewed) > maxAge:
			add(SeverityWarning, structureFile, e.ID, "legal content was last reviewed on %s; please review it again", e.Reviewed.Format(dateLayout))
		}
		for _, r := range e.Related {
			if _, ok := k.byID[r]; !ok {
				add(SeverityError, structureFile, e.ID, "related id %q does not exist", r)
			} else if r == e.ID {
				add(SeverityWarning, structureFile, e.ID, "related lists the entry itself")
			}
		}
	}
	for _, a := range k.areas {
		if len(k.Entries(a)) == 0 {
			add(SeverityWarning, structureFile, "", "area %q has no entries", a)
		}
	}

	var known map[string]bool
	if knownFacts != nil {
		known = map[string]bool{}
		for _, f := range knownFacts {
			known[f] = true
		}
	}
	for _, lang := range k.files {
		ps = append(ps, k.checkLang(lang, known)...)
	}
	for _, lang := range []string{sourceLang, lastLang} {
		if _, ok := k.langs[lang]; !ok {
			add(SeverityError, kbDir+"/"+lang+".yaml", "", "file is missing; it is the fallback for all other languages")
		}
	}
	for _, lang := range k.files {
		if k.urgent.langs[lang] == 0 {
			add(SeverityWarning, urgentFile, "", "no urgent words for language %q", lang)
			continue
		}
		// Each kind gets its own help; a language without one would fall
		// back to no help at all for it.
		for _, n := range urgencyNames {
			if n.u != UrgentGeneral && !k.urgent.categories[lang].Has(n.u) {
				add(SeverityWarning, urgentFile, "", "language %q has no %s items", lang, n.name)
			}
		}
	}
	return ps
}

func (k *KB) checkLang(lang string, known map[string]bool) []Problem {
	f := k.langs[lang]
	var ps []Problem
	add := func(sev Severity, file, key, format string, args ...any) {
		ps = append(ps, Problem{File: file, Key: key, Msg: fmt.Sprintf(format, args...), Severity: sev})
	}
	// Every language must have every entry. Missing ones fall back to
	// German or English, which is an error only for those two.
	missingSev := SeverityWarning
	if lang == sourceLang || lang == lastLang {
		missingSev = SeverityError
	}
	for _, e := range k.entries {
		if _, ok := f.texts.get(e.ID); !ok {
			add(missingSev, f.file, e.ID, "entry is missing; people see the %s text instead", fallbackFor(lang))
		}
	}
	questions := map[string]string{}
	for _, id := range f.order {
		t, _ := f.texts.get(id)
		if _, ok := k.byID[id]; !ok {
			add(SeverityError, t.file, id, "id is not in structure.yaml (misspelt?); the text is never shown")
		}
		if t.question == "" {
			add(SeverityError, t.file, id, "question is empty")
		}
		if t.answer == "" {
			add(SeverityError, t.file, id, "answer is empty")
		}
		if n := countWords(t.answer); n > maxAnswerWords {
			add(SeverityError, t.file, id, "answer has %d words, at most %d fit on a phone screen", n, maxAnswerWords)
		}
		if markup.MatchString(t.answer) {
			add(SeverityWarning, t.file, id, "answer looks like it contains markup; it is sent as plain text")
		}
		if nq := Normalize(t.question); nq != "" {
			if other, dup := questions[nq]; dup {
				add(SeverityError, t.file, id, "same question as %s", other)
			} else {
				questions[nq] = id
			}
		}
		for _, field := range []struct{ name, text string }{{"question", t.question}, {"answer", t.answer}} {
			rest := placeholder.ReplaceAllString(field.text, "")
			if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
				add(SeverityError, t.file, id, "%s has broken braces; write placeholders as {{name}} in lowercase", field.name)
			}
			if known == nil {
				continue
			}
			for _, name := range Placeholders(field.text) {
				if !known[name] {
					add(SeverityError, t.file, id, "%s uses unknown fact {{%s}}", field.name, name)
				}
			}
		}
		if t.phrases.empty() {
			add(SeverityWarning, t.file, id, "no phrases; matching relies on the question only")
		}
		for p := range t.phrases.all() {
			if strings.TrimSpace(p) == "" {
				add(SeverityWarning, t.file, id, "empty phrase")
			}
		}
	}
	return ps
}

func fallbackFor(lang string) string {
	if lang == sourceLang {
		return lastLang
	}
	return sourceLang
}

// checkSource returns what is wrong with an official source URL, or "".
func checkSource(s string) string {
	if s == "" {
		return "source is missing; give the official page the answer is based on"
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("source is not a valid address: %v", err)
	case u.Scheme != "https":
		return "source must start with https://"
	case u.Host == "" || !strings.Contains(u.Host, "."):
		return "source has no valid host name"
	case strings.ContainsAny(s, " \t\n"):
		return "source contains spaces"
	}
	return ""
}

// countWords counts words the way a reader would: runs of letters or
// digits separated by spaces (Ethiopic uses its own word separator).
func countWords(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '፡' }))
}
