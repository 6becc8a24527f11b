package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// Bookings is the Redis BookingStore. The keys of one slot share the hash
// tag {s:<office>:<start>}: the places of each case manager, the bookings
// themselves and the request ids, so that booking is one Lua script on
// one Cluster slot. A booking's id names its slot, so any booking can be
// found from its id alone.
type Bookings struct {
	rdb    redis.UniversalClient
	prefix string
	pseu   domain.Pseudonyms
	now    func() time.Time
	// Keep is how long a booking is kept after its start.
	Keep time.Duration
}

var _ domain.BookingStore = (*Bookings)(nil)

// Bookings returns the booking store sharing this store's client and
// prefix; a booking is kept until keep after its start.
func (s *Store) Bookings(keep time.Duration) *Bookings {
	if keep <= 0 {
		keep = 30 * 24 * time.Hour
	}
	return &Bookings{rdb: s.rdb, prefix: s.opt.Prefix, pseu: s.pseu, now: s.opt.Now, Keep: keep}
}

func (b *Bookings) slotTag(office string, start time.Time) string {
	return b.prefix + ":{s:" + office + ":" + strconv.FormatInt(start.Unix(), 10) + "}:"
}

func (b *Bookings) personKey(chatID int64) string {
	return b.prefix + ":{c:" + b.pseu.Chat(chatID) + "}:bookings"
}

// parseID splits "<office>.<unix>.<random>".
func parseID(id string) (office string, start time.Time, ok bool) {
	parts := strings.Split(id, ".")
	if len(parts) != 3 {
		return "", time.Time{}, false
	}
	unix, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", time.Time{}, false
	}
	return parts[0], time.Unix(unix, 0), true
}

func (b *Bookings) bookingKey(id string) (string, bool) {
	office, start, ok := parseID(id)
	if !ok {
		return "", false
	}
	return b.slotTag(office, start) + "b:" + id, true
}

// bookScript: KEYS request, then one places-set per candidate; ARGV id,
// ttl s, booking key, field count n, n field/value pairs, capacity per
// candidate, staff id per candidate, the slot's index of bookings, and
// the slot's key prefix. The booking and index keys carry the slot's hash
// tag. Returns {0, id, field, value, …} booked, {1, id, field, value, …}
// booked before by the same request, or {2} no place left.
var bookScript = redis.NewScript(`
local prev = redis.call('GET', KEYS[1])
if prev then return {1, prev, unpack(redis.call('HGETALL', ARGV[6 + 2*tonumber(ARGV[4]) + 2*(#KEYS - 1)] .. 'b:' .. prev))} end
local n = tonumber(ARGV[4])
local cands = #KEYS - 1
for i = 1, cands do
  local cap = tonumber(ARGV[4 + 2*n + i])
  if redis.call('SCARD', KEYS[1 + i]) < cap then
    local staff = ARGV[4 + 2*n + cands + i]
    redis.call('SADD', KEYS[1 + i], ARGV[1])
    redis.call('EXPIRE', KEYS[1 + i], ARGV[2])
    redis.call('SADD', ARGV[5 + 2*n + 2*cands], ARGV[1])
    redis.call('EXPIRE', ARGV[5 + 2*n + 2*cands], ARGV[2])
    redis.call('HSET', ARGV[3], 'id', ARGV[1], 'staff', staff, 'req', KEYS[1], unpack(ARGV, 5, 4 + 2*n))
    redis.call('EXPIRE', ARGV[3], ARGV[2])
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    return {0, ARGV[1], unpack(redis.call('HGETALL', ARGV[3]))}
  end
end
return {2}
`)

