package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"

	"lotse/internal/domain"
)

// Button data comes back from the client and can be forged, so every
// button carries a MAC over the chat, the session epoch and the action.
// A button from another chat, a tampered one, or one from an erased or
// expired session (whose epoch is gone) fails verification.
//
// Wire format, at most 64 bytes: "<name>:<arg>~<mac>", mac = 11 base64url
// characters (66 bits) of HMAC-SHA256.
type buttonCodec struct{ key []byte }

const (
	maxCallbackData = 64
	macLen          = 11
)

func (c buttonCodec) mac(chatID int64, epoch uint32, payload string) string {
	m := hmac.New(sha256.New, c.key)
	var hdr [12]byte
	binary.BigEndian.PutUint64(hdr[:8], uint64(chatID))
	binary.BigEndian.PutUint32(hdr[8:], epoch)
	m.Write(hdr[:])
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:macLen]
}

func (c buttonCodec) encode(chatID int64, epoch uint32, a domain.Action) (string, error) {
	payload := a.Name + ":" + a.Arg
	data := payload + "~" + c.mac(chatID, epoch, payload)
	if len(data) > maxCallbackData {
		return "", fmt.Errorf("bot: button %q: callback data is %d bytes, limit %d", a.Name, len(data), maxCallbackData)
	}
	return data, nil
}

func (c buttonCodec) decode(chatID int64, epoch uint32, data string) (domain.Action, bool) {
	i := strings.LastIndexByte(data, '~')
	if i < 0 || len(data) > maxCallbackData {
		return domain.Action{}, false
	}
	payload, mac := data[:i], data[i+1:]
	if !hmac.Equal([]byte(mac), []byte(c.mac(chatID, epoch, payload))) {
		return domain.Action{}, false
	}
	name, arg, _ := strings.Cut(payload, ":")
	return domain.Action{Name: name, Arg: arg}, true
}
