package locales_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"lotse/flows"
	"lotse/internal/i18n"
	"lotse/locales"
)

func readMessages(t *testing.T, lang string) map[string]any {
	t.Helper()
	data, err := fs.ReadFile(locales.FS, "messages/"+lang+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.yaml: %v", lang, err)
	}
	return m
}

// TestMessages_Complete: every shipped language has exactly the German
// source's IDs, none empty, with every plural form CLDR requires.
func TestMessages_Complete(t *testing.T) {
	source := readMessages(t, i18n.Default)
	for _, l := range i18n.Languages {
		t.Run(l.Code, func(t *testing.T) {
			msgs := readMessages(t, l.Code)
			for id := range source {
				if _, ok := msgs[id]; !ok {
					t.Errorf("%s.yaml: missing %q", l.Code, id)
				}
			}
			for id, v := range msgs {
				if _, ok := source[id]; !ok {
					t.Errorf("%s.yaml: %q is not in the source (%s.yaml)", l.Code, id, i18n.Default)
				}
				switch v := v.(type) {
				case string:
					if strings.TrimSpace(v) == "" {
						t.Errorf("%s.yaml: %q is empty", l.Code, id)
					}
				case map[string]any:
					for _, form := range requiredForms(l.Code) {
						if s, _ := v[form].(string); strings.TrimSpace(s) == "" {
							t.Errorf("%s.yaml: plural %q lacks form %q", l.Code, id, form)
						}
					}
				default:
					t.Errorf("%s.yaml: %q has unexpected type %T", l.Code, id, v)
				}
			}
		})
	}
}

