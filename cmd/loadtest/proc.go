package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"lotse/internal/redisstore"
)

// cpuTime is the user+system CPU time a process has used so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// memKB reads VmRSS or VmHWM (peak RSS) of a process in KiB.
func memKB(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// redisServer starts redis-server without persistence.
func redisServer(bin string) (*redisConn, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	r := &redisConn{cmd: cmd, url: fmt.Sprintf("redis://127.0.0.1:%d/0", port), addr: fmt.Sprintf("127.0.0.1:%d", port)}
	rdb, err := redisstore.Connect(r.url, "", false)
	if err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	r.do = func(args ...any) (any, error) { return rdb.Do(context.Background(), args...).Result() }
	for i := 0; ; i++ {
		if _, err := r.do("PING"); err == nil {
			break
		} else if i > 100 {
			cmd.Process.Kill()
			return nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.close = func() { rdb.Close(); cmd.Process.Kill(); cmd.Wait() }
	return r, nil
}

type redisConn struct {
	cmd   *exec.Cmd
	url   string
	addr  string
	do    func(args ...any) (any, error)
	close func()
}

// info reads an INFO section as name → value lines.
func (r *redisConn) info(section string) map[string]string {
	v, _ := r.do("INFO", section)
	s, _ := v.(string)
	out := map[string]string{}
	for _, line := range strings.Split(s, "\r\n") {
		if k, val, ok := strings.Cut(line, ":"); ok {
			out[k] = val
		}
	}
	return out
}

// redisStats is what the harness reads from Redis before and after a window.
type redisStats struct {
	calls int64         // commands, also those run inside scripts
	cpu   time.Duration // Redis' own CPU time
}

func (r *redisConn) stats() redisStats {
	var st redisStats
	for k, v := range r.info("commandstats") {
		name := strings.TrimPrefix(k, "cmdstat_")
		if strings.HasPrefix(name, "info") || strings.HasPrefix(name, "config") || strings.HasPrefix(name, "flushall") {
			continue
		}
		calls, _, _ := strings.Cut(strings.TrimPrefix(v, "calls="), ",")
		n, _ := strconv.ParseInt(calls, 10, 64)
		st.calls += n
	}
	cpu := r.info("cpu")
	for _, k := range []string{"used_cpu_sys", "used_cpu_user"} {
		f, _ := strconv.ParseFloat(cpu[k], 64)
		st.cpu += time.Duration(f * float64(time.Second))
	}
	return st
}

// monitor counts the commands Redis runs while it is attached, those
// sent by clients and those run inside scripts, by name.
type monitor struct {
	conn      net.Conn
	top, lua  int64
	topByName map[string]int64
	luaByName map[string]int64
	done      chan struct{}
}

func (r *redisConn) monitor() (*monitor, error) {
	conn, err := net.Dial("tcp", r.addr)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		return nil, err
	}
	m := &monitor{conn: conn, topByName: map[string]int64{}, luaByName: map[string]int64{}, done: make(chan struct{})}
	rd := bufio.NewReaderSize(conn, 1<<16)
	if line, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		return nil, fmt.Errorf("monitor: %q %v", line, err)
	}
	go func() {
		defer close(m.done)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			// +1700000000.123456 [0 lua] "GET" "key"
			_, rest, ok := strings.Cut(line, "[")
			if !ok {
				continue
			}
			who, rest, _ := strings.Cut(rest, "] ")
			name, _, _ := strings.Cut(strings.TrimPrefix(rest, `"`), `"`)
			name = strings.ToLower(name)
			if strings.HasSuffix(who, " lua") {
				m.lua++
				m.luaByName[name]++
			} else {
				m.top++
				m.topByName[name]++
			}
		}
	}()
	return m, nil
}

func (m *monitor) stop() {
	m.conn.Close()
	<-m.done
}
