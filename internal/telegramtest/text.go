package telegramtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// text reads a text or caption parameter as Telegram does: it parses the
// parse_mode markup into plain text and entities, refuses what Telegram
// refuses and enforces the length limits. Markup errors are the usual reason
// a reply works in a test and fails in production, so they are worth
// faking.
func (r *request) text(field string) (string, []any) {
	text, limit, entitiesKey, tooLong := r.params[field], 4096, "entities", "message is too long"
	if field == "caption" {
		limit, entitiesKey, tooLong = 1024, "caption_entities", "message caption is too long"
	}
	var entities []any
	var err *apiError
	switch strings.ToLower(r.params["parse_mode"]) {
	case "html":
		text, entities, err = parseHTML(text)
	case "markdownv2":
		err = checkMarkdownV2(text)
	}
	if raw := r.params[entitiesKey]; raw != "" && entities == nil && json.Unmarshal([]byte(raw), &entities) != nil {
		r.fail("can't parse entities JSON object")
	}
	switch {
	case err != nil && r.err == nil:
		r.err = err
	case utf8.RuneCountInString(text) > limit:
		r.fail(tooLong)
	}
	return text, entities
}

func entityError(format string, args ...any) *apiError {
	return badRequest("can't parse entities: " + fmt.Sprintf(format, args...))
}

var htmlEntityTypes = map[string]string{
	"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
	"span": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
}

// parseHTML turns Telegram's subset of HTML into plain text and entities
// with UTF-16 offsets, failing with Telegram's words on unknown or
// unbalanced tags.
func parseHTML(src string) (string, []any, *apiError) {
	type open struct {
		tag, url string
		at       int // UTF-16 offset in the output
	}
	var (
		out   strings.Builder
		at    int
		stack []open
		found []map[string]any
	)
	for i := 0; i < len(src); {
		if src[i] == '<' {
			end := strings.IndexByte(src[i:], '>')
			if end < 0 {
				return "", nil, entityError("Unclosed start tag at byte offset %d", i)
			}
			tag := src[i+1 : i+end]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				name = strings.ToLower(strings.TrimSpace(name))
				if len(stack) == 0 {
					return "", nil, entityError("Unexpected end tag at byte offset %d", i)
				}
				o := stack[len(stack)-1]
				if o.tag != name {
					return "", nil, entityError(`Unmatched end tag at byte offset %d, expected "</%s>", found "</%s>"`, i, o.tag, name)
				}
				stack = stack[:len(stack)-1]
				if at > o.at && (o.tag != "a" || o.url != "") {
					e := map[string]any{"type": htmlEntityTypes[o.tag], "offset": o.at, "length": at - o.at}
					if o.url != "" {
						e["url"] = o.url
					}
					found = append(found, e)
				}
			} else {
				name, attrs, _ := strings.Cut(tag, " ")
				name = strings.ToLower(name)
				if _, ok := htmlEntityTypes[name]; !ok || name == "span" && !strings.Contains(attrs, "tg-spoiler") {
					return "", nil, entityError(`Unsupported start tag "%s" at byte offset %d`, name, i)
				}
				stack = append(stack, open{tag: name, url: attr(attrs, "href"), at: at})
			}
			i += end + 1
			continue
		}
		r, n := utf8.DecodeRuneInString(src[i:])
		if src[i] == '&' {
			if er, en := htmlEntity(src[i:]); en > 0 {
				r, n = er, en
			}
		}
		out.WriteRune(r)
		at += utf16.RuneLen(r)
		i += n
	}
	if len(stack) > 0 {
		return "", nil, entityError(`Can't find end tag corresponding to start tag "%s"`, stack[len(stack)-1].tag)
	}
	// Entities are closed inner first; clients expect them by offset.
	slices.SortStableFunc(found, func(a, b map[string]any) int { return cmp.Compare(a["offset"].(int), b["offset"].(int)) })
	var entities []any
	for _, e := range found {
		entities = append(entities, e)
	}
	return out.String(), entities, nil
}

// htmlEntity decodes the named entities Telegram knows and numeric ones; n
// is 0 for anything else, which Telegram leaves as it is.
func htmlEntity(s string) (r rune, n int) {
	end := strings.IndexByte(s, ';')
	if end < 0 || end > 12 {
		return 0, 0
	}
	switch name := s[1:end]; name {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	default:
		num, ok := strings.CutPrefix(name, "#")
		base := 10
		if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
			num, base = hex, 16
		}
		if v, err := strconv.ParseUint(num, base, 32); ok && err == nil && utf8.ValidRune(rune(v)) {
			return rune(v), end + 1
		}
	}
	return 0, 0
}

func attr(attrs, name string) string {
	_, v, ok := strings.Cut(attrs, name+"=")
	if !ok || v == "" {
		return ""
	}
	if q := v[0]; q == '"' || q == '\'' {
		v, _, _ = strings.Cut(v[1:], string(q))
	} else {
		v, _, _ = strings.Cut(v, " ")
	}
	return html.UnescapeString(v)
}

// checkMarkdownV2 finds the mistake that most often breaks MarkdownV2 in
// production: a reserved character without a backslash. Formatting is not
// parsed, so the text stays as sent.
func checkMarkdownV2(s string) *apiError {
	inCode, inURL := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case c == '`':
			inCode = !inCode
		case inCode:
		case inURL:
			inURL = c != ')'
		case c == ']' && strings.HasPrefix(s[i+1:], "("):
			inURL = true
			i++
		case strings.IndexByte("#+-={}.!", c) >= 0:
			return entityError(`Character '%c' is reserved and must be escaped with the preceding '\'`, c)
		}
	}
	return nil
}
