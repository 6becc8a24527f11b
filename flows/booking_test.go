package flows_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"lotse/flows"
	"lotse/internal/calendar"
	"lotse/internal/domain"
	"lotse/internal/i18n"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
	"lotse/internal/testclock"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

type langs map[int64]string

func (l langs) Language(_ context.Context, chat int64) (string, error) { return l[chat], nil }

// bookingEngine has office hours Mon–Fri 09:00–11:00 in 30-minute slots,
// held by Anna (Arabic) and Omar (Dari), one person each.
func bookingEngine(t *testing.T, sessions langs) (*flows.Engine, *redisstore.Store) {
	t.Helper()
	store := mustStore(t)
	return bookingEngineWith(t, store, store.Bookings(0), sessions), store
}

// bookingEngineWith is bookingEngine on a given booking store.
func bookingEngineWith(t *testing.T, store *redisstore.Store, bookings domain.BookingStore, sessions langs, opts ...func(*flows.Settings)) *flows.Engine {
	t.Helper()
	rules := flows.BookingRules{
		Calendar: calendar.Calendar{Loc: berlin, Rules: []calendar.Rule{{
			Office: "rathaus", Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday},
			From: 9 * time.Hour, To: 11 * time.Hour, Slot: 30 * time.Minute, Capacity: 1, Staff: []int64{anna.UserID, omar.UserID},
		}}},
		DaysAhead: 14, MinLead: 2 * time.Hour, MaxActive: 2, Topics: []string{"housing", "status", "work", "other"},
		Reminders: []time.Duration{24 * time.Hour, 2 * time.Hour},
	}
	return mustEngineWithDeps(t, flows.Deps{Tickets: store.Tickets(0), Bookings: bookings, Reminders: store.Reminders(), Sessions: sessions},
		func(s *flows.Settings) {
			s.Booking = rules
			s.Offices = []flows.Office{{ID: "rathaus", Name: i18n.German("Rathaus"), Address: "Marktplatz 1", Phone: "+49 1", Lat: 51.96, Lon: 7.62, Notes: i18n.German("Zimmer 104")}}
			for _, o := range opts {
				o(s)
			}
		})
}

func find(t *testing.T, res domain.Result, action string) domain.Button {
	t.Helper()
	for _, b := range buttons(res) {
		if b.Action.Name == action {
			return b
		}
	}
	t.Fatalf("no %q button in %+v", action, buttons(res))
	return domain.Button{}
}

// bookTo starts a booking from s and presses the first button of each
// action in turn ("bt" a topic, "bd" a day, "bs" a time); the last
// result is on the step the last action opened.
func bookTo(t *testing.T, e *flows.Engine, s domain.Session, actions ...string) domain.Result {
	t.Helper()
	res := e.Handle(context.Background(), s, false, personPress("b", ""))
	for _, a := range actions {
		res = e.Handle(context.Background(), *res.Session, false, personPress(a, find(t, res, a).Action.Arg))
	}
	return res
}

func bookFirstSlot(t *testing.T, e *flows.Engine, s domain.Session, chat int64) (domain.Result, domain.Session) {
	t.Helper()
	ctx := context.Background()
	ev := func(name, arg string) domain.Event {
		return domain.Event{Kind: domain.EventButton, ChatID: chat, FirstName: "Amal", MessageID: 9, Action: domain.Action{Name: name, Arg: arg}}
	}
	res := e.Handle(ctx, s, false, ev("b", ""))
	res = e.Handle(ctx, *res.Session, false, ev("bt", find(t, res, "bt").Action.Arg))
	day := find(t, res, "bd")
	res = e.Handle(ctx, *res.Session, false, ev("bd", day.Action.Arg))
	slot := find(t, res, "bs")
	res = e.Handle(ctx, *res.Session, false, ev("bs", slot.Action.Arg))
	confirm := find(t, res, "bc")
	res = e.Handle(ctx, *res.Session, false, ev("bc", confirm.Action.Arg))
	return res, *res.Session
}

func TestBooking_BookCancel(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	s := amalSession()
	res, s := bookFirstSlot(t, e, s, amalChat)
	text := allText(res)
	if !strings.Contains(text, "Marktplatz 1") || !strings.Contains(text, "Zimmer 104") {
		t.Fatalf("confirmation = %q", text)
	}
	var venue, ics bool
	for _, rep := range res.Replies {
		venue = venue || rep.Venue != nil && rep.Venue.Lat == 51.96
		if rep.Document != nil && strings.HasSuffix(rep.Document.Name, ".ics") {
			ics = strings.Contains(string(rep.Document.Data), "DTSTART:") && strings.Contains(string(rep.Document.Data), "BEGIN:VEVENT")
		}
	}
	if !venue || !ics {
		t.Errorf("confirmation lacks map (%v) or calendar file (%v)", venue, ics)
	}
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	if len(mine) != 1 || mine[0].Staff != anna.UserID || mine[0].Lang != "ar" {
		t.Fatalf("booking = %+v (the Arabic speaker should be preferred)", mine)
	}
	bk := mine[0]
	// Booked less than a day ahead: the day-before reminder has passed and
	// is not scheduled; the 2 h one is.
	due, _ := store.Reminders().Claim(ctx, bk.Start.Add(-2*time.Hour), time.Minute, 10)
	if len(due) != 1 || !strings.HasSuffix(due[0], "|1") {
		t.Errorf("reminders due 2 h before = %v", due)
	}

	res = e.Handle(ctx, s, false, domain.Event{Kind: domain.EventCommand, Command: "appointments", ChatID: amalChat})
	cancel := find(t, res, "ac")
	// The cancel button asks first; keeping it leaves the booking alone.
	res = e.Handle(ctx, s, false, domain.Event{Kind: domain.EventButton, ChatID: amalChat, Action: cancel.Action})
	if got, _ := store.Bookings(0).Get(ctx, bk.ID); got.Status != domain.BookingBooked {
		t.Fatalf("cancelled at the first tap: %+v", got)
	}
	if keep := find(t, res, "ba"); keep.Action.Name != "ba" {
		t.Fatalf("no way to keep the appointment: %+v", buttons(res))
	}
	yes := find(t, res, "ay")
	res = e.Handle(ctx, s, false, domain.Event{Kind: domain.EventButton, ChatID: amalChat, Action: yes.Action})
	if got, _ := store.Bookings(0).Get(ctx, bk.ID); got.Status != domain.BookingCancelled {
		t.Fatalf("not cancelled: %+v", got)
	}
	if r, _ := e.Reminder(ctx, bk.ID+"|0"); len(r.Replies) != 0 {
		t.Errorf("reminder of a cancelled booking: %+v", r.Replies)
	}
	// The freed slot can be booked again.
	if _, s2 := bookFirstSlot(t, e, amalSession(), amalChat+1); s2.Draft != nil {
		t.Errorf("second booking did not complete: %+v", s2.Draft)
	}
}

// TestBooking_ExportMarksCancelled: /export after a cancellation lists the
// appointment (it is kept for the retention) but says it is cancelled —
// read as it was, it told the person the appointment still stood.
func TestBooking_ExportMarksCancelled(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	export := domain.Event{Kind: domain.EventCommand, Command: "export", ChatID: amalChat}
	before := e.Handle(ctx, s, false, export)
	if txt := allText(before); strings.Contains(txt, "أُلغي") {
		t.Fatalf("a booked appointment marked cancelled: %s", txt)
	}
	if _, err := store.Bookings(0).SetStatus(ctx, mine[0].ID, domain.BookingCancelled); err != nil {
		t.Fatal(err)
	}
	after := e.Handle(ctx, s, false, export)
	var summary string
	for _, rep := range after.Replies {
		if rep.Document == nil {
			summary += rep.Text
		}
	}
	if !strings.Contains(summary, " – أُلغي") {
		t.Errorf("cancelled appointment in the export summary not marked:\n%s", summary)
	}
}

