package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// Tickets is the Redis TicketStore. All its keys share the hash tag
// {tickets}: taking and closing touch the ticket and the open queue in one
// script, which Redis Cluster allows only within one slot. Hand-overs are
// few, so one slot is plenty.
type Tickets struct {
	rdb  redis.UniversalClient
	base string
	pseu domain.Pseudonyms
	now  func() time.Time
	// Retention is how long a closed ticket is kept; open tickets live as
	// long while they see activity.
	Retention time.Duration
}

var _ domain.TicketStore = (*Tickets)(nil)

// Tickets returns the ticket store sharing this store's client and prefix.
func (s *Store) Tickets(retention time.Duration) *Tickets {
	if retention <= 0 {
		retention = 30 * 24 * time.Hour
	}
	return &Tickets{rdb: s.rdb, base: s.opt.Prefix + ":{tickets}:", pseu: s.pseu, now: s.opt.Now, Retention: retention}
}

func (t *Tickets) key(parts ...string) string {
	k := t.base
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

func (t *Tickets) ticketKey(id int64) string { return t.key("t", strconv.FormatInt(id, 10)) }

// erasedKey marks a ticket number whose person erased their data.
func (t *Tickets) erasedKey(id int64) string { return t.key("erased", strconv.FormatInt(id, 10)) }

// openScript: KEYS seq, open, request, byPerson; ARGV ttl s, created unix,
// ticket key prefix, then field/value pairs. The request key makes a
// retried call return the ticket the first one created. The ticket's own
// key is only known once the number is drawn, so it is built in the
// script; it carries the same {tickets} hash tag, so it is in the slot of
// the declared keys.
var openScript = redis.NewScript(`
local existing = redis.call('GET', KEYS[3])
if existing then return tonumber(existing) end
local id = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 34560000)
local tkey = ARGV[3] .. id
redis.call('HSET', tkey, 'id', id, unpack(ARGV, 4))
redis.call('EXPIRE', tkey, ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], id)
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], id, 'EX', ARGV[1])
redis.call('SADD', KEYS[4], id)
redis.call('EXPIRE', KEYS[4], ARGV[1])
return id
`)

// Open implements domain.TicketStore. t.Steps, t.Lang etc. come from the
// caller; the request is deduplicated on (chat, created). The ticket
// names its request key, so Forget can delete it.
func (t *Tickets) Open(ctx context.Context, tk domain.Ticket) (domain.Ticket, error) {
	tk.Status, tk.Activity, tk.Announced = domain.TicketWaiting, tk.Created, tk.Created
	pseu := t.pseu.Chat(tk.ChatID)
	req := t.key("req", pseu, strconv.FormatInt(tk.Created.UnixNano(), 10))
	args := []any{int64(t.Retention.Seconds()), tk.Created.Unix(), t.key("t", "")}
	args = append(append(args, fields(tk)...), "req", req)
	id, err := openScript.Run(ctx, t.rdb, []string{
		t.key("seq"), t.key("open"), req, t.key("by", pseu),
	}, args...).Int64()
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: open ticket: %w", err)
	}
	tk.ID = id
	return tk, nil
}

// Get implements domain.TicketStore.
func (t *Tickets) Get(ctx context.Context, id int64) (domain.Ticket, error) {
	m, err := t.rdb.HGetAll(ctx, t.ticketKey(id)).Result()
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: get ticket %d: %w", id, err)
	}
	if len(m) == 0 {
		n, err := t.rdb.Exists(ctx, t.erasedKey(id)).Result()
		if err != nil {
			return domain.Ticket{}, fmt.Errorf("redisstore: get ticket %d: %w", id, err)
		}
		if n > 0 {
			return domain.Ticket{}, fmt.Errorf("redisstore: ticket %d: %w", id, domain.ErrTicketErased)
		}
		return domain.Ticket{}, fmt.Errorf("redisstore: ticket %d: %w", id, domain.ErrNotFound)
	}
	return parseTicket(m), nil
}

// takeScript: KEYS ticket, last (who helped the person before);
// ARGV staff id, name, force, now, ttl s, update id. Returns {code,
// fields...}: 0 taken, 1 held by another, 2 closed, 3 missing.
var takeScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {3} end
if st == 'closed' then return {2, unpack(redis.call('HGETALL', KEYS[1]))} end
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= '0' and owner ~= '' and owner ~= ARGV[1] and ARGV[3] ~= '1' then
  return {1, unpack(redis.call('HGETALL', KEYS[1]))}