// Book implements domain.BookingStore in two round trips: the script,
// which returns the booking, and the index of the person's bookings (in
// the person's slot, so a command of its own; idempotent).
func (b *Bookings) Book(ctx context.Context, req domain.BookRequest) (domain.Booking, error) {
	bk := req.Booking
	bk.Status = domain.BookingBooked
	tag := b.slotTag(bk.Office, bk.Start)
	id := bk.Office + "." + strconv.FormatInt(bk.Start.Unix(), 10) + "." + randomID()
	keys := []string{tag + "req:" + req.RequestID}
	var caps, staff []any
	for _, c := range req.Candidates {
		keys = append(keys, tag+"staff:"+strconv.FormatInt(c.Staff, 10))
		caps = append(caps, c.Capacity)
		staff = append(staff, c.Staff)
	}
	fields := bookingFields(bk)
	ttl := int64(bk.Start.Add(b.Keep).Sub(b.now()).Seconds())
	args := []any{id, max(ttl, 60), tag + "b:" + id, len(fields) / 2}
	args = append(append(append(args, fields...), caps...), staff...)
	args = append(args, tag+"all", tag)
	res, err := bookScript.Run(ctx, b.rdb, keys, args...).Slice()
	if err != nil {
		return domain.Booking{}, fmt.Errorf("redisstore: book %s: %w", bk.Office, err)
	}
	if code(res) == 2 {
		return domain.Booking{}, fmt.Errorf("redisstore: book %s %v: %w", bk.Office, bk.Start, domain.ErrSlotTaken)
	}
	id, _ = res[1].(string)
	pk := b.personKey(bk.ChatID)
	pipe := b.rdb.Pipeline()
	pipe.SAdd(ctx, pk, id)
	pipe.Expire(ctx, pk, time.Duration(max(ttl, 60))*time.Second)
	if _, err := pipe.Exec(ctx); err != nil {
		return domain.Booking{}, fmt.Errorf("redisstore: index booking: %w", err)
	}
	m := make(map[string]string, (len(res)-2)/2)
	for i := 2; i+1 < len(res); i += 2 {
		k, _ := res[i].(string)
		v, _ := res[i+1].(string)
		m[k] = v
	}
	if len(m) == 0 {
		return domain.Booking{}, fmt.Errorf("redisstore: booking %s: %w", id, domain.ErrNotFound)
	}
	return parseBooking(m), nil
}

// statusScript: KEYS booking; ARGV status, slot tag. Leaving "booked"
// frees the place at once.
var statusScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {3} end
if st == 'booked' and ARGV[1] ~= 'booked' then
  redis.call('SREM', ARGV[2] .. 'staff:' .. redis.call('HGET', KEYS[1], 'staff'), redis.call('HGET', KEYS[1], 'id'))
