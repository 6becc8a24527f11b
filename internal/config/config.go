package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"lotse/internal/i18n"
	"lotse/internal/translate"
)

// Sample is the embedded example configuration, used when LOTSE_CONFIG is
// not set so that a first start needs nothing but a token.
//
//go:embed sample.yaml
var Sample []byte

// Config is everything Lotse is configured with.
type Config struct {
	// From the environment.
	Token          Secret // TELEGRAM_BOT_TOKEN
	APIURL         string // TELEGRAM_API_URL
	RedisURL       Secret // REDIS_URL (may carry a password)
	RedisSentinel  string // REDIS_SENTINEL_MASTER
	RedisCluster   bool   // REDIS_CLUSTER
	RedisPrefix    string // REDIS_PREFIX: first part of every key
	ConfigPath     string // LOTSE_CONFIG
	HTTPAddr       string // HTTP_ADDR: the webhook, alone on the public port
	MetricsAddr    string // METRICS_ADDR: /metrics, /healthz, /readyz
	WebhookURL     string // WEBHOOK_URL
	WebhookSecret  Secret // WEBHOOK_SECRET
	StaffChatID    int64  // STAFF_CHAT_ID
	Secret         Secret // LOTSE_SECRET
	LogLevel       string // LOG_LEVEL
	LogFormat      string // LOG_FORMAT
	ShutdownWait   time.Duration
	StartupWait    time.Duration // STARTUP_WAIT, SHUTDOWN_WAIT: how long to wait for Redis and the Bot API at start, and for a graceful stop
	ConfigFileName string        // for messages: the path or "embedded sample"

	// REDIS_SYNC_REPLICAS, REDIS_SYNC_TIMEOUT: how many replicas must have
	// an update's queue entry or commit (WAIT) before it is confirmed to
	// Telegram, and how long to wait for them; 0: asynchronous, as Redis.
	RedisSyncReplicas int
	RedisSyncTimeout  time.Duration
	// Machine translation at the desk; off when TranslateURL is empty.
	TranslateURL      string // TRANSLATE_URL: the server; DeepL's API by default for deepl
	TranslateKey      Secret // TRANSLATE_API_KEY (or _FILE)
	TranslateProvider string // TRANSLATE_PROVIDER: libretranslate (the default) or deepl

	File File
}

// File is the YAML configuration file.
type File struct {
	Municipality string               `yaml:"municipality"`
	SessionIdle  time.Duration        `yaml:"session_idle"`
	ContentDir   string               `yaml:"content_dir"`
	Offices      []Office             `yaml:"offices"`
	Facts        map[string]i18n.Text `yaml:"facts"`
	Staff        []Staff              `yaml:"staff"`
	Handover     Handover             `yaml:"handover"`
	Booking      Booking              `yaml:"booking"`
	Emergency    Emergency            `yaml:"emergency"`
	// Stats: how long the anonymous daily counters are kept (stats.go).
	Stats Stats `yaml:"stats"`
	// CacheDir holds the compiled knowledge base (kb.LoadCached); "" for
	// none. Safe to delete at any time.
	CacheDir string `yaml:"cache_dir"`

	// Warnings are problems that do not stop Lotse; serve logs them at
	// start and `lotse content check --config` lists them.
	Warnings []Warning `yaml:"-"`
}

// Warning is a problem in the config file that Lotse starts with: what
// will not work as written, and what to write instead.
type Warning struct {
	File string
	Line int
	Path string
	Msg  string
}

func (w Warning) String() string {
	return fmt.Sprintf("config: %s:%d: %s: %s", w.File, w.Line, w.Path, w.Msg)
}

// Emergency are local places to turn to, shown with the national numbers
// when a message is urgent. All are optional: without them people get the
// national numbers only.
type Emergency struct {
	// LegalHelp (Flüchtlingsrat, Refugee Law Clinic) is shown when a person
	// is about to be deported.
	LegalHelp []Contact `yaml:"legal_help"`
	// WomenShelter (Frauenhaus) is shown with violence.
	WomenShelter []Contact `yaml:"women_shelter"`
	// CrisisService (local crisis service, sociopsychiatric service) is
	// shown with suicidal thoughts.
	CrisisService []Contact `yaml:"crisis_service"`
}

