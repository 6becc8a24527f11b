package kb

import (
	"slices"
	"testing"
)

// urgentCases has, for every language in urgent.yaml, messages that must
// trigger and ordinary questions that must not.
var urgentCases = map[string]struct{ yes, no []string }{
	"de": {
		yes: []string{"Mein Mann schlägt mich", "weil er mich schlägt", "ich will mich umbringen", "Wo ist die Notaufnahme?", "bitte krankenwagen", "er bringt mich um", "Suizidgedanken", "mein kind ist bewusstlos", "es brennt in der unterkunft", "jemand bedroht mich mit einem messer", "Selbstmord", "mein Nachbar hat gedroht mich umzubringen", "er sagt er bringt mich um wenn ich zu spät heimkomme"},
		no:  []string{"Wie finde ich eine Wohnung?", "Ich habe eine Notiz vom Amt", "Die Heizung ist kaputt", "Vorschlag für einen Termin", "Wo ist die Feuerwehrstraße", "Brandenburg Umzug", "Ich brauche Hilfe bei der Anmeldung", "Mein Vater ist Notar", "der Vermieter hat gedroht uns rauszuwerfen", "der vermieter bringt mich um wenn die miete zu spät kommt haha"},
	},
	"en": {
		// A threat that names coming home late stays urgent; a landlord and
		// the rent rule "will kill me" out, and "department" (one letter
		// from deport*) is no deportation.
		yes: []string{"my husband hits me", "I want to kill myself", "call an ambulance please", "she is not breathing", "there is a fire in my building", "he threatened me with a knife", "I feel suicidal", "I was raped", "he said he will kill me if i come home late"},
		no:  []string{"the heating is broken", "I got a notice from the office", "I was fired from my job", "can I work part time", "how do I find a flat", "what is the deadline", "the hearing is tomorrow", "I hit my deadline", "the landlord will kill me if rent is late haha", "fire department inspection in our building tomorrow"},
	},
	"ar": {
		yes: []string{"زوجي يضربني", "بدي انتحر", "اتصل بالإسعاف", "في حريق بالبيت", "أنا في خطر", "أريد أن أموت", "طفلي فاقد الوعي", "تهديد بالقتل"},
		no:  []string{"كيف أجد شقة", "متى تنتهي إقامتي", "هل يحق لي العمل", "ما هي الكفالة", "كيف أسجل عنواني", "هل هناك خطورة على الإقامة"},
	},
	"fa": {
		yes: []string{"شوهرم مرا کتک میزند", "میخواهم خودکشی کنم", "اورژانس لطفا", "خونریزی دارد", "در خطر هستم"},
		no:  []string{"چطور خانه پیدا کنم", "اقامت من تمام میشود", "آیا اجازه کار دارم", "کلاس زبان آلمانی"},
	},
	"ps": {
		yes: []string{"زما خاوند ما وهي", "ځان وژنه غواړم", "امبولانس ته اړتیا لرم", "زه په خطر کې یم"},
		no:  []string{"کور څنګه پیدا کړم", "ایا کار کولی شم", "د اقامې اجازه"},
	},
	"uk": {
		yes: []string{"чоловік б'є мене", "Мене б'ють, допоможіть", "мене побили", "хочу покінчити з собою", "викличте швидку", "тут пожежа", "дитина непритомна", "мені погрожують", "думаю про самогубство"},
		no:  []string{"як знайти квартиру", "швидко отримати дозвіл на роботу", "більше ніж 600 євро", "коли закінчується дозвіл", "де бюргерамт"},
	},
	"ru": {
		yes: []string{"муж бьёт меня", "меня бьют", "не хочу жить", "вызовите скорую", "пожар в доме", "мне угрожают", "он без сознания"},
		no:  []string{"как найти квартиру", "можно ли мне работать", "где джобцентр", "скоро закончится разрешение"},
	},
	"tr": {
		yes: []string{"kocam beni dövüyor", "intihar etmek istiyorum", "ambulans çağırın", "yangın var", "bıçakla tehdit etti", "babam yere düştü cevap vermiyor"},
		// "her yere" is everywhere: a flat search, not someone on the floor.
		no: []string{"nasıl ev bulurum", "çalışma izni nasıl alınır", "acil randevu lazım", "oturma iznim bitiyor", "her yere yazdım cevap yok, ev bulamıyorum"},
	},
	"ku": {
		yes: []string{"mêrê min li min dixe", "ez dixwazim bimirim", "agir heye", "ambulans lazim e"},
		no:  []string{"ez çawa xaniyek bibînim", "destûra kar", "kursa almanî"},
	},
	"ti": {
		yes: []string{"ሓደጋ ኣሎ", "ኣምቡላንስ ጸውዑ", "ዓመጽ ኣሎ"},
		// "Help me" asks for help with anything, as "Hilfe" does: a flat.
		no: []string{"ገዛ ከመይ ይረክብ", "ስራሕ ክሰርሕ ይኽእል ድየ", "ቋንቋ ጀርመን ትምህርቲ", "ገዛ ክረክብ ደልየ ኣለኹ ሓግዙኒ", "ሓግዙኒ በጃኹም"},
	},
	"so": {
		yes: []string{"ninkayga ayaa i garaaca", "waan dhimanayaa", "booliska u yeer", "xaalad degdeg ah"},
		no:  []string{"sidee guri u helaa", "ma shaqeyn karaa", "si degdeg ah u hel ballan"},
	},
	"fr": {
		yes: []string{"mon mari me frappe", "je veux me suicider", "appelez les pompiers", "il y a un incendie", "elle saigne beaucoup", "il va me tuer"},
		no:  []string{"comment trouver un appartement", "est-ce que je peux travailler", "c'est urgent pour mon rendez-vous", "mon titre de séjour expire"},
	},
}

