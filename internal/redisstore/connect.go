package redisstore

import (
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Connect opens a client for url (redis:// or rediss://). With
// sentinelMaster set, the URL's host is a Sentinel and the client follows
// failovers; with cluster set, it is a seed node of a Redis Cluster.
func Connect(url, sentinelMaster string, cluster bool) (redis.UniversalClient, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		// net/url's errors quote the whole URL, password included: keep
		// only what is wrong with it.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("redisstore: parse url: %w", err)
	}
	return redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:         []string{o.Addr},
		DB:            o.DB,
		Username:      o.Username,
		Password:      o.Password,
		TLSConfig:     o.TLSConfig,
		MasterName:    sentinelMaster,
		IsClusterMode: cluster,
	}), nil
}

// Embedded is an in-process Redis-compatible server for the demo, tests and
// a first start without Redis. Everything in it is lost on exit.
type Embedded struct {
	srv  *miniredis.Miniredis
	stop chan struct{}
	done chan struct{}
}

// agePeriod is how often the embedded server's keys age: its server does
// not expire keys by itself, and leases, sessions and every other TTL
// must run out as they do on a real Redis.
const agePeriod = 100 * time.Millisecond

// StartEmbedded starts the embedded server on a free loopback port; its
// keys expire as time passes on the clock now.
func StartEmbedded(now func() time.Time, log *slog.Logger) (*Embedded, error) {
	srv := miniredis.NewMiniRedis()
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("redisstore: start embedded server: %w", err)
	}
	log.Warn("REDIS_URL not set: using an embedded in-memory Redis; all state is lost on exit", "addr", srv.Addr())
	e := &Embedded{srv: srv, stop: make(chan struct{}), done: make(chan struct{})}
	// The clock's start is read here, not in the goroutine: started late
	// on a busy machine, it read a clock already moved on, and a key
	// set before that move never expired.
	go e.age(now, now())
	return e, nil
}

func (e *Embedded) age(now func() time.Time, last time.Time) {
	defer close(e.done)
	t := time.NewTicker(agePeriod)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			at := now()
			if d := at.Sub(last); d > 0 {
				e.srv.FastForward(d)
			}
			last = at
		}
	}
}

// URL is the address to Connect to.
func (e *Embedded) URL() string { return "redis://" + e.srv.Addr() }

// FastForward lets expiries run as if d had passed, on top of the time
// that passes anyway: for tests that wait for a TTL.
func (e *Embedded) FastForward(d time.Duration) { e.srv.FastForward(d) }

// Close stops the server.
func (e *Embedded) Close() {
	close(e.stop)
	<-e.done
	e.srv.Close()
}