// Contact is one local place with a number to call.
type Contact struct {
	Name  i18n.Text `yaml:"name"`
	Phone string    `yaml:"phone"`
	// Hours say when someone answers ("Mo–Fr 9–16 Uhr", "24/7"); people in
	// danger must know whether calling now helps.
	Hours i18n.Text `yaml:"hours"`
}

// Staff is a case manager who may take hand-overs in the staff group.
type Staff struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"` // shown to the person
	TelegramID int64    `yaml:"telegram_id"`
	Languages  []string `yaml:"languages"`
	Offices    []string `yaml:"offices"` // offices whose hours they hold
}

// Handover configures hand-overs to case managers.
type Handover struct {
	// Language of the texts in the staff group: de or en.
	StaffLanguage string `yaml:"staff_language"`
	// Hours are when case managers answer; outside them people are told
	// when the team is back.
	Hours    []Hours `yaml:"hours"`
	Timezone string  `yaml:"timezone"`
	// ReannounceAfter: an untaken request is announced again after this.
	ReannounceAfter time.Duration `yaml:"reannounce_after"`
	// CloseInactiveAfter: a request with no message either way is closed.
	CloseInactiveAfter time.Duration `yaml:"close_inactive_after"`
	// Retention: how long a closed request, and an appointment after its
	// day, is kept.
	Retention time.Duration `yaml:"retention"`
	// RelatedLanguages: when nobody speaks a person's language, case
	// managers who speak one of these are suggested (uk: [ru]). Unset:
	// uk↔ru and ps→fa.
	RelatedLanguages map[string][]string `yaml:"related_languages"`
	// PreviousFirst: how long the case manager who helped a returning
	// person before has the request to themselves (0 turns it off).
	PreviousFirst *time.Duration `yaml:"previous_first"`
}

// Hours is one weekly rule: days and a from–to time of day.
type Hours struct {
	Days []string `yaml:"days"` // mon … sun
	From string   `yaml:"from"` // "08:00"
	To   string   `yaml:"to"`   // "16:00"
}

