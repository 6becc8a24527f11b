package redisstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// ByPerson lists the person's tickets that are still kept, oldest first,
// for their data export (/export). ticket is the session's current one,
// included even if the index does not list it.
func (t *Tickets) ByPerson(ctx context.Context, chatID int64, ticket int64) ([]domain.Ticket, error) {
	ids, err := t.rdb.SMembers(ctx, t.key("by", t.pseu.Chat(chatID))).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: tickets of person: %w", err)
	}
	if ticket != 0 && !slices.Contains(ids, strconv.FormatInt(ticket, 10)) {
		ids = append(ids, strconv.FormatInt(ticket, 10))
	}
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := t.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, t.key("t", id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: tickets of person: %w", err)
	}
	var out []domain.Ticket
	for _, c := range cmds {
		if len(c.Val()) == 0 {
			continue // expired
		}
		if tk := parseTicket(c.Val()); tk.ChatID == chatID {
			out = append(out, tk)
		}
	}
	slices.SortFunc(out, func(a, b domain.Ticket) int { return a.Created.Compare(b.Created) })
	return out, nil
}
