package flows

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/kb"
	"lotse/internal/offers"
	"lotse/internal/stats"
)

// Local offers: the municipality's directory of courses, counselling,
// clubs and everyday help. A person picks a topic, narrows the list with
// filters (spoken in my language, free, for women, with childcare, a
// district, near a location they share) and opens one offer with its map
// location. Typed questions find offers too (suggestOffers, called from
// onText), and a case manager sends one into a hand-over with /offer.
//
// A list's whole state travels in its buttons — topic, filters, place and
// page — so nothing about it is stored; a shared location only ever lives
// in the buttons of the list sorted by it.

// OfferDirectory gives the directory in use; it changes when editors
// import a new file, so it is asked for each request.
type OfferDirectory interface {
	Current() *offers.Directory
}

const (
	actOffers        = "o"  // the topics
	actOfferList     = "ol" // a list: state
	actOffer         = "oo" // one offer: id|state
	actOfferDistrict = "od" // pick a district for a list: state
	actOfferNear     = "on" // ask for the location for a list: state

	offersPerPage  = 5
	offerSuggested = 3
	screenOffers   = "offers"
	// Filter letters in a list's state.
	filterLang, filterFree, filterWomen, filterChildcare = 'L', 'F', 'W', 'C'
)

func (e *Engine) offerRoutes(t *table) {
	t.command("offers", e.showOffers)
	t.button(actOffers, e.showOffers)
	t.button(actOfferList, e.showOfferList)
	t.button(actOffer, e.showOffer)
	t.button(actOfferDistrict, e.askOfferDistrict)
	t.button(actOfferNear, e.askOfferLocation)
	// Without a directory /offer only explains itself: not in the menu.
	menu := ""
	if e.offers != nil {
		menu = "staff.cmd.offer"
	}
	t.staffCommand("offer", menu, e.sendOffer)
}

// offerDir is the directory to show, nil when the municipality has none.
func (e *Engine) offerDir() *offers.Directory {
	if e.offers == nil {
		return nil
	}
	if d := e.offers.Current(); d != nil && d.Len() > 0 {
		return d
	}
	return nil
}

// listState is where a person is in the offers: a topic (index into the
// categories, -1 all), filters, a district or a location, a page.
type listState struct {
	cat      int
	flags    string
	district int // index into Districts, -1 none
	near     *offers.Point
	page     int
}

func (s listState) String() string {
	place := ""
	switch {
	case s.near != nil:
		// Three decimals are about 100 m: enough to sort a town's offers.
		place = strconv.FormatFloat(s.near.Lat, 'f', 3, 64) + "," + strconv.FormatFloat(s.near.Lon, 'f', 3, 64)
	case s.district >= 0:
		place = "d" + strconv.Itoa(s.district)
	}
	return strconv.Itoa(s.cat) + "|" + s.flags + "|" + place + "|" + strconv.Itoa(s.page)
}

func parseListState(arg string) (listState, bool) {
	s := listState{cat: -1, district: -1}
	parts := strings.Split(arg, "|")
	if len(parts) != 4 {
		return s, false
	}
	var err error
	if s.cat, err = strconv.Atoi(parts[0]); err != nil {
		return s, false
	}
	if strings.Trim(parts[1], "LFWC") != "" {
		return s, false
	}
	s.flags = parts[1]
	switch place := parts[2]; {
	case strings.HasPrefix(place, "d"):
		if s.district, err = strconv.Atoi(place[1:]); err != nil {
			return s, false
		}
	case place != "":
		lat, lon, ok := strings.Cut(place, ",")
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if !ok || err1 != nil || err2 != nil || math.Abs(la) > 90 || math.Abs(lo) > 180 {
			return s, false
		}
		s.near = &offers.Point{Lat: la, Lon: lo}
	}
	// Pages beyond any directory are refused: they would only overflow.
	if s.page, err = strconv.Atoi(parts[3]); err != nil || s.page < 0 || s.page > 100000 {
		return s, false
	}
	return s, true
}

func (s listState) has(f rune) bool { return strings.ContainsRune(s.flags, f) }

// toggle switches a filter and goes back to the first page.
func (s listState) toggle(f rune) listState {
	if s.has(f) {
		s.flags = strings.ReplaceAll(s.flags, string(f), "")
	} else {
		s.flags += string(f)
	}
	s.page = 0
	return s
}

