package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// Options tune the store; zero values get the defaults.
type Options struct {
	// Prefix starts every key, so several bots or tests can share a Redis.
	Prefix string
	// SessionIdle is how long a session lives after its last update.
	SessionIdle time.Duration
	// Lease is how long a worker holds a chat without committing or
	// renewing; a worker that dies mid-update loses the chat after this
	// long, and another replica takes its waiting updates over.
	Lease time.Duration
	// SyncReplicas, when above 0, makes the writes that an update is
	// acknowledged to Telegram on (a queued update, a commit) wait until
	// that many replicas have them (WAIT), for at most SyncTimeout: a
	// Sentinel failover then loses none of them. 0: asynchronous
	// replication, as Redis does by default.
	SyncReplicas int
	SyncTimeout  time.Duration
	// DoneTTL is how long processed update ids are remembered. Telegram keeps
	// undelivered updates for 24 h, so it must be longer.
	DoneTTL time.Duration
	// Now is the clock every reading of the time in the store goes
	// through (TTLs of bookings, expired blocks, the done set); default
	// time.Now. Tests pin it.
	Now func() time.Time
}

// Store is the Redis implementation of Lotse's stores.
type Store struct {
	rdb  redis.UniversalClient
	opt  Options
	pseu domain.Pseudonyms
}

var _ domain.Inbox = (*Store)(nil)

// New wraps a client. pseu turns chat ids into key pseudonyms.
func New(rdb redis.UniversalClient, pseu domain.Pseudonyms, opt Options) *Store {
	if opt.Prefix == "" {
		opt.Prefix = "lotse"
	}
	if opt.SessionIdle <= 0 {
		opt.SessionIdle = 30 * 24 * time.Hour
	}
	if opt.Lease <= 0 {
		opt.Lease = 5 * time.Second
	}
	if opt.SyncTimeout <= 0 {
		opt.SyncTimeout = 200 * time.Millisecond
	}
	if opt.DoneTTL <= 0 {
		opt.DoneTTL = 25 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Store{rdb: rdb, opt: opt, pseu: pseu}
}

// Ping checks that Redis answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}

// Close closes the client.
func (s *Store) Close() error { return s.rdb.Close() }

// chatKeys are the keys of one chat, in the order the scripts take them.
type chatKeys struct {
	chat                                 string // the pseudonym
	session, queue, payloads, done, lock string
}

func (s *Store) keys(chatID int64) chatKeys { return s.keysOf(s.pseu.Chat(chatID)) }

// keysOf are the keys of the chat with pseudonym chat. The hash tag keeps
// them in one Redis Cluster slot, so one script can touch them all.
func (s *Store) keysOf(chat string) chatKeys {
	base := s.opt.Prefix + ":{c:" + chat + "}:"
	return chatKeys{
		chat:     chat,
		session:  base + "session",
		queue:    base + "queue",
		payloads: base + "payloads",
		done:     base + "done",
		lock:     base + "lock",
	}
}

func (k chatKeys) list() []string { return []string{k.session, k.queue, k.payloads, k.done, k.lock} }
