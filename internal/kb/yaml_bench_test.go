package kb

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// BenchmarkKB_YAML is the YAML parsing of a start from the files alone:
// the 12 language files of the 5,000-entry base on one core, decoded
// into the structs as Load does ("decode") and only parsed into a
// yaml.Node tree ("node") – what a hand-written decode from the tree
// would still cost.
func BenchmarkKB_YAML(b *testing.B) {
	fsys := scaledFS(b, 5000)
	var files [][]byte
	for name, f := range fsys {
		if strings.HasPrefix(name, kbDir+"/") && name != structureFile {
			files = append(files, f.Data)
		}
	}
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			for _, d := range files {
				var l langYAML
				if err := decodeStrict(d, &l); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("node", func(b *testing.B) {
		for b.Loop() {
			for _, d := range files {
				var n yaml.Node
				if err := yaml.Unmarshal(d, &n); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
