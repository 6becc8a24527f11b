package kb

import (
	"fmt"
	"slices"
)

// CheckTranslationFacts compares the {{name}} placeholders of every
// translation with those of the German source: a translation without
// {{jobcenter}} never shows the local address the German text gives.
// These are warnings, not errors, because a municipality that overrides
// only the German text (say, writing an address out) cannot fix every
// shipped translation at once. Check does not do this; callers run both.
func (k *KB) CheckTranslationFacts() []Problem {
	de, ok := k.langs[sourceLang]
	if !ok {
		return nil // Check reports the missing source
	}
	var ps []Problem
	for _, lang := range k.files {
		if lang == sourceLang {
			continue
		}
		f := k.langs[lang]
		for _, id := range f.order {
			t, _ := f.texts.get(id)
			src, ok := de.texts.get(id)
			if !ok || t.question == "" && t.answer == "" {
				continue
			}
			want := Placeholders(src.question + "\n" + src.answer)
			got := Placeholders(t.question + "\n" + t.answer)
			for _, name := range want {
				if !slices.Contains(got, name) {
					ps = append(ps, Problem{File: t.file, Key: id, Severity: SeverityWarning,
						Msg: fmt.Sprintf("translation lacks {{%s}}, which the German text has", name)})
				}
			}
			for _, name := range got {
				if !slices.Contains(want, name) {
					ps = append(ps, Problem{File: t.file, Key: id, Severity: SeverityWarning,
						Msg: fmt.Sprintf("translation has {{%s}}, which the German text does not have", name)})
				}
			}
		}
	}
	return ps
}
