package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lotse/internal/domain"
	"lotse/internal/i18n"
)

// /export gives a person what Lotse stores about them (GDPR Art. 15 and
// 20): a short summary in their language and a JSON file with every
// item and when it is deleted. It reads only what is keyed to their own
// chat: the session, their bookings and tickets, and the questions whose
// refs their session holds. Case managers' ids are left out: they are
// someone else's data.

// personTickets lists a person's tickets; the Redis store has it.
type personTickets interface {
	ByPerson(ctx context.Context, chatID int64, ticket int64) ([]domain.Ticket, error)
}

// PersonExport is the JSON file /export sends.
type PersonExport struct {
	About        string            `json:"about"`
	ExportedAt   time.Time         `json:"exported_at"`
	Conversation *ConversationData `json:"conversation"`
	Appointments []AppointmentData `json:"appointments"`
	Handovers    []HandoverData    `json:"handovers"`
	Questions    []domain.Question `json:"questions_for_the_team"`
}

// ConversationData is the session: the state of the conversation.
type ConversationData struct {
	Language             string        `json:"language"`
	LanguageChosen       bool          `json:"language_chosen"`
	PreviousLanguage     string        `json:"previous_language,omitempty"`
	MenuPosition         string        `json:"menu_position,omitempty"`
	PrivacyAcknowledged  *time.Time    `json:"privacy_acknowledged,omitempty"`
	Waiting              string        `json:"waiting_for_privacy_notice,omitempty"`
	RecentlyViewed       []string      `json:"recently_viewed_answers,omitempty"`
	HandoverState        string        `json:"handover_state,omitempty"`
	CurrentRequest       int64         `json:"current_request,omitempty"`
	BookingInProgress    *domain.Draft `json:"booking_in_progress,omitempty"`
	ConsentAsked         bool          `json:"asked_about_unanswered_question,omitempty"`
	ButtonKey            uint32        `json:"button_key"`
	DeletedAfterInactive string        `json:"deleted_after_inactive"`
}

