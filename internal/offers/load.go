package offers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Severity says whether a problem blocks an import.
type Severity int

const (
	// SeverityError: the row is left out; import and check fail.
	SeverityError Severity = iota
	// SeverityWarning: worth fixing, the row is used.
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityError {
		return "error"
	}
	return "warning"
}

// Problem is one thing wrong in an editors' file.
type Problem struct {
	File     string
	Line     int
	Column   string // "" for the whole row or file
	ID       string // the offer, when known
	Severity Severity
	Msg      string
}

// String is the editors' form: "ERROR offers.csv:12: lat: not a number (offer ms-7)".
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-7s %s", strings.ToUpper(p.Severity.String()), p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Column != "" {
		b.WriteString(p.Column + ": ")
	}
	b.WriteString(p.Msg)
	if p.ID != "" {
		fmt.Fprintf(&b, " (offer %s)", p.ID)
	}
	return b.String()
}

// Errors counts the problems of SeverityError.
func Errors(ps []Problem) int {
	n := 0
	for _, p := range ps {
		if p.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Columns of the editors' file. The translatable ones also come as
// <column>_<lang>, e.g. title_ar, description_uk.
var (
	baseColumns = []string{"id", "title", "category", "description", "target_group", "address", "district",
		"lat", "lon", "languages", "free", "contact_phone", "contact_email", "url", "hours", "valid_until",
		"last_checked", "tags"}
	translatable    = []string{"title", "description", "target_group", "hours"}
	requiredColumns = []string{"id", "title", "category"}
)

// iso639 are the ISO 639-1 language codes, for the languages column and
// the suffixes of translated columns.
const iso639 = `aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi
mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc
sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
vo wa wo xh yi yo za zh zu`

var languageCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(iso639) {
		m[c] = true
	}
	return m
}()

// KnownLanguage reports whether code is an ISO 639-1 language code.
func KnownLanguage(code string) bool { return languageCodes[code] }

// MaxIDLen keeps an offer id short enough for Telegram's 64-byte button data.
const MaxIDLen = 24

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// cell is one value with the line it is on.
type cell struct {
	v    string
	line int
}

// row is one offer as read from either format: column → value.
type row struct {
	line  int
	cells map[string]cell
}

// Parse reads an editors' file — CSV, or YAML when name ends in .yaml or
// .yml — and checks every row against cats. It returns the offers without
// errors and every problem found. Nothing here depends on the date; see
// CheckDates.
func Parse(name string, data []byte, cats []Category) ([]Offer, []Problem) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // spreadsheet programs add a BOM
	var rows []row
	var probs []Problem
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		rows, probs = readYAML(name, data)
	default:
		rows, probs = readCSV(name, data)
	}
	p := parser{file: name, cats: cats, ids: map[string]int{}, ignored: map[string]bool{}, probs: probs}
	var out []Offer
	for _, r := range rows {
		if o, ok := p.offer(r); ok {
			out = append(out, o)
		}
	}
	p.checkPlaces(out)
	slices.SortStableFunc(p.probs, func(a, b Problem) int { return a.Line - b.Line })
	return out, p.probs
}

