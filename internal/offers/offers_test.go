package offers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/kb"
)

// sampleDay is a day the sample's own dates are judged against: its
// expired offers ended before it, its open ones run past it.
var sampleDay = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// MustSample builds the shipped sample directory.
func MustSample(tb testing.TB) *Directory {
	tb.Helper()
	list, probs := Parse(SampleName, Sample(), DefaultCategories())
	if n := Errors(probs); n > 0 {
		tb.Fatalf("sample has %d errors: %v", n, probs)
	}
	return Build(list, DefaultCategories(), Version(Sample()))
}

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Offer.ID)
	}
	return out
}

func TestSample(t *testing.T) {
	d := MustSample(t)
	if d.Len() < 40 {
		t.Errorf("sample has %d offers, want at least 40", d.Len())
	}
	cats := DefaultCategories()
	if got := d.Categories(sampleDay); len(got) != len(cats) {
		t.Errorf("sample covers %d of %d categories", len(got), len(cats))
	}
	if len(d.Districts()) != 2 {
		t.Errorf("districts = %v, want two", d.Districts())
	}
	expired, multi := 0, 0
	for _, o := range d.Offers() {
		if o.Expired(sampleDay) {
			expired++
		}
		if len(o.Texts) >= 3 {
			multi++
		}
	}
	if expired < 3 || multi < 10 {
		t.Errorf("sample: %d expired, %d in three or more languages", expired, multi)
	}
	for _, c := range cats {
		for _, l := range []string{"de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ku", "ti", "so", "fr"} {
			if c.Title[l] == "" {
				t.Errorf("category %s has no title in %s", c.ID, l)
			}
		}
	}
}

