package offers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The translator round trip: Export writes, for one language, every
// offer's German texts next to the current translation; the translator
// fills in the translation; MergeTranslations writes the result into the
// editors' CSV file as the <column>_<lang> columns.

// TranslationFile is what a translator edits.
type TranslationFile struct {
	Language string             `yaml:"language"`
	Offers   []TranslationEntry `yaml:"offers"`
}

// TranslationEntry is one offer in a translator's file.
type TranslationEntry struct {
	ID          string    `yaml:"id"`
	German      transText `yaml:"german"`
	Translation transText `yaml:"translation"`
}

type transText struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description,omitempty"`
	TargetGroup string `yaml:"target_group,omitempty"`
	Hours       string `yaml:"hours,omitempty"`
}

const translationHeader = `# Translation of the local offers into %s.
# For each offer, "german" is the source text. Write the %s text under
# "translation", keeping the same fields. Leave an offer's translation
# title empty to skip it; change nothing else. Addresses, phone numbers and
# web addresses are not translated.
`

// ExportTranslations writes the translator's file for lang.
func ExportTranslations(list []Offer, lang string) ([]byte, int, error) {
	if lang == SourceLang || !languageCodes[lang] {
		return nil, 0, fmt.Errorf("offers: export: cannot translate into %q", lang)
	}
	tf := TranslationFile{Language: lang}
	for _, o := range list {
		de, tr := o.Texts[SourceLang], o.Texts[lang]
		e := TranslationEntry{ID: o.ID,
			German:      transText{de.Title, de.Description, de.TargetGroup, de.Hours},
			Translation: transText{tr.Title, tr.Description, tr.TargetGroup, tr.Hours}}
		tf.Offers = append(tf.Offers, e)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, translationHeader, lang, lang)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(tf); err != nil {
		return nil, 0, fmt.Errorf("offers: export: %w", err)
	}
	return b.Bytes(), len(tf.Offers), nil
}

// ParseTranslations reads a translator's file.
func ParseTranslations(name string, data []byte) (*TranslationFile, error) {
	var tf TranslationFile
	if err := yaml.Unmarshal(data, &tf); err != nil {
		return nil, fmt.Errorf("offers: %s: %w", name, err)
	}
	if tf.Language == "" || tf.Language == SourceLang || !languageCodes[tf.Language] {
		return nil, fmt.Errorf("offers: %s: language %q is not a language to translate into", name, tf.Language)
	}
	return &tf, nil
}

// MergeSummary says what a merge changed.
type MergeSummary struct{ Updated, Unchanged, Skipped int }

// MergeTranslations writes the translations of tf into the editors' CSV
// file csvData (adding the <column>_<lang> columns if missing) and returns
// the new file. Every row and column stays where it was. It refuses a file
// with ids the CSV does not have, or a translation without a title.
func MergeTranslations(name string, csvData []byte, tf *TranslationFile) ([]byte, MergeSummary, error) {
	var sum MergeSummary
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".yaml" || ext == ".yml" {
		return nil, sum, fmt.Errorf("offers: merge: %s: translations are merged into CSV files; add the %s texts to the YAML file as title_%s, description_%s", name, tf.Language, tf.Language, tf.Language)
	}
	csvData = bytes.TrimPrefix(csvData, []byte("\xef\xbb\xbf"))
	header, _, _ := bytes.Cut(csvData, []byte("\n"))
	sep := ','
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		sep = ';'
	}
	r := csv.NewReader(bytes.NewReader(csvData))
	r.Comma, r.FieldsPerRecord = sep, -1
	recs, err := r.ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, sum, fmt.Errorf("offers: merge: %s: cannot read it as CSV: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	idCol, ok := col["id"]
	if !ok {
		return nil, sum, fmt.Errorf("offers: merge: %s: no id column", name)
	}
	for _, base := range translatable {
		c := base + "_" + tf.Language
		if _, ok := col[c]; !ok {
			col[c] = len(recs[0])
			recs[0] = append(recs[0], c)
		}
	}
	rowOf := map[string]int{}
	for i, rec := range recs[1:] {
		if idCol < len(rec) {
			rowOf[strings.TrimSpace(rec[idCol])] = i + 1
		}
	}
	var bad []string
	for _, e := range tf.Offers {
		if _, ok := rowOf[e.ID]; !ok {
			bad = append(bad, fmt.Sprintf("id %q is not in %s", e.ID, name))
		}
		t := e.Translation
		if t.Title == "" && (t.Description != "" || t.TargetGroup != "" || t.Hours != "") {
			bad = append(bad, fmt.Sprintf("id %q: the translation has no title", e.ID))
		}
	}
	if len(bad) > 0 {
		return nil, sum, fmt.Errorf("offers: merge: %s", strings.Join(bad, "; "))
	}
	for _, e := range tf.Offers {
		t := e.Translation
		if t.Title == "" {
			sum.Skipped++
			continue
		}
		rec := recs[rowOf[e.ID]]
		for len(rec) < len(recs[0]) {
			rec = append(rec, "")
		}
		changed := false
		for base, v := range map[string]string{"title": t.Title, "description": t.Description, "target_group": t.TargetGroup, "hours": t.Hours} {
			i := col[base+"_"+tf.Language]
			if rec[i] != v {
				rec[i], changed = v, true
			}
		}
		recs[rowOf[e.ID]] = rec
		if changed {
			sum.Updated++
		} else {
			sum.Unchanged++
		}
	}
	for i := range recs {
		for len(recs[i]) < len(recs[0]) {
			recs[i] = append(recs[i], "")
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = sep
	if err := w.WriteAll(recs); err != nil {
		return nil, sum, fmt.Errorf("offers: merge: %w", err)
	}
	return b.Bytes(), sum, nil
}
