package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// health asks a running `lotse serve` on this machine whether it is alive
// (GET /healthz on METRICS_ADDR) and fails if not. It is the container's
// HEALTHCHECK: the image has no shell and no curl.
func health(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 {
		return errUsage
	}
	addr := or(getenv("METRICS_ADDR"), "127.0.0.1:9090")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("METRICS_ADDR: want host:port such as 127.0.0.1:9090, got %q", addr)
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1" // listening on every address includes this one
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %s", url, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
