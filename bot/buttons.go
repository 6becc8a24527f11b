package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"

	"lotse/internal/domain"
)

// Button data comes back from the client and can be forged, so every
// button carries a MAC over the chat, the session epoch and the action.
// A button from another chat, a tampered one, or one from an erased or
// expired session (whose epoch is gone) fails verification.
//
// Wire format, at most 64 bytes: "<name>:<arg>~<mac>", mac = 11 base64url
// characters (66 bits) of HMAC-SHA256.
type buttonCodec struct {
	key []byte
	// macs are HMACs keyed with key, reused (see newButtonCodec).
	macs *sync.Pool
}

// newButtonCodec keys the MACs once: keying an HMAC costs as much as the
// MAC of a button, and every reply signs several.
func newButtonCodec(key []byte) buttonCodec {
	return buttonCodec{key: key, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}
}

const (
	maxCallbackData = 64
	macLen          = 11
)

func (c buttonCodec) mac(chatID int64, epoch uint32, payload string) string {
	var m hash.Hash
	if c.macs != nil {
		m = c.macs.Get().(hash.Hash)
		m.Reset()
		defer c.macs.Put(m)
	} else {
		m = hmac.New(sha256.New, c.key)
	}
	var hdr [12]byte
	binary.BigEndian.PutUint64(hdr[:8], uint64(chatID))
	binary.BigEndian.PutUint32(hdr[8:], epoch)
	m.Write(hdr[:])
	io.WriteString(m, payload)
	var sum [sha256.Size]byte
	var out [macLen + 1]byte // 9 bytes make 12 characters, of which 11 are kept
	base64.RawURLEncoding.Encode(out[:], m.Sum(sum[:0])[:9])
	return string(out[:macLen])
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
