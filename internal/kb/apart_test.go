package kb

import "testing"

// TestKB_ApartWords: Pashto "کور" (a house), "کورس" (a course) and
// "کورنۍ" (the family) begin alike; "I want a house" offered family
// reunification and the courses, and "bring my family" put the
// integration course first.
func TestKB_ApartWords(t *testing.T) {
	k := MustLoad(t)
	for _, c := range [][2]string{
		{"کور غواړم", "housing.find_flat"},
		{"زما کورنۍ راوستل", "status.family_reunion"},
		{"کورنۍ یوځای کول", "status.family_reunion"},
		{"د ژبې کورس", "work.integration_course"},
	} {
		r := k.Search(c[0], "ps")
		if len(r.Best) == 0 || r.Best[0].ID != c[1] {
			t.Errorf("%q: %+v, want %s first", c[0], r.Best, c[1])
		}
		if r.Confident && r.Best[0].ID != c[1] {
			t.Errorf("%q: a confident %s", c[0], r.Best[0].ID)
		}
	}
}
