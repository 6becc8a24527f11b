package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// maxBatch bounds how many waiting updates one call hands out.
const maxBatch = 50

// offerScript: KEYS session, queue, payloads, done, lock.
// ARGV update id, payload, lease token, lease ms, queue ttl s.
// Returns {0} duplicate, {1} queued behind another worker, or
// {2, session, id1, payload1, id2, payload2, …} leased.
var offerScript = redis.NewScript(`
if redis.call('ZSCORE', KEYS[4], ARGV[1]) then return {0} end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('EXPIRE', KEYS[3], ARGV[5])
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[3] then return {1} end
redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[4])
local out = {2, redis.call('GET', KEYS[1]) or ''}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, ` + strconv.Itoa(maxBatch-1) + `)) do
  out[#out+1] = id
  out[#out+1] = redis.call('HGET', KEYS[3], id) or ''
end
return out
`)

// commitScript: KEYS session, queue, payloads, done, lock.
// ARGV update id, lease token, session (” erases), session ttl s,
// done ttl s, now s, lease ms.
// Erasing a session that existed also forgets which updates were
// processed: after /delete no key may point to the person. The price is
// that an update Telegram delivers again after that (a crash between the
// commit and the offset confirm) is answered as from a newcomer.
// Returns {-1} lease lost, {1} already committed (a retry), {0} committed
// and released, or {2, id1, payload1, …} committed, lease kept.
var commitScript = redis.NewScript(`
if redis.call('GET', KEYS[5]) ~= ARGV[2] then
  if redis.call('ZSCORE', KEYS[4], ARGV[1]) then return {1} end
  return {-1}
end
local erased = false
if ARGV[3] == '' then
  erased = redis.call('DEL', KEYS[1]) == 1
else
  redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
end
if erased then
  redis.call('DEL', KEYS[4])
else
  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', tonumber(ARGV[6]) - tonumber(ARGV[5]))
  redis.call('EXPIRE', KEYS[4], ARGV[5])
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local ids = redis.call('ZRANGE', KEYS[2], 0, ` + strconv.Itoa(maxBatch-1) + `)
if #ids == 0 then
  redis.call('DEL', KEYS[5])
  return {0}
end
redis.call('PEXPIRE', KEYS[5], ARGV[7])
local out = {2}
for _, id in ipairs(ids) do
  out[#out+1] = id
  out[#out+1] = redis.call('HGET', KEYS[3], id) or ''
end
return out
`)

// releaseScript deletes the lock only if this worker still holds it.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Offer implements domain.Inbox in one round trip.
func (s *Store) Offer(ctx context.Context, chatID int64, p domain.Pending, token string) (domain.Claim, error) {
	k := s.keys(chatID)
	res, err := offerScript.Run(ctx, s.rdb, k.list(),
		p.UpdateID, p.Payload, token, s.opt.Lease.Milliseconds(), int64(s.opt.DoneTTL.Seconds())).Slice()
	if err != nil {
		return domain.Claim{}, fmt.Errorf("redisstore: offer update %d: %w", p.UpdateID, err)
	}
	switch code(res) {
	case 0:
		return domain.Claim{State: domain.ClaimDuplicate}, nil
	case 1:
		return domain.Claim{State: domain.ClaimQueued}, nil
	}
	claim := domain.Claim{State: domain.ClaimLeased, Lease: domain.Lease{ChatID: chatID, Token: token}}
	if raw, _ := res[1].(string); raw != "" {
		var sess domain.Session
		if err := json.Unmarshal([]byte(raw), &sess); err != nil {
			return domain.Claim{}, fmt.Errorf("redisstore: decode session: %w", err)
		}
		claim.Session = &sess
	}
	if claim.Pending, err = pendings(res[2:]); err != nil {
		return domain.Claim{}, err
	}
	return claim, nil
}

// Commit implements domain.Inbox in one round trip.
func (s *Store) Commit(ctx context.Context, l domain.Lease, updateID int64, sess *domain.Session) ([]domain.Pending, error) {
	var blob []byte
	if sess != nil {
		var err error
		if blob, err = json.Marshal(sess); err != nil {
			return nil, fmt.Errorf("redisstore: encode session: %w", err)
		}
	}
	k := s.keys(l.ChatID)
	res, err := commitScript.Run(ctx, s.rdb, k.list(),
		updateID, l.Token, blob, int64(s.opt.SessionIdle.Seconds()), int64(s.opt.DoneTTL.Seconds()),
		s.opt.Now().Unix(), s.opt.Lease.Milliseconds()).Slice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: commit update %d: %w", updateID, err)
	}
	switch code(res) {
	case -1:
		return nil, fmt.Errorf("redisstore: commit update %d: %w", updateID, domain.ErrLeaseLost)
	case 0, 1:
		return nil, nil
	}
	return pendings(res[1:])
}

// Release implements domain.Inbox.
func (s *Store) Release(ctx context.Context, l domain.Lease) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.keys(l.ChatID).lock}, l.Token).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}

func code(res []any) int64 {
	if len(res) == 0 {
		return -2
	}
	n, _ := res[0].(int64)
	return n
}

func pendings(flat []any) ([]domain.Pending, error) {
	out := make([]domain.Pending, 0, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		idStr, _ := flat[i].(string)
		id, err := strconv.ParseInt(idStr, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redisstore: bad queued id %q: %w", idStr, err)
		}
		payload, _ := flat[i+1].(string)
		out = append(out, domain.Pending{UpdateID: id, Payload: []byte(payload)})
	}
	return out, nil
}

// Language reads a person's current language from their session, for
// messages sent outside their own conversation; "" if there is none.
func (s *Store) Language(ctx context.Context, chatID int64) (string, error) {
	raw, err := s.rdb.Get(ctx, s.keys(chatID).session).Bytes()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("redisstore: session language: %w", err)
	}
	var sess domain.Session
	if err := json.Unmarshal(raw, &sess); err != nil {
		return "", fmt.Errorf("redisstore: decode session: %w", err)
	}
	return sess.Lang, nil
}