end
if owner ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'taken', ARGV[4])
end
if st == 'waiting' then
  redis.call('HSET', KEYS[1], 'take_update', ARGV[6])
end
redis.call('HSET', KEYS[1], 'status', 'taken', 'owner', ARGV[1], 'owner_name', ARGV[2], 'activity', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[5] * 3)
return {0, unpack(redis.call('HGETALL', KEYS[1]))}
`)

// Take implements domain.TicketStore; it is a no-op for the current owner,
// so a retried call succeeds.
func (t *Tickets) Take(ctx context.Context, id, staff int64, name string, takeOver bool, now time.Time, update int64) (domain.Ticket, error) {
	chat, err := t.rdb.HGet(ctx, t.ticketKey(id), "chat").Int64()
	if errors.Is(err, redis.Nil) {
		return domain.Ticket{}, fmt.Errorf("redisstore: take ticket %d: %w", id, domain.ErrNotFound)
	}
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: take ticket %d: %w", id, err)
	}
	force := "0"
	if takeOver {
		force = "1"
	}
	res, err := takeScript.Run(ctx, t.rdb, []string{t.ticketKey(id), t.key("last", t.pseu.Chat(chat))},
		staff, name, force, now.Unix(), int64(t.Retention.Seconds()), update).Slice()
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: take ticket %d: %w", id, err)
	}
	return ticketResult(res, "take", id)
}

// handBackScript: KEYS ticket, posted; ARGV staff id, now. Answers as
// takeScript does. Waiting again, it is announced again from now; what
// the last take posted is not posted again by the next.
var handBackScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {3} end
if st == 'closed' then return {2, unpack(redis.call('HGETALL', KEYS[1]))} end
if st ~= 'taken' or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return {1, unpack(redis.call('HGETALL', KEYS[1]))}
end
redis.call('HSET', KEYS[1], 'status', 'waiting', 'owner', 0, 'owner_name', '', 'announced', ARGV[2], 'activity', ARGV[2])
redis.call('DEL', KEYS[2])
return {0, unpack(redis.call('HGETALL', KEYS[1]))}
`)

// Release implements domain.TicketStore.
func (t *Tickets) Release(ctx context.Context, id, staff int64, now time.Time) (domain.Ticket, error) {
	res, err := handBackScript.Run(ctx, t.rdb, []string{t.ticketKey(id), t.key("p", strconv.FormatInt(id, 10))}, staff, now.Unix()).Slice()
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: release ticket %d: %w", id, err)
	}
	return ticketResult(res, "release", id)
}

// ticketResult reads a take or close script's answer: a code, then the
// ticket's fields.
func ticketResult(res []any, op string, id int64) (domain.Ticket, error) {
	tk := parseTicket(pairs(res[1:]))
	kind := map[int64]error{1: domain.ErrTicketTaken, 2: domain.ErrTicketClosed, 3: domain.ErrNotFound}[code(res)]
	if kind != nil {
		return tk, fmt.Errorf("redisstore: %s ticket %d: %w", op, id, kind)
	}
	return tk, nil
}

// Touch implements domain.TicketStore.
func (t *Tickets) Touch(ctx context.Context, id int64, now time.Time, cardID int) error {
	k := t.ticketKey(id)
	vals := []any{"activity", now.Unix()}
	if cardID != 0 {
		vals = append(vals, "card", cardID)
	}
	pipe := t.rdb.TxPipeline()
	pipe.HSet(ctx, k, vals...)
	pipe.Expire(ctx, k, t.Retention)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: touch ticket %d: %w", id, err)
	}
	return nil
}

