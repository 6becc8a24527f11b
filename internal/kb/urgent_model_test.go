package kb

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"lotse/internal/classify"
	"lotse/locales"
)

// TestUrgentModel_CrossValidation measures the model on examples it has
// not learnt: the examples are cut into five folds, and each fold is
// scored by a model trained on the other four (and on the knowledge
// base's texts). This is how urgentModelThreshold was chosen: at it, at
// most 0.5 % of the calm examples may alarm. The recall printed is the
// model's alone; with the lists beside it, more is caught.
func TestUrgentModel_CrossValidation(t *testing.T) {
	t.Parallel()
	if testing.Short() || os.Getenv("LOTSE_LONG_TESTS") != "1" {
		// Five trainings, a quarter of the package's time under the race
		// detector; the threshold changes only with examples or phrases.
		t.Skip("long tier, trains five models: runs with LOTSE_LONG_TESTS=1 (.ci/run has a step for it)")
	}
	trees, err := readTrees(os.DirFS("../../locales"), "")
	if err != nil {
		t.Fatal(err)
	}
	ex, _, err := parseExamples(trees)
	if err != nil {
		t.Fatal(err)
	}
	kbCalm := MustLoad(t).kbCalm()
	const folds = 5
	var urgent, caught, calm, alarms int
	for f := range folds {
		train := slices.Clone(kbCalm)
		for i, e := range ex {
			if i%folds != f {
				train = append(train, e)
			}
		}
		m, err := classify.Train(train)
		if err != nil {
			t.Fatal(err)
		}
		for i := f; i < len(ex); i += folds {
			kind, p := m.Classify(ex[i].Text)
			fired := p >= urgentModelThreshold
			switch {
			case ex[i].Kind == "":
				calm++
				if fired {
					alarms++
				}
			default:
				urgent++
				if fired && kind == ex[i].Kind {
					caught++
				}
			}
		}
	}
	t.Logf("model alone, out of fold, threshold %.2f: %d/%d urgent caught (%.1f %%), %d/%d calm alarmed (%.2f %%)",
		urgentModelThreshold, caught, urgent, pct(caught, urgent), alarms, calm, pct(alarms, calm))
	if pct(alarms, calm) > 0.5 {
		t.Errorf("calm alarmed out of fold %.2f %% > 0.5 %%: raise urgentModelThreshold", pct(alarms, calm))
	}
	// Measured 34 % at 0.83, 39.5 % at 0.82 after the fifth pass, 36.6 % at
	// 0.82 after the calm round, 42.1 % at 0.73 after the sixth pass, 40.8 %
	// at 0.77 after the seventh; the floor
	// stops a change to the features or the training from quietly making
	// the model useless.
	if pct(caught, urgent) < 30 {
		t.Errorf("urgent caught out of fold %.1f %% < 30 %%", pct(caught, urgent))
	}
}

// TestUrgentModel_Calm holds the model to the everyday questions of other
// tests, which it never learns from: the knowledge base's search-test
// questions and the typed requests (and look-alike questions) of
// locales/intent_examples/requests.yaml. None may alarm through the model. The search test
// checks the lists and model together on its questions too; this one
// names the model's share and covers the requests.
func TestUrgentModel_Calm(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	var calm []string
	for _, set := range MustLoadEval(t) {
		for _, c := range set.Questions {
			calm = append(calm, c.Q)
		}
	}
	b, err := locales.FS.ReadFile("intent_examples/requests.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var requests map[string]struct {
		Requests  [][]string `yaml:"requests"`
		Questions []string   `yaml:"questions"`
	}
	if err := yaml.Unmarshal(b, &requests); err != nil {
		t.Fatal(err)
	}
	for _, l := range requests {
		for _, r := range l.Requests {
			calm = append(calm, r[len(r)-1])
		}
		calm = append(calm, l.Questions...)
	}
	if len(calm) < 1000 {
		t.Fatalf("only %d calm questions and requests", len(calm))
	}
	for _, q := range calm {
		if u := k.modelJudge(k.urgentModel(), Normalize(q), 0); u != 0 {
			t.Errorf("model alarms (%s) on %q", u, q)
		}
	}
}

// modelOnlyUrgent is a message the lists miss and the model catches; the
// end-to-end test in bot sends it too. It is not in any set. If the lists
// learn it, pick another such message for both tests.
const modelOnlyUrgent = "ich halte das alles nicht mehr aus, heute nacht verabschiede ich mich"

func TestKB_UrgencyModel(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	if lists, _ := k.urgent.match(modelOnlyUrgent, k.knownWord, false); lists != 0 {
		t.Fatalf("the lists catch %q (%s): pick a message only the model catches", modelOnlyUrgent, lists)
	}
	if got := k.Urgency(modelOnlyUrgent); got != UrgentSuicide {
		t.Errorf("Urgency(%q) = %q, want suicide from the model", modelOnlyUrgent, got)
	}
	// Without examples (a knowledge base loaded from a tree that has
	// none), the lists decide alone.
	bare := mustLoadFS(t, tinyFS(), "")
	if got := bare.Urgency(modelOnlyUrgent); got != 0 {
		t.Errorf("without examples: Urgency = %q, want nothing", got)
	}
}

