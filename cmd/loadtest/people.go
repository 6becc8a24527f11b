package main

import (
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// questions are ordinary questions Lotse answers from the knowledge base
// with one message; the echo bot gets the same texts. (A question that
// also matches local offers, such as "Wie finde ich eine Wohnung?", gets
// two messages, and Telegram's pacing of about one message a second per
// chat then holds back a person who writes every second.)
var questions = []string{
	"Darf ich mit Duldung arbeiten?",
	"Wo bekomme ich einen Wohnberechtigungsschein?",
	"Wie verlängere ich meinen Aufenthaltstitel?",
	"Was ist eine Aufenthaltsgestattung?",
}

// crowd is a set of simulated people, each writing, waiting for the
// answer, thinking, and writing again.
type crowd struct {
	api    *fakeAPI
	base   int64 // chat id of the first person
	people []*person
	think  time.Duration
	// Only messages sent in [from, to) are timed; replies arriving in it
	// are counted. Set once every person has had a first answer.
	from, to atomic.Int64 // unix ns; 0: not yet
	// started counts the people whose first message was answered; gate,
	// if set, holds them after it until it is closed.
	started atomic.Int64
	gate    chan struct{}

	answered atomic.Int64 // messages whose first reply came in the window
	sends    atomic.Int64 // messages the bot sent in the window
	bytes    atomic.Int64 // request bytes of those sends
	lost     atomic.Int64 // messages with no reply within replyTimeout
	mu       sync.Mutex
	lat      []time.Duration
}

type person struct {
	replies chan time.Time
	msgID   int
}

// replyTimeout: a message not answered within it counts as lost.
const replyTimeout = 10 * time.Second

func newCrowd(api *fakeAPI, base int64, n int, think time.Duration) *crowd {
	c := &crowd{api: api, base: base, think: think}
	for range n {
		c.people = append(c.people, &person{replies: make(chan time.Time, 16)})
	}
	return c
}

// reply is the fake API's onReply.
func (c *crowd) reply(chat int64, at time.Time, bytes int) {
	i := chat - c.base
	if i < 0 || i >= int64(len(c.people)) {
		return
	}
	if c.inWindow(at) {
		c.sends.Add(1)
		c.bytes.Add(int64(bytes))
	}
	select {
	case c.people[i].replies <- at:
	default:
	}
}

// run lets every person write first, then ask questions until the
// window ends; it returns when every last message is answered or lost.
// first is the first message each person writes.
func (c *crowd) run(first string) {
	var wg sync.WaitGroup
	for i, p := range c.people {
		wg.Go(func() {
			time.Sleep(rand.N(c.think + 1)) // people do not all start at once
			chat := c.base + int64(i)
			if first != "" && !c.ask(p, chat, first) {
				return
			}
			c.started.Add(1)
			if c.gate != nil {
				<-c.gate
			}
			for n := i; ; n++ {
				time.Sleep(c.think*9/10 + rand.N(c.think/5+1))
				if to := c.to.Load(); to != 0 && time.Now().UnixNano() >= to {
					return
				}
				c.ask(p, chat, questions[n%len(questions)])
			}
		})
	}
	wg.Wait()
}

// ask sends one message and waits for its first reply (further replies
// to the same message are drained before the next one).
func (c *crowd) ask(p *person, chat int64, text string) bool {
	for len(p.replies) > 0 {
		<-p.replies
	}
	p.msgID++
	sent := time.Now()
	c.api.push(chat, p.msgID, sent, text)
	select {
	case at := <-p.replies:
		if c.inWindow(sent) {
			c.mu.Lock()
			c.lat = append(c.lat, at.Sub(sent))
			c.mu.Unlock()
		}
		if c.inWindow(at) {
			c.answered.Add(1)
		}
		return true
	case <-time.After(replyTimeout):
		c.lost.Add(1)
		return false
	}
}

// percentile of the timed messages' latencies; q in [0, 1].
func (c *crowd) percentile(q float64) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.lat) == 0 {
		return 0
	}
	slices.Sort(c.lat)
	return c.lat[min(len(c.lat)-1, int(q*float64(len(c.lat))))]
}

// setWindow opens the measured window.
func (c *crowd) setWindow(from, to time.Time) {
	c.to.Store(to.UnixNano())
	c.from.Store(from.UnixNano())
}

func (c *crowd) inWindow(t time.Time) bool {
	from, to := c.from.Load(), c.to.Load()
	ns := t.UnixNano()
	return from != 0 && ns >= from && ns < to
}
