package domain

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestSession_JSON: a session without an acknowledgement carries no date
// (it is stored for every person), and sessions written before, with the
// zero date spelled out, still read.
func TestSession_JSON(t *testing.T) {
	raw, err := json.Marshal(Session{Lang: "ar", Epoch: 7})
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"l":"ar","e":7}` {
		t.Errorf("session = %s", raw)
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	raw, _ = json.Marshal(Session{Epoch: 7, PrivacyAck: at})
	var back Session
	if err := json.Unmarshal(raw, &back); err != nil || !back.PrivacyAck.Equal(at) || !strings.Contains(string(raw), `"pa":`) {
		t.Errorf("acknowledged session %s read back as %+v, %v", raw, back, err)
	}
	var old Session
	if err := json.Unmarshal([]byte(`{"l":"de","e":3,"pa":"0001-01-01T00:00:00Z"}`), &old); err != nil || old.Acknowledged() || old.Lang != "de" {
		t.Errorf("old session = %+v, %v", old, err)
	}
}
