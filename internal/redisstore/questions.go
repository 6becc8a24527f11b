package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lotse/internal/domain"
)

// QuestionsKept is how long a consented question is kept: 90 days after
// the day it was asked (UTC), then Redis deletes the day's hash.
const QuestionsKept = 90 * 24 * time.Hour

// Questions keeps the questions people allowed the team to read: one
// hash per day, "<prefix>:questions:{2026-11-05}", ref → question. No
// key or value names the person; only their own session holds the refs.
type Questions struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

var _ domain.QuestionStore = (*Questions)(nil)

// Questions opens the consented questions.
func (s *Store) Questions() *Questions {
	return &Questions{rdb: s.rdb, prefix: s.opt.Prefix, now: s.opt.Now}
}

func (q *Questions) key(day string) string { return q.prefix + ":questions:{" + day + "}" }

func questionDay(at time.Time) time.Time {
	at = at.UTC()
	return time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
}

// Keep implements domain.QuestionStore.
func (q *Questions) Keep(ctx context.Context, lang, text string, at time.Time) (domain.Question, error) {
	day := questionDay(at)
	b := make([]byte, 8)
	rand.Read(b)
	qu := domain.Question{Ref: day.Format("2006-01-02") + "/" + hex.EncodeToString(b), Lang: lang, Text: text,
		At: at.UTC().Truncate(time.Second), Expires: day.Add(24*time.Hour + QuestionsKept)}
	raw, err := json.Marshal(qu)
	if err != nil {
		return domain.Question{}, fmt.Errorf("redisstore: keep question: %w", err)
	}
	k := q.key(day.Format("2006-01-02"))
	pipe := q.rdb.TxPipeline()
	pipe.HSet(ctx, k, qu.Ref, raw)
	pipe.Expire(ctx, k, qu.Expires.Sub(q.now())) // from the store's clock, as Redis counts it
	if _, err := pipe.Exec(ctx); err != nil {
		return domain.Question{}, fmt.Errorf("redisstore: keep question: %w", err)
	}
	return qu, nil
}

// Get implements domain.QuestionStore.
func (q *Questions) Get(ctx context.Context, refs []string) ([]domain.Question, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	pipe := q.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(refs))
	for i, ref := range refs {
		day, _, _ := strings.Cut(ref, "/")
		cmds[i] = pipe.HGet(ctx, q.key(day), ref)
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, fmt.Errorf("redisstore: get questions: %w", err)
	}
	var out []domain.Question
	for _, c := range cmds {
		var qu domain.Question
		if c.Err() == nil && json.Unmarshal([]byte(c.Val()), &qu) == nil {
			out = append(out, qu)
		}
	}
	return out, nil
}

// Forget implements domain.QuestionStore.
func (q *Questions) Forget(ctx context.Context, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	pipe := q.rdb.Pipeline()
	for _, ref := range refs {
		day, _, _ := strings.Cut(ref, "/")
		pipe.HDel(ctx, q.key(day), ref)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: forget questions: %w", err)
	}
	return nil
}

// Since implements domain.QuestionStore: it reads the day hashes from
// since (at most QuestionsKept back) to today.
func (q *Questions) Since(ctx context.Context, since time.Time) ([]domain.Question, error) {
	today := questionDay(q.now())
	from := questionDay(since)
	if oldest := today.Add(-QuestionsKept - 24*time.Hour); from.Before(oldest) {
		from = oldest
	}
	pipe := q.rdb.Pipeline()
	var cmds []*redis.MapStringStringCmd
	for d := from; !d.After(today); d = d.Add(24 * time.Hour) {
		cmds = append(cmds, pipe.HGetAll(ctx, q.key(d.Format("2006-01-02"))))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: list questions: %w", err)
	}
	var out []domain.Question
	for _, c := range cmds {
		for _, raw := range c.Val() {
			var qu domain.Question
			if json.Unmarshal([]byte(raw), &qu) == nil && !qu.At.Before(since) {
				out = append(out, qu)
			}
		}
	}
	slices.SortFunc(out, func(a, b domain.Question) int { return a.At.Compare(b.At) })
	return out, nil
}