// TestBooking_MediaKeepsTheStep: a photo, voice message or sticker sent
// during a booking got the notice with only "main menu" and "person"
// under it — the way on was to scroll up to the day buttons. The notice
// now comes with the step again.
func TestBooking_MediaKeepsTheStep(t *testing.T) {
	e, _ := bookingEngine(t, langs{})
	res := bookTo(t, e, amalSession(), "bt")
	if !hasAction(res, "bd") {
		t.Fatalf("no day step: %q", allText(res))
	}
	for _, media := range []string{"photo", "voice", "sticker"} {
		ev := personPress("", "")
		ev.Kind, ev.Media, ev.Action = domain.EventMedia, media, domain.Action{}
		got := e.Handle(context.Background(), *res.Session, false, ev)
		if !hasAction(got, "bd") || got.Session.Draft == nil {
			t.Errorf("%s during the booking: %q %+v, want the notice and the days again", media, allText(got), buttons(got))
		}
	}
}

func TestBooking_SlotJustTaken(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	ev := func(chat int64, name, arg string) domain.Event {
		return domain.Event{Kind: domain.EventButton, ChatID: chat, FirstName: "P", Action: domain.Action{Name: name, Arg: arg}}
	}
	// Three people walk up to the same slot; it holds two.
	var sessions []domain.Session
	var slot string
	english := amalSession()
	english.Lang, english.LangChosen = "en", true
	for i := int64(0); i < 3; i++ {
		res := e.Handle(ctx, english, false, ev(900+i, "b", ""))
		res = e.Handle(ctx, *res.Session, false, ev(900+i, "bt", "housing"))
		res = e.Handle(ctx, *res.Session, false, ev(900+i, "bd", find(t, res, "bd").Action.Arg))
		slot = find(t, res, "bs").Action.Arg
		res = e.Handle(ctx, *res.Session, false, ev(900+i, "bs", slot))
		sessions = append(sessions, *res.Session)
	}
	for i := int64(0); i < 2; i++ {
		if res := e.Handle(ctx, sessions[i], false, ev(900+i, "bc", slot)); res.Session.Draft != nil {
			t.Fatalf("booking %d failed: %s", i, allText(res))
		}
	}
	res := e.Handle(ctx, sessions[2], false, ev(902, "bc", slot))
	if !strings.Contains(allText(res), "just taken") || len(buttons(res)) < 2 || find(t, res, "bs").Action.Arg == slot {
		t.Fatalf("third person: %s %+v", allText(res), buttons(res))
	}
}

func TestBooking_ReminderLanguageAndDST(t *testing.T) {
	ctx := context.Background()
	current := langs{}
	e, store := bookingEngine(t, current)
	// Book the Sunday the clocks go forward (at 02:00), 09:00.
	defer func(c time.Time) { clock = c }(clock)
	start := testclock.LastSunday(testclock.Year(), time.March, 9, berlin)
	sat := start.AddDate(0, 0, -1)
	clock = start.AddDate(0, 0, -2).Add(-time.Hour)
	s := amalSession()
	s.Draft = &domain.Draft{Topic: "work", Office: "rathaus", Nonce: "x"}
	res := e.Handle(ctx, s, false, domain.Event{Kind: domain.EventButton, ChatID: amalChat, FirstName: "Amal", Action: domain.Action{Name: "bc", Arg: strconv.FormatInt(start.Unix(), 10)}})
	if res.Session.Draft != nil {
		t.Fatalf("booking failed: %s", allText(res))
	}
	// The day-before reminder is Saturday 09:00 local (CET), i.e. 08:00 UTC,
	// not 24 elapsed hours before (which would be 08:00 local).
	q := store.Reminders()
	if ids, _ := q.Claim(ctx, sat.Add(-time.Minute), time.Minute, 10); len(ids) != 0 {
		t.Fatalf("reminder due too early: %v", ids)
	}
	if _, off := sat.Zone(); off != 3600 {
		t.Fatalf("%v is not in CET", sat)
	}
	if _, off := start.Zone(); off != 7200 {
		t.Fatalf("%v is not in CEST", start)
	}
	ids, _ := q.Claim(ctx, sat, time.Minute, 10)
	if len(ids) != 1 {
		t.Fatalf("day-before reminder at 09:00 local: %v", ids)
	}
	// The person switched to Ukrainian meanwhile: the reminder follows.
	current[amalChat] = "uk"
	clock = sat
	r, err := e.Reminder(ctx, ids[0])
	if err != nil || len(r.Replies) != 1 || r.Replies[0].ChatID != amalChat {
		t.Fatalf("reminder = %+v, %v", r, err)
	}
	if !strings.Contains(r.Replies[0].Text, "Нагадування") && !strings.Contains(r.Replies[0].Text, "нагад") {
		t.Errorf("reminder not in Ukrainian: %q", r.Replies[0].Text)
	}
	if len(r.Replies[0].Buttons) != 2 {
		t.Errorf("reminder buttons = %+v", r.Replies[0].Buttons)
	}
}

// TestBooking_ReminderOctober: the clocks go back on the last Sunday of
// October at 03:00; a Sunday 09:00 appointment is reminded on Saturday at
// 09:00 local (CEST, 07:00 UTC), not 24 elapsed hours before (10:00 local).
// TestBooking_ReminderLate: a reminder sent late (the bot was down when it
// was due) for an appointment less than an hour away said "in 1 hour",
// and someone could come late for it; it says "less than an hour".
func TestBooking_ReminderLate(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	_, _ = bookFirstSlot(t, e, amalSession(), amalChat)
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	bk := mine[0]
	defer func(c time.Time) { clock = c }(clock)
	for _, c := range []struct {
		before time.Duration
		want   string
	}{
		{25 * time.Minute, "⏰ تذكير: موعدك بعد أقل من ساعة."},
		{2 * time.Hour, "⏰ تذكير: موعدك بعد ساعتين (\u20682\u2069)."},
	} {
		clock = bk.Start.Add(-c.before)
		r, err := e.Reminder(ctx, bk.ID+"|1")
		if err != nil || len(r.Replies) != 1 {
			t.Fatalf("%v before: reminder %+v, %v", c.before, r, err)
		}
		if first, _, _ := strings.Cut(r.Replies[0].Text, "\n"); first != c.want {
			t.Errorf("%v before: %q, want %q", c.before, first, c.want)
		}
	}
}

func TestBooking_ReminderOctober(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	defer func(c time.Time) { clock = c }(clock)
	start := testclock.LastSunday(testclock.Year(), time.October, 9, berlin)
	sat := start.AddDate(0, 0, -1)
	clock = start.AddDate(0, 0, -2).Add(-time.Hour)
	s := amalSession()
	s.Draft = &domain.Draft{Topic: "work", Office: "rathaus", Nonce: "y"}
	if res := e.Handle(ctx, s, false, domain.Event{Kind: domain.EventButton, ChatID: amalChat, FirstName: "Amal", Action: domain.Action{Name: "bc", Arg: strconv.FormatInt(start.Unix(), 10)}}); res.Session.Draft != nil {
		t.Fatalf("booking failed: %s", allText(res))
	}
	q := store.Reminders()
	if _, off := sat.Zone(); off != 7200 {
		t.Fatalf("%v is not in CEST", sat)
	}
	if _, off := start.Zone(); off != 3600 {
		t.Fatalf("%v is not in CET", start)
	}
	if ids, _ := q.Claim(ctx, sat.Add(-time.Minute), time.Minute, 10); len(ids) != 0 {
		t.Fatalf("reminder due too early: %v", ids)
	}
	if ids, _ := q.Claim(ctx, sat, time.Minute, 10); len(ids) != 1 {
		t.Fatalf("day-before reminder at 09:00 local: %v", ids)
	}
}

