// Package coldcache helps benchmarks time a message as a live bot meets
// it: between one person's messages the process has served others, so
// the data a message reads is no longer in the CPU's caches. Each timed
// message follows a walk over a buffer larger than the caches (Run).
package coldcache

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Question is one message of a benchmark's mix.
type Question struct{ Lang, Q string }

// Questions reads the questions of the knowledge base's question sets in
// dirs (<dir>/<lang>.yaml), interleaved so that consecutive messages are
// in different languages.
func Questions(tb testing.TB, dirs ...string) []Question {
	tb.Helper()
	var byLang [][]Question
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil || len(files) == 0 {
			tb.Fatalf("no question files in %s: %v", dir, err)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			var set struct {
				Questions []struct{ Q string } `yaml:"questions"`
			}
			if err := yaml.Unmarshal(raw, &set); err != nil {
				tb.Fatal(f, err)
			}
			lang := strings.TrimSuffix(filepath.Base(f), ".yaml")
			l := make([]Question, 0, len(set.Questions))
			for _, q := range set.Questions {
				l = append(l, Question{lang, q.Q})
			}
			byLang = append(byLang, l)
		}
	}
	var out []Question
	for i := 0; ; i++ {
		added := false
		for _, l := range byLang {
			if i < len(l) {
				out, added = append(out, l[i]), true
			}
		}
		if !added {
			return out
		}
	}
}

// Run runs handle on messages 0, 1, … n−1, 0, … as two sub-benchmarks of
// b: "warm", and "cold", where a walk over a buffer larger than the L2
// cache and than one chiplet's L3 (LOTSE_COLD_MB, default 32 MB) comes
// before each message. Besides ns/op, which includes the walk, it reports
// ns/msg, the time of handle alone on average, and med-ns/msg, its
// median, which on a shared machine moves less.
func Run(b *testing.B, n int, handle func(b *testing.B, i int)) {
	mb := 32
	if v, err := strconv.Atoi(os.Getenv("LOTSE_COLD_MB")); err == nil && v > 0 {
		mb = v
	}
	buf := make([]uint64, mb<<20/8)
	times := make([]time.Duration, 0, 1<<17) // no allocation while timed
	for _, cold := range []bool{false, true} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var in time.Duration
			each := times[:0]
			i := 0
			for b.Loop() {
				if cold {
					for j := 0; j < len(buf); j += 8 { // one write per 64-byte line
						buf[j]++
					}
				}
				t0 := time.Now()
				handle(b, i%n)
				d := time.Since(t0)
				i++
				in += d
				each = append(each, d)
			}
			b.ReportMetric(float64(in.Nanoseconds())/float64(i), "ns/msg")
			slices.Sort(each)
			b.ReportMetric(float64(each[len(each)/2].Nanoseconds()), "med-ns/msg")
		})
	}
}
