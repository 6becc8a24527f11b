package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lotse/internal/config"
	"lotse/internal/offers"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

const offersCSV = `id,title,category,description,district,lat,lon,languages,free,url,tags,title_ar,description_ar,title_uk,description_uk,title_fa,description_fa,address,valid_until
fussball,Fußball für Kinder,sport,Offenes Training für Kinder,Nord,51.9902,7.6350,"de,ar",yes,https://www.sv-nord.de,children,نادي كرة القدم للأطفال,تدريب مفتوح للأطفال,,,,,Nordwiese 1,
recht,Kostenlose Rechtsberatung,counselling,Anwältinnen beraten zu Aufenthalt und Miete,Mitte,51.9603,7.6248,"de,uk",yes,https://www.anwalt-musterstadt.de,,,,Безкоштовна юридична консультація,Адвокатки консультують щодо перебування,,,Rathausplatz 2,
frauenkurs,Deutschkurs für Frauen,language,Deutschkurs nur für Frauen mit Kinderbetreuung,Mitte,51.9585,7.6205,"de,fa,ar",yes,https://www.caritas-musterstadt.de,"women,childcare",دورة لغة ألمانية للنساء,دورة للنساء فقط مع رعاية الأطفال,,,کلاس زبان آلمانی برای زنان,کلاس فقط برای زنان با نگهداری از کودکان,Lindenstraße 8,
cafe,Sprachcafé Nord,language,Deutsch üben bei Tee,Nord,51.9861,7.6322,"de,uk,ar",yes,https://www.nord-treff.de,,مقهى اللغة في الشمال,تدرب على الألمانية مع الشاي,Мовне кафе Норд,Практика німецької за чаєм,,,Nordring 12,
alt,Alter Kurs,language,Vorbei,Mitte,51.96,7.62,de,yes,https://www.vhs-musterstadt.de,,,,,,,,Markt 9,2000-01-01
`

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOffers_Check(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if run(context.Background(), testNow, []string{"help"}, env(nil), nil, &out, io.Discard); !strings.Contains(out.String(), "lotse offers import --file") {
		t.Errorf("--help does not explain the offers commands:\n%s", out.String())
	}
	out.Reset()
	// The shipped sample: no errors (its old dates are warnings).
	if err := run(context.Background(), testNow, []string{"offers", "check"}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatalf("sample: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "sample.csv: 48 offers usable, 0 errors") {
		t.Errorf("summary:\n%s", out.String())
	}
	bad := "id;title;category;lat;lon;languages;url;title_xx\n" +
		"a;;language;51.9;7.6;de;https://www.vhs.de;\n" +
		"b;Kurs;kochen;51.9;x;de zz;https://;Kurs\n"
	out.Reset()
	err := run(context.Background(), testNow, []string{"offers", "check", "--file", writeFile(t, "offers.csv", bad)}, env(nil), nil, &out, io.Discard)
	if err == nil {
		t.Fatal("a file with errors passed")
	}
	for _, want := range []string{":2: title: missing title", ":3: category: unknown category", ":3: lon: \"x\" is not a number",
		":3: languages: unknown language code \"zz\"", ":3: url: \"https://\" has no valid host", ":3: title_xx: unknown language code"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestOffers_TranslatorRoundTrip(t *testing.T) {
	t.Parallel()
	csvPath := writeFile(t, "offers.csv", offersCSV)
	trPath := filepath.Join(filepath.Dir(csvPath), "ti.yaml")
	if err := run(context.Background(), testNow, []string{"offers", "export", "--lang", "ti", "--file", csvPath, "-o", trPath}, env(nil), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(trPath)
	if !strings.Contains(string(data), "Fußball für Kinder") || !strings.Contains(string(data), "language: ti") {
		t.Fatalf("export:\n%s", data)
	}
	filled := strings.Replace(string(data), "id: fussball\n    german:", "id: fussball\n    translation:\n      title: ኩዕሶ እግሪ ንቆልዑ\n    german:", 1)
	filled = strings.Replace(filled, "    translation:\n      title: \"\"\n", "", -1)
	os.WriteFile(trPath, []byte(filled), 0o644)
	var out bytes.Buffer
	if err := run(context.Background(), testNow, []string{"offers", "merge", "--file", trPath, "--offers", csvPath}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatalf("merge: %v\n%s\n%s", err, out.String(), filled)
	}
	merged, _ := os.ReadFile(csvPath)
	if !strings.Contains(string(merged), "title_ti") || !strings.Contains(string(merged), "ኩዕሶ እግሪ ንቆልዑ") {
		t.Errorf("merged file:\n%s", merged)
	}
	if err := run(context.Background(), testNow, []string{"offers", "check", "--file", csvPath, "--max-age", "0"}, env(nil), nil, io.Discard, io.Discard); err != nil {
		t.Errorf("merged file does not check: %v", err)
	}
}

// TestServe_Offers goes the whole way through the real program and the
// fake Bot API: import a CSV into Redis, browse, filter by language and
// district, share a location, open an offer with its map location, find
// offers by text in Arabic, Ukrainian and Dari, a case manager sends one
// into a hand-over, and a second import goes live without a restart.
func TestServe_Offers(t *testing.T) {
	t.Parallel()
	const tok = "46:offers-token"
	fake := telegramtest.MustStart(t, tok)
	r := redistest.Must(t)
	staff := telegramtest.Chat{ID: -1009876543, Type: "supergroup", Title: "Team"}
	anna := telegramtest.User{ID: 100001, FirstName: "Anna"} // staff in the sample config
	e := env(map[string]string{
		"TELEGRAM_BOT_TOKEN": tok, "TELEGRAM_API_URL": fake.URL(), "LOTSE_SECRET": "offers-test",
		"REDIS_URL": r.URL, "REDIS_PREFIX": r.Prefix, "HTTP_ADDR": freeAddr(t), "METRICS_ADDR": freeAddr(t),
		"STAFF_CHAT_ID": strconv.FormatInt(staff.ID, 10),
	})
	var out bytes.Buffer
	if err := run(context.Background(), time.Now, []string{"offers", "import", "--file", writeFile(t, "offers.csv", offersCSV)}, e, nil, &out, io.Discard); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs syncWriter
	go func() { done <- run(ctx, time.Now, []string{"serve"}, e, nil, io.Discard, &logs) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	defer stop()

	seen := map[int64]int{}
	next := func(u telegramtest.User, what string, ok func(telegramtest.Sent) bool) telegramtest.Sent {
		t.Helper()
		var found telegramtest.Sent
		_, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
			for i, m := range shown(s, u.ID) {
				if i >= seen[u.ID] && ok(m) {
					found, seen[u.ID] = m, i+1
					return true
				}
			}
			return false
		})
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		return found
	}
	button := func(m telegramtest.Sent, label string) string {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) && b.CallbackData != "" {
					return b.CallbackData
				}
			}
		}
		return ""
	}
	with := func(label string) func(telegramtest.Sent) bool {
		return func(m telegramtest.Sent) bool { return button(m, label) != "" }
	}
	saying := func(sub string) func(telegramtest.Sent) bool {
		return func(m telegramtest.Sent) bool { return strings.Contains(m.Text, sub) }
	}
	press := func(u telegramtest.User, m telegramtest.Sent, label string) {
		t.Helper()
		data := button(m, label)
		if data == "" {
			t.Fatalf("no button %q in %q", label, m.Text)
		}
		fake.Press(u, m.MessageID, data)
	}
	venue := func(chat int64, title string) telegramtest.Sent {
		t.Helper()
		var v telegramtest.Sent
		_, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
			for _, m := range s {
				if m.ChatID == chat && m.Method == "sendVenue" && strings.Contains(m.Params["title"], title) {
					v = m
					return true
				}
			}
			return false
		})
		if err != nil {
			t.Fatalf("no map location %q: %v", title, err)
		}
		return v
	}

	amal := telegramtest.User{ID: 6001, FirstName: "Amal", LanguageCode: "ar"}
	t.Run("BrowseFilterNearMe", func(t *testing.T) {
		fake.SendText(amal, "/offers")
		topics := next(amal, "topics", with("دورات اللغة"))
		press(amal, topics, "دورات اللغة")
		list := next(amal, "course list", saying("(2)"))
		if strings.Contains(list.Text, "Alter Kurs") {
			t.Errorf("the ended course is listed:\n%s", list.Text)
		}
		press(amal, list, "بلغتي")
		list = next(amal, "in Arabic", with("✅ 🗣"))
		press(amal, list, "🏘")
		districts := next(amal, "districts", with("Nord"))
		press(amal, districts, "Nord")
		list = next(amal, "district Nord", saying("🏘 Nord"))
		if !strings.Contains(list.Text, "(1)") || !strings.Contains(list.Text, "مقهى اللغة") {
			t.Errorf("Arabic courses in Nord:\n%s", list.Text)
		}
		press(amal, list, "📍")
		next(amal, "how to share", saying("📎"))
		// Standing at the Nordwiese.
		fake.Inject(map[string]any{"message": map[string]any{
			"message_id": 9001, "date": time.Now().Unix(),
			"from":     map[string]any{"id": amal.ID, "is_bot": false, "first_name": amal.FirstName, "language_code": "ar"},
			"chat":     map[string]any{"id": amal.ID, "type": "private", "first_name": amal.FirstName},
			"location": map[string]any{"latitude": 51.99021, "longitude": 7.63501},
		}})
		near := next(amal, "sorted by distance", saying("📍"))
		lines := strings.Split(near.Text, "\n")
		if len(lines) < 4 || !strings.Contains(lines[2], "مقهى اللغة") || !strings.Contains(lines[3], "دورة لغة ألمانية للنساء") {
			t.Fatalf("nearest first:\n%s", near.Text)
		}
		press(amal, near, "مقهى اللغة")
		offer := next(amal, "the offer", saying("تدرب على الألمانية مع الشاي"))
		for _, want := range []string{"Nordring 12", "https://www.nord-treff.de", "Українська"} {
			if !strings.Contains(offer.Text, want) {
				t.Errorf("offer lacks %q:\n%s", want, offer.Text)
			}
		}
		if v := venue(amal.ID, "مقهى اللغة"); !strings.HasPrefix(v.Params["latitude"], "51.9861") || !strings.HasPrefix(v.Params["longitude"], "7.6322") {
			t.Errorf("map location at %s, %s", v.Params["latitude"], v.Params["longitude"])
		}
	})

	t.Run("FreeText", func(t *testing.T) {
		for _, c := range []struct {
			u          telegramtest.User
			text, want string
		}{
			{amal, "نادي كرة قدم للأطفال", "نادي كرة القدم للأطفال"},
			{telegramtest.User{ID: 6002, FirstName: "Olena", LanguageCode: "uk"}, "безкоштовна юридична консультація", "Безкоштовна юридична консультація"},
			{telegramtest.User{ID: 6003, FirstName: "Zahra", LanguageCode: "fa"}, "کلاس زبان آلمانی برای زنان", "کلاس زبان آلمانی برای زنان"},
		} {
			fake.SendText(c.u, c.text)
			next(c.u, "offer suggestion "+c.want, with(c.want))
		}
	})

	t.Run("CaseManagerSendsOffer", func(t *testing.T) {
		fake.SendText(amal, "/person")
		m := next(amal, "privacy notice or description prompt", func(m telegramtest.Sent) bool {
			return firstWithPrefix(m, "pa:") != "" || firstWithPrefix(m, "hs:") != ""
		})
		if data := firstWithPrefix(m, "pa:"); data != "" {
			fake.Press(amal, m.MessageID, data)
			next(amal, "describe", func(m telegramtest.Sent) bool { return firstWithPrefix(m, "hs:") != "" })
		}
		fake.SendText(amal, "أبحث عن نادٍ لابني")
		var card telegramtest.Sent
		if _, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool {
			for _, m := range s {
				if m.ChatID == staff.ID && strings.Contains(m.Text, "Amal") && len(m.Buttons) > 0 {
					card = m
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatalf("no card: %v", err)
		}
		// The person's "passed on" comes after the card is recorded as the
		// ticket's: only then can a reply to the card find the ticket.
		next(amal, "queued", func(m telegramtest.Sent) bool { return firstWithPrefix(m, "hc:") != "" })
		fake.ReplyTo(staff, anna, card.MessageID, "/offer fussball")
		got := next(amal, "the offer from Anna", saying("نادي كرة القدم للأطفال"))
		if !strings.Contains(got.Text, "Anna Becker") || !strings.Contains(got.Text, "تدريب مفتوح للأطفال") {
			t.Errorf("offer from the case manager:\n%s", got.Text)
		}
		venue(amal.ID, "نادي كرة القدم")
	})

	t.Run("ImportWithoutRestart", func(t *testing.T) {
		more := offersCSV + "schach,Schachclub International,sport,Schach spielen,Mitte,51.961,7.625,de,yes,https://www.schach-musterstadt.de,,,,,,,,Markt 3,\n"
		if err := run(context.Background(), time.Now, []string{"offers", "import", "--file", writeFile(t, "offers.csv", more)}, e, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		u := telegramtest.User{ID: 6004, FirstName: "Jan", LanguageCode: "de"}
		// Production's five polls; the tests' poll is shorter.
		const within = 10 * time.Second
		deadline := time.Now().Add(within)
		for {
			fake.SendText(u, "schachclub")
			m := next(u, "an answer", func(telegramtest.Sent) bool { return true })
			if button(m, "Schachclub International") != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the new import is not live after %v: %q", within, m.Text)
			}
			time.Sleep(offersPoll() / 2)
		}
	})

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"51.990", "7.635", "نادي كرة قدم", "безкоштовна юридична"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

// TestChat_Offers: the terminal demo shows the Musterstadt sample: typed
// "Angebote", a topic, an offer with its map location.
func TestChat_Offers(t *testing.T) {
	t.Parallel()
	in := strings.NewReader("Angebote\n1\n1\nexit\n")
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, time.Now, []string{"chat", "--lang", "de"}, env(map[string]string{}), in, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"🗣 Sprachkurse", "Deutschkurs mit Kinderbetreuung", "📍 (map)", "Zuletzt geprüft"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo lacks %q:\n%s", want, out.String())
		}
	}
}

