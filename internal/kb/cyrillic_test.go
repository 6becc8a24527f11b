package kb

import "testing"

func TestLatinToCyrillic(t *testing.T) {
	for _, c := range []struct{ in, lang, want string }{
		{"kvartira", "ru", "квартира"},
		{"zhilye", "ru", "жиле"},
		{"integratsionnyy", "ru", "интеграционный"},
		{"shchas", "ru", "щас"},
		{"pis'mo", "ru", "письмо"},
		{"moya", "ru", "моя"},
		{"drugoy", "ru", "другой"},
		{"vy", "ru", "вы"},
		{"kvartyra", "uk", "квартира"},
		{"pryyshov", "uk", "прийшов"},
		{"yoho", "uk", "його"},
		{"yiyi", "uk", "її"},
		{"zareyestruvaty", "uk", "зареєструвати"},
		{"dopomoha", "uk", "допомога"},
		{"simyi", "uk", "сімї"},
	} {
		if got := latinToCyrillic(c.in, c.lang == "uk"); got != c.want {
			t.Errorf("%s (%s): got %s, want %s", c.in, c.lang, got, c.want)
		}
	}
}

// TestCyrillicReading: only the Latin words of a ru or uk query that are
// no index terms are read; office words and other languages stay.
func TestCyrillicReading(t *testing.T) {
	k := MustLoad(t)
	for _, c := range []struct{ in, lang, want string }{
		{"mne nuzhna kvartira", "ru", "мне нужна квартира"},
		{"u menya duldung, kak byt?", "ru", "u меня duldung, kak быт?"},
		{"Jobcenter ne platyt", "uk", "Jobcenter ne платит"},
		{"büro sha2a", "ru", "büro sha2a"},
		{"mne nuzhna kvartira", "de", "mne nuzhna kvartira"},
	} {
		if got, _ := k.cyrillicReading(c.in, c.lang); got != c.want {
			t.Errorf("%q (%s): got %q, want %q", c.in, c.lang, got, c.want)
		}
	}
}