// Location is the configured time zone.
func (h Handover) Location() *time.Location {
	loc, err := time.LoadLocation(h.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Office is a place where people meet the integration management.
type Office struct {
	ID            string    `yaml:"id"`
	Name          i18n.Text `yaml:"name"`
	Address       string    `yaml:"address"`
	Phone         string    `yaml:"phone"`
	Lat           float64   `yaml:"lat"`
	Lon           float64   `yaml:"lon"`
	Notes         i18n.Text `yaml:"notes"`         // opening notes, shown with a booking
	Accessibility i18n.Text `yaml:"accessibility"` // e.g. step-free entrance
}

// Booking configures office-hour appointments.
type Booking struct {
	Timezone  string          `yaml:"timezone"`
	DaysAhead int             `yaml:"days_ahead"`
	MinLead   time.Duration   `yaml:"min_lead"`
	MaxActive int             `yaml:"max_active"`
	Topics    []string        `yaml:"topics"`
	Reminders []time.Duration `yaml:"reminders"`
	// Bring is what people should bring to an appointment.
	Bring      i18n.Text `yaml:"bring"`
	AgendaTime string    `yaml:"agenda_time"`
	// Hours are weekly office hours; Extra are one-off hours on a date.
	Hours    []OfficeHours `yaml:"hours"`
	Extra    []OfficeHours `yaml:"extra"`
	Closures []Closure     `yaml:"closures"`
}

// OfficeHours is a weekly rule (Days) or a one-off date (Date) of office
// hours in one office, cut into slots.
type OfficeHours struct {
	Office   string        `yaml:"office"`
	Days     []string      `yaml:"days"`
	Date     string        `yaml:"date"` // YYYY-MM-DD, for extra hours
	From     string        `yaml:"from"`
	To       string        `yaml:"to"`
	Slot     time.Duration `yaml:"slot"`
	Capacity int           `yaml:"capacity"` // people per slot and case manager
	Staff    []string      `yaml:"staff"`    // staff ids; default: all serving the office
}

// Closure closes a date range (From–To, or one Date) for an office, for one
// case manager (an absence), or everywhere. Dates are YYYY-MM-DD, or MM-DD
// for a closure every year (Christmas), which may run over New Year.
type Closure struct {
	Date   string `yaml:"date"`
	From   string `yaml:"from"`
	To     string `yaml:"to"`
	Office string `yaml:"office"`
	Staff  string `yaml:"staff"`
	Note   string `yaml:"note"`
}

// Secret is a string that never prints.
type Secret string

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<redacted>"
}

// GoString keeps %#v from printing it too.
func (s Secret) GoString() string { return s.String() }

// Value returns the secret itself.
func (s Secret) Value() string { return string(s) }

// Webhook reports whether updates arrive by webhook (else long polling).
func (c *Config) Webhook() bool { return c.WebhookURL != "" }

// Load reads the environment (through getenv, so tests pass their own) and
// the YAML file it names.
func Load(getenv func(string) string) (*Config, error) {
	c := &Config{
		APIURL:        or(getenv("TELEGRAM_API_URL"), "https://api.telegram.org"),
		RedisSentinel: getenv("REDIS_SENTINEL_MASTER"),
		RedisPrefix:   or(getenv("REDIS_PREFIX"), "lotse"),
		ConfigPath:    getenv("LOTSE_CONFIG"),
		HTTPAddr:      or(getenv("HTTP_ADDR"), ":8080"),
		MetricsAddr:   or(getenv("METRICS_ADDR"), "127.0.0.1:9090"),
		WebhookURL:    getenv("WEBHOOK_URL"),
		LogLevel:      or(getenv("LOG_LEVEL"), "info"),
		LogFormat:     or(getenv("LOG_FORMAT"), "json"),
	}
	var errs []error
	secret := func(name string) Secret {
		v, err := fromEnvOrFile(getenv, name)
		if err != nil {
			errs = append(errs, err)
		}
		return Secret(v)
	}
	c.Token = secret("TELEGRAM_BOT_TOKEN")
	c.RedisURL = secret("REDIS_URL")
	c.WebhookSecret = secret("WEBHOOK_SECRET")
	c.Secret = secret("LOTSE_SECRET")
	c.TranslateKey = secret("TRANSLATE_API_KEY")
	c.TranslateURL = getenv("TRANSLATE_URL")
	c.TranslateProvider = or(getenv("TRANSLATE_PROVIDER"), "libretranslate")
	switch c.TranslateProvider {
	case "libretranslate":
	case "deepl":
		// DeepL has one API for everyone, so choosing it is enough to
		// turn translation on; TRANSLATE_URL may still name a proxy.
		if c.TranslateKey == "" {
			errs = append(errs, errors.New("TRANSLATE_PROVIDER=deepl needs TRANSLATE_API_KEY (or TRANSLATE_API_KEY_FILE): DeepL's API takes no request without a key"))
		} else if c.TranslateURL == "" {
			c.TranslateURL = translate.DeepLURL(c.TranslateKey.Value())
		}
	default:
		errs = append(errs, fmt.Errorf("TRANSLATE_PROVIDER: want libretranslate or deepl, got %q", c.TranslateProvider))
	}
	if c.TranslateURL != "" {
		if u, err := url.Parse(c.TranslateURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			errs = append(errs, fmt.Errorf("TRANSLATE_URL: not an absolute http(s) URL: %q", c.TranslateURL))
		}
	}
	if v := getenv("REDIS_CLUSTER"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("REDIS_CLUSTER: want true or false, got %q", v))
		}
		c.RedisCluster = b
	}
	duration := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive duration such as 30s or 2m, got %q", name, v))
		}
		return d
	}
	c.StartupWait = duration("STARTUP_WAIT", 30*time.Second)
	c.ShutdownWait = duration("SHUTDOWN_WAIT", 10*time.Second)
	c.RedisSyncTimeout = duration("REDIS_SYNC_TIMEOUT", 100*time.Millisecond)
	if v := getenv("REDIS_SYNC_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("REDIS_SYNC_REPLICAS: want a number of replicas (0 or more), got %q", v))
		}
		c.RedisSyncReplicas = n
	}
	for _, a := range []struct{ name, addr string }{{"HTTP_ADDR", c.HTTPAddr}, {"METRICS_ADDR", c.MetricsAddr}} {
		// Said at start, not after STARTUP_WAIT when serve opens it.
		if _, port, err := net.SplitHostPort(a.addr); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("%s: want host:port such as 127.0.0.1:9090 or :8080, got %q", a.name, a.addr))
		}
	}
	if v := getenv("STAFF_CHAT_ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("STAFF_CHAT_ID: want a numeric chat id, got %q", v))
		}
		c.StaffChatID = id
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	data, name := Sample, "embedded sample config"
	if c.ConfigPath != "" {
		var err error
		if data, err = os.ReadFile(c.ConfigPath); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		name = c.ConfigPath
	}
	c.ConfigFileName = name
	f, err := ParseFile(name, data)
	if err != nil {
		return nil, err
	}
	c.File = *f
	return c, nil
}

