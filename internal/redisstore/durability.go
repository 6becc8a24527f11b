package redisstore

import (
	"context"
	"fmt"
	"log/slog"
)

// Durability is what a Redis server keeps across a restart and whether it
// may evict keys; bookings, reminders and tickets exist only in Redis.
type Durability struct {
	AppendOnly bool   // appendonly yes: every write is in the AOF
	Save       string // RDB snapshot rules; "" means none
	Eviction   string // maxmemory-policy
}

// ReadDurability reads the server's persistence and eviction settings.
// Servers where CONFIG is disabled or renamed (managed services) answer
// with an error.
func (s *Store) ReadDurability(ctx context.Context) (Durability, error) {
	var d Durability
	for _, name := range []string{"appendonly", "save", "maxmemory-policy"} {
		vals, err := s.rdb.ConfigGet(ctx, name).Result()
		if err != nil {
			return d, fmt.Errorf("redisstore: config get %s: %w", name, err)
		}
		v, ok := vals[name]
		if !ok {
			return d, fmt.Errorf("redisstore: config get %s: not reported", name)
		}
		switch name {
		case "appendonly":
			d.AppendOnly = v == "yes"
		case "save":
			d.Save = v
		case "maxmemory-policy":
			d.Eviction = v
		}
	}
	return d, nil
}

// CheckDurability logs a warning when what people booked would not
// survive a Redis restart or could be evicted. It never stops the start:
// readiness only means that Redis answers.
func (s *Store) CheckDurability(ctx context.Context, log *slog.Logger) {
	d, err := s.ReadDurability(ctx)
	if err != nil {
		log.Info("redis persistence settings not readable (CONFIG disabled?); make sure it keeps data on disk (appendonly yes) and never evicts (maxmemory-policy noeviction)", "err", err)
		return
	}
	switch {
	case !d.AppendOnly && d.Save == "":
		log.Warn("redis keeps nothing on disk: bookings, reminders, tickets and sessions are lost when it restarts; set appendonly yes")
	case !d.AppendOnly:
		log.Warn("redis persists by snapshots only: what was booked since the last snapshot is lost when it restarts; set appendonly yes", "save", d.Save)
	}
	if d.Eviction != "noeviction" {
		log.Warn("redis may evict keys when memory is full: bookings and sessions could vanish; set maxmemory-policy noeviction", "maxmemory_policy", d.Eviction)
	}
	if d.AppendOnly && d.Eviction == "noeviction" {
		log.Debug("redis persistence checked", "appendonly", true, "maxmemory_policy", d.Eviction)
	}
}