// closeScript: KEYS ticket, open, collected, posted; ARGV by, note, now,
// ttl s. What the person sent while waiting is not kept past the ticket.
var closeScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {3} end
if st == 'closed' then return {2, unpack(redis.call('HGETALL', KEYS[1]))} end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('HSET', KEYS[1], 'status', 'closed', 'closed_by', ARGV[1], 'note', ARGV[2], 'closed', ARGV[3], 'activity', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'id'))
return {0, unpack(redis.call('HGETALL', KEYS[1]))}
`)

// Close implements domain.TicketStore.
func (t *Tickets) Close(ctx context.Context, id int64, by, note string, now time.Time) (domain.Ticket, error) {
	res, err := closeScript.Run(ctx, t.rdb, []string{t.ticketKey(id), t.key("open"), t.key("w", strconv.FormatInt(id, 10)), t.key("p", strconv.FormatInt(id, 10))},
		by, note, now.Unix(), int64(t.Retention.Seconds())).Slice()
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: close ticket %d: %w", id, err)
	}
	return ticketResult(res, "close", id)
}

// langScript: KEYS ticket; ARGV lang. Answers as closeScript does.
var langScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {3} end
if st == 'closed' then return {2, unpack(redis.call('HGETALL', KEYS[1]))} end
redis.call('HSET', KEYS[1], 'lang', ARGV[1])
return {0, unpack(redis.call('HGETALL', KEYS[1]))}
`)

// SetLanguage implements domain.TicketStore.
func (t *Tickets) SetLanguage(ctx context.Context, id int64, lang string) (domain.Ticket, error) {
	res, err := langScript.Run(ctx, t.rdb, []string{t.ticketKey(id)}, lang).Slice()
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: set language of ticket %d: %w", id, err)
	}
	return ticketResult(res, "set language of", id)
}

// Rate implements domain.TicketStore.
func (t *Tickets) Rate(ctx context.Context, id int64, rating int) (domain.Ticket, error) {
	k := t.ticketKey(id)
	n, err := t.rdb.Exists(ctx, k).Result()
	if err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: rate ticket %d: %w", id, err)
	}
	if n == 0 {
		return domain.Ticket{}, fmt.Errorf("redisstore: rate ticket %d: %w", id, domain.ErrNotFound)
	}
	if err := t.rdb.HSet(ctx, k, "rating", rating).Err(); err != nil {
		return domain.Ticket{}, fmt.Errorf("redisstore: rate ticket %d: %w", id, err)
	}
	return t.Get(ctx, id)
}

// Queue implements domain.TicketStore.
func (t *Tickets) Queue(ctx context.Context) ([]domain.Ticket, error) {
	ids, err := t.rdb.ZRange(ctx, t.key("open"), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: queue: %w", err)
	}
	pipe := t.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, t.key("t", id))
	}
	if len(ids) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("redisstore: queue: %w", err)
		}
	}
	out := make([]domain.Ticket, 0, len(ids))
	for _, c := range cmds {
		if m := c.Val(); len(m) > 0 {
			out = append(out, parseTicket(m))
		}
	}
	return out, nil
}

// Relay implements domain.TicketStore. Besides the message → ticket
// link, the ticket keeps its messages with the time they were sent, so
// that erasing the person finds the links and the copies the bot may
// still delete.
func (t *Tickets) Relay(ctx context.Context, staffMsgID int, ticket int64, byBot bool) error {
	member := "s:" + strconv.Itoa(staffMsgID)
	if byBot {
		member = "b:" + strconv.Itoa(staffMsgID)
	}
	msgs := t.messagesKey(ticket)
	pipe := t.rdb.TxPipeline()
	pipe.Set(ctx, t.key("relay", strconv.Itoa(staffMsgID)), ticket, t.Retention)
	pipe.ZAdd(ctx, msgs, redis.Z{Score: float64(t.now().Unix()), Member: member})
	pipe.Expire(ctx, msgs, t.Retention)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: relay: %w", err)
	}
	return nil
}

// messagesKey is the ticket's staff-group messages, scored by send time.
func (t *Tickets) messagesKey(ticket int64) string {
	return t.key("m", strconv.FormatInt(ticket, 10))
}

// RelayedTicket implements domain.TicketStore.
func (t *Tickets) RelayedTicket(ctx context.Context, staffMsgID int) (int64, error) {
	id, err := t.rdb.Get(ctx, t.key("relay", strconv.Itoa(staffMsgID))).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, domain.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("redisstore: relayed ticket: %w", err)
	}
	return id, nil
}

// Announced implements domain.TicketStore.
func (t *Tickets) Announced(ctx context.Context, id int64, now time.Time) error {
	if err := t.rdb.HSet(ctx, t.ticketKey(id), "announced", now.Unix()).Err(); err != nil {
		return fmt.Errorf("redisstore: announced: %w", err)
	}
	return nil
}