func TestKB_Urgent(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for lang := range k.urgent.langs {
		if _, ok := urgentCases[lang]; !ok {
			t.Errorf("urgent.yaml has language %s without test cases", lang)
		}
	}
	langs := make([]string, 0, len(urgentCases))
	for l := range urgentCases {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		c := urgentCases[lang]
		t.Run(lang, func(t *testing.T) {
			if k.urgent.langs[lang] == 0 {
				t.Fatalf("urgent.yaml has no list for %s", lang)
			}
			for _, m := range c.yes {
				if !k.Urgent(m) {
					t.Errorf("Urgent(%q) = false, want true", m)
				}
			}
			for _, m := range c.no {
				if k.Urgent(m) {
					t.Errorf("Urgent(%q) = true, want false", m)
				}
			}
		})
	}
	t.Run("eval questions are not urgent", func(t *testing.T) {
		for _, lang := range shippedLangs {
			for _, id := range []string{"housing.find_flat", "status.duldung", "work.permission", "status.rejected"} {
				txt, _ := k.Text(id, lang)
				if k.Urgent(txt.Question) {
					t.Errorf("question %s/%s is taken as urgent: %q", id, lang, txt.Question)
				}
			}
		}
	})
}

func TestUrgentList_Parse(t *testing.T) {
	t.Parallel()
	t.Run("stem too short", func(t *testing.T) {
		if _, err := newUrgentList().parse("no*"); err == nil {
			t.Fatal("a two-letter stem was accepted")
		}
	})
	t.Run("phrase with stem", func(t *testing.T) {
		u := newUrgentList()
		p, err := u.parse("Bring* mich UM")
		if err != nil || len(p.parts) != 1 || len(p.parts[0]) != 3 {
			t.Fatalf("parse = %+v, %v", p, err)
		}
		if w := u.words[p.parts[0][0][0]]; !w.prefix || w.text != "bring" {
			t.Errorf("first word = %+v, want stem bring", w)
		}
	})
	t.Run("alternatives and parts", func(t *testing.T) {
		u := newUrgentList()
		p, err := u.parse("tablette*|pille* & alle|ganze")
		if err != nil || len(p.parts) != 2 || len(p.parts[0][0]) != 2 || len(p.parts[1][0]) != 2 {
			t.Fatalf("parse = %+v, %v", p, err)
		}
	})
	t.Run("alternative of two words", func(t *testing.T) {
		if _, err := newUrgentList().parse("l'eau|wasser"); err == nil {
			t.Fatal("a two-word alternative was accepted")
		}
	})
	t.Run("excluded near and far", func(t *testing.T) {
		u := newUrgentList()
		if err := u.merge([]byte("en:\n  medical:\n    - swallowed & pills & !water && !die\n")); err != nil {
			t.Fatal(err)
		}
		p := u.patterns[0]
		if len(p.not) != 2 || p.notFar[0] || !p.notFar[1] {
			t.Fatalf("not = %v, far %v", p.not, p.notFar)
		}
		none := func(string) bool { return false }
		for msg, want := range map[string]Urgency{
			"my son swallowed my pills":                             UrgentMedical,
			"my son swallowed my pills with water":                  0,
			"my son swallowed my pills, one two three four and die": 0,
			"water, one two three four five six, swallowed pills":   UrgentMedical,
		} {
			if got, _ := u.match(msg, none, false); got != want {
				t.Errorf("match(%q) = %q, want %q", msg, got, want)
			}
		}
	})
}

