package main

import (
	"slices"
	"strings"
	"testing"

	"lotse/internal/i18n"
)

// The translate profile in compose.yaml is what the README tells people to
// run: LibreTranslate only inside the compose network, loading shipped
// languages only, and Lotse pointed at it through TRANSLATE_URL.
func TestCompose_TranslateProfile(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Profiles    []string          `yaml:"profiles"`
			Environment map[string]string `yaml:"environment"`
			Ports       []string          `yaml:"ports"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
	}
	readYAML(t, "../../compose.yaml", &compose)
	lt, ok := compose.Services["libretranslate"]
	if !ok {
		t.Fatal("compose.yaml has no libretranslate service")
	}
	if !slices.Equal(lt.Profiles, []string{"translate"}) {
		t.Errorf("libretranslate profiles = %v, want only [translate]", lt.Profiles)
	}
	if len(lt.Ports) != 0 {
		t.Errorf("libretranslate publishes %v; messages must stay inside the compose network", lt.Ports)
	}
	if len(lt.Volumes) == 0 {
		t.Error("libretranslate keeps no volume: every start would download the models again")
	}
	loads := strings.Split(lt.Environment["LT_LOAD_ONLY"], ",")
	if len(loads) == 0 || loads[0] == "" {
		t.Fatal("libretranslate loads every model (no LT_LOAD_ONLY)")
	}
	for _, l := range loads {
		if !i18n.Shipped(l) {
			t.Errorf("LT_LOAD_ONLY loads %q, not a shipped language", l)
		}
	}
	if v, ok := compose.Services["lotse"].Environment["TRANSLATE_URL"]; !ok || !strings.HasPrefix(v, "${TRANSLATE_URL") {
		t.Errorf("lotse does not take TRANSLATE_URL from the environment (%q)", v)
	}
	readme := string(readFile(t, "../../README.md"))
	if !strings.Contains(readme, "TRANSLATE_URL=http://libretranslate:5000 docker compose --profile translate up -d") {
		t.Error("README does not say how to start the translate profile")
	}
}

// The image IT runs: not root, no secret baked in, and a HEALTHCHECK that
// works without a shell (`lotse health`).
func TestDockerfile(t *testing.T) {
	docker := string(readFile(t, "../../Dockerfile"))
	var user, check string
	for _, line := range strings.Split(docker, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			user, check = "", "" // only the last stage runs
		case "USER":
			user = f[1]
		case "HEALTHCHECK":
			check = line
		case "ENV", "ARG":
			if u := strings.ToUpper(line); strings.Contains(u, "TOKEN") || strings.Contains(u, "SECRET") || strings.Contains(u, "PASSWORD") || strings.Contains(u, "REDIS_URL") {
				t.Errorf("a secret is baked into the image: %s", line)
			}
		}
	}
	if user == "" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0") {
		t.Errorf("the image runs as %q, want a non-root user", user)
	}
	if !strings.Contains(check, `CMD ["/usr/local/bin/lotse", "health"]`) {
		t.Errorf("HEALTHCHECK = %q, want it to run lotse health", check)
	}
}
