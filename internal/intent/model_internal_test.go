package intent

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadExamples(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"ex/a.yaml": {Data: []byte("de:\n  requests:\n    - [person, \"Mensch bitte\"]\n  questions:\n    - \"Wo ist das Amt?\"\n")},
		"ex/b.txt":  {Data: []byte("not read")},
	}
	ex, err := readExamples(fsys, "ex")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || ex[0].Kind != "person" || ex[0].Text != "mensch bitte" || ex[1].Kind != "" {
		t.Errorf("examples: %+v", ex)
	}
	for name, data := range map[string]string{
		"unknown request": "de:\n  requests:\n    - [tea, \"Tee bitte\"]\n",
		"unknown field":   "de:\n  request:\n    - [person, \"Mensch\"]\n",
	} {
		fsys := fstest.MapFS{"ex/a.yaml": {Data: []byte(data)}}
		if _, err := readExamples(fsys, "ex"); err == nil || !strings.Contains(err.Error(), "a.yaml") {
			t.Errorf("%s: err %v, want one naming the file", name, err)
		}
	}
}
