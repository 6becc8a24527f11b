package flows

import "testing"

func TestMaskQuestion(t *testing.T) {
	cases := []struct{ in, name, want string }{
		{"Mein Name ist Nadia Rahimi, Tel. +49 170 1234567", "Nadia Rahimi", "Mein Name ist [name] [name], Tel. [phone]"},
		{"write to nadia.r@example.org about file 4711", "Nadia", "write to [e-mail] about file ####"},
		{"born 03.04.1990 in Kabul", "", "born ##.##.#### in Kabul"},
		{"سلام، من نادیه هستم، ۰۱۷۰۱۲۳۴۵۶۷", "نادیه", "سلام، من [name] هستم، [phone]"},
		{"Nadiana is not Nadia", "Nadia", "Nadiana is not [name]"},
		{"room 12", "A", "room ##"},
	}
	for _, c := range cases {
		if got := maskQuestion(c.in, c.name); got != c.want {
			t.Errorf("maskQuestion(%q, %q) = %q, want %q", c.in, c.name, got, c.want)
		}
	}
}
