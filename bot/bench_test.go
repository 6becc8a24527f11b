package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/bot"
	"lotse/internal/domain"
	"lotse/internal/redisstore/redistest"
)

// BenchmarkAdapter drives simulated people through the real adapter against
// the in-process fake Bot API and Redis (REDIS_URL, or the embedded one):
// inbox, session, conversation, reply, commit. "echo" is the baseline: the
// same harness with a bare echo conversation. "lotse" runs the real flows
// with an ordinary FAQ question. "raw" is a floor for reference: decode and
// send back with the client alone, no Redis at all. Reported: updates/s,
// p50/p99 update-to-reply latency, Redis round trips per update.
//
//	go test -run '^$' -bench Adapter -benchtime 3000x ./bot/
func BenchmarkAdapter(b *testing.B) {
	const users, workers = 500, 16
	for _, mode := range []string{"raw", "echo", "lotse"} {
		b.Run(mode, func(b *testing.B) {
			fake := mustFake(b)
			r := redistest.Must(b)
			cfg := setup{pacing: fastPacing, opts: []func(*bot.Options){func(o *bot.Options) { o.UserRate, o.UserBurst = 1e6, 1e6 }}}
			if mode == "echo" {
				cfg.conv = echoConversation{}
			}
			in := mustInstance(b, fake, r, cfg)
			raws := make([][]byte, b.N)
			for i := range raws {
				chat := 10_000 + i%users
				raws[i] = []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1763700000,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"U","language_code":"de"},"text":"Wie finde ich eine Wohnung?"}}`,
					100_000+i, i/users+2, chat, chat))
			}
			process := in.d.Process
			if mode == "raw" {
				process = func(ctx context.Context, raw []byte) error { return rawEcho(ctx, in.client, raw) }
			}
			// Warm up: every person has written before, so this measures
			// ordinary messages, not first contacts.
			for c := 0; c < users; c++ {
				warm := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":1,"date":1763700000,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"U","language_code":"de"},"text":"/start"}}`, 10+c, 10_000+c, 10_000+c)
				if err := process(context.Background(), []byte(warm)); err != nil {
					b.Fatal(err)
				}
			}
			// The statistics are flushed as in production, every few
			// seconds (here every second, and once at the end), and
			// their round trips are counted with the updates'.
			tallyCtx, stopTally := context.WithCancel(context.Background())
			tallied := make(chan struct{})
			go func() { defer close(tallied); in.tally.Run(tallyCtx, time.Second) }()
			rt := r.CountRoundTrips()
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			rt.Store(0)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						t0 := time.Now()
						if err := process(context.Background(), raws[i]); err != nil {
							b.Error(err)
						}
						lat[i] = time.Since(t0)
					}
				}()
			}
			wg.Wait()
			stopTally()
			<-tallied
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
			b.ReportMetric(float64(rt.Load())/float64(b.N), "redis_rt/update")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// echoConversation answers every message with its own text.
type echoConversation struct{}

func (echoConversation) Handle(_ context.Context, s domain.Session, _ bool, ev domain.Event) domain.Result {
	return domain.Result{Replies: []domain.Reply{{Text: ev.Text}}, Session: &s}
}

func (echoConversation) CrossChat(string) bool { return false }

func (echoConversation) OutageNotice(string) string { return "technical problem" }
func (echoConversation) Urgent(domain.Event) bool   { return false }

func (echoConversation) HandleStaff(context.Context, domain.Event) domain.Result {
	return domain.Result{}
}

// rawEcho is as little as a bot can do per update.
func rawEcho(ctx context.Context, c *bot.Client, raw []byte) error {
	var u struct {
		Message struct {
			Chat struct{ ID int64 } `json:"chat"`
			Text string             `json:"text"`
		} `json:"message"`
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return err
	}
	_, err := c.Send(ctx, u.Message.Chat.ID, false, tgbotapi.NewMessage(u.Message.Chat.ID, u.Message.Text))
	return err
}
