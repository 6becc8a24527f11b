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

// TestOnlyNumbersOrLinks: what is pasted or mistyped rather than asked.
func TestOnlyNumbersOrLinks(t *testing.T) {
	cases := map[string]bool{
		"123": true, "+49 176 1234567": true, "0176/123 45 67": true, "https://example.org/a?b=1": true,
		"www.jobcenter.de": true, "stadt.de": true, "nadia@example.org": true, "?": true, "1000 €?": true,
		"": false, "123 Wohngeld": false, "z.B. Wohngeld": false, "Jobcenter": false, "шкода 123": false,
		"ok.": false, "call me on 0176 1234567": false,
	}
	for in, want := range cases {
		if got := onlyNumbersOrLinks(in); got != want {
			t.Errorf("onlyNumbersOrLinks(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestHasWords: a question that is only placeholders is not kept.
func TestHasWords(t *testing.T) {
	for in, want := range map[string]bool{"[phone]": false, "[name], [phone]": false, "#### ##": false, "[phone] Wohngeld": true} {
		if got := hasWords(in); got != want {
			t.Errorf("hasWords(%q) = %v, want %v", in, got, want)
		}
	}
}
