package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"testing"
)

// TestButtonCodec_MAC: reused HMACs sign as a freshly keyed one does, so
// buttons already in people's chats stay valid.
func TestButtonCodec_MAC(t *testing.T) {
	key := []byte("button-test")
	want := func(chat int64, epoch uint32, payload string) string {
		m := hmac.New(sha256.New, key)
		var hdr [12]byte
		binary.BigEndian.PutUint64(hdr[:8], uint64(chat))
		binary.BigEndian.PutUint32(hdr[8:], epoch)
		m.Write(hdr[:])
		m.Write([]byte(payload))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:macLen]
	}
	c := newButtonCodec(key)
	for i, payload := range []string{"", "faq:housing.wbs", "bs:rathaus.1763700000"} {
		chat, epoch := int64(-1001234567890+i), uint32(i*77)
		if got := c.mac(chat, epoch, payload); got != want(chat, epoch, payload) {
			t.Errorf("mac(%d, %d, %q) = %s, want %s", chat, epoch, payload, got, want(chat, epoch, payload))
		}
		if got := (buttonCodec{key: key}).mac(chat, epoch, payload); got != want(chat, epoch, payload) {
			t.Errorf("unpooled mac = %s, want %s", got, want(chat, epoch, payload))
		}
	}
}
