package translate

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
)

// DeepL is a client of DeepL's API v2 (POST /v2/translate, GET
// /v2/languages). Unlike LibreTranslate it runs outside the municipality:
// every message sent to it leaves for DeepL's servers.
type DeepL struct {
	base, key string
	hc        *http.Client
}

// DeepLURL is the API a key belongs to: DeepL API Free keys end in ":fx"
// and are accepted only by the free API's host.
func DeepLURL(key string) string {
	if strings.HasSuffix(key, ":fx") {
		return "https://api-free.deepl.com"
	}
	return "https://api.deepl.com"
}

// NewDeepL returns a client of the DeepL API at baseURL (DeepLURL(key)
// unless a proxy or a fake stands in). hc may be nil; the Service bounds
// every call with its own timeout.
func NewDeepL(baseURL, key string, hc *http.Client) *DeepL {
	if hc == nil {
		hc = &http.Client{}
	}
	return &DeepL{base: strings.TrimRight(baseURL, "/"), key: key, hc: hc}
}

// deeplRequest is the /v2/translate body. The text goes as XML with the
// glossary placeholders inside an ignored tag, so DeepL neither
// translates nor moves the brackets apart.
type deeplRequest struct {
	Text        []string `json:"text"`
	SourceLang  string   `json:"source_lang,omitempty"`
	TargetLang  string   `json:"target_lang"`
	TagHandling string   `json:"tag_handling"`
	IgnoreTags  []string `json:"ignore_tags"`
}

type deeplResponse struct {
	Translations []struct {
		DetectedSourceLanguage string `json:"detected_source_language"`
		Text                   string `json:"text"`
	} `json:"translations"`
}

// keptTag is the element DeepL is told to leave alone.
const keptTag = "x"

// placeholderRe is the form glossary.Protect gives a term.
var placeholderRe = regexp.MustCompile(`\[[0-9]{1,3}\]`)

// toDeepLXML escapes text for DeepL's XML handling and wraps every
// glossary placeholder in the ignored tag.
func toDeepLXML(text string) string {
	esc := html.EscapeString(text)
	return placeholderRe.ReplaceAllString(esc, "<"+keptTag+">$0</"+keptTag+">")
}

var keptTags = strings.NewReplacer("<"+keptTag+">", "", "</"+keptTag+">", "", "<"+keptTag+"/>", "")

// fromDeepLXML undoes toDeepLXML on a translation.
func fromDeepLXML(text string) string { return html.UnescapeString(keptTags.Replace(text)) }

// Translate implements Provider. source "" lets DeepL detect it.
func (d *DeepL) Translate(ctx context.Context, text, source, target string) (Result, error) {
	body, err := json.Marshal(deeplRequest{
		Text: []string{toDeepLXML(text)}, SourceLang: strings.ToUpper(source), TargetLang: deeplTarget(target),
		TagHandling: "xml", IgnoreTags: []string{keptTag},
	})
	if err != nil {
		return Result{}, fmt.Errorf("deepl: translate: %w", err)
	}
	var out deeplResponse
	if err := d.do(ctx, http.MethodPost, "/v2/translate", body, &out); err != nil {
		return Result{}, fmt.Errorf("deepl: translate %s→%s: %w", or(source, "auto"), target, err)
	}
	if len(out.Translations) != 1 {
		return Result{}, fmt.Errorf("deepl: translate %s→%s: %d translations for one text", or(source, "auto"), target, len(out.Translations))
	}
	tr := out.Translations[0]
	res := Result{Text: fromDeepLXML(tr.Text), From: source}
	if tr.DetectedSourceLanguage != "" {
		res.From = shippedCode(tr.DetectedSourceLanguage)
	}
	return res, nil
}

// deeplTarget is DeepL's target code for a shipped language: English
// must name a variant, and the people Lotse serves learnt British English
// more often than American.
func deeplTarget(lang string) string {
	if lang == "en" {
		return "EN-GB"
	}
	return strings.ToUpper(lang)
}

// shippedCode turns DeepL's "EN-GB" or "AR" into "en" or "ar".
func shippedCode(code string) string {
	code, _, _ = strings.Cut(code, "-")
	return strings.ToLower(code)
}

type deeplLanguage struct {
	Language string `json:"language"`
	Name     string `json:"name"`
}

// Languages implements Provider: DeepL translates from every source
// language into every target language.
func (d *DeepL) Languages(ctx context.Context) (Pairs, error) {
	var sources, targets []deeplLanguage
	if err := d.do(ctx, http.MethodGet, "/v2/languages?type=source", nil, &sources); err != nil {
		return nil, fmt.Errorf("deepl: source languages: %w", err)
	}
	if err := d.do(ctx, http.MethodGet, "/v2/languages?type=target", nil, &targets); err != nil {
		return nil, fmt.Errorf("deepl: target languages: %w", err)
	}
	into := map[string]bool{}
	for _, t := range targets {
		into[shippedCode(t.Language)] = true
	}
	pairs := Pairs{}
	for _, s := range sources {
		pairs[shippedCode(s.Language)] = into
	}
	return pairs, nil
}

func (d *DeepL) do(ctx context.Context, method, path string, body []byte, out any) error {
	auth := map[string]string{"Authorization": "DeepL-Auth-Key " + d.key}
	return call(ctx, d.hc, method, d.base+path, auth, body, out, deeplError)
}

// deeplError names DeepL's status codes for whoever reads the log. The
// message in the body names the problem (a bad parameter), never the
// text, so it may be logged.
func deeplError(status int, body []byte) error {
	var e struct {
		Message string `json:"message"`
	}
	var msg string
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		msg = ": " + e.Message
	}
	switch {
	case status == http.StatusForbidden:
		return fmt.Errorf("status 403: the API key was refused (check TRANSLATE_API_KEY and whether it is a Free key at the Pro URL or the other way round)%s", msg)
	case status == 456:
		return fmt.Errorf("status 456: the character quota of this DeepL plan is used up%s", msg)
	case status == http.StatusTooManyRequests:
		return fmt.Errorf("status 429: too many requests, DeepL asks to slow down%s", msg)
	case status >= 500:
		return fmt.Errorf("status %d: DeepL is unavailable%s", status, msg)
	}
	return fmt.Errorf("status %d%s", status, msg)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
