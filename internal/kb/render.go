package kb

import (
	"regexp"
	"strings"
	"unicode"
)

// placeholder is a local fact in an answer, e.g. {{jobcenter}}.
var placeholder = regexp.MustCompile(`\{\{\s*([a-z0-9_]+)\s*\}\}`)

// Tidying after a fact was left out: the content puts placeholders in
// brackets, after a comma in brackets or after a colon, which would
// otherwise remain as "()", "(Jobcenter, )" or ": .".
var (
	emptyBrackets  = regexp.MustCompile(`[ \t]*(\(\s*\)|\[\s*\])`)
	commaInBracket = regexp.MustCompile(`\s*[,،]\s*\)`)
	danglingColon  = regexp.MustCompile(`[ \t]*:[ \t]*(\.|$)`)
	spaceBeforeEnd = regexp.MustCompile(`[ \t]+([.,;:!?)\]،؛؟]|$)`)
	spaceRuns      = regexp.MustCompile(`[ \t]{2,}`)
	lineEndSpace   = regexp.MustCompile(`(?m)[ \t]+$`)
)

// Render fills the answer's {{name}} placeholders from facts, the local
// details the municipality configures (addresses, opening hours). A fact
// that is missing or empty is removed together with the brackets or colon
// around it, so the person never sees braces.
func Render(answer string, facts map[string]string) string {
	missing := false
	out := placeholder.ReplaceAllStringFunc(answer, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v := strings.TrimSpace(facts[name]); strings.TrimFunc(v, isBlank) != "" {
			return v
		}
		missing = true
		return ""
	})
	if !missing {
		return out
	}
	out = commaInBracket.ReplaceAllString(out, ")")
	out = emptyBrackets.ReplaceAllString(out, "")
	out = danglingColon.ReplaceAllString(out, "$1")
	out = spaceBeforeEnd.ReplaceAllString(out, "$1")
	out = spaceRuns.ReplaceAllString(out, " ")
	out = lineEndSpace.ReplaceAllString(out, "")
	return strings.TrimSpace(out)
}

// Placeholders returns the fact names used in text, in order of first use.
func Placeholders(text string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	return names
}

// isBlank reports whether r is invisible: space, or a format character
// such as the bidi isolates the bot wraps facts in for right-to-left text.
func isBlank(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }
