package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/internal/config"
)

func TestLoad_Defaults(t *testing.T) {
	c, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.APIURL != "https://api.telegram.org" || c.HTTPAddr != ":8080" || c.Webhook() {
		t.Errorf("defaults = %+v", c)
	}
	if c.File.Municipality == "" || len(c.File.Offices) == 0 || c.File.SessionIdle != 720*time.Hour {
		t.Errorf("sample config = %+v", c.File)
	}
}

func TestLoad_SecretsFromFilesAreRedacted(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("123:very-secret\n"), 0o600)
	c, err := config.Load(func(k string) string {
		return map[string]string{"TELEGRAM_BOT_TOKEN_FILE": tokenFile, "REDIS_URL": "redis://:pw@redis:6379"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Token.Value() != "123:very-secret" {
		t.Errorf("token = %q", c.Token.Value())
	}
	for _, dump := range []string{fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(dump, "very-secret") || strings.Contains(dump, "pw@") {
			t.Errorf("secret in dump: %s", dump)
		}
	}
}

func TestParseFile_Errors(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"UnknownField": {"municipality: X\nofices: []\n", `x.yaml:2: unknown key "ofices"`},
		"EmptyTown":    {"municipality: \"\"\noffices:\n  - {id: a, name: A, address: B, phone: C}\n", "x.yaml:1: municipality"},
		"NoOffices":    {"municipality: X\n", "offices"},
		"DuplicateID":  {"municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\n  - {id: a, name: A, address: B, phone: C}\n", "x.yaml:4: offices.1.id: duplicate"},
		"LongID":       {"municipality: X\noffices:\n  - {id: integrationsmanagement-buergerbuero-nord, name: A, address: B, phone: C}\n", "x.yaml:3: offices.0.id: at most 29"},
		"MissingPhone": {"municipality: X\noffices:\n  - id: a\n    name: A\n    address: B\n", "x.yaml:3: offices.0"},
		"ShortIdle":    {"municipality: X\nsession_idle: 5m\noffices:\n  - {id: a, name: A, address: B, phone: C}\n", "x.yaml:2: session_idle"},
		"BadDuration":  {"municipality: X\nsession_idle: soon\n", `x.yaml:2: "soon": want a duration`},
		"BadNumber":    {"municipality: X\nbooking:\n  days_ahead: three\n", `x.yaml:3: "three": want a whole number`},
		"EmptyFile":    {"", "x.yaml:1: municipality: must not be empty"},
		"NoContentDir": {"municipality: X\ncontent_dir: /nonexistent\noffices:\n  - {id: a, name: A, address: B, phone: C}\n", "x.yaml:2: content_dir"},
		"BrokenYAML":   {"municipality: [\n", "x.yaml:1: did not find expected node content"},
		"EmergencyNoName": {"municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\nemergency:\n  legal_help:\n    - {name: \"\", phone: \"030 123\"}\n",
			"x.yaml:6: emergency.legal_help.0.name"},
		"EmergencyBadPhone": {"municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\nemergency:\n  women_shelter:\n    - {name: Frauenhaus, phone: \"call us\"}\n",
			"x.yaml:6: emergency.women_shelter.0.phone"},
		"EmergencyShortPhone": {"municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\nemergency:\n  crisis_service:\n    - {name: Krisendienst, phone: \"1\"}\n",
			"emergency.crisis_service.0.phone"},
		"StaffDuplicateIDNamed": {"municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\nstaff:\n  - {id: anna, name: Anna, telegram_id: 1}\n  - {id: anna, name: Anna B, telegram_id: 2}\nbooking:\n  closures:\n    - {date: \"12-24\", staff: anna}\n",
			`x.yaml:6: staff.1.id: "anna" is also the id of staff.0, and booking.closures.0.staff names it: give each case manager an id of their own`},
		"StaffDuplicateTelegramID": {"municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\nstaff:\n  - {id: anna, name: Anna, telegram_id: 1}\n  - {id: omar, name: Omar, telegram_id: 1}\n",
			`x.yaml:6: staff.1.telegram_id: 1 is also the Telegram id of staff.0: each case manager needs their own`},
		"StaffUnknownOffice": {"municipality: X\noffices:\n  - {id: rathaus, name: A, address: B, phone: C}\nstaff:\n  - {id: anna, name: Anna, telegram_id: 1, offices: [rathuas]}\n",
			`x.yaml:5: staff.0.offices: unknown office "rathuas" (offices: rathaus)`},
		"HoursUnknownStaff": {"municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\nstaff:\n  - {id: anna, name: Anna, telegram_id: 1}\nbooking:\n  hours:\n    - {office: a, days: [mon], from: \"09:00\", to: \"10:00\", slot: 30m, capacity: 1, staff: [ana]}\n",
			`x.yaml:8: booking.hours.0.staff: unknown staff id "ana" (staff ids: anna)`},
		"EmergencyUnknownKind": {"municipality: X\nemergency:\n  police: []\n", `x.yaml:3: unknown key "police"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := config.ParseFile("x.yaml", []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
			// One line per problem, each naming the file, in the words of
			// the file rather than Go's.
			for _, line := range strings.Split(fmt.Sprint(err), "\n") {
				if err == nil {
					break
				}
				if !strings.HasPrefix(line, "config: x.yaml:") || strings.Contains(line, "config.File") || strings.Contains(line, "unmarshal") {
					t.Errorf("error line %q: want config: x.yaml:LINE: problem", line)
				}
			}
		})
	}
}

// TestParseFile_StaffLenient: what configs of earlier versions had and
// what harms nobody starts, with a warning where something will not work
// as the operator may think — each naming the file, line, key, value and
// what to write instead: a case manager without an id (an id is needed
// only where hours or closures name them), an id two case managers share
// that nothing names, a language Lotse does not speak in a case manager's
// list, and a staff-group language it has no texts in.
func TestParseFile_StaffLenient(t *testing.T) {
	const head = "municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\n"
	for name, c := range map[string]struct {
		yaml  string
		check func(t *testing.T, f *config.File)
		warns []string
	}{
		"NoID": {yaml: head + "staff:\n  - {name: Anna, telegram_id: 1, offices: [a]}\n  - {name: Omar, telegram_id: 2}\n"},
		"SharedIDNamedNowhere": {yaml: head + "staff:\n  - {id: anna, name: Anna, telegram_id: 1}\n  - {id: anna, name: Anna B, telegram_id: 2}\n",
			warns: []string{`config: x.yaml:6: staff.1.id: "anna" is also the id of staff.0: give each case manager an id of their own before hours or closures name it`}},
		"Languages": {yaml: head + "staff:\n  - {id: anna, name: Anna, telegram_id: 1, languages: [de, AR, ua, it, prs]}\n",
			check: func(t *testing.T, f *config.File) {
				if got := strings.Join(f.Staff[0].Languages, " "); got != "de ar ua it fa" {
					t.Errorf("languages = %s, want de ar ua it fa (AR and prs read as ar and fa)", got)
				}
			},
			warns: []string{
				`config: x.yaml:5: staff.0.languages: "ua" is not one of Lotse's languages (ar uk fa ps tr ku ti so ru fr en de), so no request is routed by it; for Ukrainian write uk`,
				`config: x.yaml:5: staff.0.languages: "it" is not one of Lotse's languages (ar uk fa ps tr ku ti so ru fr en de), so no request is routed by it`,
			}},
		"StaffLanguageUnshipped": {yaml: head + "handover:\n  staff_language: fr\n",
			check: func(t *testing.T, f *config.File) {
				if f.Handover.StaffLanguage != "de" {
					t.Errorf("staff language = %q, want the fallback de", f.Handover.StaffLanguage)
				}
			},
			warns: []string{`config: x.yaml:5: handover.staff_language: "fr": the staff group's texts exist in de and en only; using de — write de or en`}},
		// As in staff.languages, a code Lotse does not speak is said and
		// left out; the others stay related.
		"RelatedUnknownLanguage": {yaml: head + "handover:\n  related_languages:\n    ua: [ru]\n    fa: [ps, it]\n",
			check: func(t *testing.T, f *config.File) {
				if got := f.Handover.RelatedLanguages; len(got) != 1 || strings.Join(got["fa"], " ") != "ps" {
					t.Errorf("related languages = %v, want fa: [ps]", got)
				}
			},
			warns: []string{
				`config: x.yaml:5: handover.related_languages: "it" is not one of Lotse's languages (ar uk fa ps tr ku ti so ru fr en de), so it relates no language`,
				`config: x.yaml:5: handover.related_languages: "ua" is not one of Lotse's languages (ar uk fa ps tr ku ti so ru fr en de), so it relates no language; for Ukrainian write uk`,
			}},
		"StaffLanguageSpelt": {yaml: head + "handover:\n  staff_language: EN\n",
			check: func(t *testing.T, f *config.File) {
				if f.Handover.StaffLanguage != "en" {
					t.Errorf("staff language = %q, want en", f.Handover.StaffLanguage)
				}
			}},
	} {
		t.Run(name, func(t *testing.T) {
			f, err := config.ParseFile("x.yaml", []byte(c.yaml))
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if c.check != nil {
				c.check(t, f)
			}
			var got []string
			for _, w := range f.Warnings {
				got = append(got, w.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.warns, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.warns, "\n"))
			}
		})
	}
}