// readCSV reads a header row and one row per offer. Comma, semicolon (what
// German spreadsheet programs write) and tab separators are recognised
// from the header.
func readCSV(name string, data []byte) ([]row, []Problem) {
	header, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		sep = ';'
	}
	if bytes.Count(header, []byte("\t")) > bytes.Count(header, []byte(string(sep))) {
		sep = '\t'
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.FieldsPerRecord = sep, -1
	head, err := r.Read()
	if err != nil {
		return nil, []Problem{{File: name, Line: 1, Msg: "no header row: " + csvError(err)}}
	}
	var probs []Problem
	cols := make([]string, len(head))
	for i, h := range head {
		cols[i] = strings.ToLower(strings.TrimSpace(h))
	}
	for _, c := range requiredColumns {
		if !slices.Contains(cols, c) {
			probs = append(probs, Problem{File: name, Line: 1, Column: c, Msg: "required column is missing from the header"})
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	var rows []row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			probs = append(probs, Problem{File: name, Line: line, Msg: csvError(err)})
			if pe == nil || !errors.Is(pe.Err, csv.ErrFieldCount) {
				break // the reader cannot find the next row reliably
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(cols) {
			probs = append(probs, Problem{File: name, Line: line, Severity: SeverityError,
				Msg: fmt.Sprintf("has %d fields, the header %d (a separator inside a value needs quotes)", len(rec), len(cols))})
			continue
		}
		rw := row{line: line, cells: make(map[string]cell, len(cols))}
		empty := true
		for i, v := range rec {
			l, _ := r.FieldPos(i)
			rw.cells[cols[i]] = cell{v: strings.TrimSpace(v), line: l}
			empty = empty && strings.TrimSpace(v) == ""
		}
		if !empty {
			rows = append(rows, rw)
		}
	}
	return rows, probs
}

func csvError(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readYAML reads a list of offers with the same keys as the CSV columns,
// either at the top level or under "offers:". Lists (languages, tags) may
// be YAML lists.
func readYAML(name string, data []byte) ([]row, []Problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []Problem{{File: name, Msg: err.Error()}}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	list := doc.Content[0]
	if list.Kind == yaml.MappingNode {
		var found *yaml.Node
		for i := 0; i+1 < len(list.Content); i += 2 {
			if list.Content[i].Value == "offers" {
				found = list.Content[i+1]
			}
		}
		if found == nil {
			return nil, []Problem{{File: name, Line: list.Line, Msg: "want a list of offers, or a list under offers:"}}
		}
		list = found
	}
	if list.Kind != yaml.SequenceNode {
		return nil, []Problem{{File: name, Line: list.Line, Msg: "want a list of offers"}}
	}
	var rows []row
	var probs []Problem
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			probs = append(probs, Problem{File: name, Line: item.Line, Msg: "an offer must be a mapping of column: value"})
			continue
		}
		rw := row{line: item.Line, cells: map[string]cell{}}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			col := strings.ToLower(k.Value)
			switch v.Kind {
			case yaml.ScalarNode:
				rw.cells[col] = cell{v: strings.TrimSpace(v.Value), line: v.Line}
			case yaml.SequenceNode:
				var parts []string
				for _, e := range v.Content {
					parts = append(parts, e.Value)
				}
				rw.cells[col] = cell{v: strings.Join(parts, ","), line: v.Line}
			default:
				probs = append(probs, Problem{File: name, Line: v.Line, Column: col, Msg: "want a value or a list"})
			}
		}
		rows = append(rows, rw)
	}
	return rows, probs
}

type parser struct {
	file    string
	cats    []Category
	ids     map[string]int // id → line
	ignored map[string]bool
	probs   []Problem
}

func (p *parser) add(line int, col, id string, sev Severity, format string, args ...any) {
	p.probs = append(p.probs, Problem{File: p.file, Line: line, Column: col, ID: id, Severity: sev, Msg: fmt.Sprintf(format, args...)})
}

