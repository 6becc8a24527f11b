package intent

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"

	"go.yaml.in/yaml/v3"

	"lotse/internal/classify"
	"lotse/internal/kb"
)

// The lists open a flow only for wordings someone listed: of sets written
// before the lists were tuned to them, about two requests in three (the
// tenth to thirteenth sets: 100 of 157, 88 of 140, 105 of 138, 76 of 144).
// Where the lists take no request in a message of at most MaxWords words –
// none of their items matched, or one did among too many other words –
// and find no block word, the classifier gives a second opinion: learnt
// from every request and every look-alike question of the sets the lists
// were tuned on (locales/intent_examples), it names the request it is
// sure of ("menuyu tekrar ac", "позовите кого-нибудь из сотрудников").

// modelSure is how sure the model must be of a request to open its flow.
// Chosen before the thirteenth set was first measured: on the tenth to
// twelfth sets, each replayed at first sight (the lists of the commit
// that added it, a model learnt without it and the sets after it), 0.7
// opened 23 more of 435 requests than the lists alone (13, 4, 6), no
// wrong flow, and took 4 of 216 look-alike questions – "whom do I talk to
// about my heating bill", in four languages, for a person; of the
// search's 3,843 tuning questions, which the model never learns from, it
// takes 4 (TestModel_SearchQuestionsStayQuestions).
const modelSure = 0.7

// exampleFile is one file of locales/intent_examples: by language,
// requests as [request, message] and questions that look like requests
// but are not.
type exampleFile map[string]struct {
	Requests  [][2]string `yaml:"requests"`
	Questions []string    `yaml:"questions"`
}

// readExamples reads every .yaml file in dir of fsys as labelled examples,
// normalized as messages are: requests by their name, questions as calm.
func readExamples(fsys fs.FS, dir string) ([]classify.Example, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("intent: examples: %w", err)
	}
	slices.Sort(names)
	var out []classify.Example
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("intent: examples: %w", err)
		}
		var f exampleFile
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("intent: examples: %s: %w", name, err)
		}
		langs := make([]string, 0, len(f))
		for l := range f {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		for _, l := range langs {
			for _, r := range f[l].Requests {
				if !slices.Contains(All, Intent(r[0])) {
					return nil, fmt.Errorf("intent: examples: %s: %s: unknown request %q", name, l, r[0])
				}
				out = append(out, classify.Example{Text: kb.Normalize(r[1]), Kind: r[0]})
			}
			for _, q := range f[l].Questions {
				out = append(out, classify.Example{Text: kb.Normalize(q)})
			}
		}
	}
	return out, nil
}

// Learn gives the matcher a model learnt from labelled examples (see
// readExamples), the second opinion for messages the lists find nothing
// in.
func (m *Matcher) Learn(ex []classify.Example) error {
	model, err := classify.Train(ex)
	if err != nil {
		return fmt.Errorf("intent: learn: %w", err)
	}
	m.model = model
	return nil
}

// guess is the request the model is sure a normalized message is, or "".
func (m *Matcher) guess(norm string) Intent {
	if m.model == nil {
		return ""
	}
	if kind, p := m.model.Classify(norm); p >= modelSure {
		return Intent(kind)
	}
	return ""
}