// Texts lists every text the municipality writes in the file, by its
// path ("offices.0.name", "facts.jobcenter"), so a check can tell which
// lack a shipped language.
func (f *File) Texts() map[string]i18n.Text {
	out := map[string]i18n.Text{}
	add := func(path string, t i18n.Text) {
		if len(t) > 0 {
			out[path] = t
		}
	}
	for i, o := range f.Offices {
		p := fmt.Sprintf("offices.%d.", i)
		add(p+"name", o.Name)
		add(p+"notes", o.Notes)
		add(p+"accessibility", o.Accessibility)
	}
	for k, t := range f.Facts {
		// A fact written once (an address) reads the same in every
		// language; one written per language must have them all.
		if len(t) > 1 {
			add("facts."+k, t)
		}
	}
	add("booking.bring", f.Booking.Bring)
	for key, list := range map[string][]Contact{"legal_help": f.Emergency.LegalHelp, "women_shelter": f.Emergency.WomenShelter, "crisis_service": f.Emergency.CrisisService} {
		for i, c := range list {
			p := fmt.Sprintf("emergency.%s.%d.", key, i)
			add(p+"name", c.Name)
			add(p+"hours", c.Hours)
		}
	}
	return out
}

// ValidateServe checks what `lotse serve` needs beyond Load.
func (c *Config) ValidateServe() error {
	var errs []error
	switch {
	case c.Token == "":
		errs = append(errs, errors.New("TELEGRAM_BOT_TOKEN is required (or TELEGRAM_BOT_TOKEN_FILE)"))
	case !botToken.MatchString(c.Token.Value()):
		// Said at once, and without the value, instead of STARTUP_WAIT
		// spent asking Telegram about a token it cannot know.
		errs = append(errs, errors.New("TELEGRAM_BOT_TOKEN: not a bot token: want the form 123456789:AAE… that @BotFather gives (digits, a colon, letters, digits, _ or -)"))
	}
	if u, err := url.Parse(c.APIURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		errs = append(errs, fmt.Errorf("TELEGRAM_API_URL: not an absolute http(s) URL: %q", c.APIURL))
	}
	if c.Webhook() {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			errs = append(errs, fmt.Errorf("WEBHOOK_URL: not an absolute http(s) URL: %q", c.WebhookURL))
		}
		switch {
		case c.WebhookSecret == "":
			errs = append(errs, errors.New("WEBHOOK_SECRET is required in webhook mode: without it anyone could send the bot forged updates"))
		case !secretToken.MatchString(c.WebhookSecret.Value()):
			errs = append(errs, errors.New("WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)"))
		}
	}
	return errors.Join(errs...)
}

// botToken is the form of a bot token: the bot's numeric id, a colon, a
// secret of URL-safe characters.
var botToken = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// WebhookPath is the path of WEBHOOK_URL, where the handler listens.
func (c *Config) WebhookPath() string {
	u, err := url.Parse(c.WebhookURL)
	if err != nil || u.Path == "" || u.Path == "/" {
		return "/webhook"
	}
	return u.Path
}

