package main

import (
	"testing"

	"lotse/internal/config"
)

// TestSettings_LocalHelp: the sample's local emergency contacts reach the
// conversation, each with its kind.
func TestSettings_LocalHelp(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	h := settings(cfg).LocalHelp
	if len(h.Legal) != 2 || h.Legal[1].Name.In("de") != "Refugee Law Clinic Musterstadt" || h.Legal[1].Hours.In("de") == "" ||
		len(h.WomenShelter) != 1 || h.WomenShelter[0].Phone == "" || len(h.Crisis) != 1 {
		t.Errorf("local help = %+v", h)
	}
}
