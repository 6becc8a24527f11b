package offers

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// SourceLang is the language every offer is written in first; other
// languages are translations of it.
const SourceLang = "de"

// Text is the translatable part of an offer in one language.
type Text struct {
	Title, Description, TargetGroup, Hours string
}

// Offer is one entry of the directory.
type Offer struct {
	ID       string
	Category string
	// Texts by language; SourceLang always has a title.
	Texts    map[string]Text
	Address  string
	District string
	// Lat and Lon are set when HasPlace.
	Lat, Lon  float64
	HasPlace  bool
	Languages []string // ISO 639-1 codes of the languages spoken there
	Free      Free
	Tags      []string // see Tags
	Phone     string
	Email     string
	URL       string
	// ValidUntil is the last day the offer runs (zero: open-ended);
	// LastChecked when an editor last confirmed it (zero: unknown).
	ValidUntil  time.Time
	LastChecked time.Time
	// Line is where the offer starts in its file, for editors' messages.
	Line int
}

// Free says whether an offer costs nothing.
type Free int8

const (
	FreeUnknown Free = iota
	FreeYes
	FreeNo
)

// Tags are the marks filters use.
const (
	TagWomen     = "women"
	TagChildcare = "childcare"
)

// knownTags lists every tag an editor may use, with the words that find
// it in a free-text search.
var knownTags = map[string]string{
	TagWomen: "frauen frau women نساء زنان ښځې жінки женщины kadınlar jin haween femmes",
	TagChildcare: "kinderbetreuung kinderbetreut betreuung childcare حضانة رعاية الاطفال مهدکودک نگهداری کودک " +
		"догляд дітей присмотр детьми çocuk bakımı garde enfants",
	"children":   "kinder children اطفال کودکان діти дети çocuklar enfants",
	"youth":      "jugendliche jugend youth teenager شباب جوانان молодь молодежь gençler jeunes",
	"families":   "familien familie families عائلات خانواده сім'ї семьи aileler familles",
	"accessible": "barrierefrei rollstuhl accessible wheelchair",
	"online":     "online digital",
}

// Localized returns the offer's text for lang, and the language it is
// actually in: lang when the offer has a title in it, else German. Fields
// a translation leaves out are taken from German.
func (o *Offer) Localized(lang string) (Text, string) {
	de := o.Texts[SourceLang]
	t, ok := o.Texts[lang]
	if !ok || t.Title == "" {
		return de, SourceLang
	}
	if t.Description == "" {
		t.Description = de.Description
	}
	if t.TargetGroup == "" {
		t.TargetGroup = de.TargetGroup
	}
	if t.Hours == "" {
		t.Hours = de.Hours
	}
	return t, lang
}

// Speaks reports whether lang is spoken at the offer.
func (o *Offer) Speaks(lang string) bool { return slices.Contains(o.Languages, lang) }

// HasTag reports whether the offer carries a tag.
func (o *Offer) HasTag(tag string) bool { return slices.Contains(o.Tags, tag) }

// Expired reports whether the offer ended before the day of now (in now's
// location: an offer valid until today is still shown today).
func (o *Offer) Expired(now time.Time) bool { return o.endedBefore(today(now)) }

func (o *Offer) endedBefore(day time.Time) bool {
	return !o.ValidUntil.IsZero() && o.ValidUntil.Before(day)
}

// today is the start of now's day, as the dates in the file are read.
func today(now time.Time) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Category is one group of offers people pick first.
type Category struct {
	ID       string            `yaml:"id"`
	Icon     string            `yaml:"icon"`
	Title    map[string]string `yaml:"title"`
	Keywords string            `yaml:"keywords"`
}

// Label is the category's button text in lang (German if untranslated).
func (c *Category) Label(lang string) string {
	t := c.Title[lang]
	if t == "" {
		t = c.Title[SourceLang]
	}
	return c.Icon + " " + t
}

//go:embed categories.yaml
var categoriesYAML []byte

// DefaultCategories are the shipped categories, in display order.
func DefaultCategories() []Category {
	cats, err := ParseCategories("categories.yaml", categoriesYAML)
	if err != nil {
		panic(err) // embedded, checked by tests
	}
	return cats
}

// ParseCategories reads a categories file in the format of the shipped
// categories.yaml, for a municipality that names its own topics.
func ParseCategories(name string, data []byte) ([]Category, error) {
	var cats []Category
	if err := yaml.Unmarshal(data, &cats); err != nil {
		return nil, fmt.Errorf("offers: %s: %w", name, err)
	}
	if len(cats) == 0 {
		return nil, fmt.Errorf("offers: %s: no categories", name)
	}
	seen := map[string]bool{}
	for i, c := range cats {
		switch {
		case c.ID == "" || !idPattern.MatchString(c.ID) || len(c.ID) > 16:
			return nil, fmt.Errorf("offers: %s: category %d: id %q: use up to 16 lowercase letters, digits, '-', '_'", name, i+1, c.ID)
		case seen[c.ID]:
			return nil, fmt.Errorf("offers: %s: duplicate category %q", name, c.ID)
		case c.Title[SourceLang] == "":
			return nil, fmt.Errorf("offers: %s: category %q has no German title", name, c.ID)
		}
		seen[c.ID] = true
	}
	return cats, nil
}

