package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseFile_StatsRetention(t *testing.T) {
	base := "municipality: Musterstadt\noffices: [{id: a, name: A, address: X, phone: \"1\"}]\n"
	f, err := ParseFile("a.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if f.Stats.Kept() != DefaultStatsRetention {
		t.Errorf("default retention = %v", f.Stats.Kept())
	}
	for in, want := range map[string]time.Duration{"400d": 400 * 24 * time.Hour, "9600h": 9600 * time.Hour} {
		f, err := ParseFile("a.yaml", []byte(base+"stats:\n  retention: "+in+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if f.Stats.Kept() != want {
			t.Errorf("%s: retention = %v, want %v", in, f.Stats.Kept(), want)
		}
	}
	for _, in := range []string{"7d", "forever", "12x"} {
		_, err := ParseFile("a.yaml", []byte(base+"stats:\n  retention: "+in+"\n"))
		if err == nil || !strings.Contains(err.Error(), "a.yaml:4: ") {
			t.Errorf("%s: err = %v, want it refused with file and line", in, err)
		}
	}
}