end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
return {0, unpack(redis.call('HGETALL', KEYS[1]))}
`)

// SetStatus implements domain.BookingStore.
func (b *Bookings) SetStatus(ctx context.Context, id, status string) (domain.Booking, error) {
	office, start, ok := parseID(id)
	if !ok {
		return domain.Booking{}, fmt.Errorf("redisstore: booking %q: %w", id, domain.ErrNotFound)
	}
	tag := b.slotTag(office, start)
	res, err := statusScript.Run(ctx, b.rdb, []string{tag + "b:" + id}, status, tag).Slice()
	if err != nil {
		return domain.Booking{}, fmt.Errorf("redisstore: booking %s status: %w", id, err)
	}
	if code(res) == 3 {
		return domain.Booking{}, fmt.Errorf("redisstore: booking %s: %w", id, domain.ErrNotFound)
	}
	return parseBooking(pairs(res[1:])), nil
}

// Get implements domain.BookingStore.
func (b *Bookings) Get(ctx context.Context, id string) (domain.Booking, error) {
	key, ok := b.bookingKey(id)
	if !ok {
		return domain.Booking{}, fmt.Errorf("redisstore: booking %q: %w", id, domain.ErrNotFound)
	}
	m, err := b.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return domain.Booking{}, fmt.Errorf("redisstore: booking %s: %w", id, err)
	}
	if len(m) == 0 {
		return domain.Booking{}, fmt.Errorf("redisstore: booking %s: %w", id, domain.ErrNotFound)
	}
	return parseBooking(m), nil
}

// ByPerson implements domain.BookingStore.
func (b *Bookings) ByPerson(ctx context.Context, chatID int64) ([]domain.Booking, error) {
	ids, err := b.rdb.SMembers(ctx, b.personKey(chatID)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: bookings of person: %w", err)
	}
	return b.getAll(ctx, ids)
}

// InSlots implements domain.BookingStore.
func (b *Bookings) InSlots(ctx context.Context, office string, starts []time.Time) ([]domain.Booking, error) {
	if len(starts) == 0 {
		return nil, nil
	}
	pipe := b.rdb.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(starts))
	for i, st := range starts {
		cmds[i] = pipe.SMembers(ctx, b.slotTag(office, st)+"all")
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: bookings in slots: %w", err)
	}
	var ids []string
	for _, c := range cmds {
		ids = append(ids, c.Val()...)
	}
	return b.getAll(ctx, ids)
}

// Booked implements domain.BookingStore.
func (b *Bookings) Booked(ctx context.Context, office string, starts []time.Time) (map[int64]map[int64]int, error) {
	bks, err := b.InSlots(ctx, office, starts)
	if err != nil {
		return nil, err
	}
	out := map[int64]map[int64]int{}
	for _, bk := range bks {
		if bk.Status != domain.BookingBooked {
			continue
		}
		if out[bk.Start.Unix()] == nil {
			out[bk.Start.Unix()] = map[int64]int{}
		}
		out[bk.Start.Unix()][bk.Staff]++
	}
	return out, nil
}

func (b *Bookings) getAll(ctx context.Context, ids []string) ([]domain.Booking, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := b.rdb.Pipeline()
	var cmds []*redis.MapStringStringCmd
	for _, id := range ids {
		if key, ok := b.bookingKey(id); ok {
			cmds = append(cmds, pipe.HGetAll(ctx, key))
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: bookings: %w", err)
	}
	var out []domain.Booking
	for _, c := range cmds {
		if m := c.Val(); len(m) > 0 {
			out = append(out, parseBooking(m))
		}
	}
	return out, nil
}

// Forget implements domain.BookingStore: upcoming places are freed, then
// every booking of the person, its request key and the index are deleted.
func (b *Bookings) Forget(ctx context.Context, chatID int64) ([]domain.Booking, error) {
	bks, err := b.ByPerson(ctx, chatID)
	if err != nil {
		return nil, err
	}
	keys := []string{b.personKey(chatID)}
	for _, bk := range bks {
		key, _ := b.bookingKey(bk.ID)
		// The request key maps the booking attempt to the booking; it
		// would otherwise outlive the erasure by the retention.
		req, err := b.rdb.HGet(ctx, key, "req").Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("redisstore: forget booking: %w", err)
		}
		if req != "" {
			keys = append(keys, req)
		}
		if bk.Status == domain.BookingBooked {
			if _, err := b.SetStatus(ctx, bk.ID, domain.BookingCancelled); err != nil {
				return nil, err
			}
		}
		keys = append(keys, key)
		if err := b.rdb.SRem(ctx, b.slotTag(bk.Office, bk.Start)+"all", bk.ID).Err(); err != nil {
			return nil, fmt.Errorf("redisstore: forget booking: %w", err)
		}
	}
	for _, k := range keys {
		if err := b.rdb.Del(ctx, k).Err(); err != nil {
			return nil, fmt.Errorf("redisstore: forget bookings: %w", err)
		}
	}
	return bks, nil
}

// Block implements domain.BookingStore.
func (b *Bookings) Block(ctx context.Context, office, when string, expires time.Time) error {
	key := b.prefix + ":blocks"
	pipe := b.rdb.TxPipeline()
	pipe.ZAdd(ctx, key, redis.Z{Score: float64(expires.Unix()), Member: office + "|" + when})
	pipe.ZRemRangeByScore(ctx, key, "-inf", strconv.FormatInt(b.now().Unix(), 10))
	// Expired blocks are pruned by score; the key lives as long as the
	// furthest booking horizon.
	pipe.Expire(ctx, key, 400*24*time.Hour)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: block: %w", err)
	}
	return nil
}

// Blocks implements domain.BookingStore.
func (b *Bookings) Blocks(ctx context.Context) (map[string]bool, error) {
	members, err := b.rdb.ZRangeByScore(ctx, b.prefix+":blocks", &redis.ZRangeBy{Min: strconv.FormatInt(b.now().Unix(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: blocks: %w", err)
	}
	out := make(map[string]bool, len(members))
	for _, m := range members {
		out[m] = true
	}
	return out, nil
}

func bookingFields(bk domain.Booking) []any {
	interp := "0"
	if bk.Interpreter {
		interp = "1"
	}
	return []any{
		"chat", bk.ChatID, "name", bk.FirstName, "lang", bk.Lang, "topic", bk.Topic, "interp", interp,
		"office", bk.Office, "start", bk.Start.Unix(), "end", bk.End.Unix(), "status", bk.Status, "created", bk.Created.Unix(),
	}
}

func parseBooking(m map[string]string) domain.Booking {
	num := func(k string) int64 { n, _ := strconv.ParseInt(m[k], 10, 64); return n }
	return domain.Booking{
		ID: m["id"], ChatID: num("chat"), FirstName: m["name"], Lang: m["lang"], Topic: m["topic"],
		Interpreter: m["interp"] == "1", Office: m["office"], Start: time.Unix(num("start"), 0), End: time.Unix(num("end"), 0),
		Staff: num("staff"), Status: m["status"], Created: time.Unix(num("created"), 0),
	}
}

func randomID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
