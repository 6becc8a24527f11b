package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// maxBatch bounds how many waiting updates one call hands out.
const maxBatch = 50

// The lock holds the lease's token, with a "+" appended once updates may
// wait in the queue: the lease was taken for queued updates, or another
// offer queued behind it. The done set holds, besides the processed ids,
// the member "q" (score +inf, so trimming never drops it) while the queue
// may hold updates. Both let an ordinary message – an idle chat, nothing
// waiting – skip the queue entirely: three commands in the offer, four in
// the commit (and the done set's trim on one commit in eight). A stale
// "+" or "q" only sends the chat through the queue once; neither is ever
// missing while an update waits.

// offerScript: KEYS session, queue, payloads, done, lock.
// ARGV update id, payload, lease token, lease ms, queue ttl s.
// Returns {0} duplicate, {1, lease ms left} queued behind another worker,
// {2, session, id1, payload1, id2, payload2, …} leased, or {3, session}
// leased on the fast path: the chat was idle and nothing waited, so the
// update is processed at once and never stored. It is confirmed to
// Telegram only once committed, or once a slow update is stored after all
// (offered again with the lease's token); should the worker die before
// that, Telegram delivers it again. An offer with the token of the lease
// held — a retry, or that storing — queues the update and renews the
// lease.
var offerScript = redis.NewScript(`
local seen = redis.call('ZMSCORE', KEYS[4], ARGV[1], 'q')
if seen[1] then return {0} end
local function store()
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  redis.call('EXPIRE', KEYS[3], ARGV[5])
  if not seen[2] then
    redis.call('ZADD', KEYS[4], 'inf', 'q')
    redis.call('EXPIRE', KEYS[4], ARGV[5])
  end
end
if redis.call('SET', KEYS[5], ARGV[3], 'NX', 'PX', ARGV[4]) then
  if not seen[2] then return {3, redis.call('GET', KEYS[1]) or ''} end
else
  local holder = redis.call('GET', KEYS[5])
  if holder ~= ARGV[3] and holder ~= ARGV[3] .. '+' then
    store()
    if string.sub(holder, -1) ~= '+' then redis.call('APPEND', KEYS[5], '+') end
    return {1, redis.call('PTTL', KEYS[5])}
  end
end
redis.call('SET', KEYS[5], ARGV[3] .. '+', 'PX', ARGV[4])
store()
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
// A lock that is gone — expired, or lost with a Redis failover that
// did not replicate it — is taken again: no other worker holds the chat,
// and one that held it since would have marked the update done. Only a
// lock held by another worker is a lost lease; GETDEL read it, so it is
// put back, with a whole lease since what was left is unknown (that only
// delays a take-over of a worker that died).
// The done set is trimmed of ids older than the done ttl on one commit
// in eight (by update id), so it holds at most a few more; an update
// stored in the queue (not one taken on the offer's fast path) is
// removed from it, also when it lies beyond the first batch (a copy
// queued by a redelivery while it was processed on the fast path, behind
// a long backlog), or it would be processed again.
// Returns {-1} lease lost, {1} already committed (a retry), {0} committed
// and released, {3} erased and released, or {2, id1, payload1, …}
// committed, lease kept.
var commitScript = redis.NewScript(`
local holder = redis.call('GETDEL', KEYS[5])
if holder ~= ARGV[2] and holder ~= ARGV[2] .. '+' then
  if holder then redis.call('SET', KEYS[5], holder, 'PX', ARGV[7]) end
  if redis.call('ZSCORE', KEYS[4], ARGV[1]) then return {1} end
  if holder then return {-1} end
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
  if tonumber(ARGV[1]) % 8 == 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', tonumber(ARGV[6]) - tonumber(ARGV[5]))
  end
  redis.call('EXPIRE', KEYS[4], ARGV[5])
end
if holder == ARGV[2] then
  if erased then return {3} end
  return {0}
end
local ids = {}
local head = redis.call('ZRANGE', KEYS[2], 0, ` + strconv.Itoa(maxBatch) + `)
local removed = false
for _, id in ipairs(head) do
  if id == ARGV[1] then
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    removed = true
  elseif #ids < ` + strconv.Itoa(maxBatch) + ` then
    ids[#ids+1] = id
  end
end
if not removed and #head > ` + strconv.Itoa(maxBatch) + ` then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
end
if #ids == 0 then
  if erased then return {3} end
  redis.call('ZREM', KEYS[4], 'q')
  return {0}
end
if erased then
  redis.call('ZADD', KEYS[4], 'inf', 'q')
  redis.call('EXPIRE', KEYS[4], ARGV[5])
end
redis.call('SET', KEYS[5], ARGV[2] .. '+', 'PX', ARGV[7])
local out = {2}
for _, id in ipairs(ids) do
  out[#out+1] = id
  out[#out+1] = redis.call('HGET', KEYS[3], id) or ''
end
return out
`)

// takeOverScript: KEYS session, queue, payloads, done, lock.
// ARGV lease token, lease ms.
// Returns {0} nothing waits, {1, lease ms left} held by a worker, or
// {2, session, id1, payload1, …} leased.
var takeOverScript = redis.NewScript(`
local left = redis.call('PTTL', KEYS[5])
if left ~= -2 then return {1, left} end
local ids = redis.call('ZRANGE', KEYS[2], 0, ` + strconv.Itoa(maxBatch-1) + `)
if #ids == 0 then
  redis.call('ZREM', KEYS[4], 'q')
  return {0}
end
redis.call('SET', KEYS[5], ARGV[1] .. '+', 'PX', ARGV[2])
local out = {2, redis.call('GET', KEYS[1]) or ''}
for _, id in ipairs(ids) do
  out[#out+1] = id
  out[#out+1] = redis.call('HGET', KEYS[3], id) or ''
end
return out
`)

// renewScript extends this worker's lock, or takes it again if it is
// gone (see commitScript); 0 if another worker holds it.
var renewScript = redis.NewScript(`
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and holder ~= ARGV[1] .. '+' then return 0 end
redis.call('SET', KEYS[1], holder or (ARGV[1] .. '+'), 'PX', ARGV[2])
return 1
`)

// dueSettleScript: KEYS due. ARGV chat, the due time it was read with,
// the new due time (” removes it). It changes the entry only if no one
// has rescheduled it since, so a chat marked due meanwhile stays due.
var dueSettleScript = redis.NewScript(`
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not at or tonumber(at) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then return redis.call('ZREM', KEYS[1], ARGV[1]) end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`)

// releaseScript deletes the lock only if this worker still holds it.
var releaseScript = redis.NewScript(`
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or holder == ARGV[1] .. '+' then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Offer implements domain.Inbox in one round trip; with SyncReplicas, a
// queued update waits for the replicas (a second round trip, only then).
// An update offered to an idle chat is leased without being stored (see
// offerScript): the caller confirms it to Telegram only once it is
// committed, or after offering it again with the lease's token.
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
		if s.opt.SyncReplicas > 0 {
			// A write of ours on one connection to the chat's node, after
			// the offer: once the replicas have it, they have the offer.
			if err := s.replicated(ctx, k.queue, func(p redis.Pipeliner) {
				p.Expire(ctx, k.queue, s.opt.DoneTTL)
			}); err != nil {
				return domain.Claim{}, fmt.Errorf("redisstore: offer update %d: %w", p.UpdateID, err)
			}
		}
		return domain.Claim{State: domain.ClaimQueued, HolderLeft: millis(res, 1)}, nil
	case 3:
		// The fast path: the update itself is the only one.
		claim, err := s.leased(res[:2], domain.Lease{ChatID: chatID, Token: token})
		claim.Pending = []domain.Pending{p}
		return claim, err
	}
	return s.leased(res, domain.Lease{ChatID: chatID, Token: token})
}

// leased reads a {2, session, id1, payload1, …} reply.
func (s *Store) leased(res []any, l domain.Lease) (domain.Claim, error) {
	claim := domain.Claim{State: domain.ClaimLeased, Lease: l}
	if raw, _ := res[1].(string); raw != "" {
		var sess domain.Session
		if err := json.Unmarshal([]byte(raw), &sess); err != nil {
			return domain.Claim{}, fmt.Errorf("redisstore: decode session: %w", err)
		}
		claim.Session = &sess
	}
	var err error
	if claim.Pending, err = pendings(res[2:]); err != nil {
		return domain.Claim{}, err
	}
	return claim, nil
}

// Commit implements domain.Inbox in one round trip (pipelined with WAIT
// when SyncReplicas is set, so the done mark survives a failover).
func (s *Store) Commit(ctx context.Context, l domain.Lease, updateID int64, sess *domain.Session) ([]domain.Pending, error) {
	var blob []byte
	if sess != nil {
		var err error
		if blob, err = json.Marshal(sess); err != nil {
			return nil, fmt.Errorf("redisstore: encode session: %w", err)
		}
	}
	k := s.leaseKeys(l)
	args := []any{updateID, l.Token, blob, int64(s.opt.SessionIdle.Seconds()), int64(s.opt.DoneTTL.Seconds()),
		s.opt.Now().Unix(), s.opt.Lease.Milliseconds()}
	var res []any
	var err error
	if s.opt.SyncReplicas > 0 {
		var cmd *redis.Cmd
		err = s.replicated(ctx, k.lock, func(p redis.Pipeliner) {
			cmd = commitScript.Eval(ctx, p, k.list(), args...)
		})
		if err == nil {
			res, err = cmd.Slice()
		}
	} else {
		res, err = commitScript.Run(ctx, s.rdb, k.list(), args...).Slice()
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: commit update %d: %w", updateID, err)
	}
	switch code(res) {
	case -1:
		return nil, fmt.Errorf("redisstore: commit update %d: %w", updateID, domain.ErrLeaseLost)
	case 0, 1:
		return nil, nil
	case 3:
		// After /delete nothing may point to the person: not the due set
		// either (a key of its own, so a command of its own).
		if err := s.rdb.ZRem(ctx, s.dueKey(), k.chat).Err(); err != nil {
			return nil, fmt.Errorf("redisstore: commit update %d: forget due chat: %w", updateID, err)
		}
		return nil, nil
	}
	return pendings(res[1:])
}

// errNotReplicated: WAIT timed out before enough replicas had the write.
var errNotReplicated = errors.New("not acknowledged by the replicas in time")

// replicated runs cmds and WAIT on one connection to the node that holds
// key: WAIT counts the replicas of that connection's writes.
func (s *Store) replicated(ctx context.Context, key string, cmds func(redis.Pipeliner)) error {
	var node *redis.Client
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		var err error
		if node, err = c.MasterForKey(ctx, key); err != nil {
			return err
		}
	case *redis.Client:
		node = c
	default:
		return fmt.Errorf("redisstore: WAIT on a %T", s.rdb)
	}
	var wait *redis.Cmd
	_, err := node.Pipelined(ctx, func(p redis.Pipeliner) error {
		cmds(p)
		wait = p.Do(ctx, "WAIT", s.opt.SyncReplicas, s.opt.SyncTimeout.Milliseconds())
		return nil
	})
	if err != nil {
		return err
	}
	if n, _ := wait.Int64(); n < int64(s.opt.SyncReplicas) {
		return errNotReplicated
	}
	return nil
}

// Release implements domain.Inbox.
func (s *Store) Release(ctx context.Context, l domain.Lease) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.leaseKeys(l).lock}, l.Token).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}

