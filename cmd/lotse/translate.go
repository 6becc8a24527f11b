package main

import (
	"context"
	"log/slog"
	"time"

	"lotse/internal/config"
	"lotse/internal/domain"
	"lotse/internal/glossary"
	"lotse/internal/redisstore"
	"lotse/internal/translate"
)

// translationCacheTTL is how long a machine translation is kept in Redis:
// long enough for a conversation's repeats, short so no message is stored
// for long (the privacy notice says 1 hour at most).
const translationCacheTTL = time.Hour

// translationProvider is the client of the configured service.
func translationProvider(cfg *config.Config) translate.Provider {
	if cfg.TranslateProvider == "deepl" {
		return translate.NewDeepL(cfg.TranslateURL, cfg.TranslateKey.Value(), nil)
	}
	return translate.NewLibre(cfg.TranslateURL, cfg.TranslateKey.Value(), nil)
}

// translator builds the desk's machine translation from TRANSLATE_URL,
// or nil when it is not configured. The provider's language list is read
// in the background until it answers, so a translator that is down at
// start delays nothing.
func translator(ctx context.Context, cfg *config.Config, store *redisstore.Store, gloss *glossary.Glossary, log *slog.Logger) domain.Translator {
	if cfg.TranslateURL == "" {
		return nil
	}
	svc := translate.New(translationProvider(cfg), store.Translations(translationCacheTTL), gloss, translate.Options{Log: log})
	go func() {
		for {
			err := svc.LoadLanguages(ctx)
			if err == nil {
				return
			}
			log.Warn("translation languages unknown", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Minute):
			}
		}
	}()
	log.Info("machine translation on", "provider", cfg.TranslateProvider)
	return svc
}
