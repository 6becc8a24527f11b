package offers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"lotse/internal/domain"
)

// Imported is an editors' file as `lotse offers import` stored it for the
// running replicas.
type Imported struct {
	// Name is the file's name; its extension says the format.
	Name    string
	Data    []byte
	Version string
	At      time.Time
}

// Source is where an imported file is kept (Redis in production), so that
// every replica picks it up without a restart.
type Source interface {
	// OffersVersion returns the imported file's version, "" when nothing
	// was imported. It is called often and must be cheap.
	OffersVersion(ctx context.Context) (string, error)
	// LoadOffers returns the imported file; ErrNotFound-like errors are
	// reported as an empty Imported.
	LoadOffers(ctx context.Context) (Imported, error)
}

// Version identifies a file's content.
func Version(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Live is the directory in use. Readers call Current for every request;
// Refresh swaps in a newly imported file atomically, so a request sees
// either the old directory or the new one, never a mix.
type Live struct {
	cur  atomic.Pointer[Directory]
	base *Directory // shown while nothing is imported; may be nil
	cats []Category
	src  Source
	log  *slog.Logger
}

// NewLive starts with base (the content_dir file or the sample, or nil for
// none) until src has an imported file. src may be nil.
func NewLive(base *Directory, cats []Category, src Source, log *slog.Logger) *Live {
	l := &Live{base: base, cats: cats, src: src, log: log}
	if base != nil {
		l.cur.Store(base)
	}
	return l
}

// Current returns the directory to use, nil if there is none.
func (l *Live) Current() *Directory {
	if l == nil {
		return nil
	}
	return l.cur.Load()
}

// Refresh checks the source once and loads a new import. A file that does
// not load is logged and the directory in use kept.
func (l *Live) Refresh(ctx context.Context) error {
	if l.src == nil {
		return nil
	}
	v, err := l.src.OffersVersion(ctx)
	if err != nil {
		return fmt.Errorf("offers: check version: %w", err)
	}
	cur := l.cur.Load()
	switch {
	case v == "" && cur != l.base:
		// The import was removed: back to what the deployment ships.
		if l.base == nil {
			l.cur.Store(nil)
		} else {
			l.cur.Store(l.base)
		}
		return nil
	case v == "" || cur != nil && cur.Version == v:
		return nil
	}
	imp, err := l.src.LoadOffers(ctx)
	if err != nil {
		return fmt.Errorf("offers: load import %s: %w", v, err)
	}
	list, probs := Parse(imp.Name, imp.Data, l.cats)
	if n := Errors(probs); n > 0 {
		return fmt.Errorf("offers: import %s has %d errors; keeping the offers in use", imp.Version, n)
	}
	start := time.Now()
	d := Build(list, l.cats, imp.Version)
	l.cur.Store(d)
	l.log.Info("offers loaded", "version", imp.Version, "offers", d.Len(), "build_ms", time.Since(start).Milliseconds())
	return nil
}

// Watch refreshes every interval until ctx ends: the way replicas pick up
// an import without a restart.
func (l *Live) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := l.Refresh(ctx); err != nil && ctx.Err() == nil {
				l.log.Log(ctx, domain.LogLevel(err, slog.LevelWarn), "offers refresh failed", "err", err)
			}
		}
	}
}