// TestKB_UrgentNoFalseFriends: words of one language that fold to an
// urgent word of another must not trigger emergency numbers.
func TestKB_UrgentNoFalseFriends(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	// Kurmanji "bigrim" (that I take) is one letter from "bimrim" (that I
	// die): "I want to take an appointment" got the crisis line.
	for _, q := range []string{"kac gun surer", "kaç gün sürer oturum izni", "3 gün sonra randevum var",
		"ez dixwazim randevû bigrim", "silav ez dixwazim randevûyekê bigrim"} {
		if k.Urgent(q) {
			t.Errorf("Urgent(%q) = true", q)
		}
	}
}

// TestKB_UrgencyRules pins the decisions behind the lists: numbers only in a
// call for help, look-alike words never, typos and missing special letters
// still, and the kind of help each message needs.
func TestKB_UrgencyRules(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	cases := []struct {
		msg  string
		want Urgency
	}{
		// Numbers: an amount, a flat, a bus or a file number is no call for help.
		{"Mieterhöhung um 110 Euro, ist das erlaubt?", 0},
		{"Ich wohne in Wohnung 112", 0},
		{"bus 112 to the jobcenter", 0},
		{"Aktenzeichen 110-2231-112", 0},
		{"ruf 110", UrgentGeneral},
		{"bitte 112 anrufen", UrgentGeneral},
		{"call 112 now", UrgentGeneral},
		{"appelez le 112", UrgentGeneral},
		// Look-alikes inside longer words.
		{"Können Sie einen Termin vorschlagen?", 0},
		{"Wo kann ich das nachschlagen?", 0},
		{"I want to learn new skills", 0},
		{"my boss fired me", 0},
		{"the landlord threatens to raise the rent", 0},
		{"the Jobcenter kills me with paperwork", 0},
		{"Der Rauchmelder piept", 0},
		// Typos and no special letters.
		{"mein mann schlaegt mich", UrgentViolence},
		{"mein kind ist bewustlos", UrgentMedical},
		{"ich will mich umbrigen", UrgentSuicide},
		{"مرا کتك میزند", UrgentViolence}, // Arabic kaf in Persian
		// The kind decides the reply.
		{"I took all my pills", UrgentSuicide},
		{"my baby is turning blue", UrgentMedical},
		{"he locked me in and took my phone", UrgentViolence},
		{"there is smoke in the stairwell", UrgentFire},
		{"abgeschoben morgen", UrgentLegal},
		{"Abschiebung morgen früh", UrgentLegal},
		{"Wie funktioniert eine Abschiebung?", 0},
	}
	for _, c := range cases {
		if got := k.Urgency(c.msg); got != c.want && !(c.want != 0 && got.Has(c.want)) {
			_, why := k.urgent.match(c.msg, k.knownWord, true)
			t.Errorf("Urgency(%q) = %q, want %q (items: %v)", c.msg, got, c.want, why)
		}
	}
}

