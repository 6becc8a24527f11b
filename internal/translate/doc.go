// Package translate is Lotse's optional machine translation for the
// hand-over desk: a client of LibreTranslate's HTTP API (self-hostable,
// so messages need not leave the municipality) or of DeepL's API v2 (a
// cloud service: they do), wrapped in a Service that
// implements domain.Translator — glossary terms hidden behind
// placeholders and restored, a short timeout, a pause after a failure, a
// short-lived cache, and the service's language list checked at start.
// It imports domain, glossary and the standard library; the cache is an
// interface that the Redis store implements.
package translate
