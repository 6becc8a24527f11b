// Package kbtest loads the shipped knowledge base for tests through one
// compiled cache (kb.LoadCachedAs) that every test binary shares: loading the
// shipped content from its files costs over ten seconds of CPU under the
// race detector, most of it learning the urgent model, and the bot,
// flows and program suites each did it again on every run.
package kbtest

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"lotse/internal/kb"
	"lotse/locales"
)

// keep is how many caches the directory keeps, the newest: one per
// version of the code under test and of the content.
const keep = 16

// LoadShipped is kb.Load(locales.FS, "") through the shared cache, once
// per test binary. A cache that cannot be used only costs time: the
// content is then loaded from its files. Contents the tests write have a
// new temporary directory each run, so only the shipped one is cached.
var LoadShipped = sync.OnceValues(func() (*kb.KB, error) {
	prog, err := program()
	if err != nil {
		return kb.Load(locales.FS, "")
	}
	dir := filepath.Join(os.TempDir(), "lotse-kb-test-cache")
	k, _, err := kb.LoadCachedAs(locales.FS, "", dir, prog)
	if err == nil {
		prune(dir)
	}
	return k, err
})

// program stands for the code a cached knowledge base depends on: the
// sources of kb and of the urgent model, the only package of this module
// kb imports (without their tests, which no other binary holds), the
// versions of the modules they import (go.sum) and the Go release. A
// test binary's own hash would do, but differs for every package's tests
// and every change to them.
var program = sync.OnceValues(func() ([]byte, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	field := func(b []byte) {
		h.Write(binary.AppendUvarint(nil, uint64(len(b))))
		h.Write(b)
	}
	field([]byte(runtime.Version()))
	field([]byte(runtime.GOARCH))
	var sources []string
	for _, dir := range []string{"internal/kb", "internal/classify"} {
		files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
		if err != nil {
			return nil, err
		}
		files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
		if len(files) == 0 {
			return nil, fmt.Errorf("kbtest: no sources in %s", dir)
		}
		sources = append(sources, files...)
	}
	for _, f := range append(sources, filepath.Join(root, "go.sum")) {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("kbtest: %w", err)
		}
		field([]byte(strings.TrimPrefix(f, root)))
		field(b)
	}
	return h.Sum(nil), nil
})

// moduleRoot is the directory of go.mod above the working directory,
// which go test sets to the package's.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("kbtest: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("kbtest: no go.mod above the working directory")
		}
		dir = up
	}
}

// prune keeps the newest caches: kb.LoadCached's own clean-up only
// removes caches a day older than the newest, and tests write a new one
// for every change to the content or to kb.
func prune(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, "kb-*.cache"))
	if len(old) <= keep {
		return
	}
	type file struct {
		name string
		mod  int64
	}
	var files []file
	for _, o := range old {
		if st, err := os.Stat(o); err == nil {
			files = append(files, file{o, st.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(files, func(a, b file) int { return cmp.Compare(b.mod, a.mod) })
	for _, f := range files[min(keep, len(files)):] {
		os.Remove(f.name)
	}
}