func TestBooking_StaffAgendaAndBlock(t *testing.T) {
	ctx := context.Background()
	sessions := langs{}
	e, store := bookingEngine(t, sessions)
	_, _ = bookFirstSlot(t, e, amalSession(), amalChat)
	bk, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	date := bk[0].Start.In(berlin).Format(time.DateOnly)

	res := e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "agenda", Args: date, ChatID: staffChat, UserID: anna.UserID})
	if len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "Amal") || len(res.Replies[0].Buttons) != 1 {
		t.Fatalf("agenda = %+v", res.Replies)
	}
	res = e.HandleStaff(ctx, staffPress(anna.UserID, "ka", bk[0].ID))
	if got, _ := store.Bookings(0).Get(ctx, bk[0].ID); got.Status != domain.BookingAttended || res.Toast == "" {
		t.Errorf("attended: %+v %q", got, res.Toast)
	}
	// Someone not on the staff list gets nothing.
	if res := e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "agenda", ChatID: staffChat, UserID: 555}); len(repliesTo(res, staffChat)) != 0 {
		t.Errorf("agenda shown to a stranger: %+v", res.Replies)
	}

	_, _ = bookFirstSlot(t, e, amalSession(), amalChat+5)
	other, _ := store.Bookings(0).ByPerson(ctx, amalChat+5)
	date = other[0].Start.In(berlin).Format(time.DateOnly)
	sessions[amalChat+5] = "uk" // booked in Arabic, reads Ukrainian now
	res = e.HandleStaff(ctx, domain.Event{Kind: domain.EventCommand, Command: "block", Args: date, ChatID: staffChat, UserID: omar.UserID})
	told := repliesTo(res, amalChat+5)
	if len(told) != 1 || told[0].Buttons[0][0].Action.Name != "b" {
		t.Fatalf("person not told with a rebook button: %+v", res.Replies)
	}
	if uk := mustBundle(t).For("uk").T("menu.booking", nil); told[0].Buttons[0][0].Label != uk {
		t.Errorf("told in the language booked in, not the one read now: %q", told[0].Buttons[0][0].Label)
	}
	if group := allText(domain.Result{Replies: repliesTo(res, staffChat)}); !strings.Contains(group, "Blocked: "+date+". ") {
		t.Errorf("group told %q", group)
	}
	if got, _ := store.Bookings(0).Get(ctx, other[0].ID); got.Status != domain.BookingRemoved {
		t.Errorf("booking not removed: %+v", got)
	}
	// The blocked day is no longer offered.
	res = e.Handle(ctx, amalSession(), false, domain.Event{Kind: domain.EventButton, ChatID: 4, Action: domain.Action{Name: "b"}})
	res = e.Handle(ctx, *res.Session, false, domain.Event{Kind: domain.EventButton, ChatID: 4, Action: domain.Action{Name: "bt", Arg: "work"}})
	for _, b := range buttons(res) {
		if b.Action.Name == "bd" && b.Action.Arg == date {
			t.Errorf("blocked day %s still offered", date)
		}
	}
}

func TestBooking_DeleteFreesPlaces(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	bk, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	res := e.Handle(ctx, s, false, domain.Event{Kind: domain.EventButton, ChatID: amalChat, Action: domain.Action{Name: "dy", Arg: strconv.FormatInt(clock.Unix(), 10)}})
	if !res.Erase {
		t.Fatal("not erased")
	}
	if _, err := store.Bookings(0).Get(ctx, bk[0].ID); err == nil {
		t.Error("booking survived erasure")
	}
	if ids, _ := store.Reminders().Claim(ctx, bk[0].Start, time.Minute, 10); len(ids) != 0 {
		t.Errorf("reminders survived erasure: %v", ids)
	}
}

// TestBooking_NoTelegramIDInKeys: no key of a booking names the person by
// their Telegram id (the request id once did, and outlived /delete for
// the retention); after /delete no key of the booking's slot is left.
func TestBooking_NoTelegramIDInKeys(t *testing.T) {
	ctx := context.Background()
	r := redistest.Must(t)
	store := r.Store(redisstore.Options{Now: func() time.Time { return clock }})
	e := bookingEngineWith(t, store, store.Bookings(0), langs{})
	const chat = 987654321
	_, s := bookFirstSlot(t, e, amalSession(), chat)
	slotKeys := 0
	for k := range r.Keys(t) {
		if strings.Contains(k, strconv.Itoa(chat)) {
			t.Errorf("key names the Telegram id: %s", k)
		}
		if strings.Contains(k, ":{s:") {
			slotKeys++
		}
	}
	if slotKeys == 0 {
		t.Fatal("no slot keys: the booking was not stored")
	}
	res := e.Handle(ctx, s, false, domain.Event{Kind: domain.EventButton, ChatID: chat, Action: domain.Action{Name: "dy", Arg: strconv.FormatInt(clock.Unix(), 10)}})
	if !res.Erase {
		t.Fatal("not erased")
	}
	for k := range r.Keys(t) {
		if strings.Contains(k, ":{s:") {
			t.Errorf("booking key left after /delete: %s", k)
		}
	}
}

// TestBooking_LastPlaceRush: 200 people tap the same slot at the same
// moment on two replicas (two engines sharing one Redis). Exactly its
// capacity get it; everyone else is offered the nearest free times.
func TestBooking_LastPlaceRush(t *testing.T) {
	ctx := context.Background()
	r := redistest.Must(t)
	var engines []*flows.Engine
	for i := 0; i < 2; i++ {
		store := r.Store(redisstore.Options{Now: func() time.Time { return clock }})
		e := mustEngineWithDeps(t, flows.Deps{Tickets: store.Tickets(0), Bookings: store.Bookings(0), Reminders: store.Reminders(), Sessions: langs{}},
			func(s *flows.Settings) {
				s.Booking = flows.BookingRules{
					Calendar: calendar.Calendar{Loc: berlin, Rules: []calendar.Rule{{
						Office: "rathaus", Weekdays: []time.Weekday{time.Tuesday}, From: 9 * time.Hour, To: 11 * time.Hour,
						Slot: 30 * time.Minute, Capacity: 1, Staff: []int64{anna.UserID, omar.UserID},
					}}},
					DaysAhead: 14, MinLead: time.Hour, MaxActive: 2, Topics: []string{"work"}, Reminders: []time.Duration{2 * time.Hour},
				}
				s.Offices = []flows.Office{{ID: "rathaus", Name: i18n.German("Rathaus"), Address: "Marktplatz 1", Phone: "1"}}
			})
		engines = append(engines, e)
	}
	tue := clock.In(berlin).AddDate(0, 0, 1) // the clock is a Monday
	slot := strconv.FormatInt(time.Date(tue.Year(), tue.Month(), tue.Day(), 9, 0, 0, 0, berlin).Unix(), 10)
	type outcome struct {
		booked  bool
		offered int
	}
	results := make(chan outcome, 200)
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := amalSession()
			s.Lang, s.LangChosen = "en", true
			s.Draft = &domain.Draft{Topic: "work", Office: "rathaus", Nonce: strconv.Itoa(i)}
			res := engines[i%2].Handle(ctx, s, false, domain.Event{Kind: domain.EventButton, ChatID: int64(20000 + i), FirstName: "P",
				Action: domain.Action{Name: "bc", Arg: slot}})
			o := outcome{booked: res.Session.Draft == nil}
			for _, b := range buttons(res) {
				if b.Action.Name == "bs" && b.Action.Arg != slot {
					o.offered++
				}
			}
			results <- o
		}()
	}
	wg.Wait()
	close(results)
	booked, offered := 0, 0
	for o := range results {
		if o.booked {
			booked++
		} else if o.offered > 0 {
			offered++
		}
	}
	if booked != 2 || offered != 198 {
		t.Fatalf("%d booked (capacity 2), %d offered other times, of 200", booked, offered)
	}
}

