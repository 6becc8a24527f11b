package bot

import (
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// A shared location reaches the flows with its coordinates, so "near me"
// can sort by them; a venue (a place picked on the map) counts too.
func TestDecode_Location(t *testing.T) {
	chat := &tgbotapi.Chat{ID: 5, Type: "private"}
	loc := &tgbotapi.Location{Latitude: 51.9861, Longitude: 7.6322}
	for name, m := range map[string]*tgbotapi.Message{
		"Location": {MessageID: 1, Chat: chat, Location: loc},
		"Venue":    {MessageID: 1, Chat: chat, Venue: &tgbotapi.Venue{Location: *loc, Title: "Treff"}},
	} {
		t.Run(name, func(t *testing.T) {
			in, ok := decode(&tgbotapi.Update{UpdateID: 1, Message: m})
			ev := in.event
			if !ok || ev.Kind != domain.EventMedia || ev.Media != "location" || ev.Location == nil ||
				*ev.Location != (domain.Location{Lat: 51.9861, Lon: 7.6322}) {
				t.Fatalf("decoded %+v", ev)
			}
		})
	}
	in, _ := decode(&tgbotapi.Update{UpdateID: 2, Message: &tgbotapi.Message{MessageID: 2, Chat: chat, Text: "hi"}})
	if in.event.Location != nil {
		t.Error("a text message has no location")
	}
}