// ParseFile decodes and validates a YAML configuration; errors name the
// file and line.
func ParseFile(name string, data []byte) (*File, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	f := &File{SessionIdle: 30 * 24 * time.Hour, Handover: Handover{
		StaffLanguage: "de", Timezone: "Europe/Berlin",
		ReannounceAfter: 30 * time.Minute, CloseInactiveAfter: 72 * time.Hour, Retention: 30 * 24 * time.Hour,
	}, Booking: Booking{
		Timezone: "Europe/Berlin", DaysAhead: 21, MinLead: 2 * time.Hour, MaxActive: 2,
		Topics: []string{"housing", "status", "work", "other"}, Reminders: []time.Duration{24 * time.Hour, 2 * time.Hour},
		AgendaTime: "07:30",
	}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, err)
	}
	var errs []error
	bad := func(path, msg string) {
		errs = append(errs, fmt.Errorf("config: %s:%d: %s: %s", name, lineOf(&root, path), path, msg))
	}
	warn := func(path, msg string) {
		f.Warnings = append(f.Warnings, Warning{File: name, Line: lineOf(&root, path), Path: path, Msg: msg})
	}
	if strings.TrimSpace(f.Municipality) == "" {
		bad("municipality", "must not be empty")
	}
	if f.SessionIdle < time.Hour {
		bad("session_idle", "must be at least 1h")
	}
	if f.ContentDir != "" {
		if st, err := os.Stat(f.ContentDir); err != nil || !st.IsDir() {
			bad("content_dir", fmt.Sprintf("%q is not a directory", f.ContentDir))
		}
	}
	if len(f.Offices) == 0 {
		bad("offices", "at least one office is needed: people must be able to reach a person")
	}
	// An appointment's id is the office id and 20 characters; as a cancel
	// button's data with its action and signature it must fit Telegram's
	// 64 bytes (15 more), and so must a day or time button (26 more).
	const maxOfficeID = 29
	seen := map[string]bool{}
	for i, o := range f.Offices {
		p := fmt.Sprintf("offices.%d", i)
		switch {
		case o.ID == "":
			bad(p+".id", "must not be empty")
		case seen[o.ID]:
			bad(p+".id", fmt.Sprintf("duplicate office id %q", o.ID))
		case len(o.ID) > maxOfficeID:
			bad(p+".id", fmt.Sprintf("at most %d characters, not %d", maxOfficeID, len(o.ID)))
		}
		seen[o.ID] = true
		if o.Name.In(i18n.Default) == "" || o.Address == "" || o.Phone == "" {
			bad(p, "name, address and phone are required")
		}
	}
	validateBooking(f, bad)
	validateEmergency(f.Emergency, bad)
	staffIDs, firstWithID, named := map[int64]int{}, map[string]int{}, staffNamed(f.Booking)
	for i, st := range f.Staff {
		p := fmt.Sprintf("staff.%d", i)
		// Hours and closures name case managers by id (nothing else
		// does): an id two of them share is ambiguous once something
		// names it, and harmless until then. A case manager nothing names
		// needs no id.
		if j, dup := firstWithID[st.ID]; dup && st.ID != "" {
			// Entries are named by number, not by the case manager's
			// name: serve logs these lines.
			msg := fmt.Sprintf("%q is also the id of staff.%d", st.ID, j)
			if ref, ok := named[st.ID]; ok {
				bad(p+".id", msg+", and "+ref+" names it: give each case manager an id of their own")
			} else {
				warn(p+".id", msg+": give each case manager an id of their own before hours or closures name it")
			}
		} else if st.ID != "" {
			firstWithID[st.ID] = i
		}
		// Codes are read as the people's languages are: "AR", "ar-SY"
		// and "prs" are ar and fa. One Lotse does not speak ("it", or
		// "ua" for uk) matches no person: said, and kept as harmless.
		langs := make([]string, 0, len(st.Languages))
		for _, l := range st.Languages {
			if code := languageCode(l); code != "" {
				langs = append(langs, code)
				continue
			}
			langs = append(langs, l)
			warn(p+".languages", notALanguage(l, ", so no request is routed by it"))
		}
		f.Staff[i].Languages = langs
		if j, dup := staffIDs[st.TelegramID]; st.TelegramID == 0 {
			bad(p+".telegram_id", "the case manager's numeric Telegram user id is required (telegram_id: 123456789; they get it by writing to @userinfobot)")
		} else if dup {
			bad(p+".telegram_id", fmt.Sprintf("%d is also the Telegram id of staff.%d: each case manager needs their own", st.TelegramID, j))
		} else {
			staffIDs[st.TelegramID] = i
		}
		if strings.TrimSpace(st.Name) == "" {
			bad(p+".name", "the name people are told must not be empty")
		}
	}
	// The staff group's texts exist in de and en; any other language
	// leaves the group in German rather than the bot down.
	switch code := languageCode(f.Handover.StaffLanguage); code {
	case "de", "en":
		f.Handover.StaffLanguage = code
	default:
		warn("handover.staff_language", fmt.Sprintf("%q: the staff group's texts exist in de and en only; using de — write de or en", f.Handover.StaffLanguage))
		f.Handover.StaffLanguage = "de"
	}
	h := f.Handover
	if _, err := time.LoadLocation(h.Timezone); err != nil {
		bad("handover.timezone", fmt.Sprintf("unknown time zone %q", h.Timezone))
	}
	if h.ReannounceAfter < time.Minute || h.CloseInactiveAfter < time.Hour || h.Retention < 24*time.Hour {
		bad("handover", "reannounce_after ≥ 1m, close_inactive_after ≥ 1h, retention ≥ 24h")
	}
	if h.PreviousFirst != nil && (*h.PreviousFirst < 0 || *h.PreviousFirst > 24*time.Hour) {
		bad("handover.previous_first", "between 0 and 24h")
	}
	// A code Lotse does not speak relates nothing, as in staff.languages:
	// said, and left out.
	related := map[string][]string{}
	for _, lang := range slices.Sorted(maps.Keys(h.RelatedLanguages)) {
		var codes []string
		for _, l := range append([]string{lang}, h.RelatedLanguages[lang]...) {
			code := languageCode(l)
			if code == "" {
				warn("handover.related_languages", notALanguage(l, ", so it relates no language"))
			}
			codes = append(codes, code)
		}
		if codes[0] == "" {
			continue
		}
		for _, c := range codes[1:] {
			if c != "" {
				related[codes[0]] = append(related[codes[0]], c)
			}
		}
	}
	if h.RelatedLanguages != nil {
		f.Handover.RelatedLanguages = related
	}
	for i, hr := range h.Hours {
		p := fmt.Sprintf("handover.hours.%d", i)
		from, err1 := ParseClock(hr.From)
		to, err2 := ParseClock(hr.To)
		if err1 != nil || err2 != nil || to <= from {
			bad(p, fmt.Sprintf("from %q to %q: want HH:MM, from before to", hr.From, hr.To))
		}
		if len(hr.Days) == 0 {
			bad(p+".days", "at least one day (mon … sun)")
		}
		for _, d := range hr.Days {
			if _, ok := Weekdays[strings.ToLower(d)]; !ok {
				bad(p+".days", fmt.Sprintf("unknown day %q (mon … sun)", d))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return f, nil
}

// known lists the ids of a set for an error message, "none" if empty.
func known(set map[string]bool) string {
	var ids []string
	for id, ok := range set {
		if ok && id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return "none"
	}
	slices.Sort(ids)
	return strings.Join(ids, " ")
}

// staffNamed maps each staff id that hours or closures name to the first
// place naming it.
func staffNamed(b Booking) map[string]string {
	named := map[string]string{}
	add := func(id, path string) {
		if _, ok := named[id]; !ok && id != "" {
			named[id] = path
		}
	}
	for kind, list := range map[string][]OfficeHours{"hours": b.Hours, "extra": b.Extra} {
		for i, h := range list {
			for _, id := range h.Staff {
				add(id, fmt.Sprintf("booking.%s.%d.staff", kind, i))
			}
		}
	}
	for i, c := range b.Closures {
		add(c.Staff, fmt.Sprintf("booking.closures.%d.staff", i))
	}
	return named
}

// languageCode reads a language as the file may write it — a shipped
// code in any case, with a region ("ar-SY"), an ISO 639-2/3 code of the
// same language ("prs", "ukr") or its English name ("Dari") — as the
// shipped code; "" if Lotse does not speak it.
func languageCode(l string) string {
	code := strings.ToLower(strings.TrimSpace(l))
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i]
	}
	if i18n.Shipped(code) {
		return code
	}
	return sameLanguage[code]
}

