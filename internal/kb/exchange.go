package kb

// Translation exchange: a translator gets one YAML file per language with
// the German source next to the current translation, fills it in, and the
// file is merged back into kb/<lang>.yaml. Each entry carries a hash of its
// German source, so the next round can export only what changed; the
// translator's file is that record, the language file format stays as
// load.go reads it.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// SourceLang is the language translations are made from.
const SourceLang = sourceLang

// TranslationFile is what a translator works on: every entry's German
// source next to its translation into Lang.
type TranslationFile struct {
	Lang       string             `yaml:"lang"`
	SourceLang string             `yaml:"source_lang"`
	Exported   string             `yaml:"exported,omitempty"` // YYYY-MM-DD
	Entries    []TranslationEntry `yaml:"entries"`
	// Unchanged records, for an export made with a previous file, the
	// source hashes of the entries left out because their German text did
	// not change. It keeps this file a complete record for the next round.
	Unchanged map[string]string `yaml:"unchanged,omitempty"`
}

// TranslationEntry is one knowledge-base entry in a translator's file.
type TranslationEntry struct {
	ID string `yaml:"id"`
	// SourceHash identifies the German text the translation was made from.
	SourceHash  string          `yaml:"source_hash"`
	Source      TranslationText `yaml:"source"`
	Translation TranslationText `yaml:"translation"`
}

// TranslationText is the question, answer and search phrases of an entry
// in one language.
type TranslationText struct {
	Question string   `yaml:"question"`
	Answer   string   `yaml:"answer"`
	Phrases  []string `yaml:"phrases"`
}

func (t TranslationText) empty() bool {
	return strings.TrimSpace(t.Question) == "" && strings.TrimSpace(t.Answer) == "" && len(cleanPhrases(t.Phrases)) == 0
}