// TestUrgentModel_LearntOnFirstUse: a load leaves the known words and the
// learning to the urgency check's first use (content commands never need
// them); Prepare builds them.
func TestUrgentModel_LearntOnFirstUse(t *testing.T) {
	urgentModels.Lock()
	urgentModels.byKey = nil
	urgentModels.Unlock()
	learnt := func() int {
		urgentModels.Lock()
		defer urgentModels.Unlock()
		return len(urgentModels.byKey)
	}
	k := mustLoadFS(t, smallFS(), "")
	if n := learnt(); n != 0 || k.urgent.known != nil {
		t.Fatalf("%d models learnt, known words %v after the load", n, k.urgent.known != nil)
	}
	k.Prepare()
	if k.urgent.known == nil {
		t.Fatal("no known words after Prepare")
	}
	if n := learnt(); n != 1 {
		t.Fatalf("%d models learnt after Prepare, want 1", n)
	}
	if k.urgentModel() == nil {
		t.Fatal("no model after Prepare")
	}
	// A broken example file still stops the load.
	fsys := smallFS()
	fsys[examplesDir+"/en.yaml"].Data = []byte("urgent:\n  weather: [it rains]\n")
	if _, err := Load(fsys, ""); err == nil || !strings.Contains(err.Error(), "weather") {
		t.Fatalf("unknown kind: %v", err)
	}
}

// TestKB_UrgencyWeakItems: an alarm of an item of one word alone is firm
// in a longer message only if the model gives its kind some support;
// phrases, "&" items and messages of a few words are firm as the lists
// say. Every alarm stays an alarm.
func TestKB_UrgencyWeakItems(t *testing.T) {
	t.Parallel()
	u := newUrgentList()
	if err := u.merge([]byte("en:\n  violence:\n    - kill*\n    - beat* & me\n  fire:\n    - fire\n    - smoke in the kitchen\n")); err != nil {
		t.Fatal(err)
	}
	// Read back from the cache, the items are weak or not as compiled.
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	if err := (&rawWriter{w: bw}).urgent(gob.NewEncoder(bw), u); err != nil {
		t.Fatal(err)
	}
	bw.Flush()
	br := bufio.NewReader(bytes.NewReader(buf.Bytes()))
	cached, err := (&rawReader{r: br, max: uint64(buf.Len())}).urgent(gob.NewDecoder(br))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*urgentList{u, cached} {
		for _, p := range l.patterns {
			if want := !strings.Contains(strings.TrimPrefix(p.src, "en: "), " "); p.weak != want {
				t.Errorf("%s: weak %v, want %v", p.src, p.weak, want)
			}
		}
	}
	var ex []classify.Example
	for _, m := range []string{
		"he wants to kill me he has a knife", "he is going to kill me tonight",
		"my husband beats me every night", "he beat me and locked me in the room",
		"he says he will kill me and my children", "please help he hits me",
	} {
		ex = append(ex, classify.Example{Text: Normalize(m), Kind: "violence"})
	}
	for _, m := range []string{
		"there is a fire in the kitchen", "the house is on fire", "fire in the stairwell help",
	} {
		ex = append(ex, classify.Example{Text: Normalize(m), Kind: "fire"})
	}
	for _, m := range []string{
		"the landlord wants the rent today", "the rent is late again this month",
		"my landlord is angry because the rent is late", "when is the rent due",
		"the landlord did not repair the heating", "can i pay the rent later",
		"my boss is angry when i am late", "the course starts at nine",
		"where do i register my address", "the bus is late again",
	} {
		ex = append(ex, classify.Example{Text: Normalize(m)})
	}
	model, err := classify.Train(ex)
	if err != nil {
		t.Fatal(err)
	}
	k := &KB{urgent: cached, urgentReady: func() *classify.Model { return model }}
	for _, c := range []struct {
		msg  string
		want Urgency
		firm bool
	}{
		// One weak word in passing, which the model does not support.
		{"the landlord will kill me if the rent is late", UrgentViolence, false},
		// The same word where the model supports it.
		{"he wants to kill me he has a knife", UrgentViolence, true},
		// A phrase and an "&" item stand whatever the model says.
		{"smoke in the kitchen and the rent is late", UrgentFire, true},
		{"the landlord beat me because the rent is late", UrgentViolence, true},
		// Too few words to weigh.
		{"fire", UrgentFire, true},
		{"kill me", UrgentViolence, true},
		// Nothing found is firm.
		{"the rent is late again this month", 0, true},
	} {
		got, firm := k.Alarm(NewMessage(c.msg))
		if got != c.want || firm != c.firm {
			_, p := model.Classify(Normalize(c.msg))
			t.Errorf("Alarm(%q) = %q firm %v, want %q firm %v (model %.2f)", c.msg, got, firm, c.want, c.firm, p)
		}
		if u := k.Urgency(c.msg); u != got {
			t.Errorf("Urgency(%q) = %q, Alarm %q", c.msg, u, got)
		}
	}
}
