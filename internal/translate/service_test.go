package translate_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/domain"
	"lotse/internal/glossary"
	"lotse/internal/translate"
	"lotse/internal/translate/translatetest"
	"lotse/locales"
)

type mapCache struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *mapCache) Get(_ context.Context, k string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok, nil
}

func (c *mapCache) Set(_ context.Context, k, v string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
	return nil
}

func mustService(tb testing.TB, fake *translatetest.Server, key string, opt translate.Options) (*translate.Service, *mapCache) {
	tb.Helper()
	g, err := glossary.Load(locales.FS, "glossary.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	cache := &mapCache{m: map[string]string{}}
	return translate.New(translate.NewLibre(fake.URL(), key, nil), cache, g, opt), cache
}

// TestService_Translate: the detected language comes back, glossary terms
// reach the reader in German although the fake capitalises everything
// else, and the key travels as api_key.
func TestService_Translate(t *testing.T) {
	fake := translatetest.Start(t, translatetest.WithKey("k1"))
	s, _ := mustService(t, fake, "k1", translate.Options{})
	got, err := s.Translate(context.Background(), "عندي Duldung وأحتاج Beschäftigungserlaubnis", "", "de")
	if err != nil {
		t.Fatal(err)
	}
	if got.From != "ar" {
		t.Errorf("detected %q, want ar", got.From)
	}
	if !strings.Contains(got.Text, "Duldung") || !strings.Contains(got.Text, "Beschäftigungserlaubnis") || !strings.HasPrefix(got.Text, "de: ") {
		t.Errorf("translation = %q", got.Text)
	}
	calls := fake.Calls()
	if len(calls) != 1 || calls[0].Source != "auto" || calls[0].Target != "de" || calls[0].Format != "text" || calls[0].APIKey != "k1" {
		t.Errorf("request = %+v", calls)
	}
	if strings.Contains(calls[0].Q, "Duldung") {
		t.Errorf("glossary term sent to the translator: %q", calls[0].Q)
	}

	fake.Phrase("Bitte bringen Sie [1] mit.", "ar", "من فضلك أحضر [1].")
	got, err = s.Translate(context.Background(), "Bitte bringen Sie Fiktionsbescheinigung mit.", "de", "ar")
	if err != nil || got.Text != "من فضلك أحضر Fiktionsbescheinigung." || got.From != "de" {
		t.Errorf("phrase = %q, %q, %v", got.Text, got.From, err)
	}

	wrong, _ := mustService(t, fake, "other", translate.Options{})
	if _, err := wrong.Translate(context.Background(), "Hallo", "de", "ar"); err == nil || !strings.Contains(err.Error(), "Invalid API key") {
		t.Errorf("wrong key: err = %v", err)
	}
}

// TestService_Languages: the shipped languages the provider lacks are
// known after the language list is read.
func TestService_Languages(t *testing.T) {
	fake := translatetest.Start(t)
	s, _ := mustService(t, fake, "", translate.Options{})
	if !s.Supports("ti") {
		t.Error("before the list is read every language is tried")
	}
	if err := s.LoadLanguages(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.Unsupported(); !slices.Equal(got, []string{"ps", "ku", "ti"}) {
		t.Errorf("unsupported = %v", got)
	}
	if !s.Supports("ar") || !s.Supports("de") || s.Supports("ti") {
		t.Error("Supports disagrees with the list")
	}
}

// TestService_SlowOrDown: a slow translator costs at most the timeout,
// after which it is not asked for a while; it is asked again later.
func TestService_SlowOrDown(t *testing.T) {
	fake := translatetest.Start(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, _ := mustService(t, fake, "", translate.Options{Timeout: 100 * time.Millisecond, Pause: time.Minute, Now: clock})
	fake.SetDelay(5 * time.Second)
	start := time.Now()
	if _, err := s.Translate(context.Background(), "مرحبا", "", "de"); err == nil {
		t.Fatal("a slow translator gave no error")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %s for a slow translator", d)
	}
	fake.SetDelay(0)
	if _, err := s.Translate(context.Background(), "مرحبا يا", "", "de"); !errors.Is(err, domain.ErrTranslatorDown) {
		t.Errorf("right after a failure: err = %v, want ErrTranslatorDown", err)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if _, err := s.Translate(context.Background(), "مرحبا يا", "", "de"); err != nil {
		t.Errorf("after the pause: %v", err)
	}
	fake.SetFailing(true)
	if _, err := s.Translate(context.Background(), "شكرا", "", "de"); err == nil {
		t.Error("a failing translator gave no error")
	}
}

// TestService_Cache: the same text is translated once; the cache key
// does not carry the text.
func TestService_Cache(t *testing.T) {
	fake := translatetest.Start(t)
	s, cache := mustService(t, fake, "", translate.Options{})
	for range 3 {
		got, err := s.Translate(context.Background(), "Wo ist das Jobcenter?", "de", "uk")
		if err != nil || !strings.Contains(got.Text, "Jobcenter") {
			t.Fatalf("got %q, %v", got.Text, err)
		}
	}
	if n := len(fake.Calls()); n != 1 {
		t.Errorf("translator asked %d times, want 1", n)
	}
	for k := range cache.m {
		if strings.Contains(k, "Jobcenter") || strings.Contains(k, "Wo ist") {
			t.Errorf("cache key carries the text: %q", k)
		}
	}
}