// AppointmentData is one booking.
type AppointmentData struct {
	ID           string    `json:"id"`
	FirstName    string    `json:"first_name"`
	Language     string    `json:"language"`
	Topic        string    `json:"topic"`
	Office       string    `json:"office"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Interpreter  bool      `json:"interpreter"`
	Status       string    `json:"status"`
	Booked       time.Time `json:"booked"`
	DeletedAfter time.Time `json:"deleted_after"`
}

// HandoverData is one request to a case manager.
type HandoverData struct {
	Number         int64      `json:"number"`
	FirstName      string     `json:"first_name"`
	Language       string     `json:"language"`
	Topic          string     `json:"topic,omitempty"`
	RecentlyViewed []string   `json:"recently_viewed_answers,omitempty"`
	Status         string     `json:"status"`
	Opened         time.Time  `json:"opened"`
	Taken          *time.Time `json:"taken,omitempty"`
	Closed         *time.Time `json:"closed,omitempty"`
	ClosedBy       string     `json:"closed_by,omitempty"`
	Note           string     `json:"closing_note,omitempty"`
	Rating         int        `json:"rating,omitempty"`
	Comment        string     `json:"comment"`
	DeletedAfter   *time.Time `json:"deleted_after,omitempty"`
}

func (e *Engine) exportRoutes(t *table) {
	// The privacy notice, shown during a hand-over too, points to /export:
	// it answers there rather than going to the case manager as text.
	t.command("export", e.exportData, duringHandover)
}

// exportData answers /export.
func (e *Engine) exportData(ctx context.Context, r *Request) error {
	data, err := e.collectExport(ctx, r)
	if err != nil {
		return err
	}
	raw, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return fmt.Errorf("export: encode: %w", err)
	}
	r.Say(e.exportSummary(r, data), e.menuRow(r))
	r.send(domain.Reply{Document: &domain.Document{Name: "lotse-export.json", Data: raw}})
	return nil
}

// collectExport gathers everything stored about the person. A person
// Lotse did not know before this message has nothing stored.
func (e *Engine) collectExport(ctx context.Context, r *Request) (PersonExport, error) {
	out := PersonExport{About: "Everything Lotse stores about you. Times are UTC.", ExportedAt: r.now.UTC(),
		Appointments: []AppointmentData{}, Handovers: []HandoverData{}, Questions: []domain.Question{}}
	if r.New {
		return out, nil
	}
	s := r.Session
	c := &ConversationData{Language: s.Lang, LanguageChosen: s.LangChosen, PreviousLanguage: s.LangFrom,
		MenuPosition: s.Screen, Waiting: s.Pending, RecentlyViewed: s.Steps, HandoverState: s.Handover,
		CurrentRequest: s.Ticket, BookingInProgress: s.Draft, ConsentAsked: s.ConsentAsked, ButtonKey: s.Epoch,
		DeletedAfterInactive: strconv.Itoa(int(e.set.SessionIdle/(24*time.Hour))) + " days"}
	if s.Acknowledged() {
		at := s.PrivacyAck.UTC()
		c.PrivacyAcknowledged = &at
	}
	out.Conversation = c
	if e.bookings != nil {
		bks, err := e.bookings.ByPerson(ctx, r.Event.ChatID)
		if err != nil {
			return out, fmt.Errorf("export: bookings: %w", err)
		}
		for _, bk := range bks {
			out.Appointments = append(out.Appointments, AppointmentData{ID: bk.ID, FirstName: bk.FirstName, Language: bk.Lang,
				Topic: bk.Topic, Office: bk.Office, Start: bk.Start.UTC(), End: bk.End.UTC(), Interpreter: bk.Interpreter,
				Status: bk.Status, Booked: bk.Created.UTC(), DeletedAfter: bk.End.Add(e.set.RecordsKept).UTC()})
		}
	}
	if pt, ok := e.tickets.(personTickets); ok {
		tks, err := pt.ByPerson(ctx, r.Event.ChatID, s.Ticket)
		if err != nil {
			return out, fmt.Errorf("export: tickets: %w", err)
		}
		for _, tk := range tks {
			h := HandoverData{Number: tk.ID, FirstName: tk.FirstName, Language: tk.Lang, Topic: tk.Topic, RecentlyViewed: tk.Steps,
				Status: string(tk.Status), Opened: tk.Created.UTC(), ClosedBy: tk.ClosedBy, Note: tk.Note, Rating: tk.Rating,
				Comment: "passed on to the case managers, not stored by Lotse"}
			if !tk.Taken.IsZero() {
				at := tk.Taken.UTC()
				h.Taken = &at
			}
			if !tk.Closed.IsZero() {
				at, del := tk.Closed.UTC(), tk.Closed.Add(e.set.RecordsKept).UTC()
				h.Closed, h.DeletedAfter = &at, &del
			}
			out.Handovers = append(out.Handovers, h)
		}
	}
	if e.questions != nil && len(s.Questions) > 0 {
		qs, err := e.questions.Get(ctx, s.Questions)
		if err != nil {
			return out, fmt.Errorf("export: questions: %w", err)
		}
		out.Questions = append(out.Questions, qs...)
	}
	return out, nil
}

// exportSummary is the readable part, in the person's language.
func (e *Engine) exportSummary(r *Request, d PersonExport) string {
	t := r.T
	if d.Conversation == nil {
		// The file lists nothing too; "everything in detail" and "/delete"
		// would promise what is not there.
		return t.T("export.nothing", nil) + " " + t.T("export.file_empty", nil)
	}
	lines := []string{t.T("export.title", nil), "",
		t.T("export.language", i18n.Data{"Lang": e.msgs.For(d.Conversation.Language).T("language.name", nil)})}
	if d.Conversation.PrivacyAcknowledged != nil {
		lines = append(lines, t.T("export.privacy_ack", i18n.Data{"Date": formatDate(t, *d.Conversation.PrivacyAcknowledged)}))
	}
	lines = append(lines, t.T("export.appointments", i18n.Data{"Count": len(d.Appointments)}))
	for _, a := range d.Appointments {
		// Kept for the retention after a cancellation, and said so: a
		// bare line read as an appointment that still stands.
		id := "export.appointment"
		if a.Status == domain.BookingCancelled || a.Status == domain.BookingRemoved {
			id = "export.appointment_cancelled"
		}
		lines = append(lines, t.T(id, e.when(t, a.Start, a.Office)))
	}
	lines = append(lines, t.T("export.handovers", i18n.Data{"Count": len(d.Handovers)}))
	lines = append(lines, t.T("export.questions", i18n.Data{"Count": len(d.Questions)}))
	for _, q := range d.Questions {
		lines = append(lines, "• "+strings.TrimSpace(i18n.OneLine(q.Text)))
	}
	return strings.Join(lines, "\n") + "\n\n" + t.T("export.file", nil)
}
