package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"hash"
	"strconv"
	"sync"
)

// Pseudonyms turns chat ids into stable pseudonyms for storage keys, logs
// and metrics, so neither ever holds a Telegram id.
type Pseudonyms struct {
	key []byte
	// macs are HMACs keyed with key, reused: keying one costs as much as
	// the pseudonym itself.
	macs *sync.Pool
}

// NewPseudonyms keys the pseudonyms with a secret shared by all replicas.
func NewPseudonyms(secret []byte) Pseudonyms {
	return Pseudonyms{key: secret, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, secret) }}}
}

// Chat returns the pseudonym of a chat: 16 base32 characters (80 bits).
func (p Pseudonyms) Chat(id int64) string {
	var m hash.Hash
	if p.macs != nil {
		m = p.macs.Get().(hash.Hash)
		m.Reset()
		defer p.macs.Put(m)
	} else {
		m = hmac.New(sha256.New, p.key)
	}
	var buf [32]byte
	m.Write(strconv.AppendInt(append(buf[:0], "chat:"...), id, 10))
	var sum [sha256.Size]byte
	var out [16]byte
	base32.StdEncoding.Encode(out[:], m.Sum(sum[:0])[:10]) // 10 bytes, 16 characters
	return string(out[:])
}