func TestValidateServe(t *testing.T) {
	base := map[string]string{"TELEGRAM_BOT_TOKEN": "1:x"}
	load := func(extra map[string]string) error {
		c, err := config.Load(func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return base[k]
		})
		if err != nil {
			return err
		}
		return c.ValidateServe()
	}
	if err := load(nil); err != nil {
		t.Errorf("polling with token: %v", err)
	}
	if err := load(map[string]string{"WEBHOOK_URL": "https://x.example/h", "WEBHOOK_SECRET": "ok_secret"}); err != nil {
		t.Errorf("webhook with secret: %v", err)
	}
	if err := load(map[string]string{"WEBHOOK_URL": "https://x.example/h"}); err == nil {
		t.Error("webhook without secret accepted")
	}
	if err := load(map[string]string{"TELEGRAM_API_URL": "not a url"}); err == nil {
		t.Error("bad API URL accepted")
	}
}

// TestParseFile_Closures: month-day closures recur every year (also over
// New Year); a closure mixing the forms or naming no real day is refused
// with its line.
func TestParseFile_Closures(t *testing.T) {
	sample := string(config.Sample)
	i := strings.Index(sample, "  closures:")
	if i < 0 {
		t.Fatal("sample has no closures")
	}
	head := sample[:i] + "  closures:\n"
	line := strings.Count(head, "\n") + 1 // the first closure's line
	good := head + "    - {date: \"12-24\"}\n    - {from: \"12-28\", to: \"01-01\"}\n    - {date: \"02-29\"}\n    - {from: \"2027-01-04\", to: \"2027-01-08\"}\n"
	if _, err := config.ParseFile("x.yaml", []byte(good)); err != nil {
		t.Errorf("yearly closures refused: %v", err)
	}
	for _, c := range []string{
		`{from: "12-28", to: "2027-01-01"}`,
		`{date: "12-32"}`,
		`{from: "2027-01-08", to: "2027-01-04"}`,
		`{date: "24.12."}`,
	} {
		_, err := config.ParseFile("x.yaml", []byte(head+"    - "+c+"\n"))
		if want := fmt.Sprintf("x.yaml:%d: booking.closures.0", line); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", c, err, want)
		}
	}
}

