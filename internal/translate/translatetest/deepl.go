package translatetest

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// DeepLLanguages are the shipped languages DeepL's API lists as source
// and target: it lacks Persian (a beta language there, not listed),
// Pashto, Kurmanji, Tigrinya and Somali.
var DeepLLanguages = []string{"ar", "de", "en", "fr", "ru", "tr", "uk"}

// StartDeepL runs a fake DeepL API v2 until the test ends: POST
// /v2/translate with the "Authorization: DeepL-Auth-Key" header and JSON
// text, source_lang, target_lang, tag_handling, ignore_tags; GET
// /v2/languages?type=source|target with DeepL's upper-case codes, English
// and Portuguese targets only as regional variants. WithLanguages takes
// lower-case codes as for the LibreTranslate fake; WithKey sets the key
// it accepts (403 otherwise, any key when unset). With tag_handling xml
// it parses the text strictly, keeps what is inside ignored tags and
// translates the rest like the LibreTranslate fake; Calls records text as
// Q, source_lang as Source, target_lang as Target, tag_handling as Format,
// ignore_tags as IgnoreTags and the key as APIKey.
func StartDeepL(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	return start(tb, DeepLLanguages, opts, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("GET /v2/languages", s.deeplAuth(s.deeplLanguages))
		mux.HandleFunc("POST /v2/translate", s.deeplAuth(s.deeplTranslate))
	})
}

// deeplAuth refuses requests without the key as DeepL does: 403.
func (s *Server) deeplAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "DeepL-Auth-Key ")
		s.mu.Lock()
		want := s.key
		s.mu.Unlock()
		if !ok || key == "" || want != "" && key != want {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Forbidden"})
			return
		}
		next(w, r)
	}
}

type deeplLanguage struct {
	Language          string `json:"language"`
	Name              string `json:"name"`
	SupportsFormality *bool  `json:"supports_formality,omitempty"`
}

func (s *Server) deeplLanguages(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	langs := append([]string(nil), s.langs...)
	s.mu.Unlock()
	typ := r.URL.Query().Get("type")
	if typ == "" {
		typ = "source"
	}
	if typ != "source" && typ != "target" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Value for 'type' not supported."})
		return
	}
	out := []deeplLanguage{}
	for _, c := range langs {
		for _, code := range deeplCodes(c, typ == "target") {
			l := deeplLanguage{Language: code, Name: code}
			if typ == "target" {
				l.SupportsFormality = new(bool)
			}
			out = append(out, l)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// deeplCodes are DeepL's codes for a language code.
func deeplCodes(code string, target bool) []string {
	switch {
	case target && code == "en":
		return []string{"EN-GB", "EN-US"}
	case target && code == "pt":
		return []string{"PT-BR", "PT-PT"}
	}
	return []string{strings.ToUpper(code)}
}

func (s *Server) deeplTranslate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text        []string `json:"text"`
		SourceLang  string   `json:"source_lang"`
		TargetLang  string   `json:"target_lang"`
		TagHandling string   `json:"tag_handling"`
		IgnoreTags  []string `json:"ignore_tags"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Invalid request: expected a JSON body"})
		return
	}
	s.mu.Lock()
	key, _ := strings.CutPrefix(r.Header.Get("Authorization"), "DeepL-Auth-Key ")
	for _, t := range req.Text {
		s.calls = append(s.calls, Call{Q: t, Source: req.SourceLang, Target: req.TargetLang, Format: req.TagHandling, APIKey: key, IgnoreTags: req.IgnoreTags})
	}
	delay, fail, langs := s.delay, s.fail, s.langs
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail != 0 {
		writeJSON(w, fail, map[string]string{"message": http.StatusText(fail)})
		return
	}
	if len(req.Text) == 0 || req.TargetLang == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Parameter 'text' or 'target_lang' not specified."})
		return
	}
	target := strings.ToLower(req.TargetLang)
	if target == "en" || target == "pt" || !offers(langs, target, true) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Value for 'target_lang' not supported."})
		return
	}
	if req.SourceLang != "" && !offers(langs, strings.ToLower(req.SourceLang), false) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Value for 'source_lang' not supported."})
		return
	}
	type translation struct {
		DetectedSourceLanguage string `json:"detected_source_language"`
		Text                   string `json:"text"`
	}
	out := make([]translation, 0, len(req.Text))
	for _, text := range req.Text {
		var tr string
		var err error
		if req.TagHandling == "xml" {
			tr, err = s.translateXML(text, target, req.IgnoreTags)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Tag handling parsing failed, please check input."})
				return
			}
		} else {
			tr = s.translatePlain(text, target)
		}
		source := strings.ToUpper(req.SourceLang)
		if source == "" {
			source = strings.ToUpper(Detect(plainText(text, req.TagHandling)))
		}
		out = append(out, translation{DetectedSourceLanguage: source, Text: tr})
	}
	writeJSON(w, http.StatusOK, map[string]any{"translations": out})
}

// offers reports whether DeepL lists lang (a code like "ar" or "en-gb").
func offers(langs []string, lang string, target bool) bool {
	for _, l := range langs {
		for _, c := range deeplCodes(l, target) {
			if strings.EqualFold(c, lang) {
				return true
			}
		}
	}
	return false
}

// translatePlain is the LibreTranslate fake's translation; target is
// DeepL's code in lower case ("en-gb").
func (s *Server) translatePlain(text, target string) string {
	s.mu.Lock()
	phrase := s.phrases[text][shipped(target)]
	s.mu.Unlock()
	if phrase != "" {
		return phrase
	}
	return shipped(target) + ": " + strings.ToUpper(text)
}

func shipped(code string) string {
	code, _, _ = strings.Cut(code, "-")
	return code
}

// translateXML parses text as DeepL's XML handling does and translates
// it: a taught phrase for the whole text, else every piece of text
// outside ignored tags in capitals, with tags and ignored content kept.
func (s *Server) translateXML(text, target string, ignore []string) (string, error) {
	plain := plainText(text, "xml")
	s.mu.Lock()
	phrase := s.phrases[plain][shipped(target)]
	s.mu.Unlock()
	if phrase != "" {
		return xmlEscaper.Replace(phrase), nil
	}
	var b strings.Builder
	b.WriteString(shipped(target) + ": ")
	dec := xml.NewDecoder(strings.NewReader("<root>" + text + "</root>"))
	dec.Strict = true
	depth, ignored := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				continue
			}
			if ignored > 0 || contains(ignore, t.Name.Local) {
				ignored++
			}
			b.WriteString("<" + t.Name.Local + ">")
		case xml.EndElement:
			depth--
			if depth == 0 {
				continue
			}
			if ignored > 0 {
				ignored--
			}
			b.WriteString("</" + t.Name.Local + ">")
		case xml.CharData:
			data := string(t)
			if ignored == 0 {
				data = strings.ToUpper(data)
			}
			b.WriteString(xmlEscaper.Replace(data))
		}
	}
	return b.String(), nil
}

// xmlEscaper escapes as DeepL does: line breaks stay as they are.
var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// plainText is the text without tags, as a reader would see it.
func plainText(text, tagHandling string) string {
	if tagHandling != "xml" {
		return text
	}
	var b strings.Builder
	dec := xml.NewDecoder(strings.NewReader("<root>" + text + "</root>"))
	for {
		tok, err := dec.Token()
		if err != nil {
			return b.String()
		}
		if c, ok := tok.(xml.CharData); ok {
			b.Write(c)
		}
	}
}
