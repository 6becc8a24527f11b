package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
	"lotse/internal/translate/translatetest"
)

// TestContentMisses: questions Lotse could not answer, shared with
// consent through the real program and the fake Bot API, come out of
// `lotse content misses` masked and grouped by language; a "no" keeps
// nothing, and --lang and --since filter.
func TestContentMisses(t *testing.T) {
	t.Parallel()
	fake := telegramtest.MustStart(t, "46:misses-token")
	r := redistest.Must(t)
	addr := freeAddr(t)
	vars := r.Env()
	vars["TELEGRAM_BOT_TOKEN"], vars["TELEGRAM_API_URL"], vars["METRICS_ADDR"] = "46:misses-token", fake.URL(), addr
	var logs syncWriter
	stop, _ := startServe(t, vars, &logs)
	waitHTTP(t, "http://"+addr+"/healthz", http.StatusOK)

	// ask sends a question no entry knows and answers the consent
	// question with the button whose data starts with prefix.
	ask := func(u telegramtest.User, question, prefix string) {
		t.Helper()
		fake.SendText(u, "/start")
		if _, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(onlyTo(s, u.ID)) >= 1 }); err != nil {
			t.Fatal(err)
		}
		fake.SendText(u, question)
		sent, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(onlyTo(s, u.ID)) >= 3 })
		if err != nil {
			t.Fatalf("no consent question: %v", err)
		}
		consent := onlyTo(sent, u.ID)[2]
		for _, row := range consent.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, prefix) {
					fake.Press(u, consent.MessageID, b.CallbackData)
					if _, err := fake.WaitFor(timeout(t), func(s []telegramtest.Sent) bool { return len(shown(s, u.ID)) >= 4 }); err != nil {
						t.Fatalf("no answer to %s: %v", prefix, err)
					}
					return
				}
			}
		}
		t.Fatalf("no %q button on %q", prefix, consent.Text)
	}
	ask(telegramtest.User{ID: 8601, FirstName: "Nadia", LanguageCode: "en"}, "blorf zimzam quaxel, Nadia, call 0176 1234567", "cy:")
	ask(telegramtest.User{ID: 8602, FirstName: "Samira", LanguageCode: "ar"}, "بلورف زمزم كواكسل", "cy:")
	ask(telegramtest.User{ID: 8603, FirstName: "Lea", LanguageCode: "ar"}, "كواكسل بلورف زمزم", "cy:")
	ask(telegramtest.User{ID: 8604, FirstName: "Omid", LanguageCode: "en"}, "quaxel zimzam blorf secret", "cn:")
	if err, _ := stop(); err != nil {
		t.Fatal(err)
	}

	misses := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), time.Now, append([]string{"content", "misses"}, args...), env(vars), nil, &stdout, &stderr); err != nil {
			t.Fatalf("content misses %v: %v %s", args, err, stderr.String())
		}
		return stdout.String()
	}
	out := filepath.Join(t.TempDir(), "misses.md")
	misses("-o", out)
	md := string(readFile(t, out))
	for _, want := range []string{"## ar (2)", "كواكسل بلورف زمزم",
		"## en (1)", "blorf zimzam quaxel, [name], call [phone]", "3 questions"} {
		if !strings.Contains(md, want) {
			t.Errorf("misses lack %q:\n%s", want, md)
		}
	}
	if !regexp.MustCompile(`\n- \d{4}-\d\d-\d\d: بلورف زمزم كواكسل\n`).MatchString(md) {
		t.Errorf("no dated line for the Arabic question:\n%s", md)
	}
	if strings.Index(md, "## ar") > strings.Index(md, "## en") {
		t.Errorf("the language with most questions is not first:\n%s", md)
	}
	for _, never := range []string{"Nadia", "0176", "secret", "machine translation"} {
		if strings.Contains(md, never) {
			t.Errorf("misses contain %q:\n%s", never, md)
		}
	}

	recs, err := csv.NewReader(strings.NewReader(misses("--lang", "en", "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "en" || recs[1][2] != "blorf zimzam quaxel, [name], call [phone]" {
		t.Errorf("--lang en csv = %q", recs)
	}
	// Days are UTC days: everything was asked after yesterday and
	// nothing after tomorrow, whenever the test runs.
	day := func(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format(time.DateOnly) }
	if got := misses("--since", day(-1)); !strings.Contains(got, "3 questions") {
		t.Errorf("--since yesterday:\n%s", got)
	}
	if got := misses("--since", day(1)); !strings.Contains(got, "(none)") || strings.Contains(got, "##") {
		t.Errorf("--since tomorrow:\n%s", got)
	}

	// With the translation service: a German machine translation under
	// each question, glossary terms kept; none when it fails.
	tr := translatetest.Start(t)
	tr.Phrase("بلورف زمزم كواكسل", "de", "Blorf Zimzam Quaxel auf Deutsch")
	vars["TRANSLATE_URL"] = tr.URL()
	got := misses()
	for _, want := range []string{"- de (machine translation): Blorf Zimzam Quaxel auf Deutsch", "- de (machine translation): de: BLORF ZIMZAM QUAXEL, [NAME], CALL [PHONE]"} {
		if !strings.Contains(got, want) {
			t.Errorf("with TRANSLATE_URL, misses lack %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "machine translation"); n != 3 {
		t.Errorf("%d translations, want 3:\n%s", n, got)
	}
	recs, err = csv.NewReader(strings.NewReader(misses("--lang", "ar", "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][3] != "german" || recs[1][3] == "" || recs[2][3] == "" {
		t.Errorf("--lang ar csv with translations = %q", recs)
	}
	tr.SetFailing(true)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), time.Now, []string{"content", "misses"}, env(vars), nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "machine translation") || !strings.Contains(stdout.String(), "3 questions") ||
		!strings.Contains(stderr.String(), "3 questions without German translation") {
		t.Errorf("translator failing: stdout\n%s\nstderr %s", stdout.String(), stderr.String())
	}
	if strings.Contains(stderr.String(), "blorf") || strings.Contains(stderr.String(), "بلورف") {
		t.Errorf("stderr shows a question: %s", stderr.String())
	}
	delete(vars, "TRANSLATE_URL")

	stderr.Reset()
	if err := run(context.Background(), time.Now, []string{"content", "misses", "--lang", "xx"}, env(vars), nil, io.Discard, &stderr); err == nil || !strings.Contains(err.Error(), "xx") {
		t.Errorf("--lang xx: %v", err)
	}
	// The whole number: its first digits alone turn up in durations and ids.
	for _, never := range []string{"Nadia", "0176 1234567", "blorf", "بلورف"} {
		if strings.Contains(logs.String(), never) {
			t.Errorf("logs contain %q", never)
		}
	}
}
