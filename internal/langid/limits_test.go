package langid

import (
	"strings"
	"testing"

	"lotse/locales"
)

// More languages of one script than the detector keeps bits and scores
// for is an error at start, not a read past an array's end later.
func TestNew_TooManyLanguagesOfOneScript(t *testing.T) {
	saved := scriptLangs[ScriptLatin]
	defer func() { scriptLangs[ScriptLatin] = saved }()
	var many []string
	for len(many) <= maxLangs {
		many = append(many, saved...)
	}
	scriptLangs[ScriptLatin] = many
	_, err := New(locales.FS)
	if err == nil || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("New with %d Latin languages: %v, want an error", len(many), err)
	}
}
