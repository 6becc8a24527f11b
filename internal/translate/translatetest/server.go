// Package translatetest is a fake LibreTranslate server for tests and the
// terminal demo, and a fake DeepL API (StartDeepL). It speaks LibreTranslate's JSON (POST /translate with q,
// source, target, format, api_key; GET /languages) and translates
// deterministically: known phrases from its table, anything else as
// "<target>: " and the text in capitals, which would ruin any glossary
// term that was not protected — so tests see whether terms survive.
package translatetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// Server is the fake. Its fields may be changed between requests.
type Server struct {
	srv *httptest.Server

	mu sync.Mutex
	// Langs are the language codes it translates between (every pair).
	langs []string
	// phrases maps source text to target language to translation.
	phrases map[string]map[string]string
	key     string
	delay   time.Duration
	// fail is the status every translation fails with (0: none).
	fail  int
	calls []Call
}

// Call is one /translate request as received; IgnoreTags only at DeepL.
type Call struct {
	Q, Source, Target, Format, APIKey string
	IgnoreTags                        []string
}

// Shipped without Tigrinya, Kurmanji and Pashto: what public
// LibreTranslate instances typically lack of Lotse's languages.
var DefaultLanguages = []string{"ar", "de", "en", "fa", "fr", "ru", "so", "tr", "uk"}

// Option configures the fake.
type Option func(*Server)

// WithLanguages sets the languages it offers.
func WithLanguages(codes ...string) Option { return func(s *Server) { s.langs = codes } }

// WithKey makes it require this api_key (403 otherwise).
func WithKey(key string) Option { return func(s *Server) { s.key = key } }

// Start runs a fake until the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	return start(tb, DefaultLanguages, opts, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("GET /languages", s.languages)
		mux.HandleFunc("POST /translate", s.translate)
	})
}

// start runs a fake with langs unless an option says otherwise, serving
// the routes of its API, until the test ends.
func start(tb testing.TB, langs []string, opts []Option, routes func(*Server, *http.ServeMux)) *Server {
	s := &Server{langs: langs, phrases: map[string]map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	routes(s, mux)
	s.srv = httptest.NewServer(mux)
	tb.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL (TRANSLATE_URL).
func (s *Server) URL() string { return s.srv.URL }

// Phrase teaches it one translation.
func (s *Server) Phrase(source, target, translation string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.phrases[source] == nil {
		s.phrases[source] = map[string]string{}
	}
	s.phrases[source][target] = translation
}

// SetDelay makes every translation answer after d.
func (s *Server) SetDelay(d time.Duration) { s.mu.Lock(); s.delay = d; s.mu.Unlock() }

// SetFailing makes every translation fail with 500.
func (s *Server) SetFailing(fail bool) {
	if fail {
		s.FailWith(http.StatusInternalServerError)
	} else {
		s.FailWith(0)
	}
}

// FailWith makes every translation fail with this HTTP status (0: none).
func (s *Server) FailWith(status int) { s.mu.Lock(); s.fail = status; s.mu.Unlock() }

// Calls lists the translation requests so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

type language struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Targets []string `json:"targets"`
}

func (s *Server) languages(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	langs := append([]string(nil), s.langs...)
	s.mu.Unlock()
	out := make([]language, 0, len(langs))
	for _, c := range langs {
		out = append(out, language{Code: c, Name: c, Targets: langs})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) translate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Q      string `json:"q"`
		Source string `json:"source"`
		Target string `json:"target"`
		Format string `json:"format"`
		APIKey string `json:"api_key"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid request"})
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Q: req.Q, Source: req.Source, Target: req.Target, Format: req.Format, APIKey: req.APIKey})
	delay, fail, key, langs := s.delay, s.fail, s.key, s.langs
	phrase := s.phrases[req.Q][req.Target]
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case fail != 0:
		writeJSON(w, fail, map[string]string{"error": "Translation failed"})
		return
	case key != "" && req.APIKey != key:
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "Invalid API key"})
		return
	case req.Q == "" || req.Target == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid request: missing q or target parameter"})
		return
	}
	out := map[string]any{}
	source := req.Source
	if source == "auto" {
		source = Detect(req.Q)
		out["detectedLanguage"] = map[string]any{"confidence": 90.0, "language": source}
	}
	for _, l := range []string{source, req.Target} {
		if !contains(langs, l) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": l + " is not supported"})
			return
		}
	}
	if phrase == "" {
		phrase = req.Target + ": " + strings.ToUpper(req.Q)
	}
	out["translatedText"] = phrase
	writeJSON(w, http.StatusOK, out)
}

// Detect guesses the language by script, as a detector would for short
// texts: Arabic script is "ar", Ethiopic "ti", Cyrillic "ru", else "de"
// when it has umlauts, "en" otherwise.
func Detect(q string) string {
	for _, r := range q {
		switch {
		case unicode.Is(unicode.Arabic, r):
			return "ar"
		case unicode.Is(unicode.Ethiopic, r):
			return "ti"
		case unicode.Is(unicode.Cyrillic, r):
			return "ru"
		case strings.ContainsRune("äöüßÄÖÜ", r):
			return "de"
		}
	}
	return "en"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