// SourceHash returns the first 12 hex digits of the SHA-256 of a German
// question, answer and phrases: enough to tell that the source changed.
func SourceHash(question, answer string, phrases []string) string {
	h := sha256.New()
	for _, s := range append([]string{question, answer}, phrases...) {
		h.Write([]byte(strings.TrimSpace(s)))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// sourceText returns the German text of id, if there is one.
func (k *KB) sourceText(id string) (langText, bool) {
	de, ok := k.langs[sourceLang]
	if !ok {
		return langText{}, false
	}
	t, ok := de.texts.get(id)
	return t, ok && (t.question != "" || t.answer != "")
}

// sourceHash hashes the German text of id, if there is one.
func (k *KB) sourceHash(id string) (string, bool) {
	t, ok := k.sourceText(id)
	if !ok {
		return "", false
	}
	return SourceHash(t.question, t.answer, t.phrases.list()), true
}

// Hashes returns the source hash each id had when f was made: from its
// entries and from its Unchanged list.
func (f *TranslationFile) Hashes() map[string]string {
	out := make(map[string]string, len(f.Entries)+len(f.Unchanged))
	for id, h := range f.Unchanged {
		out[id] = h
	}
	for _, e := range f.Entries {
		out[e.ID] = e.SourceHash
	}
	return out
}

// ExportTranslations builds the translator's file for lang, entries in
// structure order. With since (a previous export or the file a translator
// sent back), only entries whose German text changed since then, entries
// new since then and entries still missing in lang are included; the
// others are recorded in Unchanged. Entries without German text are left
// out: there is nothing to translate (Check reports them).
func (k *KB) ExportTranslations(lang string, since *TranslationFile, now time.Time) (*TranslationFile, error) {
	if err := exchangeLang(lang); err != nil {
		return nil, fmt.Errorf("kb: export: %w", err)
	}
	if since != nil && since.Lang != lang {
		return nil, fmt.Errorf("kb: export: the previous file is for language %q, not %q", since.Lang, lang)
	}
	var before map[string]string
	if since != nil {
		before = since.Hashes()
	}
	f := &TranslationFile{Lang: lang, SourceLang: sourceLang, Exported: now.Format(dateLayout)}
	target := k.langs[lang]
	for _, e := range k.entries {
		hash, ok := k.sourceHash(e.ID)
		if !ok {
			continue
		}
		var tr langText
		translated := false
		if target != nil {
			tr, translated = target.texts.get(e.ID)
			translated = translated && tr.question != "" && tr.answer != ""
		}
		if since != nil && translated && before[e.ID] == hash {
			if f.Unchanged == nil {
				f.Unchanged = map[string]string{}
			}
			f.Unchanged[e.ID] = hash
			continue
		}
		src, _ := k.sourceText(e.ID)
		f.Entries = append(f.Entries, TranslationEntry{
			ID:          e.ID,
			SourceHash:  hash,
			Source:      TranslationText{Question: src.question, Answer: src.answer, Phrases: cleanPhrases(src.phrases.list())},
			Translation: TranslationText{Question: tr.question, Answer: tr.answer, Phrases: cleanPhrases(tr.phrases.list())},
		})
	}
	return f, nil
}

// exchangeLang reports why lang cannot have a translator's file.
func exchangeLang(lang string) error {
	switch {
	case !langName.MatchString(lang):
		return fmt.Errorf("%q is not a language code such as ar or uk", lang)
	case lang == sourceLang:
		return fmt.Errorf("%s is the source language; edit kb/%s.yaml directly", lang, lang)
	}
	return nil
}

const translationHeader = `# Lotse – Übersetzungsdatei / translation file: %[1]s (aus dem Deutschen / from German)
# Exportiert am / exported on %[2]s, %[3]d Einträge / entries.
#
# DEUTSCH
# Jeder Eintrag hat unter "source" den deutschen Text und unter "translation"
# die Übersetzung. Bitte nur "translation" ausfüllen oder verbessern:
#   translation.question  die Frage, wie sie im Menü steht
#   translation.answer    die Antwort: einfacher Text ohne Formatierung,
#                         höchstens %[4]d Wörter
#   translation.phrases   andere Arten, die Frage zu stellen, so wie Leute am
#                         Handy tippen (auch umgangssprachlich, mit Tippfehlern);
#                         eine pro Zeile, beginnend mit "- " (statt "[]")
# Den Text schreiben Sie in die Zeilen unter "question: |-" bzw. "answer: |-",
# genauso weit eingerückt wie der deutsche Text darüber. Steht dort schon
# Text, ist es die jetzige Übersetzung: bitte prüfen und verbessern.
# Nicht ändern: "id", "source_hash", "source" und die Liste "unchanged" am Ende.
# {{name}} (z. B. {{jobcenter}}) genau so stehen lassen: Dort setzt der Bot die
# örtliche Adresse ein. Deutsche Amtswörter (Jobcenter, Ausländerbehörde,
# Duldung …) bitte sichtbar lassen, z. B. in Klammern nach der Übersetzung –
# die Leute finden sie auf Briefen und Schildern wieder.
# Einträge, die Sie nicht übersetzen, bleiben leer und werden übersprungen.
# Speichern Sie die Datei als reinen Text (UTF-8), nicht mit Word.
#
# ENGLISH
# Each entry has the German text under "source" and the translation under
# "translation". Please fill in or correct only "translation":
#   translation.question  the question as it appears in the menu
#   translation.answer    the answer: plain text without formatting,
#                         at most %[4]d words
#   translation.phrases   other ways people ask this, the way they type on a
#                         phone (colloquial, with typos); one per line,
#                         starting with "- " (instead of "[]")
# Write your text on the lines below "question: |-" or "answer: |-", indented
# exactly like the German text above it. Text already there is the current
# translation: please check and improve it.
# Do not change "id", "source_hash", "source" or the "unchanged" list at the end.
# Keep {{name}} (e.g. {{jobcenter}}) exactly as it is: the bot puts the local
# address there. Keep German office terms (Jobcenter, Ausländerbehörde,
# Duldung …) visible, e.g. in brackets after your translation – people will
# see them on letters and signs.
# Entries you do not translate stay empty and are skipped.
# Save the file as plain text (UTF-8), not with Word.

`

// emptyBlock finds empty texts, which the YAML encoder writes as "", so
// that they can be written as an empty block a translator writes below.
var emptyBlock = regexp.MustCompile(`(?m)^( +)(question|answer): ""$`)

// Marshal writes the translator's file: an explanation for the translator,
// then the entries with every text as an indented block, so that any
// characters can be typed without YAML quoting.
func (f *TranslationFile) Marshal() ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(f); err != nil {
		return nil, fmt.Errorf("kb: export: %w", err)
	}
	setBlockStyle(&n)
	body, err := encodeSpaced[TranslationFile](&n, "  - id:")
	if err != nil {
		return nil, fmt.Errorf("kb: export: %w", err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, translationHeader, f.Lang, f.Exported, len(f.Entries), maxAnswerWords)
	buf.Write(emptyBlock.ReplaceAll(body, []byte("$1$2: |-")))
	return buf.Bytes(), nil
}

// setBlockStyle writes the values of question and answer keys as literal
// blocks (the encoder falls back to quotes where a block cannot hold them).
func setBlockStyle(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if (k.Value == "question" || k.Value == "answer") && v.Kind == yaml.ScalarNode {
				v.Style = yaml.LiteralStyle
			}
		}
	}
	for _, c := range n.Content {
		setBlockStyle(c)
	}
}

