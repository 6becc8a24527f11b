package translate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"lotse/internal/domain"
	"lotse/internal/glossary"
	"lotse/internal/i18n"
)

// Provider is a machine translation service.
type Provider interface {
	// Translate translates text from source ("" to detect) into target.
	Translate(ctx context.Context, text, source, target string) (Result, error)
	// Languages lists which language translates into which.
	Languages(ctx context.Context) (Pairs, error)
}

// Result is a provider's translation and the language it came from.
type Result struct{ Text, From string }

// Pairs maps a source language to the targets it translates into.
type Pairs map[string]map[string]bool

// Cache keeps translations for a short while; the Redis store implements
// it with a TTL, so translated messages are not stored beyond it.
type Cache interface {
	Get(ctx context.Context, key string) (string, bool, error)
	Set(ctx context.Context, key, value string) error
}

// Options tune the Service; zero values get the defaults.
type Options struct {
	// Timeout bounds one translation (default 2 s): a person's message is
	// relayed untranslated rather than kept waiting.
	Timeout time.Duration
	// Pause is how long the service is not asked after a failure
	// (default 30 s), so a down translator does not cost every message
	// the whole timeout.
	Pause time.Duration
	Now   func() time.Time
	Log   *slog.Logger
}

// Service implements domain.Translator on a Provider.
type Service struct {
	p     Provider
	cache Cache
	gloss *glossary.Glossary
	opt   Options

	mu sync.Mutex
	// pairs is nil until the language list was read.
	pairs     Pairs
	downUntil time.Time
}

var _ domain.Translator = (*Service)(nil)

// New builds the service. cache and gloss may be nil.
func New(p Provider, cache Cache, gloss *glossary.Glossary, opt Options) *Service {
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Second
	}
	if opt.Pause <= 0 {
		opt.Pause = 30 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{p: p, cache: cache, gloss: gloss, opt: opt}
}

// LoadLanguages reads which languages the provider translates to and from
// German, and logs the shipped languages it lacks. Until it succeeds every
// language is tried (and a failure relays the original).
func (s *Service) LoadLanguages(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*s.opt.Timeout)
	defer cancel()
	pairs, err := s.p.Languages(ctx)
	if err != nil {
		return fmt.Errorf("translate: load languages: %w", err)
	}
	s.mu.Lock()
	s.pairs = pairs
	s.mu.Unlock()
	var missing []string
	for _, l := range i18n.Languages {
		if !s.Supports(l.Code) {
			missing = append(missing, l.Code)
		}
	}
	s.opt.Log.Info("translation languages loaded", "unsupported", missing)
	return nil
}

// Unsupported lists the shipped languages the provider cannot translate
// to and from German (nil before the list was loaded).
func (s *Service) Unsupported() []string {
	var out []string
	for _, l := range i18n.Languages {
		if !s.Supports(l.Code) {
			out = append(out, l.Code)
		}
	}
	return out
}

// Supports implements domain.Translator.
func (s *Service) Supports(lang string) bool {
	if lang == i18n.Default {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pairs == nil {
		return true
	}
	return s.pairs[lang][i18n.Default] && s.pairs[i18n.Default][lang]
}

// cached is a cache entry.
type cached struct {
	Text string `json:"t"`
	From string `json:"f,omitempty"`
}

// Translate implements domain.Translator: glossary terms are replaced by
// placeholders before the text leaves and put back after, so they reach
// the reader in German whatever the provider does with them.
func (s *Service) Translate(ctx context.Context, text, from, to string) (domain.Translation, error) {
	if from != "" && from == to {
		return domain.Translation{Text: text, From: from}, nil
	}
	s.mu.Lock()
	down := s.opt.Now().Before(s.downUntil)
	s.mu.Unlock()
	p := s.gloss.Protect(text)
	key := cacheKey(p.Text, from, to)
	if s.cache != nil {
		if v, ok, err := s.cache.Get(ctx, key); err != nil {
			s.opt.Log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "translation cache unavailable", "err", err)
		} else if ok {
			var c cached
			if json.Unmarshal([]byte(v), &c) == nil {
				return domain.Translation{Text: p.Restore(c.Text), From: c.From}, nil
			}
		}
	}
	if down {
		return domain.Translation{}, domain.ErrTranslatorDown
	}
	tctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	res, err := s.p.Translate(tctx, p.Text, from, to)
	if err != nil {
		if ctx.Err() == nil {
			// The provider, not our caller, failed: let the next messages
			// go through untranslated at once for a while.
			s.mu.Lock()
			s.downUntil = s.opt.Now().Add(s.opt.Pause)
			s.mu.Unlock()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("translate: no answer within %s: %w", s.opt.Timeout, err)
		}
		return domain.Translation{}, fmt.Errorf("translate: %w", err)
	}
	if res.From == "" {
		res.From = from
	}
	if s.cache != nil {
		raw, _ := json.Marshal(cached{Text: res.Text, From: res.From})
		if err := s.cache.Set(ctx, key, string(raw)); err != nil {
			s.opt.Log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "translation not cached", "err", err)
		}
	}
	return domain.Translation{Text: p.Restore(res.Text), From: res.From}, nil
}

// cacheKey names a translation by a hash, so no key carries the text.
func cacheKey(text, from, to string) string {
	h := sha256.Sum256([]byte(from + "\x00" + to + "\x00" + text))
	return hex.EncodeToString(h[:16])
}