// offer checks one row; ok is false when it has errors.
func (p *parser) offer(r row) (o Offer, ok bool) {
	get := func(col string) cell {
		c, found := r.cells[col]
		if !found {
			c.line = r.line
		}
		return c
	}
	o = Offer{Line: r.line, Texts: map[string]Text{}}
	o.ID = get("id").v
	before := len(p.probs)
	errf := func(col string, format string, args ...any) {
		p.add(get(col).line, col, o.ID, SeverityError, format, args...)
	}
	warnf := func(col string, format string, args ...any) {
		p.add(get(col).line, col, o.ID, SeverityWarning, format, args...)
	}
	switch {
	case o.ID == "":
		errf("id", "missing id")
	case len(o.ID) > MaxIDLen || !idPattern.MatchString(o.ID):
		errf("id", "id %q: use up to %d lowercase letters, digits, '-', '_' or '.'", o.ID, MaxIDLen)
	case p.ids[o.ID] != 0:
		errf("id", "duplicate id %q (first on line %d)", o.ID, p.ids[o.ID])
	default:
		p.ids[o.ID] = r.line
	}

	// Unknown columns: a translated column with an unknown language is an
	// error (its text would be lost), anything else only a warning.
	for _, col := range sortedKeys(r.cells) {
		if slices.Contains(baseColumns, col) {
			continue
		}
		base, lang, found := cutLast(col, "_")
		if found && slices.Contains(translatable, base) {
			if r.cells[col].v == "" {
				continue
			}
			if !languageCodes[lang] {
				errf(col, "unknown language code %q in the column name (want e.g. %s_ar, %s_uk)", lang, base, base)
			} else if lang == SourceLang {
				errf(col, "German is the column %s itself", base)
			}
			continue
		}
		if !p.ignored[col] {
			// Once per file: spreadsheets carry the office's own columns.
			p.ignored[col] = true
			warnf(col, "unknown column, ignored")
		}
	}

	texts := map[string]*Text{SourceLang: {}}
	for col, c := range r.cells {
		base, lang := col, SourceLang
		if b, l, found := cutLast(col, "_"); found && slices.Contains(translatable, b) && languageCodes[l] {
			base, lang = b, l
		} else if !slices.Contains(translatable, col) {
			continue
		}
		if c.v == "" {
			continue
		}
		t := texts[lang]
		if t == nil {
			t = &Text{}
			texts[lang] = t
		}
		switch base {
		case "title":
			t.Title = c.v
		case "description":
			t.Description = c.v
		case "target_group":
			t.TargetGroup = c.v
		case "hours":
			t.Hours = c.v
		}
	}
	if texts[SourceLang].Title == "" {
		errf("title", "missing title")
	}
	for _, lang := range sortedKeys(texts) {
		t := texts[lang]
		if lang != SourceLang && t.Title == "" {
			warnf("title_"+lang, "translation into %s has no title, so it is not shown", lang)
		}
		if lang != SourceLang && t.Title != "" && t.Description == "" && texts[SourceLang].Description != "" {
			warnf("description_"+lang, "translation into %s has a title but no description; German is shown for it", lang)
		}
		o.Texts[lang] = *t
	}

	o.Category = get("category").v
	switch {
	case o.Category == "":
		errf("category", "missing category")
	case !slices.ContainsFunc(p.cats, func(c Category) bool { return c.ID == o.Category }):
		errf("category", "unknown category %q; known: %s", o.Category, categoryIDs(p.cats))
	}

	o.Address, o.District = get("address").v, get("district").v
	lat, lon := get("lat").v, get("lon").v
	if lat != "" || lon != "" {
		la, errLa := parseCoord(lat, 90)
		lo, errLo := parseCoord(lon, 180)
		if errLa != "" {
			errf("lat", "%s", errLa)
		}
		if errLo != "" {
			errf("lon", "%s", errLo)
		}
		o.Lat, o.Lon, o.HasPlace = la, lo, errLa == "" && errLo == ""
	} else if o.Address != "" {
		warnf("lat", "no coordinates: people cannot get a map location or sort by distance")
	}

	for _, l := range splitList(get("languages").v) {
		l = strings.ToLower(l)
		if !languageCodes[l] {
			errf("languages", "unknown language code %q (use ISO 639-1 codes such as de, ar, fa, uk)", l)
			continue
		}
		if !slices.Contains(o.Languages, l) {
			o.Languages = append(o.Languages, l)
		}
	}
	switch v := strings.ToLower(get("free").v); v {
	case "":
	case "yes", "ja", "true", "1", "y", "j", "x", "kostenlos":
		o.Free = FreeYes
	case "no", "nein", "false", "0", "n":
		o.Free = FreeNo
	default:
		errf("free", "want yes or no (ja/nein), got %q", v)
	}
	for _, tg := range splitList(get("tags").v) {
		tg = strings.ToLower(tg)
		if _, known := knownTags[tg]; !known {
			errf("tags", "unknown tag %q; known: %s", tg, strings.Join(sortedKeys(knownTags), ", "))
			continue
		}
		if !slices.Contains(o.Tags, tg) {
			o.Tags = append(o.Tags, tg)
		}
	}
	o.Phone = get("contact_phone").v
	if o.Phone != "" && strings.Trim(o.Phone, "+0123456789 ()/-") != "" {
		errf("contact_phone", "%q is not a phone number (digits, spaces, + / - ( ) only)", o.Phone)
	}
	o.Email = get("contact_email").v
	if o.Email != "" && (strings.Count(o.Email, "@") != 1 || strings.ContainsAny(o.Email, " ,;<>") || !strings.Contains(o.Email[strings.Index(o.Email, "@"):], ".")) {
		errf("contact_email", "%q is not an e-mail address", o.Email)
	}
	o.URL = get("url").v
	if o.URL != "" {
		if msg, sev := checkURL(o.URL); msg != "" {
			p.add(get("url").line, "url", o.ID, sev, "%s", msg)
		}
	}
	var bad string
	if o.ValidUntil, bad = parseDate(get("valid_until").v); bad != "" {
		errf("valid_until", "%s", bad)
	}
	if o.LastChecked, bad = parseDate(get("last_checked").v); bad != "" {
		errf("last_checked", "%s", bad)
	}
	for _, pr := range p.probs[before:] {
		if pr.Severity == SeverityError {
			return o, false
		}
	}
	return o, true
}