// spaceOut puts a blank line before each line at prefix's indentation
// that starts with prefix, or before the comment lines right above it,
// unless the line above is blank or opens the block. The encoder drops the
// blank lines that make long files readable; callers compare the decoded
// result to be sure nothing but spacing changed.
func spaceOut(b []byte, prefix string) []byte {
	indent := len(prefix) - len(strings.TrimLeft(prefix, " "))
	lines := strings.SplitAfter(string(b), "\n")
	var out strings.Builder
	for i, l := range lines {
		if i > 0 && indentOf(l) == indent && (strings.HasPrefix(l, prefix) || strings.HasPrefix(l[indent:], "#")) {
			prev := strings.TrimRight(lines[i-1], "\n")
			opens := strings.HasSuffix(prev, ":") && indentOf(prev) < indent
			comment := indentOf(prev) == indent && strings.HasPrefix(prev[indent:], "#")
			if strings.TrimSpace(prev) != "" && !opens && !comment {
				out.WriteString("\n")
			}
		}
		out.WriteString(l)
	}
	return []byte(out.String())
}

// indentOf counts the leading spaces of a non-blank line (-1 for blank).
func indentOf(l string) int {
	if strings.TrimSpace(l) == "" {
		return -1
	}
	return len(l) - len(strings.TrimLeft(l, " "))
}

// encodeSpaced encodes n with two-space indentation and then applies
// spaceOut for each prefix, unless decoding into v shows that the spacing
// changed a value (blank lines inside a quoted text would).
func encodeSpaced[T any](n *yaml.Node, prefixes ...string) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	plain := buf.Bytes()
	spaced := plain
	for _, p := range prefixes {
		spaced = spaceOut(spaced, p)
	}
	var a, b T
	if decodeStrict(plain, &a) != nil || decodeStrict(spaced, &b) != nil || !reflect.DeepEqual(a, b) {
		return plain, nil
	}
	return spaced, nil
}

// ParseTranslationFile reads a translator's file. Unknown keys are
// refused, so a misspelt key is not silently lost; errors name the file
// and line.
func ParseTranslationFile(name string, b []byte) (*TranslationFile, error) {
	var f TranslationFile
	if err := decodeStrict(b, &f); err != nil {
		return nil, fmt.Errorf("kb: read %s: %w", name, err)
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		e.ID = strings.TrimSpace(e.ID)
		e.SourceHash = strings.TrimSpace(e.SourceHash)
		for _, t := range []*TranslationText{&e.Source, &e.Translation} {
			t.Question = strings.TrimSpace(t.Question)
			t.Answer = strings.TrimSpace(t.Answer)
			t.Phrases = cleanPhrases(t.Phrases)
		}
	}
	f.Lang = strings.TrimSpace(f.Lang)
	return &f, nil
}

