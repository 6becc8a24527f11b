package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"lotse/internal/redisstore/redistest"
	"lotse/internal/telegramtest"
)

// dashboardPanel is what the check reads of a Grafana panel.
type dashboardPanel struct {
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []dashboardPanel `json:"panels"` // a collapsed row's panels
}

// metricName finds the metric names in a PromQL expression: every metric
// the dashboard uses is Lotse's own (lotse_) or the Go client's (go_,
// process_); label names and functions never start so.
var metricName = regexp.MustCompile(`\b(?:lotse|go|process)_[a-z0-9_]+\b`)

// TestDashboard_MetricsExist: deploy/grafana/lotse.json is valid JSON and
// every metric its queries use is served on /metrics by the real program
// right after start (histograms as name_bucket, _sum, _count); the
// provisioning points Grafana at the dashboard and at the Prometheus that
// scrapes METRICS_ADDR in compose.
func TestDashboard_MetricsExist(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../deploy/grafana/lotse.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string           `json:"uid"`
		Title  string           `json:"title"`
		Panels []dashboardPanel `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("lotse.json is not valid JSON: %v", err)
	}
	var panels []dashboardPanel
	var walk func([]dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			panels = append(panels, p)
			walk(p.Panels)
		}
	}
	walk(dash.Panels)

	// The provisioned data source is the one every panel names.
	var ds struct {
		Datasources []struct{ UID, Type, URL string } `yaml:"datasources"`
	}
	readYAML(t, "../../deploy/grafana/provisioning/datasources/prometheus.yaml", &ds)
	if len(ds.Datasources) != 1 || ds.Datasources[0].Type != "prometheus" || ds.Datasources[0].URL != "http://prometheus:9090" {
		t.Fatalf("data source provisioning = %+v", ds)
	}
	uid := ds.Datasources[0].UID

	used := map[string][]string{} // metric → panels
	for _, p := range panels {
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != uid {
			t.Errorf("panel %q: data source is not the provisioned %q", p.Title, uid)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			names := metricName.FindAllString(tg.Expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q: no metric in %q", p.Title, tg.Expr)
			}
			for _, n := range names {
				used[n] = append(used[n], p.Title)
			}
		}
	}
	// What issue 12 asks the dashboard to show.
	for _, m := range []string{"lotse_updates_total", "lotse_telegram_requests_total", "lotse_handover_tickets_total", "lotse_handover_wait_seconds_bucket",
		"lotse_handover_ratings_total", "lotse_bookings_total", "lotse_answers_total", "lotse_unanswered_total", "lotse_reminders_sent_total", "lotse_offers_viewed_total"} {
		if used[m] == nil {
			t.Errorf("the dashboard does not show %s", m)
		}
	}
	if !strings.Contains(string(raw), `result=\"flood\"`) {
		t.Error("the dashboard does not show Telegram's 429s (result=\"flood\")")
	}

	var prov struct {
		Providers []struct {
			Options struct{ Path string } `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, "../../deploy/grafana/provisioning/dashboards/lotse.yaml", &prov)
	compose := string(readFile(t, "../../compose.yaml"))
	if len(prov.Providers) != 1 || !strings.Contains(compose, "./deploy/grafana/lotse.json:"+prov.Providers[0].Options.Path+"/lotse.json") {
		t.Errorf("compose does not mount the dashboard where the provider reads it (%+v)", prov)
	}
	var prom struct {
		ScrapeConfigs []struct {
			JobName      string `yaml:"job_name"`
			DNSSDConfigs []struct {
				Names []string
				Port  int
			} `yaml:"dns_sd_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "../../deploy/prometheus/prometheus.yml", &prom)
	if len(prom.ScrapeConfigs) != 1 || len(prom.ScrapeConfigs[0].DNSSDConfigs) != 1 ||
		!slices.Equal(prom.ScrapeConfigs[0].DNSSDConfigs[0].Names, []string{"lotse"}) || prom.ScrapeConfigs[0].DNSSDConfigs[0].Port != 9090 ||
		!strings.Contains(compose, `METRICS_ADDR: ":9090"`) {
		t.Errorf("Prometheus does not scrape lotse:9090, compose's METRICS_ADDR: %+v", prom)
	}

	// The real program, right after start, before any person writes.
	fake := telegramtest.MustStart(t, "47:dashboard-token")
	r := redistest.Must(t)
	addr := freeAddr(t)
	vars := r.Env()
	vars["TELEGRAM_BOT_TOKEN"], vars["TELEGRAM_API_URL"], vars["METRICS_ADDR"] = "47:dashboard-token", fake.URL(), addr
	logs := &syncWriter{}
	_, done := startServe(t, vars, logs)
	waitServing(t, "http://"+addr+"/readyz", done, logs)
	// Ready can come a moment before the first Bot API call has been
	// counted; the request metrics exist from that call on.
	metrics := get(t, "http://"+addr+"/metrics")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(metrics, "lotse_telegram_requests_total") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		metrics = get(t, "http://"+addr+"/metrics")
	}
	types := map[string]string{} // metric → counter, gauge, histogram, …
	for _, line := range strings.Split(metrics, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			types[f[2]] = f[3]
		}
	}
	for name, where := range used {
		if types[name] != "" {
			continue
		}
		found := false
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && types[base] == "histogram" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s (panels %q) is not in /metrics", name, where)
		}
	}
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	if err := yaml.Unmarshal(readFile(t, name), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