// checkPlaces warns about coordinates far from all the others: usually
// latitude and longitude swapped, or a typo in a digit.
func (p *parser) checkPlaces(list []Offer) {
	var lats, lons []float64
	for _, o := range list {
		if o.HasPlace {
			lats, lons = append(lats, o.Lat), append(lons, o.Lon)
		}
	}
	if len(lats) < 3 {
		return
	}
	sort.Float64s(lats)
	sort.Float64s(lons)
	mid := Point{lats[len(lats)/2], lons[len(lons)/2]}
	const far = 100 // km; a town's offers are within a few
	for _, o := range list {
		if o.HasPlace {
			if d := DistanceKm(mid, Point{o.Lat, o.Lon}); d > far {
				p.add(o.Line, "lat", o.ID, SeverityWarning, "%.6g, %.6g is %.0f km from the other offers: latitude and longitude swapped, or a wrong digit?", o.Lat, o.Lon, d)
			}
		}
	}
}

// CheckDates reports what depends on the date: offers that have ended
// (hidden from people) and offers not checked for longer than maxAge (0:
// not reported).
func CheckDates(file string, list []Offer, now time.Time, maxAge time.Duration) []Problem {
	var out []Problem
	for i := range list {
		o := &list[i]
		switch {
		case o.Expired(now):
			out = append(out, Problem{File: file, Line: o.Line, Column: "valid_until", ID: o.ID, Severity: SeverityWarning,
				Msg: fmt.Sprintf("ended on %s: hidden from people; remove it or give a new date", o.ValidUntil.Format(time.DateOnly))})
		case maxAge > 0 && o.LastChecked.IsZero():
			out = append(out, Problem{File: file, Line: o.Line, Column: "last_checked", ID: o.ID, Severity: SeverityWarning,
				Msg: "never checked: ask the provider whether it still runs and enter the date"})
		case maxAge > 0 && now.Sub(o.LastChecked) > maxAge:
			out = append(out, Problem{File: file, Line: o.Line, Column: "last_checked", ID: o.ID, Severity: SeverityWarning,
				Msg: fmt.Sprintf("not checked since %s (%d days): ask the provider whether it still runs", o.LastChecked.Format(time.DateOnly), int(now.Sub(o.LastChecked).Hours()/24))})
		}
	}
	return out
}

// checkURL reports a source address that cannot work ("dead-looking"):
// no scheme or host, spaces, a placeholder host. Plain http is a warning.
func checkURL(s string) (string, Severity) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a valid address", s), SeverityError
	case strings.ContainsAny(s, " \t\n"):
		return fmt.Sprintf("%q contains spaces", s), SeverityError
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Sprintf("%q must start with https://", s), SeverityError
	case u.Hostname() == "" || !strings.Contains(u.Hostname(), ".") || strings.HasSuffix(u.Hostname(), "."):
		return fmt.Sprintf("%q has no valid host name", s), SeverityError
	case slices.Contains([]string{"example.com", "example.org", "example.net", "localhost"}, u.Hostname()) ||
		strings.Contains(strings.ToLower(s), "todo") || strings.Contains(s, "..."):
		return fmt.Sprintf("%q looks like a placeholder", s), SeverityError
	case u.Scheme == "http":
		return fmt.Sprintf("%q is not encrypted; use https:// if the site offers it", s), SeverityWarning
	}
	return "", SeverityError
}

func parseCoord(s string, limit float64) (float64, string) {
	if s == "" {
		return 0, "missing (give both lat and lon, or neither)"
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Sprintf("%q is not a number in degrees, e.g. 51.9607", s)
	case math.Abs(v) > limit:
		return 0, fmt.Sprintf("%s is outside ±%g degrees", s, limit)
	}
	return v, ""
}

// parseDate reads YYYY-MM-DD or the German DD.MM.YYYY.
func parseDate(s string) (time.Time, string) {
	if s == "" {
		return time.Time{}, ""
	}
	for _, layout := range []string{time.DateOnly, "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, ""
		}
	}
	return time.Time{}, fmt.Sprintf("%q is not a date; write 2026-12-31 or 31.12.2026", s)
}

// splitList splits "de, ar; fa" or "de ar fa".
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' || r == '|' })
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func categoryIDs(cats []Category) string {
	ids := make([]string, len(cats))
	for i, c := range cats {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
