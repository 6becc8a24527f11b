package kb

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"os"
	"testing"
)

// BenchmarkUrgentLists compiles the shipped urgent.yaml ("compile", a
// start from the files) against reading the compiled lists back as the
// cache holds them ("cached").
func BenchmarkUrgentLists(b *testing.B) {
	data, err := os.ReadFile("../../locales/urgent.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("compile", func(b *testing.B) {
		for b.Loop() {
			u := newUrgentList()
			if err := u.merge(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	u := newUrgentList()
	if err := u.merge(data); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	w := &rawWriter{w: bw}
	if err := w.urgent(gob.NewEncoder(bw), u); err != nil {
		b.Fatal(err)
	}
	bw.Flush()
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			br := bufio.NewReader(bytes.NewReader(buf.Bytes()))
			r := &rawReader{r: br, max: uint64(buf.Len())}
			if _, err := r.urgent(gob.NewDecoder(br)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