func (s listState) filter(d *offers.Directory, lang string) offers.Filter {
	f := offers.Filter{Free: s.has(filterFree), Women: s.has(filterWomen), Childcare: s.has(filterChildcare), Near: s.near}
	if s.has(filterLang) {
		f.Lang = lang
	}
	if cats := d.AllCategories(); s.cat >= 0 && s.cat < len(cats) {
		f.Category = cats[s.cat].ID
	}
	if ds := d.Districts(); s.district >= 0 && s.district < len(ds) {
		f.District = ds[s.district]
	}
	return f
}

// openOffers answers a typed request for the offers; a first message is
// greeted first.
func (e *Engine) openOffers(ctx context.Context, r *Request) error {
	if r.New {
		if err := e.start(ctx, r); err != nil {
			return err
		}
	}
	return e.showOffers(ctx, r)
}

// showOffers lists the topics that have current offers.
func (e *Engine) showOffers(ctx context.Context, r *Request) error {
	d := e.offerDir()
	if d == nil {
		return e.showMenu(ctx, r)
	}
	t := r.T
	r.Session.Screen = screenOffers
	all := d.AllCategories()
	var rows [][]domain.Button
	var row []domain.Button
	for _, c := range d.Categories(r.now) {
		for i := range all {
			if all[i].ID == c.ID {
				row = append(row, button(c.Label(t.Lang()), actOfferList, listState{cat: i, district: -1}.String()))
			}
		}
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	everything := listState{cat: -1, district: -1}
	rows = append(rows,
		domain.Row(button(t.T("offers.near", nil), actOfferNear, everything.String()), button(t.T("offers.district", nil), actOfferDistrict, everything.String())),
		e.menuRow(r))
	r.Show(t.T("offers.intro", i18n.Data{"Town": e.set.Town}), rows...)
	return nil
}

// reopenOffers shows the offers screen the person was on again: the list
// with its topic and filters (first page), or the topics.
func (e *Engine) reopenOffers(ctx context.Context, r *Request) error {
	if st, ok := strings.CutPrefix(r.Session.Screen, screenOffers+":"); ok {
		if s, ok := parseListState(st); ok {
			return e.renderOfferList(r, e.offerDir(), s)
		}
	}
	return e.showOffers(ctx, r)
}

// showOfferList shows one page of a topic's offers with the filters.
func (e *Engine) showOfferList(ctx context.Context, r *Request) error {
	d := e.offerDir()
	s, ok := parseListState(r.Event.Action.Arg)
	if d == nil || !ok {
		return e.staleButton(ctx, r)
	}
	return e.renderOfferList(r, d, s)
}

func (e *Engine) renderOfferList(r *Request, d *offers.Directory, s listState) error {
	t := r.T
	lang := t.Lang()
	// The screen keeps topic and filters, never a location.
	mem := s
	mem.near, mem.page = nil, 0
	r.Session.Screen = screenOffers + ":" + mem.String()

	hits, total := d.Browse(s.filter(d, lang), r.now, s.page*offersPerPage, offersPerPage)
	if s.page > 0 && len(hits) == 0 && total > 0 {
		s.page = (total - 1) / offersPerPage
		hits, _ = d.Browse(s.filter(d, lang), r.now, s.page*offersPerPage, offersPerPage)
	}
	title := t.T("offers.all", nil)
	if cats := d.AllCategories(); s.cat >= 0 && s.cat < len(cats) {
		title = cats[s.cat].Label(lang)
	}
	pages := max(1, (total+offersPerPage-1)/offersPerPage)
	lines := []string{fmt.Sprintf("%s (%d) · %d/%d", title, total, s.page+1, pages)}
	if ds := d.Districts(); s.district >= 0 && s.district < len(ds) {
		lines = append(lines, "🏘 "+ds[s.district])
	}
	if s.near != nil {
		lines = append(lines, t.T("offers.sorted_by_distance", nil))
	}
	var rows [][]domain.Button
	for i, h := range hits {
		txt, _ := h.Offer.Localized(lang)
		line := fmt.Sprintf("%d. %s", s.page*offersPerPage+i+1, txt.Title)
		var facts []string
		if h.Offer.District != "" {
			facts = append(facts, isolate(t, h.Offer.District))
		}
		if h.Km >= 0 {
			facts = append(facts, isolate(t, formatKm(h.Km)))
		}
		if h.Offer.Free == offers.FreeYes {
			facts = append(facts, t.T("offers.free_short", nil))
		}
		if len(facts) > 0 {
			line += " — " + strings.Join(facts, " · ")
		}
		lines = append(lines, line)
		rows = append(rows, domain.Row(button(fmt.Sprintf("%d. %s", s.page*offersPerPage+i+1, shorten(txt.Title, 48)), actOffer, offerArg(h.Offer.ID, s))))
	}
	if total == 0 {
		lines = append(lines, "", t.T("offers.none", nil))
	}
	var nav []domain.Button
	if s.page > 0 {
		p := s
		p.page--
		nav = append(nav, button(t.T("offers.prev", nil), actOfferList, p.String()))
	}
	if (s.page+1)*offersPerPage < total {
		p := s
		p.page++
		nav = append(nav, button(t.T("offers.next", nil), actOfferList, p.String()))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	mark := func(on bool, label string) string {
		if on {
			return "✅ " + label
		}
		return label
	}
	rows = append(rows,
		domain.Row(
			button(mark(s.has(filterLang), t.T("offers.filter_language", nil)), actOfferList, s.toggle(filterLang).String()),
			button(mark(s.has(filterFree), t.T("offers.filter_free", nil)), actOfferList, s.toggle(filterFree).String())),
		domain.Row(
			button(mark(s.has(filterWomen), t.T("offers.filter_women", nil)), actOfferList, s.toggle(filterWomen).String()),
			button(mark(s.has(filterChildcare), t.T("offers.filter_childcare", nil)), actOfferList, s.toggle(filterChildcare).String())))
	noPlace := s
	noPlace.near, noPlace.district, noPlace.page = nil, -1, 0
	rows = append(rows,
		domain.Row(
			button(mark(s.near != nil, t.T("offers.near", nil)), actOfferNear, noPlace.String()),
			button(mark(s.district >= 0, t.T("offers.district", nil)), actOfferDistrict, noPlace.String())),
		domain.Row(button(t.T("offers.topics", nil), actOffers, ""), button(t.T("button.menu", nil), actMenu, "")))
	r.Show(strings.Join(lines, "\n"), rows...)
	return nil
}

// offerArg is a button's argument for one offer: its id and the list to
// go back to. Telegram allows 64 bytes of button data; a list with a far
// location is left unsorted rather than make the button too long.
func offerArg(id string, s listState) string {
	arg := id + "|" + s.String()
	if len(arg) > 48 {
		s.near = nil
		arg = id + "|" + s.String()
	}
	return arg
}

// askOfferDistrict lists the districts for a list.
func (e *Engine) askOfferDistrict(ctx context.Context, r *Request) error {
	d := e.offerDir()
	s, ok := parseListState(r.Event.Action.Arg)
	if d == nil || !ok {
		return e.staleButton(ctx, r)
	}
	var rows [][]domain.Button
	for i, name := range d.Districts() {
		p := s
		p.district, p.near, p.page = i, nil, 0
		rows = append(rows, domain.Row(button("🏘 "+name, actOfferList, p.String())))
	}
	all := s
	all.district, all.near, all.page = -1, nil, 0
	rows = append(rows, domain.Row(button(r.T.T("offers.all_districts", nil), actOfferList, all.String())))
	r.Show(r.T.T("offers.pick_district", nil), rows...)
	return nil
}

// askOfferLocation explains how to share a location. The list it is for
// is remembered as the screen (topic and filters only).
func (e *Engine) askOfferLocation(ctx context.Context, r *Request) error {
	s, ok := parseListState(r.Event.Action.Arg)
	if e.offerDir() == nil || !ok {
		return e.staleButton(ctx, r)
	}
	s.near, s.district, s.page = nil, -1, 0
	r.Session.Screen = screenOffers + ":" + s.String()
	back := button(r.T.T("offers.back", nil), actOfferList, s.String())
	r.Show(r.T.T("offers.share_location", nil), domain.Row(back))
	return nil
}

// offersNearby answers a shared location: the offers of the list the
// person was in (or all), nearest first. The location is not kept.
func (e *Engine) offersNearby(ctx context.Context, r *Request) error {
	d := e.offerDir()
	loc := r.Event.Location
	if d == nil || loc == nil {
		r.Say(r.T.T("input.other", nil), e.menuRow(r))
		return nil
	}
	s := listState{cat: -1, district: -1}
	if st, ok := strings.CutPrefix(r.Session.Screen, screenOffers+":"); ok {
		if prev, ok := parseListState(st); ok {
			s = prev
		}
	}
	s.near, s.district, s.page = &offers.Point{Lat: round3(loc.Lat), Lon: round3(loc.Lon)}, -1, 0
	return e.renderOfferList(r, d, s)
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// showOffer shows one offer, then its map location.
func (e *Engine) showOffer(ctx context.Context, r *Request) error {
	d := e.offerDir()
	id, st, _ := strings.Cut(r.Event.Action.Arg, "|")
	s, ok := parseListState(st)
	if !ok {
		s = listState{cat: -1, district: -1}
	}
	var o *offers.Offer
	if d != nil {
		o, ok = d.Offer(id)
	}
	if !ok || o.Expired(r.now) {
		return e.staleButton(ctx, r)
	}
	km := -1.0
	if s.near != nil && o.HasPlace {
		km = offers.DistanceKm(*s.near, offers.Point{Lat: o.Lat, Lon: o.Lon})
	}
	t := r.T
	rows := [][]domain.Button{}
	if o.URL != "" {
		rows = append(rows, domain.Row(domain.Button{Label: t.T("offers.website", nil), URL: o.URL}))
	}
	rows = append(rows,
		domain.Row(button(t.T("offers.back", nil), actOfferList, s.String()), button(t.T("button.menu", nil), actMenu, "")),
		domain.Row(button(t.T("button.person", nil), actHandover, "")))
	r.Show(e.offerText(t, d, o, km), rows...)
	r.count(stats.OfferViewed(o.Category))
	if v := offerVenue(t, o); v != nil {
		r.send(domain.Reply{Venue: v})
	}
	return nil
}

// offerText is one offer in the reader's language, or in German, marked.
func (e *Engine) offerText(t *i18n.Localizer, d *offers.Directory, o *offers.Offer, km float64) string {
	lang := t.Lang()
	txt, in := o.Localized(lang)
	icon := ""
	if c, ok := d.Category(o.Category); ok {
		icon = c.Icon + " "
	}
	parts := []string{icon + txt.Title}
	if txt.Description != "" {
		parts = append(parts, txt.Description)
	}
	var facts []string
	fact := func(label, value string) {
		if value != "" {
			facts = append(facts, t.T(label, nil)+" "+value)
		}
	}
	fact("offers.for_whom", txt.TargetGroup)
	fact("offers.when", txt.Hours)
	where := o.Address
	if o.District != "" {
		where = strings.TrimSpace(where + " (" + o.District + ")")
	}
	if km >= 0 {
		where += " · " + formatKm(km)
	}
	fact("offers.where", isolate(t, where))
	var spoken []string
	for _, l := range o.Languages {
		spoken = append(spoken, languageName(e, l))
	}
	fact("offers.languages", strings.Join(spoken, ", "))
	switch o.Free {
	case offers.FreeYes:
		facts = append(facts, t.T("offers.free", nil))
	case offers.FreeNo:
		facts = append(facts, t.T("offers.not_free", nil))
	}
	var contact []string
	for _, c := range []string{o.Phone, o.Email} {
		if c != "" {
			contact = append(contact, isolate(t, c))
		}
	}
	fact("offers.contact", strings.Join(contact, " · "))
	if len(facts) > 0 {
		parts = append(parts, strings.Join(facts, "\n"))
	}
	var notes []string
	if o.URL != "" {
		notes = append(notes, t.T("offers.source", i18n.Data{"URL": o.URL}))
	}
	if !o.LastChecked.IsZero() {
		notes = append(notes, t.T("offers.checked", i18n.Data{"Date": formatDate(t, o.LastChecked)}))
	}
	if in != lang {
		notes = append(notes, t.T("offers.german_only", nil))
	}
	if len(notes) > 0 {
		parts = append(parts, strings.Join(notes, "\n"))
	}
	out := strings.Join(parts, "\n\n")
	if utf8.RuneCountInString(out) > 3500 {
		// Telegram's limit is 4096; a long description is cut, the facts stay.
		out = shorten(out, 3500)
	}
	return out
}

// offerVenue is the offer's map location, nil without coordinates.
func offerVenue(t *i18n.Localizer, o *offers.Offer) *domain.Venue {
	if !o.HasPlace {
		return nil
	}
	txt, _ := o.Localized(t.Lang())
	return &domain.Venue{Lat: o.Lat, Lon: o.Lon, Title: shorten(txt.Title, 100), Address: o.Address}
}

// languageName names a spoken language in itself where Lotse speaks it.
func languageName(e *Engine, code string) string {
	if i18n.Shipped(code) {
		return e.msgs.For(code).T("language.name", nil)
	}
	return strings.ToUpper(code)
}

func formatKm(km float64) string {
	if km < 1 {
		return fmt.Sprintf("%d m", int(math.Round(km*10))*100)
	}
	return fmt.Sprintf("%.1f km", km)
}

// isolate keeps addresses and numbers in order inside right-to-left text.
func isolate(t *i18n.Localizer, s string) string {
	if s != "" && t.RTL() {
		return i18n.Isolate(s)
	}
	return s
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// onOffersScreen reports whether the person is among the offers: their
// topics, a list or one offer.
func onOffersScreen(s *domain.Session) bool {
	return s.Screen == screenOffers || strings.HasPrefix(s.Screen, screenOffers+":")
}

// isOffersRequest reports whether a message asks for the offers as such
// ("Angebote", "courses", "دورات"): the trigger words of every language,
// because people type in the words they know.
func (e *Engine) isOffersRequest(r *Request, text string) bool {
	if e.offerDir() == nil || utf8.RuneCountInString(text) > 40 {
		return false
	}
	return e.offerTriggers[r.analyzed(text).Norm]
}

// offerTriggerSet reads the trigger words of every language once.
func offerTriggerSet(msgs *i18n.Bundle) map[string]bool {
	set := map[string]bool{}
	for _, l := range i18n.Languages {
		for _, w := range strings.Split(msgs.For(l.Code).T("offers.triggers", nil), ",") {
			if n := kb.Normalize(w); n != "" {
				set[n] = true
			}
		}
	}
	return set
}

// suggestOffers adds the offers that fit a typed question, as buttons
// under a short note; it reports whether it found any.
func (e *Engine) suggestOffers(r *Request, text string) bool {
	d := e.offerDir()
	if d == nil {
		return false
	}
	hits := d.SearchMessage(r.analyzed(text), r.T.Lang(), offers.Filter{Topic: true}, r.now, offerSuggested)
	if len(hits) == 0 {
		return false
	}
	everything := listState{cat: -1, district: -1}
	rows := make([][]domain.Button, 0, len(hits)+1)
	for _, h := range hits {
		txt, _ := h.Offer.Localized(r.T.Lang())
		icon := ""
		if c, ok := d.Category(h.Offer.Category); ok {
			icon = c.Icon + " "
		}
		rows = append(rows, domain.Row(button(shorten(icon+txt.Title, 60), actOffer, offerArg(h.Offer.ID, everything))))
	}
	rows = append(rows, domain.Row(button(r.T.T("offers.more", nil), actOffers, "")))
	r.Say(r.T.T("offers.suggest", nil), rows...)
	return true
}

// sendOffer is the staff command /offer: as a reply to a ticket's message
// with an offer id it sends that offer to the person in their language;
// with words instead of an id it lists matching offers and their ids.
func (e *Engine) sendOffer(ctx context.Context, r *Request) error {
	st, d := r.staff, e.offerDir()
	arg := strings.TrimSpace(r.Event.Args)
	say := func(id string, data i18n.Data) {
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: e.staff.T(id, data)})
	}
	if d == nil || arg == "" {
		say("staff.offer_usage", nil)
		return nil
	}
	o, ok := d.Offer(strings.ToLower(arg))
	if !ok || o.Expired(r.now) {
		hits := d.Search(arg, i18n.Default, offers.Filter{}, r.now, 8)
		if len(hits) == 0 {
			say("staff.offer_none", nil)
			return nil
		}
		lines := []string{e.staff.T("staff.offer_found", nil)}
		for _, h := range hits {
			lines = append(lines, "/offer "+h.Offer.ID+" — "+h.Offer.Texts[offers.SourceLang].Title)
		}
		r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: strings.Join(lines, "\n")})
		return nil
	}
	id, err := e.tickets.RelayedTicket(ctx, r.Event.ReplyTo)
	if errors.Is(err, domain.ErrNotFound) {
		say("staff.offer_usage", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("offers: send offer %s: %w", o.ID, err)
	}
	// An offer is a hint, not an answer: it does not take a waiting
	// ticket.
	tk, ok, err := e.reachable(ctx, r, st, id)
	if err != nil {
		return fmt.Errorf("offers: send offer %s: %w", o.ID, err)
	}
	if !ok {
		return nil
	}
	t := e.msgs.For(tk.Lang)
	r.send(domain.Reply{ChatID: tk.ChatID, Text: t.T("offers.from_staff", i18n.Data{"Name": st.Name}) + "\n\n" + e.offerText(t, d, o, -1),
		OnRefused: e.undelivered(tk)})
	if v := offerVenue(t, o); v != nil {
		r.send(domain.Reply{ChatID: tk.ChatID, Venue: v})
	}
	say("staff.offer_sent", i18n.Data{"ID": id, "Offer": o.ID})
	return e.tickets.Touch(ctx, id, r.now, 0)
}
