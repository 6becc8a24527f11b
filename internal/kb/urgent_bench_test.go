package kb

import "testing"

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