// TestBooking_TypedMenuLeaves: "back to menu" or "actually cancel, main
// menu" typed in the middle of booking shows the menu, as its button does.
func TestBooking_TypedMenuLeaves(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	for _, typed := range []string{"back to menu", "actually cancel, main menu", "cancel", "never mind"} {
		s := amalSession()
		s.Lang = "en"
		res := bookTo(t, e, s, "bt")
		find(t, res, "bd") // on the choice of day
		res = e.Handle(ctx, *res.Session, false, personText(typed))
		if !strings.Contains(allText(res), "How can I help") || res.Session.Screen != "menu" {
			t.Errorf("%q during booking: %q, want the menu", typed, allText(res))
		}
	}
}

// TestBooking_WhatToBring: "what should I bring?" typed in the middle of
// booking gets what to bring and the office, in a message of its own, and
// the booking goes on from the step it was at; asked outside a booking, it
// comes with the button to book.
func TestBooking_WhatToBring(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	for _, c := range []struct{ lang, typed string }{
		{"de", "was muss ich mitbringen?"},
		{"en", "what should i bring to the appointment"},
		{"ar", "شو لازم جيب معي"},
		{"uk", "які документи на прийом"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			msgs := mustBundle(t).For(c.lang)
			s := amalSession()
			s.Lang = c.lang
			res := bookTo(t, e, s, "bt")
			day := find(t, res, "bd") // on the choice of day
			res = e.Handle(ctx, *res.Session, false, personText(c.typed))
			txt := allText(res)
			if !strings.Contains(txt, msgs.T("booking.bring", nil)) || !strings.Contains(txt, "Marktplatz 1") {
				t.Fatalf("%q during booking: %q, want what to bring and the office", c.typed, txt)
			}
			if len(res.Replies) != 1 || res.Replies[0].Edit {
				t.Errorf("want one new message, the step above kept: %+v", res.Replies)
			}
			if hasAction(res, "b") {
				t.Error("a button starting the booking again, in the middle of one")
			}
			if res.Session.Draft == nil || res.Session.Draft.Topic == "" {
				t.Fatalf("the booking was dropped: %+v", res.Session.Draft)
			}
			// The day shown before can still be tapped.
			res = e.Handle(ctx, *res.Session, false, personPress("bd", day.Action.Arg))
			find(t, res, "bs")
		})
	}
	s := amalSession()
	s.Lang = "fr"
	res := e.Handle(ctx, s, false, personText("quels documents pour le rendez-vous"))
	if !strings.Contains(allText(res), mustBundle(t).For("fr").T("booking.bring", nil)) || !hasAction(res, "b") {
		t.Errorf("outside a booking: %q, want what to bring and the button to book", allText(res))
	}
}

// TestBooking_LangMarkOnlyWhenMarked: the line explaining 🗣 comes with
// days and times only when one of them carries it; a Tigrinya speaker,
// whom nobody on the team understands, is not promised one.
func TestBooking_LangMarkOnlyWhenMarked(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		lang string
		mark bool
	}{{"ar", true}, {"ti", false}} {
		t.Run(c.lang, func(t *testing.T) {
			e, _ := bookingEngine(t, langs{})
			s := amalSession()
			s.Lang = c.lang
			legend := mustBundle(t).For(c.lang).T("booking.lang_mark", nil)
			res := e.Handle(ctx, s, false, personPress("b", ""))
			res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
			if got := strings.Contains(allText(res), legend); got != c.mark {
				t.Errorf("days: legend shown %v, want %v: %q", got, c.mark, allText(res))
			}
			res = e.Handle(ctx, *res.Session, false, personPress("bd", find(t, res, "bd").Action.Arg))
			if got := strings.Contains(allText(res), legend); got != c.mark {
				t.Errorf("times: legend shown %v, want %v: %q", got, c.mark, allText(res))
			}
		})
	}
}

// TestBooking_LanguageMidBooking: a language picked in the middle of a
// booking starts the booking again in that language; neither the privacy
// notice read before it nor an earlier screen comes back.
func TestBooking_LanguageMidBooking(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	de := mustBundle(t).For("de")
	ev := func(k domain.Event) domain.Event { k.ChatID, k.FirstName = amalChat, "Oksana"; return k }
	for _, c := range []struct {
		name string
		s    domain.Session
	}{
		{"NoticeFirst", domain.Session{Lang: "uk", Epoch: 1}},
		{"AfterAnAnswer", domain.Session{Lang: "uk", Epoch: 1, PrivacyAck: clock, Screen: "faq:housing.wbs"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := e.Handle(ctx, c.s, false, ev(press("b", "")))
			if !c.s.Acknowledged() {
				res = e.Handle(ctx, *res.Session, false, ev(press("pa", "")))
			}
			res = e.Handle(ctx, *res.Session, false, ev(press("bt", find(t, res, "bt").Action.Arg)))
			res = e.Handle(ctx, *res.Session, false, ev(domain.Event{Kind: domain.EventCommand, Command: "language"}))
			res = e.Handle(ctx, *res.Session, false, ev(press("L", "de")))
			if txt := allText(res); !strings.Contains(txt, de.T("booking.topic_prompt", nil)) {
				t.Errorf("after the language pick: %q", txt)
			}
			if res.Session.Draft == nil {
				t.Error("the booking was dropped")
			}
		})
	}
}

