package kb

import (
	"maps"
	"slices"
	"testing"
)

// floorSets are question sets held at a floor: per language, how many
// questions must have the right entry first; none may be answered
// confidently with a wrong entry, nor an out-of-scope message
// confidently at all (beyond a set's oosAllowed). Each floor is one below the figure measured when
// the set was tuned on.
var floorSets = []struct {
	dir   string
	floor map[string]int
	// known are questions of the set answered confidently with another
	// entry, each with why it is left; any other confident wrong answer
	// fails, and so does a known one that is no longer confidently wrong
	// (then take it off the list).
	known map[string]string
	// oosAllowed is, per language, how many out-of-scope messages may
	// still be answered confidently (nil: none); each one is still
	// logged, and more than allowed fails.
	oosAllowed map[string]int
}{
	// Questions typed in Latin letters by people who write Russian,
	// Ukrainian, Arabic, Dari/Farsi or Tigrinya; floors from when the
	// Cyrillic reading and the romanised phrases were added (Tigrinya:
	// 9/24 at first sight, 21 with its phrases and function words).
	{"testdata/romanized", map[string]int{"ru": 18, "uk": 17, "ar": 18, "fa": 18, "ti": 20}, nil, nil},
	// Phone-typed questions that name a status and a topic together
	// ("can I work, I have a Duldung"), and everyday local questions the
	// knowledge base does not cover; floors from the end of the eleventh
	// round (at first sight: en 19, ar 19, fr 18, tr 18, ku 17, de 18).
	{"testdata/round11", map[string]int{"en": 19, "ar": 19, "fr": 19, "tr": 18, "ku": 19, "de": 18}, nil, nil},
	// Phone-typed questions in the languages weakest on the held-out
	// sets, every entry about twice; floors from the end of the twelfth
	// round (at first sight: en 17, tr 18, fr 19, fa 18, so 19).
	{"testdata/round12", map[string]int{"en": 19, "tr": 19, "fr": 18, "fa": 17, "so": 19}, nil, nil},
	// Phone-typed questions in en and fr (every entry), ar and fa, with
	// two known confident-wrong cases in other words; floors from the end
	// of the thirteenth round (at first sight: en 37, fr 36, ar 19, fa 20,
	// four confident and wrong, two out of scope confident).
	{"testdata/round13", map[string]int{"en": 43, "fr": 42, "ar": 21, "fa": 22}, nil, nil},
	// Every entry twice in en and fr, as people type on a phone in a
	// second language (non-native English, French in SMS spelling), and
	// near-miss out-of-scope messages; floors from the end of the
	// fourteenth round (at first sight: en 82, fr 81, two confident and
	// wrong, one out of scope confident).
	{"testdata/round14", map[string]int{"en": 86, "fr": 87}, map[string]string{
		// Word for word the round12 question "duldung for 6 years already
		// is there a way to get real aufenthalt", which wants the Chancen
		// entry; only the number of years tells them apart (Chancen needed
		// five by 2022), which the search does not read.
		"i have duldung since 2 years, is there any way to get real aufenthalt": "status.chancen",
	}, nil},
	// Search-box style questions in all twelve languages (keywords only,
	// unpunctuated dictation, a greeting or story first, German office
	// words inside; native and second-language English) and near-miss
	// out-of-scope messages; floors at what the end of the fifteenth round
	// reached.
	// At first sight (right first / confident and right / confident and
	// wrong / out of scope confident): de 11/10/0/1, en 28/26/0/2,
	// ar 11/7/0/1, fa 11/8/0/0, ps 12/11/0/1, uk 12/11/0/1, ru 12/9/0/0,
	// tr 12/10/0/1, ku 12/12/0/0, ti 10/8/1/0, so 12/10/0/0, fr 12/11/0/0.
	{"testdata/round15", map[string]int{
		"de": 12, "en": 30, "ar": 12, "fa": 11, "ps": 12, "uk": 12,
		"ru": 12, "tr": 12, "ku": 12, "ti": 12, "so": 12, "fr": 12,
	}, nil, nil},
	// Out-of-scope near misses (a car's registration, a dog tax, a
	// fishing licence, a gym contract, a film, a school trip, a car loan,
	// a tourist visa for a cousin, a foreign driving licence ...), twelve
	// per language, and four in-scope questions each; floors at first
	// sight, allowances at what the sixteenth round reached.
	// At first sight (in scope right first / confident and right; out of
	// scope confident): de 4/4 1, en 4/3 2, ar 4/4 0, fa 4/4 2, ps 3/3 2,
	// uk 4/4 3, ru 4/4 2, tr 4/4 4, ku 3/3 1, ti 4/4 0, so 4/4 1,
	// fr 4/4 1 (19 of 144 out of scope confident). After the off-topic
	// words (offtopic.go): in scope unchanged, out of scope confident 1
	// of 144, "how to sign up as an uber driver in germany" as
	// self-employment ("uber" is the German stopword "über", and a
	// driver on one's own account is the self-employment entry's topic).
	{"testdata/round16", map[string]int{
		"de": 4, "en": 4, "ar": 4, "fa": 4, "ps": 3, "uk": 4,
		"ru": 4, "tr": 4, "ku": 3, "ti": 4, "so": 4, "fr": 4,
	}, nil, map[string]int{"en": 1}},
	// Questions for the three entries added in round 17 (applying for
	// Grundsicherung and when it is paid, a letter from the Jobcenter, a
	// long asylum procedure) and for their neighbours, written before the
	// entries existed; floors one below the end of the seventeenth round.
	// At first sight (right first / confident and right / confident and
	// wrong / out of scope confident): de 13/11/0/0, en 14/13/1/0,
	// ar 8/8/3/0, fa 13/12/0/1, ps 10/7/2/0, uk 12/11/0/0, ru 12/10/1/0,
	// tr 12/11/0/0, ku 10/9/0/0, ti 10/6/1/0, so 13/11/0/0, fr 12/11/0/0
	// (139 of 162 right first, 8 confident and wrong, 1 of 36 out of scope).
	// After: 161 of 162 right first (ps 12), 136 confident and right, none
	// confident and wrong, none out of scope.
	{"testdata/round17", map[string]int{
		"de": 12, "en": 18, "ar": 12, "fa": 12, "ps": 11, "uk": 12,
		"ru": 12, "tr": 12, "ku": 12, "ti": 12, "so": 12, "fr": 12,
	}, nil, nil},
	// Questions for the entry added in round 18 (a rent increase), for
	// its neighbours and out of scope, written without seeing the entry.
	// At first sight (right first / confident and right / confident and
	// wrong / out of scope confident): 80 of 96 right first, 61 confident
	// and right, 2 confident and wrong, 1 of 24 out of scope. After: 85,
	// 68, 1 – a Staffelmiete in the contract is the contract traps'
	// entry, which explains it too – and the same out-of-scope one, a
	// phone contract "3 euro a month" taken for the Minijob.
	{"testdata/round18", map[string]int{
		"de": 7, "en": 6, "ar": 6, "fa": 7, "ps": 7, "uk": 8,
		"ru": 8, "tr": 7, "ku": 8, "ti": 5, "so": 8, "fr": 8,
	}, map[string]string{
		"staffelmiete what is that, its in my contract and rent goes up every year": "housing.contract_traps",
	}, map[string]int{"en": 1}},
}