// sameLanguage are other names of the shipped languages.
var sameLanguage = map[string]string{
	"ara": "ar", "arb": "ar", "arabic": "ar",
	"ukr": "uk", "ukrainian": "uk",
	"fas": "fa", "per": "fa", "pes": "fa", "prs": "fa", "farsi": "fa", "persian": "fa", "dari": "fa",
	"pus": "ps", "pbt": "ps", "pbu": "ps", "pashto": "ps",
	"tur": "tr", "turkish": "tr",
	"kur": "ku", "kmr": "ku", "kurmanji": "ku",
	"tir": "ti", "tigrinya": "ti",
	"som": "so", "somali": "so",
	"rus": "ru", "russian": "ru",
	"fra": "fr", "fre": "fr", "french": "fr",
	"eng": "en", "english": "en",
	"deu": "de", "ger": "de", "german": "de", "deutsch": "de",
}

// countryHints are country codes written for a language.
var countryHints = map[string][2]string{
	"ua": {"Ukrainian", "uk"}, "ir": {"Farsi", "fa"}, "sy": {"Arabic", "ar"},
	"er": {"Tigrinya", "ti"}, "gb": {"English", "en"}, "us": {"English", "en"},
}

// notALanguage says that l is no language Lotse speaks, what follows
// from it (effect), and what was likely meant.
func notALanguage(l, effect string) string {
	msg := fmt.Sprintf("%q is not one of Lotse's languages (%s)%s", l, shippedCodes(), effect)
	if h, ok := countryHints[strings.ToLower(strings.TrimSpace(l))]; ok {
		msg += fmt.Sprintf("; for %s write %s", h[0], h[1])
	}
	return msg
}