//go:embed sample.csv
var sampleCSV []byte

// Sample is the shipped demo directory for Musterstadt, as the editors'
// CSV file; the demo and `lotse chat` use it.
func Sample() []byte { return slices.Clone(sampleCSV) }

// SampleName is how the sample is named in messages.
const SampleName = "sample.csv"

// Directory is a loaded, indexed set of offers. It is read-only.
type Directory struct {
	offers     []Offer
	categories []Category
	districts  []string
	// Version identifies the file the directory was built from.
	Version string
	byID    map[string]int32
	byCat   map[string][]int32 // offers of a category, in title order
	all     []int32            // every offer, in title order
	idx     *index
	// places holds each offer's position prepared for the haversine
	// formula, so sorting thousands by distance costs two sines each.
	places []place
}

type place struct {
	ok             bool
	latRad, lonRad float64
	cosLat         float64
}

// Build indexes offers. Problems are not checked here: callers validate
// with Parse first and pass only its offers.
func Build(list []Offer, cats []Category, version string) *Directory {
	d := &Directory{offers: list, categories: cats, Version: version,
		byID: make(map[string]int32, len(list)), byCat: map[string][]int32{}}
	seen := map[string]bool{}
	for i := range list {
		d.all = append(d.all, int32(i))
		d.byID[list[i].ID] = int32(i)
		if dist := list[i].District; dist != "" && !seen[dist] {
			seen[dist] = true
			d.districts = append(d.districts, dist)
		}
	}
	slices.SortStableFunc(d.all, func(a, b int32) int {
		return strings.Compare(strings.ToLower(list[a].Texts[SourceLang].Title), strings.ToLower(list[b].Texts[SourceLang].Title))
	})
	for _, i := range d.all {
		c := list[i].Category
		d.byCat[c] = append(d.byCat[c], i)
	}
	slices.Sort(d.districts)
	d.places = make([]place, len(list))
	for i, o := range list {
		if o.HasPlace {
			la, lo := o.Lat*math.Pi/180, o.Lon*math.Pi/180
			d.places[i] = place{ok: true, latRad: la, lonRad: lo, cosLat: math.Cos(la)}
		}
	}
	d.idx = buildIndex(d)
	return d
}

// Len is the number of offers, expired ones included.
func (d *Directory) Len() int { return len(d.offers) }

// Offer returns an offer by id.
func (d *Directory) Offer(id string) (*Offer, bool) {
	i, ok := d.byID[id]
	if !ok {
		return nil, false
	}
	return &d.offers[i], true
}

// Offers returns every offer in file order; callers must not change them.
func (d *Directory) Offers() []Offer { return d.offers }

// Categories returns the categories that have at least one offer that has
// not expired, in display order.
func (d *Directory) Categories(now time.Time) []Category {
	var out []Category
	for _, c := range d.categories {
		for _, i := range d.byCat[c.ID] {
			if !d.offers[i].Expired(now) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// AllCategories returns every category in display order, also those
// without current offers: list positions refer to it.
func (d *Directory) AllCategories() []Category { return d.categories }

// Category returns a category by id.
func (d *Directory) Category(id string) (Category, bool) {
	for _, c := range d.categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Districts are the districts offers name, sorted.
func (d *Directory) Districts() []string { return d.districts }

// Point is a place on Earth in degrees.
type Point struct{ Lat, Lon float64 }

func (p Point) place() place {
	la := p.Lat * math.Pi / 180
	return place{ok: true, latRad: la, lonRad: p.Lon * math.Pi / 180, cosLat: math.Cos(la)}
}

const earthRadiusKm = 6371.0088 // mean radius (IUGG)

// haversine is the haversine of the central angle between two places:
// it grows with the distance, so it orders places without the square root
// and arcsine that turn it into kilometres.
func haversine(a, b place) float64 {
	sLat := math.Sin((b.latRad - a.latRad) / 2)
	sLon := math.Sin((b.lonRad - a.lonRad) / 2)
	return sLat*sLat + a.cosLat*b.cosLat*sLon*sLon
}

func haversineKm(h float64) float64 { return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h))) }

// DistanceKm is the great-circle distance by the haversine formula, which
// stays accurate for the short distances within a town.
func DistanceKm(a, b Point) float64 {
	return haversineKm(haversine(a.place(), b.place()))
}