// LastCaseManager implements domain.TicketStore.
func (t *Tickets) LastCaseManager(ctx context.Context, chatID int64) (int64, error) {
	id, err := t.rdb.Get(ctx, t.key("last", t.pseu.Chat(chatID))).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redisstore: last case manager: %w", err)
	}
	return id, nil
}

// Forget implements domain.TicketStore: every ticket of the person with
// its request key, what they sent while waiting, the index of their
// staff-group messages and who helped them. What stays, for the
// retention: each ticket's number marked erased, and the links of its
// staff-group messages to that number (message id → ticket number, no
// chat, pseudonym or name), so that an answer to one of them is
// refused with the reason.
func (t *Tickets) Forget(ctx context.Context, chatID int64, ticket int64) (domain.Forgotten, error) {
	pseu := t.pseu.Chat(chatID)
	ids, err := t.rdb.SMembers(ctx, t.key("by", pseu)).Result()
	if err != nil {
		return domain.Forgotten{}, fmt.Errorf("redisstore: forget: %w", err)
	}
	if ticket != 0 && !slices.Contains(ids, strconv.FormatInt(ticket, 10)) {
		ids = append(ids, strconv.FormatInt(ticket, 10))
	}
	pipe := t.rdb.Pipeline()
	hashes := make([]*redis.MapStringStringCmd, len(ids))
	msgs := make([]*redis.ZSliceCmd, len(ids))
	for i, id := range ids {
		hashes[i] = pipe.HGetAll(ctx, t.key("t", id))
		msgs[i] = pipe.ZRangeWithScores(ctx, t.key("m", id), 0, -1)
	}
	if len(ids) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return domain.Forgotten{}, fmt.Errorf("redisstore: forget: %w", err)
		}
	}
	var out domain.Forgotten
	keys := []string{t.key("by", pseu), t.key("last", pseu)}
	deletable := t.now().Add(-domain.DeletableFor).Unix()
	for i, id := range ids {
		keys = append(keys, t.key("t", id), t.key("w", id), t.key("p", id), t.key("m", id), t.key("g", id))
		m := hashes[i].Val()
		if len(m) > 0 {
			tk := parseTicket(m)
			out.Tickets = append(out.Tickets, tk)
			if req := m["req"]; req != "" {
				keys = append(keys, req)
			}
		}
		for _, z := range msgs[i].Val() {
			member, _ := z.Member.(string)
			who, msgID, _ := strings.Cut(member, ":")
			n, _ := strconv.Atoi(msgID)
			card := len(m) > 0 && m["card"] == msgID
			if who == "b" && !card && int64(z.Score) > deletable {
				out.Copies = append(out.Copies, n)
			}
		}
	}
	// All keys share the {tickets} tag, so one transaction deletes them.
	tx := t.rdb.TxPipeline()
	tx.Del(ctx, keys...)
	for _, id := range ids {
		tx.ZRem(ctx, t.key("open"), id)
		n, _ := strconv.ParseInt(id, 10, 64)
		tx.Set(ctx, t.erasedKey(n), 1, t.Retention)
	}
	if _, err := tx.Exec(ctx); err != nil {
		return domain.Forgotten{}, fmt.Errorf("redisstore: forget: %w", err)
	}
	return out, nil
}