// TestKB_SearchRomanized and TestKB_SearchRound11 to 18 hold floorSets.
func TestKB_SearchRomanized(t *testing.T) { testFloorSet(t, 0) }
func TestKB_SearchRound11(t *testing.T)   { testFloorSet(t, 1) }
func TestKB_SearchRound12(t *testing.T)   { testFloorSet(t, 2) }
func TestKB_SearchRound13(t *testing.T)   { testFloorSet(t, 3) }
func TestKB_SearchRound14(t *testing.T)   { testFloorSet(t, 4) }
func TestKB_SearchRound15(t *testing.T)   { testFloorSet(t, 5) }
func TestKB_SearchRound16(t *testing.T)   { testFloorSet(t, 6) }
func TestKB_SearchRound17(t *testing.T)   { testFloorSet(t, 7) }
func TestKB_SearchRound18(t *testing.T)   { testFloorSet(t, 8) }

func testFloorSet(t *testing.T, i int) {
	dir, floor, known := floorSets[i].dir, floorSets[i].floor, floorSets[i].known
	oosAllowed := floorSets[i].oosAllowed
	k := MustLoad(t)
	sets := loadEvalDir(t, dir)
	for _, lang := range slices.Sorted(maps.Keys(sets)) {
		s := sets[lang]
		t.Run(lang, func(t *testing.T) {
			hits, confident, wrongConfident := 0, 0, 0
			seenKnown := map[string]bool{}
			for _, c := range s.Questions {
				if _, ok := k.Entry(c.ID); !ok {
					t.Fatalf("%q expects unknown id %s", c.Q, c.ID)
				}
				if k.Urgent(c.Q) {
					t.Errorf("%q contains urgent words", c.Q)
				}
				res := k.Search(c.Q, lang)
				if len(res.Best) > 0 && res.Best[0].ID == c.ID {
					hits++
					if res.Confident {
						confident++
					}
					continue
				}
				if res.Confident {
					wrongConfident++
					if got, ok := known[c.Q]; ok && len(res.Best) > 0 && res.Best[0].ID == got {
						seenKnown[c.Q] = true
						t.Logf("known confident and wrong %q: want %s, got %+v", c.Q, c.ID, res)
						continue
					}
					t.Errorf("confident and wrong %q: want %s, got %+v", c.Q, c.ID, res)
					continue
				}
				in3 := slices.ContainsFunc(res.Best, func(m Match) bool { return m.ID == c.ID })
				t.Logf("miss %q: want %s (in the three: %v), got %+v", c.Q, c.ID, in3, res)
			}
			oosConfident := 0
			for _, q := range s.OutOfScope {
				if res := k.Search(q, lang); res.Confident {
					oosConfident++
					t.Logf("out-of-scope %q got a confident match %+v", q, res.Best)
				}
			}
			for _, c := range s.Questions {
				if _, ok := known[c.Q]; ok && !seenKnown[c.Q] {
					t.Errorf("%q is listed as known confident and wrong but is not: take it off the list", c.Q)
				}
			}
			t.Logf("%s: right first %d/%d, confident and right %d, confident and wrong %d, out of scope confident %d/%d",
				lang, hits, len(s.Questions), confident, wrongConfident, oosConfident, len(s.OutOfScope))
			if oosConfident > oosAllowed[lang] {
				t.Errorf("out of scope confident %d, want at most %d", oosConfident, oosAllowed[lang])
			}
			if hits < floor[lang] {
				t.Errorf("right first %d, want at least %d", hits, floor[lang])
			}
		})
	}
}
