package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHealth: `lotse health`, the container's HEALTHCHECK, succeeds when
// /healthz on METRICS_ADDR answers 200 (also for ":port", as compose
// sets it) and fails otherwise.
func TestHealth(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	check := func(addr string) error {
		return run(context.Background(), time.Now, []string{"health"}, env(map[string]string{"METRICS_ADDR": addr}), nil, io.Discard, io.Discard)
	}
	for _, addr := range []string{ln.Addr().String(), ":" + port, "0.0.0.0:" + port} {
		if err := check(addr); err != nil {
			t.Errorf("METRICS_ADDR=%s: %v", addr, err)
		}
	}
	status.Store(http.StatusServiceUnavailable)
	if err := check(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("unhealthy: err = %v", err)
	}
	if err := check(freeAddr(t)); err == nil {
		t.Error("nothing listening: no error")
	}
	if err := check("nonsense"); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
		t.Errorf("bad METRICS_ADDR: err = %v", err)
	}
}