func TestOneTypo(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"bewusstlos", "bewustlos", true},   // dropped
		{"bewusstlos", "bewussstlos", true}, // added
		{"bewusstlos", "bewusztlos", true},  // replaced
		{"bewusstlos", "bewustslos", true},  // swapped
		{"bewusstlos", "bewusstlos", true},
		{"agress", "adress", false},        // the second letter differs
		{"bewusstlos", "bwusstlos", false}, // the second letter is gone
		{"kanama", "kaamka", false},        // two edits
		{"abc", "abd", true},
	} {
		if got := oneTypo(c.a, c.b); got != c.want {
			t.Errorf("oneTypo(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestKB_UrgencyKnownWords: a real word one letter from an urgent one is
// not read as its typo ("gehalt", salary, is no "gewalt", violence), while
// a typo of an urgent word that is no real word still is.
func TestKB_UrgencyKnownWords(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, w := range []string{"gehalt", "gewahlt"} {
		if !k.urgent.innerTypo(w) {
			t.Errorf("%q is no typo of a list word: the test no longer shows anything", w)
		}
		if _, ok := k.urgent.known[w]; !ok {
			t.Errorf("%q is not a known word", w)
		}
	}
	for _, calm := range []string{
		"ich habe kein gehalt bekommen",
		"kein gehalt",
		"ich habe aus versehen die falsche nummer gewählt",
	} {
		if got := k.Urgency(calm); got != 0 {
			t.Errorf("Urgency(%q) = %q, want calm", calm, got)
		}
	}
	for msg, want := range map[string]Urgency{
		"meine mutter ist bewustlos": UrgentMedical,
		"er droht mir mit gewallt":   UrgentViolence,
		// "couteaux" is a known word: read with another ending, as "couteau".
		"deux hommes se battent avec des couteaux devant le foyer": UrgentViolence,
	} {
		if got := k.Urgency(msg); !got.Has(want) {
			t.Errorf("Urgency(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestEndEdit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"couteaux", "couteau", true}, {"gewalt", "gewalte", true}, {"tehdit", "tehdid", true},
		{"gehalt", "gewalt", false}, {"gewahlt", "gewalt", false}, {"болять", "болить", false},
	} {
		if got := endEdit(c.a, c.b); got != c.want {
			t.Errorf("endEdit(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestKB_UrgencyPoisoningOutweighsSuicide: a child or relative who
// swallowed pills is a poisoning, 112 first, not the crisis line, even
// where an item reads pills and "swallowed" as the person's own overdose;
// the person's own overdose stays suicide, and so does a relative's said
// with the wish to die.
func TestKB_UrgencyPoisoningOutweighsSuicide(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, c := range []struct {
		msg  string
		want Urgency
	}{
		{"ребенок наглотался таблеток", UrgentMedical},
		{"дитина наковталася таблеток що робити", UrgentMedical},
		{"ውላደይ ከኒና ውሒጡ እንታይ ክገብር", UrgentMedical},
		{"my son swallow my pills what do i do", UrgentMedical},
		{"I took all my pills", UrgentSuicide},
		{"i swallow all my pills", UrgentSuicide},
		// Said to want to die, anywhere in the message ("&& !"): the
		// crisis line stays, beside 112.
		{"my daughter swallowed all her pills she wants to die", UrgentSuicide | UrgentMedical},
		{"mon fils a avale tous mes cachets il veut mourir", UrgentSuicide | UrgentMedical},
	} {
		if got := k.Urgency(c.msg); got != c.want {
			_, why := k.urgent.match(c.msg, k.knownWord, true)
			t.Errorf("Urgency(%q) = %q, want %q (items: %v)", c.msg, got, c.want, why)
		}
	}
	// The mark itself is never a kind.
	if got := (urgentPoisoning | UrgentSuicide).othersFirst(); got != UrgentMedical {
		t.Errorf("othersFirst = %q, want medical", got)
	}
}

// A bare cry for help – "SOS", "au secours", "imdat", "спасите",
// "рятуйте", "الحقوني" – gets every national number (QA, 4 December);
// "Hilfe" alone opens the menu, and SOS as a name or Turkish "sos"
// (sauce) stays calm. Kept out of the model's examples: as two-word
// examples they moved its out-of-fold calm alarms past the rule.
func TestKB_BareCryForHelp(t *testing.T) {
	t.Parallel()
	k := MustLoad(t)
	for _, m := range []string{"SOS", "sos!!! bitte", "au secours", "au secours svp vite", "imdat", "imdat!!! lutfen",
		"спасите", "spasite pozhaluysta", "рятуйте", "ryatuite", "الحقوني", "il7a2ouni"} {
		if got := k.Urgency(m); got != UrgentGeneral {
			t.Errorf("%q: %v, want general", m, got)
		}
	}
	for _, m := range []string{"Hilfe", "help", "SOS Kinderdorf hat wegen einem Platz angerufen", "wo ist die SOS Beratung fuer Familien",
		"au secours ce formulaire mdr", "domates sos nasil yapilir", "sos childrens village called about a place"} {
		if got := k.Urgency(m); got != 0 {
			t.Errorf("%q: %v, want calm", m, got)
		}
	}
}
