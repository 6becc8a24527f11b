package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strconv"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Data is the template data of a message; values are inserted with
// {{.Key}}.
type Data map[string]any

// Bundle holds the messages of every shipped language. It is read-only
// after Load and safe for concurrent use.
type Bundle struct {
	bundle *goi18n.Bundle
	locs   map[string]*goi18n.Localizer
	log    *slog.Logger
	// fors are the localizers, one per language loaded and the default,
	// made once: For runs for every update.
	fors map[string]*Localizer
}

// Load reads one message file per shipped language, named <code>.yaml,
// from dir in fsys. A shipped language without a file is an error: the
// picker would offer a language that cannot be shown.
func Load(fsys fs.FS, dir string, log *slog.Logger) (*Bundle, error) {
	codes := make([]string, len(Languages))
	for i, l := range Languages {
		codes[i] = l.Code
	}
	return LoadLanguages(fsys, dir, codes, log)
}

// LoadLanguages reads the message files of the given languages only; the
// staff group's texts exist in German and English.
func LoadLanguages(fsys fs.FS, dir string, codes []string, log *slog.Logger) (*Bundle, error) {
	b := &Bundle{
		bundle: goi18n.NewBundle(language.MustParse(Fallback)),
		locs:   make(map[string]*goi18n.Localizer, len(codes)),
		log:    log,
	}
	b.bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for _, code := range codes {
		file := path.Join(dir, code+".yaml")
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("i18n: load %s: %w", file, err)
		}
		if _, err := b.bundle.ParseMessageFileBytes(data, file); err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", file, err)
		}
		b.locs[code] = goi18n.NewLocalizer(b.bundle, code)
	}
	b.fors = make(map[string]*Localizer, len(codes)+1)
	for _, code := range codes {
		b.fors[code] = &Localizer{lang: code, b: b, static: new(sync.Map)}
	}
	if b.fors[Default] == nil {
		b.fors[Default] = &Localizer{lang: Default, b: b, static: new(sync.Map)}
	}
	return b, nil
}

// For returns the localizer of a shipped language; an unknown code gets
// the default language.
func (b *Bundle) For(lang string) *Localizer {
	if _, ok := b.locs[lang]; !ok {
		lang = Default
	}
	return b.fors[lang]
}

// Localizer renders messages in one language. It is read-only and safe
// for concurrent use.
type Localizer struct {
	lang string
	b    *Bundle
	// static caches messages rendered without data (button labels, most
	// texts): they never change, and rendering runs a template each time.
	static *sync.Map // id → string
}

// Lang is the language code this localizer renders.
func (l *Localizer) Lang() string { return l.lang }

// RTL reports whether the language is written right to left.
func (l *Localizer) RTL() bool { return IsRTL(l.lang) }

// T renders the message id with data.
func (l *Localizer) T(id string, data Data) string {
	if len(data) > 0 {
		return l.render(&goi18n.LocalizeConfig{MessageID: id, TemplateData: l.prepare(data)})
	}
	if text, ok := l.static.Load(id); ok {
		return text.(string)
	}
	text := l.render(&goi18n.LocalizeConfig{MessageID: id})
	l.static.Store(id, text)
	return text
}

// Value renders the message id as a value to be inserted into another
// message (a date pattern, say). It is not isolated itself: the message it
// goes into isolates it as a whole.
func (l *Localizer) Value(id string, data Data) string {
	d := make(map[string]any, len(data))
	for k, v := range data {
		d[k] = fmt.Sprint(v)
	}
	return l.render(&goi18n.LocalizeConfig{MessageID: id, TemplateData: d})
}

// N renders the plural message id for count; data may use {{.Count}}.
func (l *Localizer) N(id string, count int, data Data) string {
	d := l.prepare(data)
	d["Count"] = l.value(strconv.Itoa(count))
	return l.render(&goi18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
}

// render looks the message up in the person's language, then in the
// default language, then in English, so a gap in a municipality's
// override shows text instead of an ID. A gap is logged by ID only.
func (l *Localizer) render(cfg *goi18n.LocalizeConfig) string {
	chain := []string{l.lang, Default, Fallback}
	for _, lang := range chain {
		loc, ok := l.b.locs[lang]
		if !ok {
			continue
		}
		text, tag, err := loc.LocalizeWithTag(cfg)
		var notFound *goi18n.MessageNotFoundErr
		switch {
		case err == nil && tag.String() == lang:
			return text
		case err == nil || errors.As(err, &notFound):
			// Served by go-i18n's own fallback; keep looking along our chain.
		default:
			l.b.log.Warn("message render failed", "id", cfg.MessageID, "lang", lang, "err", err)
		}
		if lang == l.lang {
			l.b.log.Warn("message missing", "id", cfg.MessageID, "lang", lang)
		}
	}
	return cfg.MessageID
}

// prepare copies data; in right-to-left languages every inserted value is
// wrapped in a directional isolate so dates, numbers, addresses and links
// keep their order inside the sentence.
func (l *Localizer) prepare(data Data) map[string]any {
	out := make(map[string]any, len(data)+1)
	for k, v := range data {
		out[k] = l.value(fmt.Sprint(v))
	}
	return out
}

func (l *Localizer) value(s string) string {
	if l.RTL() {
		return Isolate(s)
	}
	return s
}

// Local picks the version of a municipality's text for this language,
// German where it has none.
func (l *Localizer) Local(t Text) string { return t.In(l.lang) }