// Renew implements domain.Inbox.
func (s *Store) Renew(ctx context.Context, l domain.Lease) error {
	ok, err := renewScript.Run(ctx, s.rdb, []string{s.leaseKeys(l).lock}, l.Token, s.opt.Lease.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("redisstore: renew lease: %w", err)
	}
	if ok != 1 {
		return fmt.Errorf("redisstore: renew lease: %w", domain.ErrLeaseLost)
	}
	return nil
}

// dueKey is the one key every replica scans for chats whose updates may
// have lost their worker. It is global, in a slot of its own in a
// Cluster, so it is written in a command of its own — only for updates
// that wait behind a lease or take long, never for an ordinary message.
func (s *Store) dueKey() string { return s.opt.Prefix + ":due" }

// MarkDue implements domain.Inbox. An earlier due time is kept.
func (s *Store) MarkDue(ctx context.Context, chatID int64, d time.Duration) error {
	at := s.opt.Now().Add(d).UnixMilli()
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAddLT(ctx, s.dueKey(), redis.Z{Score: float64(at), Member: s.pseu.Chat(chatID)})
		p.Expire(ctx, s.dueKey(), s.opt.DoneTTL) // like every key, it expires
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: mark chat due: %w", err)
	}
	return nil
}

// DueChats implements domain.Inbox.
func (s *Store) DueChats(ctx context.Context, n int) ([]domain.DueChat, error) {
	zs, err := s.rdb.ZRangeByScoreWithScores(ctx, s.dueKey(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(s.opt.Now().UnixMilli(), 10), Count: int64(n)}).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: due chats: %w", err)
	}
	out := make([]domain.DueChat, 0, len(zs))
	for _, z := range zs {
		chat, _ := z.Member.(string)
		out = append(out, domain.DueChat{Chat: chat, At: int64(z.Score)})
	}
	return out, nil
}