// TestParseFile_Emergency: the sample's local numbers are read, in order,
// and the section is optional.
func TestParseFile_Emergency(t *testing.T) {
	f, err := config.ParseFile("sample.yaml", config.Sample)
	if err != nil {
		t.Fatal(err)
	}
	e := f.Emergency
	if len(e.LegalHelp) != 2 || e.LegalHelp[0].Name.In("de") != "Flüchtlingsrat Musterland" || e.LegalHelp[1].Phone == "" ||
		len(e.WomenShelter) != 1 || len(e.CrisisService) != 1 || e.CrisisService[0].Hours.In("de") == "" {
		t.Errorf("sample emergency = %+v", e)
	}
	f, err = config.ParseFile("x.yaml", []byte("municipality: X\noffices:\n  - {id: a, name: A, address: B, phone: C}\n"))
	if err != nil || len(f.Emergency.LegalHelp)+len(f.Emergency.WomenShelter)+len(f.Emergency.CrisisService) != 0 {
		t.Errorf("without emergency: %+v, %v", f, err)
	}
}

func TestLoad_SyncReplicas(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisSyncReplicas != 0 || c.RedisSyncTimeout != 100*time.Millisecond {
		t.Errorf("default sync = %d, %v; want 0, 100ms", c.RedisSyncReplicas, c.RedisSyncTimeout)
	}
	c, err = config.Load(env(map[string]string{"REDIS_SYNC_REPLICAS": "1", "REDIS_SYNC_TIMEOUT": "250ms"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisSyncReplicas != 1 || c.RedisSyncTimeout != 250*time.Millisecond {
		t.Errorf("sync = %d, %v; want 1, 250ms", c.RedisSyncReplicas, c.RedisSyncTimeout)
	}
	for _, bad := range []map[string]string{{"REDIS_SYNC_REPLICAS": "-1"}, {"REDIS_SYNC_REPLICAS": "one"}, {"REDIS_SYNC_TIMEOUT": "0s"}} {
		if _, err := config.Load(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestLoad_TranslateProvider: translation is off until configured;
// deepl needs a key and finds DeepL's API by it unless TRANSLATE_URL
// points elsewhere; an unknown provider is refused at start.
func TestLoad_TranslateProvider(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		env                map[string]string
		provider, url, err string
	}{
		{env: nil, provider: "libretranslate"},
		{env: map[string]string{"TRANSLATE_URL": "http://lt:5000"}, provider: "libretranslate", url: "http://lt:5000"},
		{env: map[string]string{"TRANSLATE_PROVIDER": "deepl", "TRANSLATE_API_KEY": "0a1b:fx"}, provider: "deepl", url: "https://api-free.deepl.com"},
		{env: map[string]string{"TRANSLATE_PROVIDER": "deepl", "TRANSLATE_API_KEY": "0a1b"}, provider: "deepl", url: "https://api.deepl.com"},
		{env: map[string]string{"TRANSLATE_PROVIDER": "deepl", "TRANSLATE_API_KEY": "0a1b", "TRANSLATE_URL": "http://127.0.0.1:9"}, provider: "deepl", url: "http://127.0.0.1:9"},
		{env: map[string]string{"TRANSLATE_PROVIDER": "deepl"}, err: "TRANSLATE_PROVIDER=deepl needs TRANSLATE_API_KEY"},
		{env: map[string]string{"TRANSLATE_PROVIDER": "google", "TRANSLATE_URL": "http://x"}, err: `TRANSLATE_PROVIDER: want libretranslate or deepl, got "google"`},
	} {
		c, err := config.Load(env(tc.env))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: err = %v, want %q", tc.env, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		if c.TranslateProvider != tc.provider || c.TranslateURL != tc.url {
			t.Errorf("%v: provider %q at %q, want %q at %q", tc.env, c.TranslateProvider, c.TranslateURL, tc.provider, tc.url)
		}
	}
}
