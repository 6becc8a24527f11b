package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Stats configures the anonymous daily counters behind `lotse report`
// and /stats.
type Stats struct {
	// Retention is how long a day's counters are kept after that day:
	// long enough to compare a month with the same month a year before.
	// Written in days ("400d") or as a Go duration ("9600h").
	Retention Days `yaml:"retention"`
}

// DefaultStatsRetention keeps a year and a month.
const DefaultStatsRetention = 400 * 24 * time.Hour

// Kept is the retention, or the default when none is set.
func (s Stats) Kept() time.Duration {
	if s.Retention == 0 {
		return DefaultStatsRetention
	}
	return time.Duration(s.Retention)
}

// Days is a duration that may also be written in whole days ("400d").
type Days time.Duration

// UnmarshalYAML reads "400d" or a Go duration; at least 31 days, so a
// monthly report always finds its month.
func (d *Days) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	var v time.Duration
	if num, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("line %d: %q: want days like 400d or a duration like 9600h", n.Line, s)
		}
		v = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if v, err = time.ParseDuration(s); err != nil {
			return fmt.Errorf("line %d: %q: want days like 400d or a duration like 9600h", n.Line, s)
		}
	}
	if v < 31*24*time.Hour {
		return fmt.Errorf("line %d: stats.retention %q: at least 31d", n.Line, s)
	}
	*d = Days(v)
	return nil
}
