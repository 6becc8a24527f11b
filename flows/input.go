package flows

import (
	"context"
	"strings"

	"lotse/internal/domain"
)

// The calm answers to everything that is not a question or a known button.
// None of them is silent and none is a dead end.

func (e *Engine) inputRoutes(t *table) {
	t.on(domain.EventMedia, e.onMedia)
	t.on(domain.EventEdited, e.onEdited)
	t.on(domain.EventCommand, e.unknownCommand) // a command no route knows
	t.on(domain.EventButton, e.staleButton)     // an action no route knows
	t.on(domain.EventStaleButton, e.staleButton)
}

func (e *Engine) onMedia(ctx context.Context, r *Request) error {
	if r.New {
		// Someone who starts with a sticker, a voice message or a
		// location meets Lotse first, as someone who starts with a
		// question does.
		if err := e.start(ctx, r); err != nil {
			return err
		}
		if r.Event.Media == "sticker" || r.Event.Media == "animation" {
			return nil // a wave: the greeting is the answer
		}
	}
	if r.Event.Media == "location" && e.offerDir() != nil {
		return e.offersNearby(ctx, r)
	}
	id := "input.other"
	switch r.Event.Media {
	case "voice", "audio", "video_note":
		id = "input.voice"
	case "photo", "document", "video":
		// Often a photographed letter or ID: say why we don't want it here.
		id = "input.document"
		if strings.TrimSpace(r.Event.Text) != "" {
			// The caption is often the question itself: a short notice,
			// then the caption answered as a typed message would be.
			r.Say(r.T.T("input.document_caption", nil))
			return e.onText(ctx, r)
		}
	}
	if e.onBookingStep(r) {
		// Mid-booking the step comes again under the notice: its
		// buttons are the way on, not the menu.
		r.Say(r.T.T(id, nil))
		r.Event.Text = ""
		return e.resumeBooking(ctx, r)
	}
	r.Say(r.T.T(id, nil), e.menuRow(r))
	return nil
}

func (e *Engine) onEdited(_ context.Context, r *Request) error {
	if r.Session.Handover == handoverOpen {
		// Written to a case manager, who sees only the first version.
		r.Say(r.T.T("handover.edited", nil))
		return nil
	}
	r.Say(r.T.T("input.edited", nil), e.menuRow(r))
	return nil
}

func (e *Engine) unknownCommand(ctx context.Context, r *Request) error {
	// "/termin", "/sprache", "/randevu": a command in the person's own
	// words is the request the words are, as typed without the slash
	// (not while a case manager has the chat: there typed text is theirs).
	if r.Event.Kind == domain.EventCommand && r.Session.Handover == "" {
		text := strings.TrimSpace(strings.ReplaceAll(r.Event.Command, "_", " ") + " " + r.Event.Args)
		if _, _, ok := e.typedRequest(r, text, true); ok {
			r.Event.Kind, r.Event.Text, r.Event.Command, r.Event.Args = domain.EventText, text, "", ""
			_, err := e.openTypedRequest(ctx, r, text)
			return err
		}
	}
	if r.New {
		if err := e.start(ctx, r); err != nil {
			return err
		}
	}
	r.Say(r.T.T("input.unknown_command", nil), e.menuRow(r))
	return nil
}

// staleButton answers a forged, expired or outdated button with the menu.
func (e *Engine) staleButton(_ context.Context, r *Request) error {
	r.Session.Screen = screenMenu
	r.Say(r.T.T("input.stale_button", nil), e.menuRows(r)...)
	return nil
}