// TestBooking_DoubleTapShowsTheAppointment: the second tap on "book"
// shows the appointment just made instead of starting a new booking.
func TestBooking_DoubleTapShowsTheAppointment(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	res := e.Handle(ctx, amalSession(), false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bd", find(t, res, "bd").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bs", find(t, res, "bs").Action.Arg))
	tap := find(t, res, "bc")
	res = e.Handle(ctx, *res.Session, false, personPress("bc", tap.Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bc", tap.Action.Arg))
	if txt := allText(res); !strings.Contains(txt, mustBundle(t).For("ar").T("booking.list_title", nil)) {
		t.Errorf("second tap answered %q", txt)
	}
	if res.Session.Draft != nil {
		t.Errorf("second tap started a booking: %+v", res.Session.Draft)
	}
	if mine, _ := store.Bookings(0).ByPerson(ctx, amalChat); len(mine) != 1 {
		t.Errorf("%d bookings, want 1", len(mine))
	}
}

// TestBooking_AbandonedMoveKeepsTheAppointment: someone taps "new time",
// changes their mind and leaves with "cancel"; a booking made later is a
// second appointment, not a move that silently cancels the first.
func TestBooking_AbandonedMoveKeepsTheAppointment(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	res := e.Handle(ctx, s, false, domain.Event{Kind: domain.EventCommand, Command: "appointments", ChatID: amalChat})
	res = e.Handle(ctx, *res.Session, false, personPress("ar", find(t, res, "ar").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("m", ""))
	if _, s = bookFirstSlot(t, e, *res.Session, amalChat); s.Draft != nil {
		t.Fatalf("second booking did not complete: %+v", s.Draft)
	}
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	booked := 0
	for _, bk := range mine {
		if bk.Status == domain.BookingBooked {
			booked++
		}
	}
	if booked != 2 {
		t.Errorf("%d appointments booked, want 2: the abandoned move cancelled the first", booked)
	}
}

// TestBooking_MoveSurvivesBack: "back" during a move goes to the topics
// and the booking made from there still replaces the old appointment.
func TestBooking_MoveSurvivesBack(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	res := e.Handle(ctx, s, false, domain.Event{Kind: domain.EventCommand, Command: "appointments", ChatID: amalChat})
	res = e.Handle(ctx, *res.Session, false, personPress("ar", find(t, res, "ar").Action.Arg))
	back := find(t, res, "b")
	res = e.Handle(ctx, *res.Session, false, personPress("b", back.Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bd", find(t, res, "bd").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bs", find(t, res, "bs").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bc", find(t, res, "bc").Action.Arg))
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	booked := 0
	var old domain.Booking
	for _, bk := range mine {
		if bk.Status == domain.BookingBooked {
			booked++
		} else {
			old = bk
		}
	}
	if len(mine) != 2 || booked != 1 {
		t.Fatalf("%d bookings, %d booked; want the old one moved (2, 1)", len(mine), booked)
	}
	// The staff group reads a move, from the old time, not a new booking.
	group := allText(domain.Result{Replies: repliesTo(res, staffChat)})
	from := old.Start.In(berlin).Format("15:04")
	if !strings.Contains(group, "Moved") || !strings.Contains(group, from) {
		t.Errorf("staff group got %q; want the move from %s", group, from)
	}
}

// TestBooking_OldConfirmButtonBooksItsOffice: "book" pressed on an older
// confirmation, after a new booking for another office was begun, books
// the office that confirmation named.
func TestBooking_OldConfirmButtonBooksItsOffice(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	e := bookingEngineWith(t, store, store.Bookings(0), langs{}, withNord)
	res := e.Handle(ctx, amalSession(), false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bo", "rathaus"))
	res = e.Handle(ctx, *res.Session, false, personPress("bd", find(t, res, "bd").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bs", find(t, res, "bs").Action.Arg))
	if !strings.Contains(allText(res), "Rathaus") {
		t.Fatalf("confirmation = %q", allText(res))
	}
	old := find(t, res, "bc")
	res = e.Handle(ctx, *res.Session, false, domain.Event{Kind: domain.EventCommand, Command: "appointment", ChatID: amalChat})
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bo", "nord"))
	e.Handle(ctx, *res.Session, false, personPress("bc", old.Action.Arg))
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	if len(mine) != 1 || mine[0].Office != "rathaus" {
		t.Errorf("bookings = %+v, want one at the Rathaus the pressed confirmation named", mine)
	}
}

// TestBooking_NoSecondPlaceAtTheSameTime: someone unsure whether their
// booking worked books again; the time they already hold is not offered
// again, so they do not take two places at once.
func TestBooking_NoSecondPlaceAtTheSameTime(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	res := e.Handle(ctx, amalSession(), false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	day := find(t, res, "bd").Action.Arg
	res = e.Handle(ctx, *res.Session, false, personPress("bd", day))
	slot := find(t, res, "bs").Action.Arg
	res = e.Handle(ctx, *res.Session, false, personPress("bs", slot))
	res = e.Handle(ctx, *res.Session, false, personPress("bc", find(t, res, "bc").Action.Arg))

	res = e.Handle(ctx, *res.Session, false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bd", day))
	for _, b := range buttons(res) {
		if b.Action.Name == "bs" && b.Action.Arg == slot {
			t.Errorf("the time already booked is offered again")
		}
	}
	res = e.Handle(ctx, *res.Session, false, personPress("bs", find(t, res, "bs").Action.Arg))
	e.Handle(ctx, *res.Session, false, personPress("bc", find(t, res, "bc").Action.Arg))
	if mine, _ := store.Bookings(0).ByPerson(ctx, amalChat); len(mine) != 2 || mine[0].Start.Equal(mine[1].Start) {
		t.Errorf("bookings = %+v: want two at different times", mine)
	}
}

// TestBooking_TopicBackLeadsSomewhere: "back" on the first step showed the
// same step again, as if the button did nothing. A new booking offers only
// cancel there; a move goes back to the list of appointments.
func TestBooking_TopicBackLeadsSomewhere(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	res := e.Handle(ctx, amalSession(), false, personPress("b", ""))
	if hasAction(res, "b") || !hasAction(res, "m") {
		t.Errorf("topics of a new booking: %+v", buttons(res))
	}
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	res = e.Handle(ctx, s, false, domain.Event{Kind: domain.EventCommand, Command: "appointments", ChatID: amalChat})
	res = e.Handle(ctx, *res.Session, false, personPress("ar", find(t, res, "ar").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("b", find(t, res, "b").Action.Arg))
	if !hasAction(res, "bt") || hasAction(res, "b") || !hasAction(res, "ba") {
		t.Errorf("topics of a move: %+v", buttons(res))
	}
}

// TestBooking_OldDayButtonKeepsItsOffice: a day tapped on an older list,
// after a new booking was begun and before its office was chosen, shows
// that day's times at the office the list was for, not "no free times".
func TestBooking_OldDayButtonKeepsItsOffice(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	e := bookingEngineWith(t, store, store.Bookings(0), langs{}, withNord)
	res := e.Handle(ctx, amalSession(), false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bo", "nord"))
	old := find(t, res, "bd")
	res = e.Handle(ctx, *res.Session, false, domain.Event{Kind: domain.EventCommand, Command: "appointment", ChatID: amalChat})
	res = e.Handle(ctx, *res.Session, false, personPress("bd", old.Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bs", find(t, res, "bs").Action.Arg))
	if !strings.Contains(allText(res), "Nord") {
		t.Errorf("confirmation = %q, want the office of the pressed list", allText(res))
	}
}

// TestBooking_LanguageMidMove: a language switch while choosing the new
// time of a move goes on with the move in the new language.
func TestBooking_LanguageMidMove(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	de := mustBundle(t).For("de")
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	res := e.Handle(ctx, s, false, personPress("m", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("ba", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("ar", find(t, res, "ar").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, domain.Event{Kind: domain.EventCommand, Command: "language", ChatID: amalChat})
	res = e.Handle(ctx, *res.Session, false, personPress("L", "de"))
	if txt := allText(res); !strings.Contains(txt, de.T("booking.topic_prompt", nil)) {
		t.Errorf("after the language pick: %q", txt)
	}
	if res.Session.Draft == nil || res.Session.Draft.Replace == "" {
		t.Errorf("the move was dropped: %+v", res.Session.Draft)
	}
}

// TestBooking_TypedDayShowsTheStep: on the choice of day people type the
// day ("Mittwoch", "9.12.") rather than tap it. Before, that got "no
// answer" and the question whether the team may read it, the menu, or
// entries on the Beschäftigungsduldung – the booking out of sight. A day
// named by weekday or date now shows its times, the nearest such day with
// a free place; a day without one says so over the days; what names no
// day shows the days again; a clear question is still answered.
func TestBooking_TypedDayShowsTheStep(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	onDays := func(lang string) domain.Session {
		t.Helper()
		s := amalSession()
		s.Lang = lang
		res := bookTo(t, e, s, "bt")
		find(t, res, "bd") // on the choice of day
		return *res.Session
	}
	// Three days on: the nearest day of its weekday, whatever today is.
	day := clock.In(berlin).AddDate(0, 0, 3)
	date := fmt.Sprintf("%d.%d.", day.Day(), int(day.Month()))
	persian := []string{"یکشنبه", "دوشنبه", "سه شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه", "شنبه"}
	for _, c := range []struct{ lang, typed string }{
		{"de", germanWeekdays[day.Weekday()]},
		{"de", "am " + germanWeekdays[day.Weekday()] + " bitte"},
		{"de", date},
		{"de", "geht der " + fmt.Sprintf("%02d.%02d.%d", day.Day(), int(day.Month()), day.Year())},
		{"fa", persian[day.Weekday()]},
		{"ar", mustBundle(t).For("ar").T("weekday."+strconv.Itoa(int(day.Weekday())), nil)},
	} {
		res := e.Handle(ctx, onDays(c.lang), false, personText(c.typed))
		slot := find(t, res, "bs")
		unix, _, _ := strings.Cut(slot.Action.Arg, ".")
		sec, _ := strconv.ParseInt(unix, 10, 64)
		if got := time.Unix(sec, 0).In(berlin); got.YearDay() != day.YearDay() {
			t.Errorf("%s %q on the choice of day: times of %s, want %s", c.lang, c.typed, got.Format("Mon 02.01."), day.Format("Mon 02.01."))
		}
		if res.Session.Draft == nil || res.Session.Question != "" {
			t.Errorf("%s %q: the booking went out of sight: %+v", c.lang, c.typed, res.Session)
		}
	}
	// Three weeks on is beyond the days offered.
	far := clock.In(berlin).AddDate(0, 0, 21)
	res := e.Handle(ctx, onDays("de"), false, personText(fmt.Sprintf("%d.%d.", far.Day(), int(far.Month()))))
	if !hasAction(res, "bd") || !strings.Contains(allText(res), mustBundle(t).For("de").T("booking.day_not_free", nil)) {
		t.Errorf("a day without a free place: %q, want that said over the days", allText(res))
	}
	for _, typed := range []string{"welcher geht", "am besten früh", "ok"} {
		res := e.Handle(ctx, onDays("de"), false, personText(typed))
		if !hasAction(res, "bd") || res.Session.Draft == nil || res.Session.Question != "" {
			t.Errorf("%q on the choice of day: %q, want the days again", typed, allText(res))
		}
		// What is no answer to the step is said to be unclear, above
		// the step; "ok" only shows the step again.
		want := 2
		if typed == "ok" {
			want = 1
		} else if !strings.Contains(res.Replies[0].Text, mustBundle(t).For("de").T("booking.not_understood", nil)) {
			t.Errorf("%q: no word that it was unclear: %q", typed, allText(res))
		}
		if len(res.Replies) != want || res.Replies[want-1].Edit {
			t.Errorf("%q: want the step as a new message after %d: %+v", typed, want-1, res.Replies)
		}
	}
	// "tomorrow" names tomorrow's date: its times, or that nothing is
	// free then (the QA's "yarın" and "bukra" got the days again).
	tomorrow := clock.In(berlin).AddDate(0, 0, 1)
	for _, c := range []struct{ lang, typed string }{{"en", "tomorrow please"}, {"tr", "yarın"}, {"ar", "bukra el sob7"}} {
		res := e.Handle(ctx, onDays(c.lang), false, personText(c.typed))
		if i := slices.IndexFunc(buttons(res), func(b domain.Button) bool { return b.Action.Name == "bs" }); i >= 0 {
			slot := buttons(res)[i]
			unix, _, _ := strings.Cut(slot.Action.Arg, ".")
			sec, _ := strconv.ParseInt(unix, 10, 64)
			if got := time.Unix(sec, 0).In(berlin); got.YearDay() != tomorrow.YearDay() {
				t.Errorf("%s %q: times of %s, want tomorrow", c.lang, c.typed, got.Format("Mon 02.01."))
			}
		} else if !strings.Contains(allText(res), mustBundle(t).For(c.lang).T("booking.day_not_free", nil)) {
			t.Errorf("%s %q: %q, want tomorrow's times or that nothing is free", c.lang, c.typed, allText(res))
		}
	}
	// A topic typed as its button says is chosen.
	s := amalSession()
	s.Lang = "de"
	res = e.Handle(ctx, s, false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personText("arbeit"))
	if res.Session.Draft == nil || res.Session.Draft.Topic != "work" || !hasAction(res, "bd") {
		t.Errorf("\"arbeit\" on the choice of topic: %q, want the days for work", allText(res))
	}
	res = e.Handle(ctx, s, false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personText("Was bedeutet eine Duldung?"))
	if !strings.Contains(allText(res), "❓") {
		t.Errorf("a clear question during booking: %q, want its answer", allText(res))
	}
}

// TestBooking_BackFromDaysToOffices: with two offices, "back" on the days
// goes to the choice of office, not to the first step.
func TestBooking_BackFromDaysToOffices(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	e := bookingEngineWith(t, store, store.Bookings(0), langs{}, withNord)
	res := e.Handle(ctx, amalSession(), false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bo", "nord"))
	find(t, res, "bd")
	var back domain.Button
	for _, b := range buttons(res) {
		if b.Label == mustBundle(t).For("ar").T("button.back", nil) {
			back = b
		}
	}
	res = e.Handle(ctx, *res.Session, false, personPress(back.Action.Name, back.Action.Arg))
	if offices := buttons(res); !slices.ContainsFunc(offices, func(b domain.Button) bool { return b.Action.Name == "bo" }) {
		t.Fatalf("back on the days: %q, want the choice of office", allText(res))
	}
	if res.Session.Draft == nil || res.Session.Draft.Topic == "" {
		t.Errorf("the topic was lost: %+v", res.Session.Draft)
	}
}

// TestBooking_TypedTime: on the choice of time people type the time; one
// that is free on the shown day is taken as its button ("10:30", "10 Uhr",
// Arabic digits), anything else shows that day's times again.
func TestBooking_TypedTime(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	times := func() domain.Session {
		t.Helper()
		s := amalSession()
		s.Lang = "de"
		res := bookTo(t, e, s, "bt", "bd")
		find(t, res, "bs") // on the choice of time
		return *res.Session
	}
	for typed, want := range map[string]string{"10:30": "10:30", "um 10 Uhr bitte": "10:00", "٩:٣٠": "09:30", "9.30": "09:30",
		// An hour in words (QA, 4 December: the times came again).
		"um zehn": "10:00", "neun bitte": "09:00"} {
		res := e.Handle(ctx, times(), false, personText(typed))
		if !hasAction(res, "bc") || !strings.Contains(allText(res), want) {
			t.Errorf("%q on the choice of time: %q, want the confirmation of %s", typed, allText(res), want)
		}
	}
	notFree := mustBundle(t).For("de").T("booking.time_not_free", i18n.Data{"Time": "15:00"})
	for typed, says := range map[string]string{"welche gibt es noch": "", "15:00": notFree, "um drei": notFree, "10 oder 11": ""} {
		res := e.Handle(ctx, times(), false, personText(typed))
		if !hasAction(res, "bs") || hasAction(res, "bc") {
			t.Errorf("%q on the choice of time: %q, want the day's times again", typed, allText(res))
		}
		if says != "" && !strings.Contains(allText(res), says) {
			t.Errorf("%q, a time not free: %q, want it said (%q)", typed, allText(res), says)
		}
	}
}

// TestBooking_TypedYesBooks: on the check screen "ok", "yes" or the
// book button's words, typed in the person's language, book; other text
// shows the check again, and "ok" on the choice of time is no way out of
// the booking.
func TestBooking_TypedYesBooks(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	onCheck := func(lang string) domain.Session {
		t.Helper()
		s := amalSession()
		s.Lang = lang
		res := bookTo(t, e, s, "bt", "bd", "bs")
		find(t, res, "bc")
		return *res.Session
	}
	booked := func() int {
		mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
		n := 0
		for _, bk := range mine {
			if bk.Status == domain.BookingBooked {
				n++
				if _, err := store.Bookings(0).SetStatus(ctx, bk.ID, domain.BookingCancelled); err != nil {
					t.Fatal(err)
				}
			}
		}
		return n
	}
	for _, c := range []struct{ lang, typed string }{
		{"de", "ok"}, {"de", "Ja"}, {"de", "ja gerne"}, {"de", "Termin buchen"}, {"en", "yes please"},
		{"fa", "بله"}, {"fa", "باشه"}, {"ar", "تمام"}, {"ar", "نعم"}, {"ru", "да"}, {"uk", "так"},
		{"tr", "evet"}, {"so", "haa"}, {"ti", "እወ"}, {"fr", "oui"}, {"ku", "erê"},
	} {
		res := e.Handle(ctx, onCheck(c.lang), false, personText(c.typed))
		if n := booked(); n != 1 || res.Session.Draft != nil {
			t.Errorf("%s %q on the check screen: %d booked, draft %+v; want it booked", c.lang, c.typed, n, res.Session.Draft)
		}
	}
	for _, typed := range []string{"nein", "hmm", "warte", "danke"} {
		res := e.Handle(ctx, onCheck("de"), false, personText(typed))
		if n := booked(); n != 0 || !hasAction(res, "bc") {
			t.Errorf("%q on the check screen: %d booked, %q; want the check again", typed, n, allText(res))
		}
	}
	s := onCheck("de")
	res := e.Handle(ctx, s, false, personPress("bd", dayOf(t, s)))
	res = e.Handle(ctx, *res.Session, false, personText("ok"))
	if n := booked(); n != 0 || !hasAction(res, "bs") || res.Session.Draft == nil {
		t.Errorf("\"ok\" on the choice of time: %d booked, %q; want the times again", n, allText(res))
	}
}

// dayOf is the day button's argument for the check screen's day.
func dayOf(t *testing.T, s domain.Session) string {
	t.Helper()
	if s.Draft == nil || s.Draft.Slot == 0 {
		t.Fatalf("not on the check screen: %+v", s.Draft)
	}
	return time.Unix(s.Draft.Slot, 0).In(berlin).Format("2006-01-02") + "." + s.Draft.Office
}

// TestBooking_TypedOkUnderThePrivacyNotice: "ok" under the notice a
// booking asked for is its "understood": the booking goes on.
func TestBooking_TypedOkUnderThePrivacyNotice(t *testing.T) {
	ctx := context.Background()
	e, _ := bookingEngine(t, langs{})
	for _, c := range []struct{ lang, typed string }{{"de", "ok"}, {"de", "Verstanden"}, {"ar", "تمام"}, {"en", "yes"}} {
		s := domain.Session{Lang: c.lang, Epoch: 1}
		res := e.Handle(ctx, s, false, personPress("b", ""))
		if res.Session.Acknowledged() {
			t.Fatalf("no notice before booking: %+v", res.Session)
		}
		res = e.Handle(ctx, *res.Session, false, personText(c.typed))
		if !res.Session.Acknowledged() || !hasAction(res, "bt") {
			t.Errorf("%s %q under the notice: %q, want the booking's first step", c.lang, c.typed, allText(res))
		}
	}
}

// TestBooking_CancelOneOfTwo: after cancelling one of two appointments,
// the other is one tap away.
func TestBooking_CancelOneOfTwo(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	bookFirstSlot(t, e, amalSession(), amalChat)
	bookFirstSlot(t, e, amalSession(), amalChat)
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	if len(mine) != 2 {
		t.Fatalf("bookings = %+v, want two", mine)
	}
	res := e.Handle(ctx, amalSession(), false, personPress("ay", mine[0].ID))
	if !hasAction(res, "ba") {
		t.Errorf("one appointment left, no way to it: %q %+v", allText(res), buttons(res))
	}
	res = e.Handle(ctx, amalSession(), false, personPress("ay", mine[1].ID))
	if hasAction(res, "ba") {
		t.Errorf("none left, yet \"my appointments\" is offered: %+v", buttons(res))
	}
}

// withNord adds a second office, Nord, with the Rathaus's hours.
func withNord(s *flows.Settings) {
	nord := s.Booking.Calendar.Rules[0]
	nord.Office = "nord"
	s.Booking.Calendar.Rules = append(s.Booking.Calendar.Rules, nord)
	s.Offices = append(s.Offices, flows.Office{ID: "nord", Name: i18n.German("Nord"), Address: "Nordstraße 12"})
}

// TestBooking_MenuEndsAMove: a move left for the menu is over; the "book"
// button of its check screen, pressed later, neither books nor gives the
// old appointment away.
func TestBooking_MenuEndsAMove(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	bookFirstSlot(t, e, amalSession(), amalChat)
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	if len(mine) != 1 {
		t.Fatalf("bookings = %+v", mine)
	}
	res := e.Handle(ctx, amalSession(), false, personPress("ar", mine[0].ID))
	res = e.Handle(ctx, *res.Session, false, personPress("bd", find(t, res, "bd").Action.Arg))
	res = e.Handle(ctx, *res.Session, false, personPress("bs", find(t, res, "bs").Action.Arg))
	old := find(t, res, "bc")
	res = e.Handle(ctx, *res.Session, false, personPress("m", ""))
	e.Handle(ctx, *res.Session, false, personPress("bc", old.Action.Arg))
	after, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	if len(after) != 1 || after[0].ID != mine[0].ID || after[0].Status != domain.BookingBooked {
		t.Errorf("after an old book button of an abandoned move: %+v, want the first appointment alone", after)
	}
}

// TestBooking_TypedComing: under a reminder people type "I'll come"
// rather than tap it; before, that got three entries on addresses and
// shared accommodation. With an appointment ahead it is the button; with
// none it is what it was.
func TestBooking_TypedComing(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	for _, c := range []struct{ lang, typed string }{
		{"de", "Ich komme!"}, {"de", "ich komme gerne"}, {"ar", "سأحضر"}, {"ru", "Приду"},
		{"fa", "حتما میام"}, {"tr", "gelecegim"}, {"en", "I'll be there"}, {"so", "waan imanayaa"},
	} {
		s := amalSession()
		s.Lang = c.lang
		res := e.Handle(ctx, s, false, personText(c.typed))
		if strings.Contains(allText(res), mustBundle(t).For(c.lang).T("reminder.thanks", nil)) {
			t.Errorf("%s %q without an appointment: %q, want what it was", c.lang, c.typed, allText(res))
		}
		bookFirstSlot(t, e, s, amalChat)
		res = e.Handle(ctx, s, false, personText(c.typed))
		if got := allText(res); got != mustBundle(t).For(c.lang).T("reminder.thanks", nil)+"\n" {
			t.Errorf("%s %q with an appointment ahead: %q, want the thanks of the button", c.lang, c.typed, got)
		}
		mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
		for _, bk := range mine {
			if _, err := store.Bookings(0).SetStatus(ctx, bk.ID, domain.BookingCancelled); err != nil {
				t.Fatal(err)
			}
		}
	}
}

var germanWeekdays = []string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}

// TestBooking_DuringHandover: a booking begun while a request waits for
// the team reads its typed day, time and "ok" as the booking's buttons;
// before, they went to the case manager. Other text still goes to them.
func TestBooking_DuringHandover(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	res := bookTo(t, e, openRequest(t, e, "de"), "bt")
	find(t, res, "bd")
	day := clock.In(berlin).AddDate(0, 0, 3)
	for _, step := range []struct{ typed, want string }{{germanWeekdays[day.Weekday()], "bs"}, {"10:30", "bc"}} {
		res = e.Handle(ctx, *res.Session, false, personText(step.typed))
		if strings.Contains(allText(res), mustBundle(t).For("de").T("handover.passed_on", nil)) || !hasAction(res, step.want) {
			t.Fatalf("%q on a booking step during a hand-over: %q; want the next step", step.typed, allText(res))
		}
	}
	res = e.Handle(ctx, *res.Session, false, personText("ok"))
	if mine, _ := store.Bookings(0).ByPerson(ctx, amalChat); len(mine) != 1 || strings.Contains(allText(domain.Result{Replies: repliesTo(res, staffChat)}), "Amal") {
		t.Fatalf("\"ok\" on the check during a hand-over: %d booked, %q", len(mine), allText(res))
	}
	res = e.Handle(ctx, *res.Session, false, personText("Danke, und am Mittwoch habe ich noch eine Frage"))
	if !strings.Contains(allText(res), mustBundle(t).For("de").T("handover.passed_on", nil)) {
		t.Errorf("a message after the booking did not go to the team: %q", allText(res))
	}
}

// TestBooking_TypedLate: "I'll be late" names the appointment, says to
// call the office, with its phone, and offers to move or cancel it;
// without one it is the appointments screen with the booking button. A
// question that merely says "late" is not taken for it.
func TestBooking_TypedLate(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	for _, c := range []struct{ lang, typed string }{
		{"de", "ich komme später"}, {"de", "ich verspäte mich"}, {"en", "I'll be late"},
		{"uk", "я запізнюся"}, {"ar", "رح اتأخر"}, {"fa", "دیر میرسم"}, {"tr", "geç kalacağım"},
	} {
		msgs := mustBundle(t).For(c.lang)
		s := amalSession()
		s.Lang = c.lang
		res := e.Handle(ctx, s, false, personText(c.typed))
		if !strings.Contains(allText(res), msgs.T("booking.none", nil)) || !hasAction(res, "b") {
			t.Errorf("%s %q without an appointment: %q, want none booked and the booking button", c.lang, c.typed, allText(res))
		}
		bookFirstSlot(t, e, s, amalChat)
		res = e.Handle(ctx, s, false, personText(c.typed))
		txt := allText(res)
		if !strings.Contains(txt, "+49 1") || !strings.Contains(txt, "Rathaus") || !hasAction(res, "ar") || !hasAction(res, "ac") {
			t.Errorf("%s %q with an appointment: %q, want the office, its phone and move/cancel", c.lang, c.typed, txt)
		}
		mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
		for _, bk := range mine {
			if _, err := store.Bookings(0).SetStatus(ctx, bk.ID, domain.BookingCancelled); err != nil {
				t.Fatal(err)
			}
		}
	}
	s := amalSession()
	s.Lang = "en"
	bookFirstSlot(t, e, s, amalChat)
	res := e.Handle(ctx, s, false, personText("what if I am late with the rent"))
	if hasAction(res, "ar") {
		t.Errorf("a question about late rent: %q, want no late reply", allText(res))
	}
}

// TestBooking_TypedCancel: "cancel my appointment" typed with one
// appointment ahead asks its cancel question at once, and a typed "yes"
// cancels it (the QA pass found the "yes" lost: the list was shown, and
// the "yes" went to the menu while the appointment stood). A "yes" typed
// after another tap does not cancel.
func TestBooking_TypedCancel(t *testing.T) {
	ctx := context.Background()
	e, store := bookingEngine(t, langs{})
	_, s := bookFirstSlot(t, e, amalSession(), amalChat)
	mine, _ := store.Bookings(0).ByPerson(ctx, amalChat)
	if len(mine) != 1 {
		t.Fatalf("bookings = %+v", mine)
	}
	res := e.Handle(ctx, s, false, personText("بدي الغي موعدي"))
	if find(t, res, "ay").Action.Arg != mine[0].ID {
		t.Fatalf("typed cancel: no cancel question for the one appointment: %q %+v", allText(res), buttons(res))
	}
	// A tap elsewhere ends the question: a "yes" after it cancels nothing.
	res = e.Handle(ctx, *res.Session, false, personPress("ba", ""))
	res = e.Handle(ctx, *res.Session, false, personText("نعم"))
	if got, _ := store.Bookings(0).Get(ctx, mine[0].ID); got.Status != domain.BookingBooked {
		t.Fatalf("a yes after another tap cancelled: %+v", got)
	}
	res = e.Handle(ctx, *res.Session, false, personText("بدي الغي موعدي"))
	res = e.Handle(ctx, *res.Session, false, personText("نعم"))
	if got, _ := store.Bookings(0).Get(ctx, mine[0].ID); got.Status != domain.BookingCancelled {
		t.Fatalf("typed yes did not cancel: %+v; replies %q", got, allText(res))
	}
	if len(res.Replies) == 0 {
		t.Error("no reply to the cancellation")
	}
}

// TestBooking_OfficeNamedByAWord: with two offices, a word of an office's
// name typed on the choice of office chooses it ("rathaus", "im
// Rathaus"); the QA pass got the same question again for those.
func TestBooking_OfficeNamedByAWord(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	e := bookingEngineWith(t, store, store.Bookings(0), langs{}, withNord)
	for _, typed := range []string{"rathaus", "im Rathaus", "Nord bitte"} {
		s := amalSession()
		s.Lang = "de"
		res := e.Handle(ctx, s, false, personPress("b", ""))
		res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
		find(t, res, "bo")
		res = e.Handle(ctx, *res.Session, false, personText(typed))
		want := "rathaus"
		if strings.HasPrefix(typed, "Nord") {
			want = "nord"
		}
		if res.Session.Draft == nil || res.Session.Draft.Office != want || !hasAction(res, "bd") {
			t.Errorf("%q on the choice of office: %q, want the days of %s", typed, allText(res), want)
		}
	}
}

// A topic's label typed at the choice of topic is that topic, even where
// the search would answer it as a question ("logement", "Wohnen"): the
// booking goes on instead of giving way to an answer (QA, 4 December).
func TestBooking_TopicLabelTyped(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	e := bookingEngineWith(t, store, store.Bookings(0), langs{}, withNord)
	for _, lang := range []string{"de", "fr", "ru"} {
		s := amalSession()
		s.Lang = lang
		res := e.Handle(ctx, s, false, personPress("b", ""))
		topic := find(t, res, "bt")
		label := strings.TrimSpace(strings.TrimLeftFunc(topic.Label, func(r rune) bool { return !unicode.IsLetter(r) }))
		res = e.Handle(ctx, *res.Session, false, personText(label))
		if res.Session.Draft == nil || res.Session.Draft.Topic != topic.Action.Arg || !hasAction(res, "bo") {
			t.Errorf("%s: %q typed at the choice of topic: %q, want the offices for %s", lang, label, allText(res), topic.Action.Arg)
		}
	}
	// A word of the label as people type it: without the article, with
	// another ending.
	for _, tt := range []struct{ lang, typed, topic string }{
		{"ar", "اقامة", "status"}, {"so", "shaqo", "work"}, {"de", "arbeiten", "work"},
	} {
		s := amalSession()
		s.Lang = tt.lang
		res := e.Handle(ctx, s, false, personPress("b", ""))
		res = e.Handle(ctx, *res.Session, false, personText(tt.typed))
		if res.Session.Draft == nil || res.Session.Draft.Topic != tt.topic || !hasAction(res, "bo") {
			t.Errorf("%s: %q at the choice of topic: %q, want the offices for %s", tt.lang, tt.typed, allText(res), tt.topic)
		}
	}
}

// "ich will nicht mehr" in the middle of a booking gets the crisis help
// first, then the choice to stop booking or go on; going on shows the
// step the booking was at (QA, 4 December).
func TestBooking_CrisisWordsKeepTheBooking(t *testing.T) {
	ctx := context.Background()
	store := mustStore(t)
	e := bookingEngineWith(t, store, store.Bookings(0), langs{}, withNord)
	s := amalSession()
	s.Lang = "de"
	res := e.Handle(ctx, s, false, personPress("b", ""))
	res = e.Handle(ctx, *res.Session, false, personPress("bt", find(t, res, "bt").Action.Arg))
	find(t, res, "bo")
	res = e.Handle(ctx, *res.Session, false, personText("ich will nicht mehr, danke"))
	if !strings.Contains(allText(res), "0800 111 0 111") {
		t.Fatalf("replies %q, want the crisis line first", allText(res))
	}
	goOn := find(t, res, "b")
	if goOn.Action.Arg != "on" || !hasAction(res, "m") {
		t.Fatalf("buttons of %q: want stop and go on", allText(res))
	}
	res = e.Handle(ctx, *res.Session, false, personPress("b", goOn.Action.Arg))
	if res.Session.Draft == nil || res.Session.Draft.Topic == "" || !hasAction(res, "bo") {
		t.Errorf("going on: %q, want the choice of office again with the topic kept", allText(res))
	}
}
