// Command loadtest measures `lotse serve` from outside, side by side with
// a bare echo bot on the same client code (bot.Client, poller, dispatcher
// and Redis inbox with a conversation that sends the text back): both run
// as their own processes against a minimal Bot API on loopback that feeds
// long-polled updates from simulated people who think about a second
// between messages, and a redis-server of the harness's own.
//
// Rounds alternate the two bots; each round has a latency run (-people,
// e.g. 3,000) and a saturation run (-saturate people, more than either
// bot answers). It prints per run and as medians with ratios: replies/s,
// p50/p99 from the update's arrival at the Bot API to the reply, CPU per
// reply of the bot, of Redis and of the harness itself, Redis commands per
// message (INFO commandstats, commands inside scripts included) and RSS;
// with -perf, a perf profile of the bot in each run's window. Then, per bot
// with a small crowd: Redis bytes per person after one message (MEMORY
// USAGE over the person's keys), and commands per ordinary message sent
// by the bot and run inside Lua (MONITOR). With -callgrind it also counts
// the instructions per ordinary message under valgrind.
//
//	go run ./cmd/loadtest                  # three rounds, about four minutes
//	go run ./cmd/loadtest -rounds 1 -saturate 0 -callgrind
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "echo-bot" {
		if err := echoBot(); err != nil {
			fmt.Fprintln(os.Stderr, "echo-bot:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type harness struct {
	self, lotse string
	redis       *redisConn
	think       time.Duration
	measure     time.Duration
	runs        int
	perfDir     string // if set, each run's bot is sampled by perf record into this folder
	out         io.Writer
	env         []string
}

// result is one run of one bot.
type result struct {
	bot            string
	people         int
	replies        float64 // answered messages per second
	sends          float64 // messages the bot sent per second
	p50, p99       time.Duration
	cpu, redisCPU  time.Duration // per answered message
	harnessCPU     time.Duration // the harness's own (Bot API and people), per answered message
	cmds           float64       // Redis commands per answered message
	served, polls  float64       // updates getUpdates carried, and its answers, per answered message
	rssIdle, rssHi int64         // KiB
	lost           int64
	instr          float64 // instructions per message (callgrind)
}

func run() error {
	rounds := flag.Int("rounds", 3, "alternating rounds")
	people := flag.Int("people", 3000, "people in the latency run")
	saturate := flag.Int("saturate", 12000, "people in the saturation run (0: none)")
	think := flag.Duration("think", time.Second, "time a person thinks between a reply and their next message")
	measure := flag.Duration("measure", 8*time.Second, "measured window of a run")
	bots := flag.String("bots", "echo,lotse", "bots to compare, the first is the baseline")
	redisBin := flag.String("redis-server", "redis-server", "redis-server binary")
	lotseBin := flag.String("lotse", "", "lotse binary (default: built from ./cmd/lotse)")
	details := flag.Bool("details", true, "measure Redis bytes per person and commands per message with a small crowd")
	callgrind := flag.Bool("callgrind", false, "count instructions per message under valgrind --tool=callgrind")
	cgPeople := flag.Int("callgrind-people", 20, "people in the callgrind run")
	perfDir := flag.String("perf", "", "folder for a `perf record -g` profile of the bot in each run's measured window (perf report -i FILE)")
	var env multiFlag
	flag.Var(&env, "env", "NAME=value for both bots (repeatable), e.g. GOGC=200")
	flag.Parse()

	self, err := os.Executable()
	if err != nil {
		return err
	}
	h := &harness{self: self, lotse: *lotseBin, think: *think, measure: *measure, perfDir: *perfDir, out: os.Stdout, env: env}
	if h.lotse == "" {
		dir, err := os.MkdirTemp("", "lotse-loadtest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		h.lotse = filepath.Join(dir, "lotse")
		build := exec.Command("go", "build", "-o", h.lotse, "./cmd/lotse")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build lotse: %w", err)
		}
	}
	if h.perfDir != "" {
		if err := os.MkdirAll(h.perfDir, 0o755); err != nil {
			return err
		}
	}
	if h.redis, err = redisServer(*redisBin); err != nil {
		return err
	}
	defer h.redis.close()
	names := strings.Split(*bots, ",")
	fmt.Fprintf(h.out, "%d rounds; latency run %d people, saturation run %d people, thinking %v, measured %v each; %s\n\n",
		*rounds, *people, *saturate, *think, *measure, strings.Join(env, " "))
	var lat, sat []result
	for r := range *rounds {
		order := slices.Clone(names)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, b := range order {
			res, err := h.run(b, *people, nil)
			if err != nil {
				return err
			}
			h.print(r+1, "latency", res)
			lat = append(lat, res)
			if *saturate > 0 {
				res, err := h.run(b, *saturate, nil)
				if err != nil {
					return err
				}
				h.print(r+1, "saturated", res)
				sat = append(sat, res)
			}
		}
	}
	fmt.Fprintf(h.out, "\nmedian of %d rounds, ratio to %s:\n", *rounds, names[0])
	h.summary(names, "saturated replies/s", sat, func(r result) float64 { return r.replies }, "%.0f")
	h.summary(names, fmt.Sprintf("replies/s at %d people", *people), lat, func(r result) float64 { return r.replies }, "%.0f")
	h.summary(names, fmt.Sprintf("p50 ms at %d people", *people), lat, func(r result) float64 { return ms(r.p50) }, "%.2f")
	h.summary(names, fmt.Sprintf("p99 ms at %d people", *people), lat, func(r result) float64 { return ms(r.p99) }, "%.2f")
	h.summary(names, "bot CPU µs per reply (saturated)", sat, func(r result) float64 { return us(r.cpu) }, "%.0f")
	h.summary(names, fmt.Sprintf("bot CPU µs per reply at %d people", *people), lat, func(r result) float64 { return us(r.cpu) }, "%.0f")
	h.summary(names, "Redis CPU µs per reply (saturated)", sat, func(r result) float64 { return us(r.redisCPU) }, "%.0f")
	h.summary(names, "harness CPU µs per reply (saturated)", sat, func(r result) float64 { return us(r.harnessCPU) }, "%.0f")
	h.summary(names, "Redis commands per message", lat, func(r result) float64 { return r.cmds }, "%.1f")
	h.summary(names, "RSS idle MB", lat, func(r result) float64 { return float64(r.rssIdle) / 1024 }, "%.1f")
	h.summary(names, fmt.Sprintf("RSS peak MB at %d people", *people), lat, func(r result) float64 { return float64(r.rssHi) / 1024 }, "%.1f")
	h.summary(names, "RSS peak MB (saturated)", sat, func(r result) float64 { return float64(r.rssHi) / 1024 }, "%.1f")

	if *details {
		fmt.Fprintln(h.out)
		for _, b := range names {
			if err := h.details(b); err != nil {
				return err
			}
		}
	}
	if *callgrind {
		fmt.Fprintln(h.out)
		var cg []result
		for _, b := range names {
			res, err := h.run(b, *cgPeople, []string{"valgrind", "--tool=callgrind", "--instr-atstart=no"})
			if err != nil {
				return err
			}
			fmt.Fprintf(h.out, "callgrind %-6s %d people: %.0f instructions per message (%d messages)\n", b, *cgPeople, res.instr, int(res.replies*h.measure.Seconds()))
			cg = append(cg, res)
		}
		h.summary(names, "instructions per message", cg, func(r result) float64 { return r.instr }, "%.0f")
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func (h *harness) print(round int, mode string, r result) {
	fmt.Fprintf(h.out, "round %d %-9s %-6s %5d people: %6.0f replies/s (%6.0f sends/s)  p50 %6.2f ms  p99 %7.2f ms  bot %4.0f µs/reply  Redis %3.0f µs/reply  harness %3.0f µs/reply  %4.1f Redis cmds/msg  %4.2f updates fetched/msg in %5.3f polls  RSS %3.0f→%3.0f MB  lost %d\n",
		round, mode, r.bot, r.people, r.replies, r.sends, ms(r.p50), ms(r.p99), us(r.cpu), us(r.redisCPU), us(r.harnessCPU), r.cmds, r.served, r.polls,
		float64(r.rssIdle)/1024, float64(r.rssHi)/1024, r.lost)
}

// summary prints the median of f over each bot's results and its ratio
// to the first bot's.
func (h *harness) summary(names []string, label string, rs []result, f func(result) float64, format string) {
	if len(rs) == 0 {
		return
	}
	var meds []float64
	line := fmt.Sprintf("  %-40s", label)
	for _, b := range names {
		var vs []float64
		for _, r := range rs {
			if r.bot == b {
				vs = append(vs, f(r))
			}
		}
		slices.Sort(vs)
		med := vs[len(vs)/2]
		meds = append(meds, med)
		line += fmt.Sprintf("  %s %s (%s–%s)", b, fmt.Sprintf(format, med), fmt.Sprintf(format, vs[0]), fmt.Sprintf(format, vs[len(vs)-1]))
	}
	for _, m := range meds[1:] {
		if meds[0] != 0 {
			line += fmt.Sprintf("  ratio %.2f", m/meds[0])
		}
	}
	fmt.Fprintln(h.out, line)
}

// start starts a bot against api, wrapped in wrap (valgrind) if given.
func (h *harness) start(bot string, api *fakeAPI, wrap []string) (*exec.Cmd, error) {
	var argv []string
	switch bot {
	case "echo":
		argv = []string{h.self, "echo-bot"}
	case "lotse":
		argv = []string{h.lotse, "serve"}
	default:
		return nil, fmt.Errorf("unknown bot %q (echo, lotse)", bot)
	}
	argv = append(slices.Clone(wrap), argv...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(),
		"TELEGRAM_BOT_TOKEN=123456:loadtest", "TELEGRAM_API_URL="+api.URL(), "REDIS_URL="+h.redis.url,
		"METRICS_ADDR=127.0.0.1:0", "LOG_LEVEL=warn", "LOG_FORMAT=text", "STAFF_CHAT_ID=", "WEBHOOK_URL=", "REDIS_PREFIX=lotse")
	if len(wrap) > 0 {
		// Valgrind knows neither the signals of asynchronous preemption
		// nor RDTSCP, which the runtime reads its clock with where the CPU
		// has it (every machine here since 2 December).
		cmd.Env = append(cmd.Env, "GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off")
	}
	cmd.Env = append(cmd.Env, h.env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	wait := time.Minute
	if len(wrap) > 0 {
		wait = 10 * time.Minute
	}
	select {
	case <-api.polled:
		return cmd, nil
	case <-time.After(wait):
		stopProcess(cmd)
		return nil, fmt.Errorf("%s did not poll within %v", bot, wait)
	}
}

func stopProcess(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// fresh empties the harness's own Redis and its statistics.
func (h *harness) fresh() error {
	if _, err := h.redis.do("FLUSHALL"); err != nil {
		return err
	}
	_, err := h.redis.do("CONFIG", "RESETSTAT")
	return err
}

// run is one run: the bot starts on an empty Redis, every person writes
// /start, and once all have been answered the window opens a think time
// later; people go on asking until it ends.
func (h *harness) run(bot string, n int, wrap []string) (result, error) {
	if err := h.fresh(); err != nil {
		return result{}, err
	}
	h.runs++
	var c *crowd
	api, err := startFakeAPI(func(chat int64, at time.Time, bytes int) { c.reply(chat, at, bytes) })
	if err != nil {
		return result{}, err
	}
	defer api.Close()
	c = newCrowd(api, int64(h.runs)*1_000_000, n, h.think)
	cmd, err := h.start(bot, api, wrap)
	if err != nil {
		return result{}, err
	}
	pid := cmd.Process.Pid
	time.Sleep(300 * time.Millisecond)
	res := result{bot: bot, people: n, rssIdle: memKB(pid, "VmRSS")}
	ran := make(chan struct{})
	go func() { defer close(ran); c.run("/start") }()
	firstWait := time.Now().Add(2 * time.Minute)
	if len(wrap) > 0 {
		firstWait = time.Now().Add(10 * time.Minute)
	}
	for c.started.Load() < int64(n) && time.Now().Before(firstWait) {
		time.Sleep(20 * time.Millisecond)
	}
	from := time.Now().Add(h.think)
	to := from.Add(h.measure)
	c.setWindow(from, to)
	time.Sleep(time.Until(from))
	cpu0, rs0, self0 := cpuTime(pid), h.redis.stats(), cpuTime(os.Getpid())
	served0, polls0 := api.served.Load(), api.polls.Load()
	if len(wrap) > 0 {
		exec.Command("callgrind_control", "-i", "on", strconv.Itoa(pid)).Run()
	}
	var perf *exec.Cmd
	if h.perfDir != "" && len(wrap) == 0 {
		out := filepath.Join(h.perfDir, fmt.Sprintf("perf-%d-%s-%d.data", h.runs, bot, n))
		perf = exec.Command("perf", "record", "-q", "-g", "-F", "999", "-p", strconv.Itoa(pid), "-o", out)
		perf.Stderr = os.Stderr
		if err := perf.Start(); err != nil {
			return result{}, fmt.Errorf("perf: %w", err)
		}
	}
	time.Sleep(time.Until(to))
	if perf != nil {
		perf.Process.Signal(os.Interrupt)
		perf.Wait()
	}
	if len(wrap) > 0 {
		exec.Command("callgrind_control", "-i", "off", strconv.Itoa(pid)).Run()
	}
	cpu1, rs1, self1 := cpuTime(pid), h.redis.stats(), cpuTime(os.Getpid())
	served1, polls1 := api.served.Load(), api.polls.Load()
	res.rssHi = memKB(pid, "VmHWM")
	<-ran
	stopProcess(cmd)
	answered := float64(c.answered.Load())
	res.replies = answered / h.measure.Seconds()
	res.sends = float64(c.sends.Load()) / h.measure.Seconds()
	res.p50, res.p99 = c.percentile(0.5), c.percentile(0.99)
	res.lost = c.lost.Load()
	if answered > 0 {
		res.cpu = time.Duration(float64(cpu1-cpu0) / answered)
		res.redisCPU = time.Duration(float64(rs1.cpu-rs0.cpu) / answered)
		res.harnessCPU = time.Duration(float64(self1-self0) / answered)
		res.cmds = float64(rs1.calls-rs0.calls) / answered
		res.served = float64(served1-served0) / answered
		res.polls = float64(polls1-polls0) / answered
	}
	if len(wrap) > 0 {
		ir, err := callgrindTotal(fmt.Sprintf("callgrind.out.%d", pid))
		if err != nil {
			return result{}, err
		}
		if answered > 0 {
			res.instr = float64(ir) / answered
		}
	}
	return res, nil
}

// callgrindTotal reads the instructions counted in a callgrind output
// file (of the measured window only: counting is switched on and off
// around it), and removes the file.
func callgrindTotal(file string) (int64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	os.Remove(file)
	var total int64
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "summary: "); ok {
			total, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "totals: "); ok {
			total, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
	}
	if total == 0 {
		return 0, errors.New("callgrind: no totals in " + file)
	}
	return total, nil
}

// details: 200 people write one question each; then Redis' bytes per
// person are read, and for three seconds of ordinary messages MONITOR
// counts the commands the bot sends and those run inside Lua.
func (h *harness) details(bot string) error {
	const n = 200
	if err := h.fresh(); err != nil {
		return err
	}
	h.runs++
	var c *crowd
	api, err := startFakeAPI(func(chat int64, at time.Time, bytes int) { c.reply(chat, at, bytes) })
	if err != nil {
		return err
	}
	defer api.Close()
	c = newCrowd(api, int64(h.runs)*1_000_000, n, h.think)
	c.gate = make(chan struct{})
	cmd, err := h.start(bot, api, nil)
	if err != nil {
		return err
	}
	defer stopProcess(cmd)
	ran := make(chan struct{})
	go func() { defer close(ran); c.run(questions[0]) }()
	for c.started.Load() < n {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // the commits after the replies
	perPerson, shared, err := h.memory()
	if err != nil {
		return err
	}
	mon, err := h.redis.monitor()
	if err != nil {
		return err
	}
	from := time.Now()
	to := from.Add(3 * time.Second)
	c.setWindow(from, to)
	close(c.gate)
	<-ran
	mon.stop()
	msgs := float64(c.answered.Load())
	slices.Sort(perPerson)
	fmt.Fprintf(h.out, "%-6s Redis bytes per person after one message: median %d, max %d (%d people; keys of no person: %d B)\n",
		bot, perPerson[len(perPerson)/2], perPerson[len(perPerson)-1], len(perPerson), shared)
	fmt.Fprintf(h.out, "%-6s per ordinary message (%d): %.2f commands sent to Redis, %.2f run inside Lua; sent: %s; in Lua: %s\n",
		bot, int(msgs), float64(mon.top)/msgs, float64(mon.lua)/msgs, perMessage(mon.topByName, msgs), perMessage(mon.luaByName, msgs))
	return nil
}

func perMessage(by map[string]int64, msgs float64) string {
	var parts []string
	for name, n := range by {
		parts = append(parts, fmt.Sprintf("%s %.2f", name, float64(n)/msgs))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// memory sums MEMORY USAGE over each person's keys (those with the
// person's hash tag {c:…}) and over all other keys.
func (h *harness) memory() (perPerson []int64, shared int64, err error) {
	by := map[string]int64{}
	cursor := "0"
	for {
		v, err := h.redis.do("SCAN", cursor, "COUNT", 1000)
		if err != nil {
			return nil, 0, err
		}
		page := v.([]any)
		cursor = page[0].(string)
		for _, k := range page[1].([]any) {
			key := k.(string)
			u, err := h.redis.do("MEMORY", "USAGE", key, "SAMPLES", 0)
			if err != nil {
				continue // expired meanwhile
			}
			bytes, _ := u.(int64)
			if i := strings.Index(key, "{c:"); i >= 0 {
				tag, _, _ := strings.Cut(key[i:], "}")
				by[tag] += bytes
			} else {
				shared += bytes
			}
		}
		if cursor == "0" {
			break
		}
	}
	for _, b := range by {
		perPerson = append(perPerson, b)
	}
	if len(perPerson) == 0 {
		return nil, 0, errors.New("no person's keys in Redis")
	}
	return perPerson, shared, nil
}
