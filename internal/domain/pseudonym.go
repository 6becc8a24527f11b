package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
)

// Pseudonyms turns chat ids into stable pseudonyms for storage keys, logs
// and metrics, so neither ever holds a Telegram id.
type Pseudonyms struct{ key []byte }

// NewPseudonyms keys the pseudonyms with a secret shared by all replicas.
func NewPseudonyms(secret []byte) Pseudonyms { return Pseudonyms{key: secret} }

// Chat returns the pseudonym of a chat: 16 base32 characters (80 bits).
func (p Pseudonyms) Chat(id int64) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte("chat:" + strconv.FormatInt(id, 10)))
	return base32.StdEncoding.EncodeToString(m.Sum(nil))[:16]
}
