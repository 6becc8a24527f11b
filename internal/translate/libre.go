package translate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Libre is a LibreTranslate client (POST /translate, GET /languages).
type Libre struct {
	base, key string
	hc        *http.Client
}

// NewLibre returns a client of the LibreTranslate server at baseURL; key
// is its api_key ("" for a self-hosted server without keys). hc may be
// nil; the Service bounds every call with its own timeout.
func NewLibre(baseURL, key string, hc *http.Client) *Libre {
	if hc == nil {
		hc = &http.Client{}
	}
	return &Libre{base: strings.TrimRight(baseURL, "/"), key: key, hc: hc}
}

// libreRequest is LibreTranslate's /translate body.
type libreRequest struct {
	Q      string `json:"q"`
	Source string `json:"source"`
	Target string `json:"target"`
	Format string `json:"format"`
	APIKey string `json:"api_key,omitempty"`
}

type libreResponse struct {
	TranslatedText   string `json:"translatedText"`
	DetectedLanguage *struct {
		Confidence float64 `json:"confidence"`
		Language   string  `json:"language"`
	} `json:"detectedLanguage"`
	Error string `json:"error"`
}

// Translate implements Provider. source "" asks the server to detect it.
func (l *Libre) Translate(ctx context.Context, text, source, target string) (Result, error) {
	if source == "" {
		source = "auto"
	}
	body, err := json.Marshal(libreRequest{Q: text, Source: source, Target: target, Format: "text", APIKey: l.key})
	if err != nil {
		return Result{}, fmt.Errorf("libretranslate: translate: %w", err)
	}
	var out libreResponse
	if err := l.do(ctx, http.MethodPost, "/translate", body, &out); err != nil {
		return Result{}, fmt.Errorf("libretranslate: translate %s→%s: %w", source, target, err)
	}
	res := Result{Text: out.TranslatedText, From: source}
	if out.DetectedLanguage != nil {
		res.From = out.DetectedLanguage.Language
	}
	if res.From == "auto" {
		res.From = ""
	}
	return res, nil
}

// libreLanguage is one entry of GET /languages; targets is absent in
// servers older than 1.3, which translate between every pair.
type libreLanguage struct {
	Code    string    `json:"code"`
	Name    string    `json:"name"`
	Targets *[]string `json:"targets"`
}

// Languages implements Provider.
func (l *Libre) Languages(ctx context.Context) (Pairs, error) {
	var list []libreLanguage
	if err := l.do(ctx, http.MethodGet, "/languages", nil, &list); err != nil {
		return nil, fmt.Errorf("libretranslate: languages: %w", err)
	}
	pairs := Pairs{}
	for _, lang := range list {
		targets := map[string]bool{}
		if lang.Targets == nil {
			for _, other := range list {
				targets[other.Code] = true
			}
		} else {
			for _, t := range *lang.Targets {
				targets[t] = true
			}
		}
		pairs[lang.Code] = targets
	}
	return pairs, nil
}

func (l *Libre) do(ctx context.Context, method, path string, body []byte, out any) error {
	return call(ctx, l.hc, method, l.base+path, nil, body, out, libreError)
}

// libreError reads LibreTranslate's error: it names the problem (bad key,
// unsupported language), never the text, so it may be logged.
func libreError(status int, data []byte) error {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(data, &e) == nil && e.Error != "" {
		return fmt.Errorf("status %d: %s", status, e.Error)
	}
	return fmt.Errorf("status %d", status)
}
