package kb

import "testing"

func TestLatinSkeleton(t *testing.T) {
	t.Parallel()
	// Spellings of one Cyrillic word must meet.
	same := [][]string{
		{"zhit", "zhyt", "zit"},
		{"prosnutsya", "prosnutsa", "prosnutsja"},
		{"shchas", "schas", "shas"},
		{"pomogite", "pomogyte"},
		{"khochu", "hochu", "xochu"},
		{"menya", "menja", "menia"},
	}
	for _, group := range same {
		want, _ := latinSkeleton(nil, Normalize(group[0]))
		for _, w := range group[1:] {
			if got, _ := latinSkeleton(nil, Normalize(w)); string(got) != string(want) {
				t.Errorf("skeleton(%q) = %q, want %q as for %q", w, got, want, group[0])
			}
		}
	}
	if _, ok := latinSkeleton(nil, "дым"); ok {
		t.Error("a Cyrillic word has no Latin skeleton")
	}
	for _, c := range []struct{ cyr, lang, lat string }{
		{"дышать", "ru", "dyshat"}, {"допомога", "uk", "dopomoha"}, {"помогите", "ru", "pomogite"}, {"щас", "ru", "shchas"},
	} {
		if got, _ := cyrToLatin(c.cyr, c.lang); got != c.lat {
			t.Errorf("cyrToLatin(%q, %s) = %q, want %q", c.cyr, c.lang, got, c.lat)
		}
	}
}

// TestKB_UrgencyTranslit checks that the ru and uk items also read Russian
// and Ukrainian typed in Latin letters, and only in such messages.
func TestKB_UrgencyTranslit(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, c := range []struct {
		text string
		want Urgency
	}{
		{"ne mogu dyshat pomogite", UrgentMedical},
		{"muzh menya izbil", UrgentViolence},
		{"u nas v podezde pozhar", UrgentFire},
		{"cholovik mene pobyv", UrgentViolence},
		{"nas zavtra deportiruyut", UrgentLegal},
		{"muzh menya b'yot", UrgentViolence},
		// No gate word, but two words that are Latin twins.
		{"tam muzhchina s nozhom", UrgentViolence},
		// Skeletons of ru/uk words in messages that are not Russian or
		// Ukrainian: "dim" (дым), "insult" (инсульт), "pojar".
		{"the light in the hallway is dim", 0},
		{"he said an insult to me at the office", 0},
		{"dim isigi yaniyor mu", 0},
		{"gde mozhno kupit dim sum", 0},
	} {
		if got := k.Urgency(c.text); got != c.want {
			_, why := k.urgent.match(c.text, k.knownWord, true)
			t.Errorf("Urgency(%q) = %q, want %q (%v)", c.text, got, c.want, why)
		}
	}
}

// TestKB_UrgencySoftK checks that Turkish stems ending in k also match the
// softened form before a vowel suffix.
func TestKB_UrgencySoftK(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, c := range []struct {
		text string
		want Urgency
	}{
		{"polis bizi yarin ucaga bindirecek", UrgentLegal},
		{"adamin elinde bicagi var", UrgentViolence},
		{"ucak bileti ne kadar", 0},
	} {
		if got := k.Urgency(c.text); got != c.want {
			_, why := k.urgent.match(c.text, k.knownWord, true)
			t.Errorf("Urgency(%q) = %q, want %q (%v)", c.text, got, c.want, why)
		}
	}
}

// French typed without apostrophes glues the elided article or pronoun
// to the word: the glued forms match, only in French items.
func TestKB_UrgencyFrenchElision(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, c := range []struct {
		text string
		want Urgency
	}{
		{"la police vient demain pour lexpulsion", UrgentLegal},
		{"la police veut nous emmener a laeroport demain", UrgentLegal},
		{"je veux juste que tout sarrete", UrgentSuicide},
		{"cest quoi une interdiction dexpulsion", 0},
		{"comment aller a laeroport en bus", 0},
	} {
		if got := k.Urgency(c.text); got != c.want {
			_, why := k.urgent.match(c.text, k.knownWord, true)
			t.Errorf("Urgency(%q) = %q, want %q (%v)", c.text, got, c.want, why)
		}
	}
}

func TestTurkishNegation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"yanmiyor", "yaniyor", true},
		{"uyaniyor", "uyanmiyor", true},
		{"yaniyo", "yaniyor", false},
		{"bewustlos", "bewusstlos", false},
	} {
		if got := turkishNegation(c.a, c.b); got != c.want {
			t.Errorf("turkishNegation(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	k := MustLoad(t)
	if got := k.Urgency("ocak yanmiyor, kim tamir eder?"); got != 0 {
		t.Errorf("a stove that does not light is calm, got %q", got)
	}
}