// shippedCodes lists the shipped languages' codes for an error message.
func shippedCodes() string {
	codes := make([]string, len(i18n.Languages))
	for i, l := range i18n.Languages {
		codes[i] = l.Code
	}
	return strings.Join(codes, " ")
}

// yamlError turns the YAML library's errors into one line per problem in
// the form of the others, "config: lotse.yaml:4: …", with an unknown key
// or a wrong value said plainly rather than in Go's type names.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("config: %s", yamlProblem(name, strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	errs := make([]error, len(te.Errors))
	for i, e := range te.Errors {
		errs[i] = fmt.Errorf("config: %s", yamlProblem(name, e))
	}
	return errors.Join(errs...)
}

var (
	yamlLine     = regexp.MustCompile(`^line ([0-9]+): (.*)$`)
	yamlUnknown  = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	yamlBadValue = regexp.MustCompile("^cannot unmarshal !!\\w+ `(.*)` into (\\S+)$")
	yamlWants    = map[string]string{
		"time.Duration": "a duration such as 30m, 2h or 720h",
		"int":           "a whole number",
		"int64":         "a whole number",
		"float64":       "a number",
		"bool":          "true or false",
	}
)

func yamlProblem(name, msg string) string {
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return name + ": " + msg
	}
	line, msg := m[1], m[2]
	if k := yamlUnknown.FindStringSubmatch(msg); k != nil {
		msg = fmt.Sprintf("unknown key %q (a typo, or a key of another section?)", k[1])
	} else if v := yamlBadValue.FindStringSubmatch(msg); v != nil && yamlWants[v[2]] != "" {
		msg = fmt.Sprintf("%q: want %s", v[1], yamlWants[v[2]])
	}
	return name + ":" + line + ": " + msg
}

// phoneNumber is what people can dial: digits with the usual separators,
// at least three digits (110, 116 016, +49 30 123456-0).
var phoneNumber = regexp.MustCompile(`^\+?[0-9][0-9 ()/-]*[0-9]$`)

func validateEmergency(e Emergency, bad func(path, msg string)) {
	for _, g := range []struct {
		key  string
		list []Contact
	}{{"legal_help", e.LegalHelp}, {"women_shelter", e.WomenShelter}, {"crisis_service", e.CrisisService}} {
		for i, c := range g.list {
			p := fmt.Sprintf("emergency.%s.%d", g.key, i)
			if strings.TrimSpace(c.Name.In(i18n.Default)) == "" {
				bad(p+".name", "must not be empty")
			}
			digits := 0
			for _, r := range c.Phone {
				if r >= '0' && r <= '9' {
					digits++
				}
			}
			if !phoneNumber.MatchString(c.Phone) || digits < 3 {
				bad(p+".phone", fmt.Sprintf("%q is not a phone number people can dial (digits, spaces, + ( ) / -)", c.Phone))
			}
		}
	}
}

