package i18n

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Text is a text the municipality writes in its config file (an office's
// name, what to bring, a local fact): one string, or one per language
// code. German (Default) is the source and the fallback for a language
// without its own version.
//
//	notes: "Eingang B, 1. Stock"
//	notes:
//	  de: "Eingang B, 1. Stock"
//	  ar: "المدخل B، الطابق الأول"
type Text map[string]string

// German wraps a German text, e.g. one built in code or a test.
func German(s string) Text {
	if s == "" {
		return nil
	}
	return Text{Default: s}
}

// In is the text in lang, or the German one.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t[Default]
}

// Has reports whether lang has a version of its own.
func (t Text) Has(lang string) bool { return t[lang] != "" }

// Missing lists the shipped languages without a version of their own.
func (t Text) Missing() []string {
	var out []string
	for _, l := range Languages {
		if t[l.Code] == "" {
			out = append(out, l.Code)
		}
	}
	return out
}

// UnmarshalYAML reads a plain string as German, or a map of language
// codes; an unknown code is an error, so a typo does not hide a text.
func (t *Text) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*t = German(n.Value)
		return nil
	case yaml.MappingNode:
		m := map[string]string{}
		if err := n.Decode(&m); err != nil {
			return err
		}
		for code := range m {
			if !Shipped(code) {
				return fmt.Errorf("line %d: unknown language %q (one of %v)", n.Line, code, codes())
			}
		}
		*t = m
		return nil
	}
	return fmt.Errorf("line %d: want a text or a map of language codes to texts", n.Line)
}

func codes() []string {
	out := make([]string, len(Languages))
	for i, l := range Languages {
		out[i] = l.Code
	}
	return slices.Clip(out)
}