func TestParse_Problems(t *testing.T) {
	const head = "id,title,category,lat,lon,languages,url,free,valid_until,title_xx,tags\n"
	tests := []struct {
		name, row string
		col       string
		sev       Severity
		want      string
	}{
		{"MissingTitle", "a1,,language,,,,,,,,", "title", SeverityError, "missing title"},
		{"BadLat", "a1,T,language,51.x,7.6,,,,,,", "lat", SeverityError, "not a number"},
		{"LatOutOfRange", "a1,T,language,151.9,7.6,,,,,,", "lat", SeverityError, "outside"},
		{"OnlyLon", "a1,T,language,,7.6,,,,,,", "lat", SeverityError, "missing"},
		{"UnknownCategory", "a1,T,kochen,,,,,,,,", "category", SeverityError, `unknown category "kochen"`},
		{"UnknownLanguage", "a1,T,language,,,de xx,,,,,", "languages", SeverityError, `unknown language code "xx"`},
		{"UnknownLanguageColumn", "a1,T,language,,,,,,,Titel,", "title_xx", SeverityError, `unknown language code "xx"`},
		{"DeadURL", "a1,T,language,,,,https://,,,,", "url", SeverityError, "no valid host"},
		{"PlaceholderURL", "a1,T,language,,,,https://example.com/todo,,,,", "url", SeverityError, "placeholder"},
		{"NoScheme", "a1,T,language,,,,www.vhs.de,,,,", "url", SeverityError, "https://"},
		{"PlainHTTP", "a1,T,language,,,,http://www.vhs.de,,,,", "url", SeverityWarning, "not encrypted"},
		{"BadFree", "a1,T,language,,,,,vielleicht,,,", "free", SeverityError, "yes or no"},
		{"BadDate", "a1,T,language,,,,,,31/12/26,,", "valid_until", SeverityError, "not a date"},
		{"BadID", "A 1,T,language,,,,,,,,", "id", SeverityError, "lowercase"},
		{"UnknownTag", "a1,T,language,,,,,,,,kochen", "tags", SeverityError, `unknown tag "kochen"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, probs := Parse("offers.csv", []byte(head+"ok,Gut,sport,,,,,,,,\n"+tt.row+"\n"), DefaultCategories())
			var found *Problem
			for i := range probs {
				if probs[i].Column == tt.col && strings.Contains(probs[i].Msg, tt.want) {
					found = &probs[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s problem %q in %v", tt.col, tt.want, probs)
			}
			if found.Line != 3 || found.Severity != tt.sev {
				t.Errorf("problem = %+v, want line 3, %v", *found, tt.sev)
			}
			if wantRows := 2 - map[Severity]int{SeverityError: 1}[tt.sev]; len(list) != wantRows {
				t.Errorf("%d offers kept, want %d", len(list), wantRows)
			}
			if !strings.HasPrefix(found.String(), strings.ToUpper(tt.sev.String())) || !strings.Contains(found.String(), "offers.csv:3: "+tt.col+": ") {
				t.Errorf("editors' form = %q", found.String())
			}
		})
	}
	t.Run("DuplicateID", func(t *testing.T) {
		_, probs := Parse("o.csv", []byte(head+"a,T,sport,,,,,,,,\na,U,sport,,,,,,,,\n"), DefaultCategories())
		if Errors(probs) != 1 || !strings.Contains(probs[0].Msg, "first on line 2") {
			t.Errorf("problems = %v", probs)
		}
	})
	t.Run("MissingColumn", func(t *testing.T) {
		_, probs := Parse("o.csv", []byte("id,title\na,T\n"), DefaultCategories())
		if Errors(probs) != 1 || probs[0].Column != "category" {
			t.Errorf("problems = %v", probs)
		}
	})
	t.Run("SwappedCoordinates", func(t *testing.T) {
		csv := head + "a,T,sport,51.96,7.62,,,,,,\nb,T,sport,51.97,7.63,,,,,,\nc,T,sport,51.95,7.61,,,,,,\nd,T,sport,7.62,51.96,,,,,,\n"
		_, probs := Parse("o.csv", []byte(csv), DefaultCategories())
		if len(probs) != 1 || probs[0].ID != "d" || !strings.Contains(probs[0].Msg, "swapped") {
			t.Errorf("problems = %v", probs)
		}
	})
	t.Run("SemicolonsAndGermanDates", func(t *testing.T) {
		csv := "\xef\xbb\xbfid;title;category;lat;lon;valid_until\na;Kurs;language;51,96;7,62;31.12.2026\n"
		list, probs := Parse("o.csv", []byte(csv), DefaultCategories())
		if len(probs) != 0 || len(list) != 1 || list[0].Lat != 51.96 || list[0].ValidUntil.Day() != 31 {
			t.Errorf("list %+v problems %v", list, probs)
		}
	})
}

func TestParseCategories(t *testing.T) {
	cats, err := ParseCategories("c.yaml", []byte("- id: kultur\n  icon: 🎭\n  title: {de: Kultur, ar: ثقافة}\n  keywords: theater museum\n"))
	if err != nil || len(cats) != 1 || cats[0].Label("ar") != "🎭 ثقافة" || cats[0].Label("uk") != "🎭 Kultur" {
		t.Fatalf("cats = %+v, %v", cats, err)
	}
	for name, bad := range map[string]string{
		"Duplicate": "- {id: a, title: {de: A}}\n- {id: a, title: {de: B}}\n",
		"NoGerman":  "- {id: a, title: {en: A}}\n",
		"BadID":     "- {id: 'A B', title: {de: A}}\n",
		"Empty":     "[]\n",
	} {
		if _, err := ParseCategories("c.yaml", []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParse_YAML(t *testing.T) {
	y := `offers:
  - id: yoga
    title: Yoga für Frauen
    title_ar: يوغا للنساء
    category: women
    languages: [de, ar]
    lat: 51.96
    lon: 7.62
    free: ja
  - id: broken
    title: Kaputt
    category: sport
    lat: north
    lon: 7.6
`
	list, probs := Parse("offers.yaml", []byte(y), DefaultCategories())
	if len(list) != 1 || list[0].Texts["ar"].Title != "يوغا للنساء" || list[0].Free != FreeYes || !list[0].Speaks("ar") {
		t.Fatalf("list = %+v", list)
	}
	if Errors(probs) != 1 || probs[0].Line != 13 || probs[0].Column != "lat" {
		t.Errorf("problems = %v", probs)
	}
}

func TestCheckDates(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	list := []Offer{
		{ID: "ended", ValidUntil: now.AddDate(0, 0, -1), LastChecked: now},
		{ID: "today", ValidUntil: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), LastChecked: now},
		{ID: "old", LastChecked: now.AddDate(-1, 0, 0)},
		{ID: "never"},
	}
	var got []string
	for _, p := range CheckDates("o.csv", list, now, 180*24*time.Hour) {
		got = append(got, p.ID+":"+p.Column)
	}
	if strings.Join(got, " ") != "ended:valid_until old:last_checked never:last_checked" {
		t.Errorf("got %v", got)
	}
	if list[1].Expired(now) || !list[0].Expired(now) {
		t.Error("an offer valid until today must show today, and not after")
	}
}

func TestDistanceKm(t *testing.T) {
	tests := []struct {
		name string
		a, b Point
		want float64 // km
		tol  float64
	}{
		{"Same", Point{51.9607, 7.6261}, Point{51.9607, 7.6261}, 0, 1e-9},
		// 0.001° of latitude is 111.2 m everywhere.
		{"NearNorth", Point{51.9607, 7.6261}, Point{51.9617, 7.6261}, 0.1112, 0.0005},
		// Across the town: the two districts of the sample.
		{"Districts", Point{51.9603, 7.6248}, Point{51.9874, 7.6288}, 3.03, 0.02},
		{"BerlinMunich", Point{52.5200, 13.4050}, Point{48.1351, 11.5820}, 504.2, 1},
		{"Antipodes", Point{0, 0}, Point{0, 180}, math.Pi * earthRadiusKm, 0.001},
		{"AcrossDateLine", Point{0, 179.5}, Point{0, -179.5}, 111.2, 0.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DistanceKm(tt.a, tt.b); math.Abs(got-tt.want) > tt.tol {
				t.Errorf("DistanceKm = %.4f, want %.4f ± %g", got, tt.want, tt.tol)
			}
			if got, back := DistanceKm(tt.a, tt.b), DistanceKm(tt.b, tt.a); math.Abs(got-back) > 1e-9 {
				t.Errorf("not symmetric: %v, %v", got, back)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	d := MustSample(t)
	tests := []struct {
		name, q, lang, want string
	}{
		{"GermanCompounds", "deutschkurs mit kinderbetreuung", "de", "vhs-dk-kita"},
		{"ArabicFootball", "نادي كرة قدم للأطفال", "ar", "fussball-kinder"},
		{"UkrainianLegal", "безкоштовна юридична консультація", "uk", "recht-ukr"},
		{"DariWomenCourse", "کلاس زبان برای زنان", "fa", "frauen-dk"},
		{"EnglishTypedByGerman", "food bank", "de", "tafel"},
		{"Inflected", "консультації юриста", "uk", "recht-ukr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := d.Search(tt.q, tt.lang, Filter{}, sampleDay, 3)
			if len(hits) == 0 || hits[0].Offer.ID != tt.want {
				t.Errorf("Search(%q) = %v, want %s first", tt.q, ids(hits), tt.want)
			}
		})
	}
	for _, q := range []string{"hallo wie geht es", "wetter morgen", ""} {
		if hits := d.Search(q, "de", Filter{}, sampleDay, 3); len(hits) > 0 {
			t.Errorf("Search(%q) = %v, want nothing", q, ids(hits))
		}
	}
	t.Run("CompoundPartsAreNotEnough", func(t *testing.T) {
		// "Kindergeld" is not about the children's groups that say "Kinder".
		for _, h := range d.Search("wie beantrage ich kindergeld", "de", Filter{}, sampleDay, 5) {
			if h.Offer.Category == "family" {
				t.Errorf("kindergeld found %s", h.Offer.ID)
			}
		}
		if hits := d.Search("swimming for women", "en", Filter{}, sampleDay, 1); len(hits) == 0 || hits[0].Offer.ID != "frauenschwimmen" {
			t.Errorf("swimming for women = %v", ids(hits))
		}
	})
	t.Run("FiltersApply", func(t *testing.T) {
		for _, h := range d.Search("deutschkurs", "de", Filter{Women: true}, sampleDay, 10) {
			if !h.Offer.HasTag(TagWomen) && h.Offer.Category != "women" {
				t.Errorf("%s is not for women", h.Offer.ID)
			}
		}
		if hits := d.Search("fahrradkurs frauen", "de", Filter{}, sampleDay, 5); len(hits) > 0 && hits[0].Offer.ID == "fahrrad-frauen" {
			t.Errorf("expired offer found: %v", ids(hits))
		}
	})
}

// TestSearchMessage_SameAsSearch: a message analyzed once for every
// matcher finds what its text finds, the longest cut as before.
func TestSearchMessage_SameAsSearch(t *testing.T) {
	d := MustSample(t)
	long := strings.Repeat("Kurs ", 400) + "deutschkurs mit kinderbetreuung"
	for _, q := range []string{"deutschkurs mit kinderbetreuung", "نادي كرة قدم للأطفال", "консультації юриста",
		"food bank", "wie beantrage ich kindergeld", "hallo wie geht es", "", long} {
		for _, lang := range []string{"de", "ar", "en"} {
			got := d.SearchMessage(kb.NewMessage(q), lang, Filter{}, sampleDay, 5)
			if want := d.Search(q, lang, Filter{}, sampleDay, 5); !slices.Equal(ids(got), ids(want)) {
				t.Errorf("SearchMessage(%.40q, %s) = %v, want %v", q, lang, ids(got), ids(want))
			}
		}
	}
}

func TestBrowse(t *testing.T) {
	d := MustSample(t)
	all, total := d.Browse(Filter{}, sampleDay, 0, 1000)
	if total != len(all) || total >= d.Len() {
		t.Fatalf("browse all: %d of %d (expired must be hidden)", total, d.Len())
	}
	t.Run("BadPage", func(t *testing.T) {
		near := Point{51.96, 7.62}
		for _, off := range []int{-5, 1 << 62} {
			if hits, _ := d.Browse(Filter{Near: &near}, sampleDay, off, 5); len(hits) != 0 {
				t.Errorf("offset %d: %v", off, ids(hits))
			}
		}
	})
	t.Run("Paging", func(t *testing.T) {
		p1, n1 := d.Browse(Filter{Category: "language"}, sampleDay, 0, 2)
		p2, n2 := d.Browse(Filter{Category: "language"}, sampleDay, 2, 2)
		if n1 != n2 || len(p1) != 2 || len(p2) == 0 || p1[1].Offer.ID == p2[0].Offer.ID {
			t.Errorf("pages %v %v of %d", ids(p1), ids(p2), n1)
		}
	})
	t.Run("Filters", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			f    Filter
			ok   func(*Offer) bool
		}{
			{"Language", Filter{Lang: "ti"}, func(o *Offer) bool { return o.Speaks("ti") }},
			{"Free", Filter{Free: true}, func(o *Offer) bool { return o.Free == FreeYes }},
			{"Childcare", Filter{Childcare: true}, func(o *Offer) bool { return o.HasTag(TagChildcare) }},
			{"District", Filter{District: "Nord"}, func(o *Offer) bool { return o.District == "Nord" }},
		} {
			hits, n := d.Browse(tt.f, sampleDay, 0, 100)
			if n == 0 || n == total {
				t.Errorf("%s: %d of %d pass", tt.name, n, total)
			}
			for _, h := range hits {
				if !tt.ok(h.Offer) {
					t.Errorf("%s: %s passes", tt.name, h.Offer.ID)
				}
			}
		}
	})
	t.Run("NearestFirst", func(t *testing.T) {
		nord := Point{51.9902, 7.6350} // the Nordwiese sports ground
		hits, n := d.Browse(Filter{Near: &nord}, sampleDay, 0, 8)
		if n != total || len(hits) != 8 || hits[0].Km > 0.01 {
			t.Fatalf("near: %d hits of %d, first %.3f km", len(hits), n, hits[0].Km)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Km < hits[i-1].Km {
				t.Errorf("not sorted by distance: %v", hits)
			}
		}
		// The next page continues where the first ended.
		next, _ := d.Browse(Filter{Near: &nord}, sampleDay, 8, 8)
		if len(next) == 0 || next[0].Km < hits[7].Km {
			t.Errorf("second page starts at %.3f km, first ended at %.3f", next[0].Km, hits[7].Km)
		}
		last, _ := d.Browse(Filter{Near: &nord}, sampleDay, total-1, 5)
		if len(last) != 1 || last[0].Offer.HasPlace {
			t.Errorf("offers without a place come last: %v", ids(last))
		}
	})
}

type fakeSource struct {
	imp Imported
	err error
}

func (f *fakeSource) OffersVersion(context.Context) (string, error) { return f.imp.Version, f.err }
func (f *fakeSource) LoadOffers(context.Context) (Imported, error)  { return f.imp, f.err }

func TestLive_Refresh(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base := MustSample(t)
	src := &fakeSource{}
	l := NewLive(base, DefaultCategories(), src, log)
	if err := l.Refresh(ctx); err != nil || l.Current() != base {
		t.Fatalf("nothing imported: %v", err)
	}
	data := []byte("id,title,category\nneu,Neues Angebot,sport\n")
	src.imp = Imported{Name: "offers.csv", Data: data, Version: Version(data)}
	if err := l.Refresh(ctx); err != nil || l.Current().Len() != 1 || l.Current().Version != Version(data) {
		t.Fatalf("import not picked up: %v", err)
	}
	cur := l.Current()
	if err := l.Refresh(ctx); err != nil || l.Current() != cur {
		t.Error("an unchanged version must not rebuild")
	}
	bad := []byte("id,title,category\nx,,sport\n")
	src.imp = Imported{Name: "offers.csv", Data: bad, Version: Version(bad)}
	if err := l.Refresh(ctx); err == nil || l.Current() != cur {
		t.Error("a bad import must be refused and the old directory kept")
	}
	src.err = errors.New("redis down")
	if err := l.Refresh(ctx); err == nil || l.Current() != cur {
		t.Error("a failing source must keep the directory")
	}
	src.err, src.imp = nil, Imported{}
	if err := l.Refresh(ctx); err != nil || l.Current() != base {
		t.Error("a removed import must bring back the base")
	}
	if (*Live)(nil).Current() != nil {
		t.Error("a nil Live has no directory")
	}
}

func TestTranslations_RoundTrip(t *testing.T) {
	csvIn := "id;title;category;description\nkurs;Deutschkurs;language;Für alle\nclub;Fußball;sport;Für Kinder\n"
	list, probs := Parse("o.csv", []byte(csvIn), DefaultCategories())
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	out, n, err := ExportTranslations(list, "ar")
	if err != nil || n != 2 || !strings.Contains(string(out), "Deutschkurs") {
		t.Fatalf("export: %d, %v\n%s", n, err, out)
	}
	tf, err := ParseTranslations("ar.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	tf.Offers[0].Translation.Title, tf.Offers[0].Translation.Description = "دورة ألمانية", "للجميع"
	merged, sum, err := MergeTranslations("o.csv", []byte(csvIn), tf)
	if err != nil || sum.Updated != 1 || sum.Skipped != 1 {
		t.Fatalf("merge: %+v %v", sum, err)
	}
	list, probs = Parse("o.csv", merged, DefaultCategories())
	if len(probs) > 0 || list[0].Texts["ar"].Title != "دورة ألمانية" || list[1].Texts["ar"].Title != "" {
		t.Fatalf("merged file:\n%s\n%v", merged, probs)
	}
	if !strings.HasPrefix(string(merged), "id;title;category;description;title_ar") {
		t.Errorf("separator or column order changed:\n%s", merged)
	}
	t.Run("RefusesUnknownID", func(t *testing.T) {
		tf.Offers = append(tf.Offers, TranslationEntry{ID: "nope", Translation: transText{Title: "x"}})
		if _, _, err := MergeTranslations("o.csv", []byte(csvIn), tf); err == nil || !strings.Contains(err.Error(), `"nope"`) {
			t.Errorf("err = %v", err)
		}
	})
	if _, _, err := ExportTranslations(list, "de"); err == nil {
		t.Error("export into German must fail")
	}
}

// Readers keep searching while imports swap the directory under them:
// each sees one whole directory (run with -race).
func TestLive_SwapUnderReaders(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := []byte("id,title,category\nkurs,Deutschkurs,language\n")
	b := []byte("id,title,category\nkurs,Deutschkurs,language\nclub,Fußballclub,sport\n")
	src := &swapSource{}
	src.set(a)
	l := NewLive(nil, DefaultCategories(), src, log)
	if err := l.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan string, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- ""
					return
				default:
				}
				d := l.Current()
				hits := d.Search("fußballclub", "de", Filter{}, sampleDay, 5)
				if (d.Len() == 1) != (len(hits) == 0) {
					errs <- fmt.Sprintf("directory of %d offers found %d clubs", d.Len(), len(hits))
					return
				}
			}
		}()
	}
	for i := range 50 {
		if i%2 == 0 {
			src.set(b)
		} else {
			src.set(a)
		}
		if err := l.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 4 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

type swapSource struct {
	mu  sync.Mutex
	imp Imported
}

func (s *swapSource) set(data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.imp = Imported{Name: "o.csv", Data: data, Version: Version(data)}
}

func (s *swapSource) OffersVersion(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imp.Version, nil
}

func (s *swapSource) LoadOffers(context.Context) (Imported, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imp, nil
}

// TestSearch_SameStem: another ending of a word shares all but the last
// letter of the shorter one; four letters in common are no stem.
func TestSearch_SameStem(t *testing.T) {
	d := MustSample(t)
	for _, q := range []string{"wie bekomme ich meine schufa", "subsidiärer schutz"} {
		for _, h := range d.Search(q, "de", Filter{}, sampleDay, 5) {
			if h.Offer.ID == "kleiderkammer" || h.Offer.ID == "fussball-kinder" || h.Offer.ID == "jmd" {
				t.Errorf("%q found %s (schufa is not Schuhe, schutz not Schule)", q, h.Offer.ID)
			}
		}
	}
	// Ukrainian "дозвіл" (a permit) is not "дозвілля" (leisure), which the
	// sport category's title said.
	for _, q := range []string{"мій дозвіл закінчується, що робити", "дозвіл на роботу"} {
		for _, topic := range []bool{false, true} {
			for _, h := range d.Search(q, "uk", Filter{Topic: topic}, sampleDay, 5) {
				if h.Offer.Category == "sport" {
					t.Errorf("%q (Topic %v) found %s (a permit is not leisure)", q, topic, h.Offer.ID)
				}
			}
		}
	}
	if hits := d.Search("deutschkurse mit kinderbetreuung", "de", Filter{}, sampleDay, 3); len(hits) == 0 || hits[0].Offer.ID != "vhs-dk-kita" {
		t.Errorf("deutschkurse = %v, want vhs-dk-kita first", ids(hits))
	}
}

// TestSearch_Topic: with Filter.Topic, as offers are suggested under an
// answer, a word counts only where an offer is about it (title, target
// group, category, tags), not where its description mentions it.
func TestSearch_Topic(t *testing.T) {
	d := MustSample(t)
	tests := []struct {
		q, lang, offer string
		topic          bool // found with Topic too
	}{
		{"deadline for anmeldung", "en", "sprachcafe-nord", false},              // "ohne Anmeldung"
		{"jai recu le bescheid du bamf je comprends pas", "fr", "tafel", false}, // "Bescheid … mitbringen"
		{"ich finde keine wohnung", "de", "wohnraum-beratung", true},
		{"wo kann ich deutsch sprechen üben", "de", "sprachcafe-nord", true},
		{"lebensmittel für wenig geld", "de", "tafel", true},
	}
	for _, tt := range tests {
		for _, topic := range []bool{false, true} {
			found := slices.ContainsFunc(d.Search(tt.q, tt.lang, Filter{Topic: topic}, sampleDay, 3),
				func(h Hit) bool { return h.Offer.ID == tt.offer })
			if want := !topic || tt.topic; found != want {
				t.Errorf("%q, Topic %v: found %s %v, want %v", tt.q, topic, tt.offer, found, want)
			}
		}
	}
}
