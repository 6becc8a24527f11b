package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"sync"
	"testing"
)

// TestPseudonyms_Chat: reused HMACs give the pseudonyms stored keys were
// written under, concurrently and without NewPseudonyms too.
func TestPseudonyms_Chat(t *testing.T) {
	secret := []byte("pseudonym-test")
	want := func(id int64) string {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("chat:" + strconv.FormatInt(id, 10)))
		return base32.StdEncoding.EncodeToString(m.Sum(nil))[:16]
	}
	p := NewPseudonyms(secret)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for id := int64(-1001234567890); id < -1001234567890+200; id++ {
				if got := p.Chat(id*int64(g+1) + 7); got != want(id*int64(g+1)+7) {
					t.Errorf("Chat(%d) = %s, want %s", id, got, want(id))
					return
				}
			}
		})
	}
	wg.Wait()
	if got := (Pseudonyms{key: secret}).Chat(42); got != want(42) {
		t.Errorf("zero-pool Chat(42) = %s, want %s", got, want(42))
	}
}

func BenchmarkPseudonyms_Chat(b *testing.B) {
	p := NewPseudonyms([]byte("bench"))
	for i := range b.N {
		p.Chat(int64(i))
	}
}
