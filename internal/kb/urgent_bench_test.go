package kb

import (
	"os"
	"testing"

	"lotse/internal/classify"
)

// BenchmarkKB_Urgency measures urgent detection, which runs on every
// message before anything else: it must stay in the microseconds.
func BenchmarkKB_Urgency(b *testing.B) {
	k := MustLoad(b)
	msgs := []struct{ name, q string }{
		{"de_calm", "Meine Miete steigt um 110 Euro, darf der Vermieter das?"},
		{"de_urgent", "ich hab alle meine tabletten genommen"},
		{"ar_calm", "الايجار زاد 110 يورو هل هذا مسموح"},
		{"uk_long", "Доброго дня, я живу в гуртожитку з дітьми, у нас немає опалення вже тиждень, а джобцентр не відповідає на листи, що мені робити з квартирою і документами?"},
	}
	for _, m := range msgs {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k.Urgency(m.q)
			}
		})
	}
}

// BenchmarkKB_UrgencyParts splits the cost of Urgency between the
// normalization both share, the lists and the model, on the same
// messages in one run.
func BenchmarkKB_UrgencyParts(b *testing.B) {
	k := MustLoad(b)
	msgs := []string{
		"Meine Miete steigt um 110 Euro, darf der Vermieter das?",
		"ich hab alle meine tabletten genommen",
		"الايجار زاد 110 يورو هل هذا مسموح",
		"Доброго дня, я живу в гуртожитку з дітьми, у нас немає опалення вже тиждень, а джобцентр не відповідає на листи, що мені робити з квартирою і документами?",
	}
	norms := make([]string, len(msgs))
	words := make([][]string, len(msgs))
	for i, m := range msgs {
		norms[i] = NewMessage(m).Norm
		words[i] = NewMessage(m).Words
	}
	b.Run("normalize", func(b *testing.B) {
		for b.Loop() {
			for _, m := range msgs {
				Normalize(m)
			}
		}
	})
	b.Run("lists", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i, m := range msgs {
				k.urgent.matchWords(m, words[i], k.knownWord, false)
			}
		}
	})
	b.Run("model", func(b *testing.B) {
		b.ReportAllocs()
		m := k.urgentModel()
		for b.Loop() {
			for _, n := range norms {
				k.modelJudge(m, n, 0)
			}
		}
	})
}

// BenchmarkUrgentModel_Train is the start-up cost of the model: learning
// it from the shipped examples and the knowledge base's texts.
func BenchmarkUrgentModel_Train(b *testing.B) {
	trees, err := readTrees(os.DirFS("../../locales"), "")
	if err != nil {
		b.Fatal(err)
	}
	k := MustLoad(b)
	for b.Loop() {
		ex, _, err := parseExamples(trees)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := classify.Train(append(ex, k.kbCalm()...)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKB_KnownWords is the start-up cost of the known words: reading
// the calm examples, the messages and the knowledge base's texts word by
// word and trying each new word against the lists.
func BenchmarkKB_KnownWords(b *testing.B) {
	trees, err := readTrees(os.DirFS("../../locales"), "")
	if err != nil {
		b.Fatal(err)
	}
	k := MustLoad(b)
	for b.Loop() {
		_, calm, err := parseExamples(trees)
		if err != nil {
			b.Fatal(err)
		}
		k.buildKnownWords(trees, calm)
	}
}