// TakeOver implements domain.Inbox: one script on the chat's keys, then
// one on the due set.
func (s *Store) TakeOver(ctx context.Context, c domain.DueChat, token string) (domain.Claim, error) {
	k := s.keysOf(c.Chat)
	res, err := takeOverScript.Run(ctx, s.rdb, k.list(), token, s.opt.Lease.Milliseconds()).Slice()
	if err != nil {
		return domain.Claim{}, fmt.Errorf("redisstore: take over chat: %w", err)
	}
	var claim domain.Claim
	next := "" // nothing waits: no longer due
	switch code(res) {
	case 0:
		claim.State = domain.ClaimEmpty
	case 1:
		claim = domain.Claim{State: domain.ClaimQueued, HolderLeft: millis(res, 1)}
		next = strconv.FormatInt(s.opt.Now().Add(claim.HolderLeft).UnixMilli(), 10)
	default:
		if claim, err = s.leased(res, domain.Lease{Token: token, Chat: c.Chat}); err != nil {
			return domain.Claim{}, err
		}
		// Due again in case this worker dies too; found empty then.
		next = strconv.FormatInt(s.opt.Now().Add(s.opt.Lease).UnixMilli(), 10)
	}
	if err := dueSettleScript.Run(ctx, s.rdb, []string{s.dueKey()}, c.Chat, c.At, next).Err(); err != nil {
		return domain.Claim{}, fmt.Errorf("redisstore: reschedule due chat: %w", err)
	}
	return claim, nil
}

// leaseKeys are the keys of a lease's chat.
func (s *Store) leaseKeys(l domain.Lease) chatKeys {
	if l.Chat != "" {
		return s.keysOf(l.Chat)
	}
	return s.keys(l.ChatID)
}

// millis reads res[i] as milliseconds; a lock without expiry counts as a
// full lease.
func millis(res []any, i int) time.Duration {
	if len(res) <= i {
		return 0
	}
	n, _ := res[i].(int64)
	return time.Duration(max(n, 0)) * time.Millisecond
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