// requiredForms asks CLDR (via x/text) which plural categories the
// language uses for whole numbers.
func requiredForms(lang string) []string {
	tag := language.MustParse(lang)
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
		plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	seen := map[string]bool{"other": true}
	for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 14, 19, 20, 21, 22, 25, 100, 101, 102, 111, 1000, 1000000} {
		seen[names[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = true
	}
	var out []string
	for _, f := range []string{"zero", "one", "two", "few", "many", "other"} {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}

// TestMessages_Referenced: code refers to every ID, and every ID it refers
// to exists. IDs built at run time come from the areas and commands.
func TestMessages_Referenced(t *testing.T) {
	source := readMessages(t, i18n.Default)
	used := stringLiterals(t, "..")
	// The areas' menu names; the structure file alone says which exist.
	data, err := fs.ReadFile(locales.FS, "kb/structure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Areas []string `yaml:"areas"`
	}
	if err := yaml.Unmarshal(data, &st); err != nil || len(st.Areas) == 0 {
		t.Fatalf("kb/structure.yaml: areas %v, %v", st.Areas, err)
	}
	for _, a := range st.Areas {
		used["menu."+a] = true
	}
	for _, c := range flows.Commands() {
		used["command."+c] = true
	}
	used["language.name"] = true
	for d := 0; d < 7; d++ {
		used["weekday."+strconv.Itoa(d)] = true
	}
	for id := range source {
		if !used[id] {
			t.Errorf("message %q is referenced nowhere in the code", id)
		}
	}
	for lit := range used {
		if looksLikeID(lit) && source[lit] == nil && hasKnownPrefix(lit, source) {
			t.Errorf("code refers to %q, which %s.yaml does not define", lit, i18n.Default)
		}
	}
}

func looksLikeID(s string) bool {
	if !strings.Contains(s, ".") || strings.ContainsAny(s, " /:") || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ".yaml") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// hasKnownPrefix keeps file names and other dotted literals out: only
// literals in a namespace the message files use count as message IDs.
func hasKnownPrefix(lit string, source map[string]any) bool {
	ns, _, _ := strings.Cut(lit, ".")
	for id := range source {
		if strings.HasPrefix(id, ns+".") {
			return true
		}
	}
	return false
}

// stringLiterals collects the string literals of all non-test Go files.
func stringLiterals(t *testing.T, root string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// config's dotted literals are YAML paths, not message IDs.
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || path == filepath.Join(root, "internal", "config")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out[s] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMessages_Render: every ID renders in every language with sample data,
// with no template left over.
func TestMessages_Render(t *testing.T) {
	bundle, err := i18n.Load(locales.FS, "messages", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	source := readMessages(t, i18n.Default)
	data := i18n.Data{"Town": "Musterstadt", "Area": "A", "URL": "https://www.bamf.de", "Date": "01.11.2026",
		"Police": "110", "Emergency": "112", "Doctor": "116 117", "Crisis": "0800 111 0 111", "Women": "116 016",
		"Crisis2": "0800 111 0 222", "Crisis3": "116 123", "Hours": "Mo–Fr 9–16",
		"Name": "Rathaus", "Address": "Marktplatz 1", "Phone": "+49 1234", "Day": "01", "Month": "11", "Year": "2026",
		"Ticket": 12, "Back": "24.11.2026 08:00", "Time": "09:30", "Office": "Rathaus", "Things": "Pass",
		"Lang": "Deutsch", "Count": 2, "Button": "🗑 Ja", "Question": "Darf ich arbeiten?"}
	for _, l := range i18n.Languages {
		loc := bundle.For(l.Code)
		for id, v := range source {
			var outs []string
			if _, isPlural := v.(map[string]any); isPlural {
				for _, n := range []int{0, 1, 2, 3, 5, 11, 30, 100} {
					outs = append(outs, loc.N(id, n, data))
				}
			} else {
				outs = append(outs, loc.T(id, data))
			}
			for _, out := range outs {
				if out == id || strings.Contains(out, "{{") || strings.Contains(out, "<no value>") {
					t.Errorf("%s %s renders as %q", l.Code, id, out)
				}
			}
		}
	}
}

// TestMessages_RTLIsolation: in right-to-left languages inserted values
// (numbers, dates, links) are wrapped in directional isolates, and the
// picker names each language in itself.
func TestMessages_RTLIsolation(t *testing.T) {
	bundle, err := i18n.Load(locales.FS, "messages", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Languages {
		loc := bundle.For(l.Code)
		out := loc.T("faq.source", i18n.Data{"URL": "https://www.bamf.de/x"})
		emerg := loc.T("urgent.numbers", i18n.Data{"Police": "110", "Emergency": "112", "Doctor": "116 117", "Crisis": "0800 111 0 111", "Women": "116 016"})
		isolated := strings.Contains(out, "\u2068https://www.bamf.de/x\u2069") && strings.Contains(emerg, "\u2068116 117\u2069")
		if l.RTL != isolated {
			t.Errorf("%s: RTL=%v but isolated=%v: %q", l.Code, l.RTL, isolated, out)
		}
	}
	want := map[string]string{"ar": "العربية", "uk": "Українська", "fa": "دری", "ps": "پښتو", "tr": "Türkçe",
		"ku": "Kurmancî", "ti": "ትግርኛ", "so": "Soomaali", "ru": "Русский", "fr": "Français", "en": "English", "de": "Deutsch"}
	for code, name := range want {
		if got := bundle.For(code).T("language.name", nil); got != name {
			t.Errorf("language.name in %s = %q, want %q", code, got, name)
		}
	}
	if codes := len(i18n.Languages); codes != len(want) || !slices.ContainsFunc(i18n.Languages, func(l i18n.Language) bool { return l.Code == "ti" }) {
		t.Errorf("shipped languages = %d", codes)
	}
}

// TestMessages_ArrowsFollowReading: "back" points against the reading
// direction and "next" along it, so in Arabic, Dari and Pashto, read
// from the right, back is ▶️ and next ◀️ (a reader of Dari met "بعدی ▶️"
// pointing back).
func TestMessages_ArrowsFollowReading(t *testing.T) {
	bundle, err := i18n.Load(locales.FS, "messages", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Languages {
		back, next := "◀️", "▶️"
		if l.RTL {
			back, next = next, back
		}
		loc := bundle.For(l.Code)
		for _, id := range []string{"button.back", "booking.cancel_keep", "offers.prev", "offers.back", "offers.next"} {
			want := back
			if id == "offers.next" {
				want = next
			}
			if got := loc.T(id, nil); !strings.Contains(got, want) {
				t.Errorf("%s %s = %q, want %s", l.Code, id, got, want)
			}
		}
	}
}

// TestStaffMessages: the staff group's texts exist in German and English
// with the same IDs, all used by the code.
func TestStaffMessages(t *testing.T) {
	read := func(lang string) map[string]any {
		data, err := fs.ReadFile(locales.FS, "staff/"+lang+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	de, en := read("de"), read("en")
	used := stringLiterals(t, "..")
	for _, by := range []string{"staff", "person", "cancelled", "timeout", "erased", "blocked"} {
		used["staff.closed_by."+by] = true
	}
	used["staff.booking_status.attended"], used["staff.booking_status.noshow"] = true, true
	for id := range de {
		if _, ok := en[id]; !ok {
			t.Errorf("staff/en.yaml lacks %q", id)
		}
		if !used[id] {
			t.Errorf("staff message %q is referenced nowhere", id)
		}
	}
	for id := range en {
		if _, ok := de[id]; !ok {
			t.Errorf("staff/de.yaml lacks %q", id)
		}
	}
	for lit := range used {
		if strings.HasPrefix(lit, "staff.") && looksLikeID(lit) && de[lit] == nil {
			t.Errorf("code refers to %q, which staff/de.yaml does not define", lit)
		}
	}
}
