package bot_test

import (
	"go/parser"
	gotoken "go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports_NoFlows: the adapter knows the conversation only through the
// Conversation interface and domain's types, so flows can change without
// touching bot. It walks the imports of bot's non-test files, and of every
// package of ours they reach, and fails on lotse/flows.
func TestImports_NoFlows(t *testing.T) {
	const module, forbidden = "lotse", "lotse/flows"
	seen := map[string]bool{}
	var walk func(pkg string, via []string)
	walk = func(pkg string, via []string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		dir := filepath.Join("..", filepath.FromSlash(strings.TrimPrefix(pkg, module)))
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatalf("read %s: %v", pkg, err)
		}
		for _, de := range entries {
			name := de.Name()
			if de.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(gotoken.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatalf("parse %s/%s: %v", pkg, name, err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				chain := append(append([]string(nil), via...), pkg+"/"+name)
				if path == forbidden {
					t.Errorf("%s imports %s (via %s)", pkg, forbidden, strings.Join(chain, " → "))
				}
				if strings.HasPrefix(path, module+"/") {
					walk(path, chain)
				}
			}
		}
	}
	walk(module+"/bot", nil)
	if !seen["lotse/internal/domain"] {
		t.Fatalf("walked %d packages without reaching domain: the walk is broken", len(seen))
	}
}