func firstWithPrefix(m telegramtest.Sent, prefix string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, prefix) {
				return b.CallbackData
			}
		}
	}
	return ""
}

// TestOfferDirectory_ContentDir: a deployment's own file in content_dir
// replaces the sample, YAML works as well as CSV, and a file with errors
// stops the start with line and column.
func TestOfferDirectory_ContentDir(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	load := func(t *testing.T, files ...string) (*offers.Live, error) {
		t.Helper()
		dir := t.TempDir()
		for i := 0; i+1 < len(files); i += 2 {
			if err := os.WriteFile(filepath.Join(dir, files[i]), []byte(files[i+1]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		conf := bytes.Replace(config.Sample, []byte(`content_dir: ""`), []byte("content_dir: "+dir), 1)
		cfgPath := writeFile(t, "lotse.yaml", string(conf))
		cfg, err := config.Load(env(map[string]string{"LOTSE_CONFIG": cfgPath}))
		if err != nil {
			t.Fatal(err)
		}
		return offerDirectory(cfg, nil, log)
	}
	live, err := load(t, "offers.yaml", "- id: yoga\n  title: Yoga für Frauen\n  category: women\n")
	if err != nil || live.Current().Len() != 1 {
		t.Fatalf("YAML in content_dir: %v", err)
	}
	if _, err := load(t, "offers.csv", "id,title,category\nx,,sport\n"); err == nil || !strings.Contains(err.Error(), "offers.csv:2: title: missing title") {
		t.Errorf("bad file: %v", err)
	}
	// The municipality's own topics.
	live, err = load(t, "offers-categories.yaml", "- {id: kultur, icon: 🎭, title: {de: Kultur}}\n",
		"offers.csv", "id,title,category\ntheater,Theater für alle,kultur\n")
	if err != nil || live.Current().Len() != 1 || len(live.Current().AllCategories()) != 1 {
		t.Errorf("own categories: %v", err)
	}
	if _, err := load(t, "offers-categories.yaml", "- {id: kultur, title: {de: Kultur}}\n",
		"offers.csv", "id,title,category\nkurs,Kurs,language\n"); err == nil || !strings.Contains(err.Error(), `unknown category "language"`) {
		t.Errorf("a shipped category is still accepted: %v", err)
	}
	// A real config without a file: no offers, no sample.
	cfg, err := config.Load(env(map[string]string{"LOTSE_CONFIG": writeFile(t, "lotse.yaml", string(config.Sample))}))
	if err != nil {
		t.Fatal(err)
	}
	if live, err := offerDirectory(cfg, nil, log); err != nil || live.Current() != nil {
		t.Errorf("a deployment without a file shows the sample: %v", err)
	}
}

// TestTools_RedisDown: the editors' tools that need the bots' Redis say so
// at once, naming REDIS_URL, when it does not answer.
func TestTools_RedisDown(t *testing.T) {
	t.Parallel()
	e := env(map[string]string{"REDIS_URL": "redis://" + freeAddr(t) + "/0"})
	for _, args := range [][]string{{"offers", "import", "--remove"}, {"report", "--from", "2026-11-01", "--to", "2026-11-30"}, {"content", "misses"}} {
		err := run(context.Background(), time.Now, args, e, nil, io.Discard, io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), "REDIS_URL: redis does not answer") {
			t.Errorf("%v: err = %v", args, err)
		}
	}
}
