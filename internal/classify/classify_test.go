package classify

import (
	"fmt"
	"testing"

	"lotse/internal/testmain"
)

// toy is a small training set: two kinds and calm messages that share
// some of their words ("fire" in a calm "fire alarm battery"). Each
// telling word occurs twice, as features seen once are dropped.
var toy = []Example{
	{"the kitchen is on fire help", "fire"},
	{"fire in the kitchen smoke everywhere", "fire"},
	{"our flat is burning flames", "fire"},
	{"the curtains are burning flames smoke", "fire"},
	{"i took all my pills", "suicide"},
	{"took too many pills", "suicide"},
	{"i want to die tonight", "suicide"},
	{"i want to die and end my life", "suicide"},
	{"i do not want to live anymore, end my life", "suicide"},
	{"the fire alarm battery is empty", ""},
	{"where do i buy a new battery for the alarm", ""},
	{"i want to learn german", ""},
	{"i want to learn to drive", ""},
	{"my rent went up by 110 euros", ""},
	{"my rent is too high", ""},
	{"how do i get a new appointment", ""},
	{"a new appointment please", ""},
}

func TestTrain_Classify(t *testing.T) {
	m, err := Train(toy)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, kind string }{
		{"the house is burning", "fire"},
		{"flames and smoke in the kitchen", "fire"},
		{"i want to die", "suicide"},
		{"took all the pills", "suicide"},
	}
	for _, tt := range tests {
		if kind, p := m.Classify(tt.text); kind != tt.kind || p < 0.5 {
			t.Errorf("Classify(%q) = %q %.2f, want %q above 0.5", tt.text, kind, p, tt.kind)
		}
	}
	// Calm messages are most likely calm: the best kind is less sure
	// than on an urgent message.
	for _, text := range []string{"battery of the fire alarm", "my rent went up", "i want to learn german"} {
		if _, p := m.Classify(text); p > 0.5 {
			t.Errorf("Classify(%q) = %.2f, want a calm message below 0.5", text, p)
		}
	}
	if kind, p := m.Classify("xyzzy qwrt"); kind != "" || p != 0 {
		t.Errorf("Classify of unknown words = %q %.2f, want nothing", kind, p)
	}
	if kind, p := m.Classify(""); kind != "" || p != 0 {
		t.Errorf("Classify(\"\") = %q %.2f, want nothing", kind, p)
	}
}

// TestTrain_Deterministic: the same examples give the same model, so
// replicas and restarts judge a message alike.
func TestTrain_Deterministic(t *testing.T) {
	a, err := Train(toy)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(toy)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"the house is burning", "i want to die", "my rent"} {
		ka, pa := a.Classify(text)
		kb, pb := b.Classify(text)
		if ka != kb || pa != pb {
			t.Errorf("%q: %q %v vs %q %v", text, ka, pa, kb, pb)
		}
	}
}

func TestTrain_TooManyKinds(t *testing.T) {
	var ex []Example
	for i := range maxClasses {
		ex = append(ex, Example{Text: "word", Kind: fmt.Sprint("kind", i)})
	}
	if _, err := Train(ex); err == nil {
		t.Errorf("Train with %d kinds: no error", maxClasses)
	}
}

func TestClassify_NoAllocation(t *testing.T) {
	if testmain.Race {
		t.Skip("the race detector's sync.Pool drops buffers at random")
	}
	m, err := Train(toy)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { m.Classify("the kitchen is on fire and i want to die") }); n != 0 {
		t.Errorf("Classify allocates %.0f times", n)
	}
}

// TestClassify_LongMessage: a message longer than maxWords is scored on
// its first words, without overflowing the feature buffer.
func TestClassify_LongMessage(t *testing.T) {
	m, err := Train(toy)
	if err != nil {
		t.Fatal(err)
	}
	long := "our flat is burning"
	for range 2 * maxWords {
		long += " supercalifragilisticexpialidociousandevenlongerthanthatbyfarreally"
	}
	if kind, _ := m.Classify(long); kind != "fire" {
		t.Errorf("long message: %q, want fire", kind)
	}
}

func TestFromParts(t *testing.T) {
	m, err := Train(toy)
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromParts(m.Parts())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range append(toy, Example{Text: "the house is burning"}, Example{Text: "i want to die"}) {
		k1, p1 := m.Classify(ex.Text)
		k2, p2 := back.Classify(ex.Text)
		if k1 != k2 || p1 != p2 {
			t.Errorf("Classify(%q) = %q %v, rebuilt from parts %q %v", ex.Text, k1, p1, k2, p2)
		}
	}
	broken := m.Parts()
	broken.Weights = broken.Weights[:len(broken.Weights)-1]
	if _, err := FromParts(broken); err == nil {
		t.Error("FromParts accepted weights one short")
	}
}

// TestTable: every feature is found at its row, the hash 0 included,
// also where hashes start probing at the same place (201 in 512 places);
// others are not.
func TestTable(t *testing.T) {
	features := []uint64{0}
	for i := range uint64(100) {
		features = append(features, i<<40+1)
		features = append(features, i*0x9e3779b97f4a7c15+7)
	}
	tab := newTable(features)
	if tab.n != len(features) {
		t.Fatalf("n = %d, want %d", tab.n, len(features))
	}
	for row, h := range features {
		if got, ok := tab.row(h); !ok || got != int32(row) {
			t.Errorf("row(%x) = %d %v, want %d", h, got, ok, row)
		}
	}
	for _, h := range []uint64{2, 3, 1<<63 + 5} {
		if got, ok := tab.row(h); ok {
			t.Errorf("row(%x) = %d, want none", h, got)
		}
	}
	if tab := newTable([]uint64{5}); tab.zeroRow >= 0 {
		t.Error("row(0) found in a table without it")
	}
	if tab := newTable([]uint64{5, 6, 5}); tab.n != 2 {
		t.Errorf("n of a list with a duplicate = %d, want 2", tab.n)
	}
}

func TestFromParts_Duplicate(t *testing.T) {
	m, err := Train(toy)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Parts()
	p.Features = append([]uint64{}, p.Features...)
	p.Features[1] = p.Features[0]
	if _, err := FromParts(p); err == nil {
		t.Error("FromParts accepted a feature twice")
	}
}