func validateBooking(f *File, bad func(path, msg string)) {
	b := f.Booking
	if _, err := time.LoadLocation(b.Timezone); err != nil {
		bad("booking.timezone", fmt.Sprintf("unknown time zone %q", b.Timezone))
	}
	if b.DaysAhead < 1 || b.DaysAhead > 365 {
		bad("booking.days_ahead", "between 1 and 365")
	}
	if b.MinLead < 0 || b.MaxActive < 1 {
		bad("booking", "min_lead must not be negative, max_active at least 1")
	}
	if len(b.Topics) == 0 {
		bad("booking.topics", "at least one topic")
	}
	for i, r := range b.Reminders {
		if r <= 0 || r > 14*24*time.Hour {
			bad(fmt.Sprintf("booking.reminders.%d", i), "between 1s and 14 days before the appointment")
		}
	}
	if _, err := ParseClock(b.AgendaTime); err != nil {
		bad("booking.agenda_time", fmt.Sprintf("%q: want HH:MM", b.AgendaTime))
	}
	offices, staff := map[string]bool{}, map[string]bool{}
	for _, o := range f.Offices {
		offices[o.ID] = true
	}
	for i, st := range f.Staff {
		staff[st.ID] = true
		for _, o := range st.Offices {
			if !offices[o] {
				bad(fmt.Sprintf("staff.%d.offices", i), fmt.Sprintf("unknown office %q (offices: %s)", o, known(offices)))
			}
		}
	}
	hours := func(kind string, list []OfficeHours, weekly bool) {
		for i, h := range list {
			p := fmt.Sprintf("booking.%s.%d", kind, i)
			if !offices[h.Office] {
				bad(p+".office", fmt.Sprintf("unknown office %q (offices: %s)", h.Office, known(offices)))
			}
			from, err1 := ParseClock(h.From)
			to, err2 := ParseClock(h.To)
			if err1 != nil || err2 != nil || to <= from {
				bad(p, fmt.Sprintf("from %q to %q: want HH:MM, from before to", h.From, h.To))
			}
			if h.Slot < 5*time.Minute || err1 == nil && err2 == nil && h.Slot > to-from {
				bad(p+".slot", "at least 5m and not longer than the hours")
			}
			if h.Capacity < 1 {
				bad(p+".capacity", "at least 1 person per slot and case manager")
			}
			if weekly {
				if len(h.Days) == 0 {
					bad(p+".days", "at least one day (mon … sun)")
				}
				for _, d := range h.Days {
					if _, ok := Weekdays[strings.ToLower(d)]; !ok {
						bad(p+".days", fmt.Sprintf("unknown day %q (mon … sun)", d))
					}
				}
			} else if _, err := time.Parse(time.DateOnly, h.Date); err != nil {
				bad(p+".date", fmt.Sprintf("%q: want YYYY-MM-DD", h.Date))
			}
			for _, s := range h.Staff {
				if !staff[s] {
					bad(p+".staff", fmt.Sprintf("unknown staff id %q (staff ids: %s)", s, known(staff)))
				}
			}
		}
	}
	hours("hours", b.Hours, true)
	hours("extra", b.Extra, false)
	for i, c := range b.Closures {
		p := fmt.Sprintf("booking.closures.%d", i)
		from, to := c.From, c.To
		if c.Date != "" {
			from, to = c.Date, c.Date
		}
		if !closureDates(from, to) {
			bad(p, "date, or from and to, as YYYY-MM-DD with from before to, or as MM-DD for every year")
		}
		if c.Office != "" && !offices[c.Office] {
			bad(p+".office", fmt.Sprintf("unknown office %q (offices: %s)", c.Office, known(offices)))
		}
		if c.Staff != "" && !staff[c.Staff] {
			bad(p+".staff", fmt.Sprintf("unknown staff id %q (staff ids: %s)", c.Staff, known(staff)))
		}
	}
}

// Weekdays maps the config's day names.
var Weekdays = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

// ParseClock reads "HH:MM" as the time since midnight.
func ParseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// lineOf finds the line of a dotted path (map keys and list indexes) in
// the YAML document, or of the deepest part that exists.
func lineOf(root *yaml.Node, path string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, part := range strings.Split(path, ".") {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part {
					line, next = n.Content[i].Line, n.Content[i+1]
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(part); err == nil && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return max(line, 1) // an empty file has no line 0

}

// fromEnvOrFile reads NAME, or the file named by NAME_FILE (Docker secrets).
func fromEnvOrFile(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	if v != "" && file != "" {
		return "", fmt.Errorf("%s and %s_FILE are both set; use one", name, name)
	}
	if file == "" {
		return v, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(data)), nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// closureDates reports whether from and to are both YYYY-MM-DD with from
// not after to, or both MM-DD (a yearly closure; "12-28" to "01-01" runs
// over New Year).
func closureDates(from, to string) bool {
	layout := time.DateOnly
	if len(from) == len("01-02") {
		layout = "01-02" // parsed in year 0, a leap year: 02-29 is valid
	}
	f, err1 := time.Parse(layout, from)
	t, err2 := time.Parse(layout, to)
	return err1 == nil && err2 == nil && (layout != time.DateOnly || !t.Before(f))
}
