// Package kb owns the knowledge base: the YAML content format under
// locales/kb (one language-independent structure file plus one text file
// per language), loading it with optional local overrides, validating it
// for the people who edit it, and matching free-text questions in any
// language to entries. It also owns urgent-word detection (locales/urgent.yaml),
// because it shares the same text normalization.
//
// Matching is built once at Load into an in-memory index; a KB is read-only
// afterwards and safe for concurrent use.
//
// It imports only the standard library, go.yaml.in/yaml/v3 and
// golang.org/x/text; it must not import bot, flows or any store.
package kb