// cleanPhrases trims phrases and drops empty ones.
func cleanPhrases(ps []string) []string {
	var out []string
	for _, p := range ps {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// CheckTranslationFile validates a translator's file (called name in the
// problems) for import into lang. Errors must refuse the import: wrong
// language, ids that are not in structure.yaml or appear twice, an empty
// question or answer, placeholders that differ from the German source,
// broken braces, over-long answers. Warnings: German text changed since
// the export, markup, no phrases. Entries left entirely empty are not
// translated yet and are not problems.
func (k *KB) CheckTranslationFile(name, lang string, f *TranslationFile) []Problem {
	var ps []Problem
	add := func(sev Severity, key, format string, args ...any) {
		ps = append(ps, Problem{File: name, Key: key, Msg: fmt.Sprintf(format, args...), Severity: sev})
	}
	if err := exchangeLang(lang); err != nil {
		add(SeverityError, "", "%v", err)
		return ps
	}
	if f.Lang != lang {
		add(SeverityError, "", "the file is for language %q, not %q", f.Lang, lang)
		return ps
	}
	seen := map[string]bool{}
	for _, e := range f.Entries {
		switch {
		case e.ID == "":
			add(SeverityError, "", "an entry has no id; keep the ids as they were exported")
			continue
		case seen[e.ID]:
			add(SeverityError, e.ID, "id appears twice")
			continue
		}
		seen[e.ID] = true
		if _, ok := k.byID[e.ID]; !ok {
			add(SeverityError, e.ID, "id is not in structure.yaml (changed or misspelt?); keep the ids as they were exported")
			continue
		}
		t := e.Translation
		if t.empty() {
			continue
		}
		if t.Question == "" {
			add(SeverityError, e.ID, "translation.question is empty")
		}
		if t.Answer == "" {
			add(SeverityError, e.ID, "translation.answer is empty")
		}
		if n := countWords(t.Answer); n > maxAnswerWords {
			add(SeverityError, e.ID, "translation.answer has %d words, at most %d fit on a phone screen", n, maxAnswerWords)
		}
		for _, field := range []struct{ name, text string }{{"question", t.Question}, {"answer", t.Answer}} {
			if brokenBraces(field.text) {
				add(SeverityError, e.ID, "translation.%s has broken braces; copy placeholders such as {{jobcenter}} exactly", field.name)
			}
		}
		if src, ok := k.sourceText(e.ID); ok {
			want := Placeholders(src.question + "\n" + src.answer)
			got := Placeholders(t.Question + "\n" + t.Answer)
			for _, name := range want {
				if !slices.Contains(got, name) {
					add(SeverityError, e.ID, "translation lacks {{%s}} from the German text; keep it exactly as written there", name)
				}
			}
			for _, name := range got {
				if !slices.Contains(want, name) {
					add(SeverityError, e.ID, "translation has {{%s}}, which the German text does not have", name)
				}
			}
		}
		if markup.MatchString(t.Answer) {
			add(SeverityWarning, e.ID, "translation.answer looks like it contains markup; it is sent as plain text")
		}
		if len(t.Phrases) == 0 {
			add(SeverityWarning, e.ID, "translation.phrases is empty; phrases already there are kept, otherwise matching relies on the question only")
		}
		switch hash, _ := k.sourceHash(e.ID); {
		case e.SourceHash == "":
			add(SeverityWarning, e.ID, "source_hash is missing; cannot tell which German text was translated")
		case e.SourceHash != hash:
			add(SeverityWarning, e.ID, "the German text changed after this file was exported; the translation may be out of date")
		}
	}
	return ps
}

// brokenBraces reports braces that are not part of a {{name}} placeholder.
func brokenBraces(s string) bool {
	rest := placeholder.ReplaceAllString(s, "")
	return strings.Contains(rest, "{{") || strings.Contains(rest, "}}")
}

// ImportSummary says what MergeTranslations did, as entry ids.
type ImportSummary struct {
	Added        []string // new in the language
	Updated      []string // changed
	Unchanged    []string // same as before (written again only to mark them reviewed)
	Untranslated []string // left empty by the translator, skipped
}

// MergeTranslations merges the filled-in entries of f (checked with
// CheckTranslationFile) into existing, the current content of kb/<lang>.yaml
// (nil if there is none), and returns the new file. The file keeps its
// comments and the entries f does not mention, entries are in structure
// order, and empty phrases keep the old ones. human_reviewed is set to
// true when reviewed; otherwise it stays as it was (false in a new file).
//
// Entries identical to what k already serves are not written unless
// reviewed: in an override directory they would otherwise shadow later
// corrections of the shipped text.
func (k *KB) MergeTranslations(existing []byte, lang string, f *TranslationFile, reviewed bool) ([]byte, ImportSummary, error) {
	var sum ImportSummary
	fail := func(err error) ([]byte, ImportSummary, error) {
		return nil, ImportSummary{}, fmt.Errorf("kb: import %s: %w", lang, err)
	}
	if f.Lang != lang {
		return fail(fmt.Errorf("the file is for language %q", f.Lang))
	}
	var check langYAML
	if err := decodeStrict(existing, &check); err != nil {
		return fail(fmt.Errorf("current kb/%s.yaml: %w", lang, err))
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(existing, &doc); err != nil {
		return fail(err)
	}
	if doc.Kind != yaml.DocumentNode {
		doc = yaml.Node{Kind: yaml.DocumentNode, HeadComment: doc.HeadComment}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode}}
	}
	top := doc.Content[0]
	newFile := mapValue(top, "human_reviewed") == nil && mapValue(top, "entries") == nil
	if newFile && doc.HeadComment == "" && top.HeadComment == "" {
		top.HeadComment = fmt.Sprintf(newLangFileHeader, lang)
	}
	if reviewed || newFile {
		flag := strNode("false")
		flag.Tag = "!!bool"
		if reviewed {
			flag.Value = "true"
		}
		if !setMapValue(top, "human_reviewed", flag) {
			top.Content = append([]*yaml.Node{strNode("human_reviewed"), flag}, top.Content...)
		}
	}
	entries := mapValue(top, "entries")
	if entries == nil || entries.Kind != yaml.MappingNode {
		entries = &yaml.Node{Kind: yaml.MappingNode}
		if !setMapValue(top, "entries", entries) {
			top.Content = append(top.Content, strNode("entries"), entries)
		}
	}
	entries.Style = 0 // an empty file may say entries: {}

	var current *langFile
	if l, ok := k.langs[lang]; ok {
		current = l
	}
	for _, e := range f.Entries {
		t := e.Translation
		if t.empty() {
			sum.Untranslated = append(sum.Untranslated, e.ID)
			continue
		}
		if _, ok := k.byID[e.ID]; !ok || t.Question == "" || t.Answer == "" {
			return fail(fmt.Errorf("entry %s is not valid; check the file first", e.ID))
		}
		var old langText
		had := false
		if current != nil {
			old, had = current.texts.get(e.ID)
			had = had && (old.question != "" || old.answer != "")
		}
		phrases := t.Phrases
		if len(phrases) == 0 {
			phrases = cleanPhrases(old.phrases.list())
		}
		switch {
		case !had:
			sum.Added = append(sum.Added, e.ID)
		case old.question == t.Question && old.answer == t.Answer && slices.Equal(cleanPhrases(old.phrases.list()), phrases):
			sum.Unchanged = append(sum.Unchanged, e.ID)
			if !reviewed {
				continue
			}
		default:
			sum.Updated = append(sum.Updated, e.ID)
		}
		entry := mapValue(entries, e.ID)
		if entry == nil || entry.Kind != yaml.MappingNode {
			entry = &yaml.Node{Kind: yaml.MappingNode}
			if !setMapValue(entries, e.ID, entry) {
				entries.Content = append(entries.Content, strNode(e.ID), entry)
			}
		}
		entry.Style = 0
		answer := strNode(t.Answer)
		answer.Style = yaml.LiteralStyle
		phraseList := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, p := range phrases {
			phraseList.Content = append(phraseList.Content, strNode(p))
		}
		for _, kv := range []struct {
			key string
			val *yaml.Node
		}{{"question", strNode(t.Question)}, {"answer", answer}, {"phrases", phraseList}} {
			if kv.key == "phrases" && len(phrases) == 0 {
				continue
			}
			if !setMapValue(entry, kv.key, kv.val) {
				entry.Content = append(entry.Content, strNode(kv.key), kv.val)
			}
		}
	}
	sortEntries(entries, k.byID)

	out, err := encodeSpaced[langYAML](&doc, "entries:", "  ")
	if err != nil {
		return fail(err)
	}
	// What is written must load.
	if err := decodeStrict(out, &langYAML{}); err != nil {
		return fail(fmt.Errorf("the merged file does not load: %w", err))
	}
	return out, sum, nil
}

const newLangFileHeader = `# Lotse knowledge base in %s, written by "lotse content import".
# The ids and the German source are in structure.yaml and de.yaml.
# human_reviewed: set to true (lotse content import --reviewed) once a person
# who speaks the language has checked every entry; until then the bot says
# that the text was translated by machine.`

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setMapValue replaces the value of key, keeping the key and its comments;
// false if the key is not there.
func setMapValue(m *yaml.Node, key string, v *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			v.LineComment, v.FootComment = old.LineComment, old.FootComment
			m.Content[i+1] = v
			return true
		}
	}
	return false
}

// sortEntries orders the entries mapping by structure order; ids that are
// not in the structure keep their order at the end.
func sortEntries(m *yaml.Node, order map[string]int) {
	type pair struct{ k, v *yaml.Node }
	pairs := make([]pair, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		pairs = append(pairs, pair{m.Content[i], m.Content[i+1]})
	}
	rank := func(p pair) int {
		if i, ok := order[p.k.Value]; ok {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return rank(a) - rank(b) })
	m.Content = m.Content[:0]
	for _, p := range pairs {
		m.Content = append(m.Content, p.k, p.v)
	}
}
