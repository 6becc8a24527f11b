package kb

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
)

// TestIDTable: a frozen table answers every key as the map it was made
// from, nothing for other keys, and gives its keys back in order.
func TestIDTable(t *testing.T) {
	m := map[string][]int32{}
	for i := range 3000 {
		k := fmt.Sprintf("w%dх", i*7) // a Cyrillic letter: multi-byte keys
		m[k] = []int32{int32(i), int32(i + 1)}
	}
	m["a"] = []int32{9}
	tab := freezeIDs(m)
	for k, want := range m {
		if got := tab.get(k); !slices.Equal(got, want) {
			t.Fatalf("get(%q) = %v, want %v", k, got, want)
		}
		if got := tab.getBytes([]byte(k)); !slices.Equal(got, want) {
			t.Fatalf("getBytes(%q) = %v, want %v", k, got, want)
		}
	}
	for _, k := range []string{"", "w1х", "w7", "b", "w7хх"} {
		if got := tab.get(k); got != nil {
			t.Fatalf("get(%q) = %v, want nil", k, got)
		}
	}
	var keys []string
	for k, ids := range tab.all() {
		keys = append(keys, k)
		if !slices.Equal(ids, m[k]) {
			t.Fatalf("all: %q has %v, want %v", k, ids, m[k])
		}
	}
	if want := slices.Sorted(maps.Keys(m)); !slices.Equal(keys, want) {
		t.Fatalf("all gave %d keys, not the %d sorted ones", len(keys), len(want))
	}
	var empty idTable
	none := freezeIDs(nil)
	if empty.get("a") != nil || none.get("") != nil {
		t.Fatal("an empty table found a key")
	}
}

// TestUrgentList_MergeAfterFreeze: the lists are frozen after each file;
// an override merged later thaws them, and both files' items match.
func TestUrgentList_MergeAfterFreeze(t *testing.T) {
	u := newUrgentList()
	if err := u.merge([]byte("en:\n  fire:\n    - zorblax & wumpus\n")); err != nil {
		t.Fatal(err)
	}
	if u.b != nil {
		t.Fatal("not frozen after a merge")
	}
	if err := u.merge([]byte("en:\n  medical:\n    - quixotic* flurbo\n")); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]Urgency{
		"the zorblax ate a wumpus": UrgentFire,
		"my quixotically flurbo":   UrgentMedical,
		"my quixoticaly flurbo":    UrgentMedical, // a typo in a stem
		"a wumpus alone":           0,
	} {
		if got, _ := u.match(text, func(string) bool { return false }, false); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}

// TestKB_ScannedHeap holds what a loaded knowledge base adds to the heap
// the garbage collector reads on every cycle: it is read again at every
// collection while the bot runs, and collections came every few thousand
// messages. The urgent lists' lookup maps alone were 8.7 MB of it.
// Not parallel: no other test allocates while it measures. Read from the
// cache the tests share (see shipped), as a start with cache_dir reads it;
// TestLoadCached holds it equal to the compiled one.
func TestKB_ScannedHeap(t *testing.T) {
	before := scannedHeap()
	k, _, err := LoadCached(os.DirFS("../../locales"), "", filepath.Join(os.TempDir(), "lotse-kb-test-cache"))
	if err != nil {
		t.Fatal(err)
	}
	k.Prepare()
	added := scannedHeap() - before
	runtime.KeepAlive(k)
	t.Logf("scanned heap added by the shipped knowledge base: %.1f MB", float64(added)/(1<<20))
	if added > 6<<20 {
		t.Fatalf("the knowledge base adds %.1f MB of scanned heap, want at most 6 MB", float64(added)/(1<<20))
	}
}

func scannedHeap() int64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/scan/heap:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