// collectScript: KEYS ticket, collected; ARGV item, ttl s. Returns 0
// collected, 1 no longer waiting, 2 closed, 3 missing. The status is read
// in the same step: an item pushed after a take had posted the collected
// ones would never be posted.
var collectScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 3 end
if st == 'closed' then return 2 end
if st ~= 'waiting' then return 1 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 0
`)

// Collect implements domain.TicketStore.
func (t *Tickets) Collect(ctx context.Context, ticket int64, item string) error {
	n, err := collectScript.Run(ctx, t.rdb, []string{t.ticketKey(ticket), t.key("w", strconv.FormatInt(ticket, 10))},
		item, int64(t.Retention.Seconds())).Int64()
	if err != nil {
		return fmt.Errorf("redisstore: collect: %w", err)
	}
	if kind := map[int64]error{1: domain.ErrTicketTaken, 2: domain.ErrTicketClosed, 3: domain.ErrNotFound}[n]; kind != nil {
		return fmt.Errorf("redisstore: collect for ticket %d: %w", ticket, kind)
	}
	return nil
}

// collectedScript: KEYS collected, posted; ARGV ttl s. Moves what was
// collected to the posted list, in one step, and returns that list: a
// retried take finds the items it had posted, and the collected list is
// empty for the next message.
var collectedScript = redis.NewScript(`
while true do
  local v = redis.call('LPOP', KEYS[1])
  if not v then break end
  redis.call('RPUSH', KEYS[2], v)
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], ARGV[1])
end
return redis.call('LRANGE', KEYS[2], 0, -1)
`)

// postedFor is how long the items a take posted are kept for a retry of
// it: a retry comes within seconds; what the person wrote is not kept
// longer than that needs.
const postedFor = time.Hour

// Collected implements domain.TicketStore.
func (t *Tickets) Collected(ctx context.Context, ticket int64) ([]string, error) {
	id := strconv.FormatInt(ticket, 10)
	items, err := collectedScript.Run(ctx, t.rdb, []string{t.key("w", id), t.key("p", id)}, int64(postedFor.Seconds())).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: collected: %w", err)
	}
	return items, nil
}

// FirstNotice implements domain.TicketStore.
func (t *Tickets) FirstNotice(ctx context.Context, userID int64) (bool, error) {
	ok, err := t.rdb.SetNX(ctx, t.key("notice", t.pseu.Chat(userID)), 1, 30*24*time.Hour).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: first notice: %w", err)
	}
	return ok, nil
}

// fields flattens a ticket into hash field/value pairs.
func fields(tk domain.Ticket) []any {
	steps, _ := json.Marshal(tk.Steps)
	return []any{
		"chat", tk.ChatID, "name", tk.FirstName, "lang", tk.Lang, "topic", tk.Topic, "steps", string(steps),
		"status", string(tk.Status), "owner", tk.Owner, "owner_name", tk.OwnerName,
		"created", tk.Created.Unix(), "taken", unix(tk.Taken), "activity", unix(tk.Activity),
		"announced", unix(tk.Announced), "card", tk.CardID, "closed", unix(tk.Closed),
		"closed_by", tk.ClosedBy, "note", tk.Note, "rating", tk.Rating,
		"prev", tk.Previous, "appt", unix(tk.Appointment), "appt_office", tk.ApptOffice,
	}
}

func parseTicket(m map[string]string) domain.Ticket {
	num := func(k string) int64 { n, _ := strconv.ParseInt(m[k], 10, 64); return n }
	at := func(k string) time.Time {
		if n := num(k); n > 0 {
			return time.Unix(n, 0)
		}
		return time.Time{}
	}
	tk := domain.Ticket{
		ID: num("id"), ChatID: num("chat"), FirstName: m["name"], Lang: m["lang"], Topic: m["topic"],
		Status: domain.TicketStatus(m["status"]), Owner: num("owner"), OwnerName: m["owner_name"],
		Created: at("created"), Taken: at("taken"), Activity: at("activity"), Announced: at("announced"),
		CardID: int(num("card")), Closed: at("closed"), ClosedBy: m["closed_by"], Note: m["note"], Rating: int(num("rating")),
		Previous: num("prev"), Appointment: at("appt"), ApptOffice: m["appt_office"], TakeUpdate: num("take_update"),
	}
	json.Unmarshal([]byte(m["steps"]), &tk.Steps)
	return tk
}

func pairs(flat []any) map[string]string {
	m := make(map[string]string, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		k, _ := flat[i].(string)
		v, _ := flat[i+1].(string)
		m[k] = v
	}
	return m
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// explainScript: KEYS the ticket's explained terms; ARGV ttl s, terms.
// Returns the terms that were new.
var explainScript = redis.NewScript(`
local out = {}
for i = 2, #ARGV do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then table.insert(out, ARGV[i]) end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return out
`)

// Explained implements domain.TicketStore.
func (t *Tickets) Explained(ctx context.Context, ticket int64, terms []string) ([]string, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	args := []any{int64(t.Retention.Seconds())}
	for _, term := range terms {
		args = append(args, term)
	}
	out, err := explainScript.Run(ctx, t.rdb, []string{t.key("g", strconv.FormatInt(ticket, 10))}, args...).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: explained terms of ticket %d: %w", ticket, err)
	}
	return out, nil
}
