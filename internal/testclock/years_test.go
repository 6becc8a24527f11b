package testclock_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"lotse/internal/testclock"
)

// dateSensitive are the suites whose tests run on the pinned test clock.
var dateSensitive = []string{"./flows", "./internal/redisstore/...", "./bot"}

// TestClock_OtherYears runs the date-sensitive suites with their clock in
// a past and two future years. A reading of the machine's clock that
// bypasses the injected one shows up as a failure here, whatever day the
// tests run on: in 2024 a stray time.Now is years ahead of the test's
// "now", in 2030 years behind.
func TestClock_OtherYears(t *testing.T) {
	if os.Getenv("LOTSE_LONG_TESTS") != "1" {
		t.Skip("long tier, runs three suites three times: runs with LOTSE_LONG_TESTS=1 (.ci/run has a step for it)")
	}
	if os.Getenv(testclock.Env) != "" {
		t.Skip("already running in another year")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to run the suites with")
		}
	}
	for _, year := range []int{2024, 2027, 2030} {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			// The years run at once: the suites mostly wait (leases,
			// timeouts), so three take hardly longer than one.
			t.Parallel()
			// Without -race: the suites run with it in CI already; here only
			// the dates change.
			// -timeout: a suite that hangs in one year fails this test
			// instead of outliving it.
			cmd := exec.Command(gobin, append([]string{"test", "-count=1", "-timeout=4m"}, dateSensitive...)...)
			cmd.Dir = filepath.Join("..", "..")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", testclock.Env, year))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("suites fail with the clock in %d: %v\n%s", year, err, out)
			}
		})
	}
}

// TestStart: the test date is a Monday morning in late November of the
// year asked for.
func TestStart(t *testing.T) {
	s := testclock.Start()
	if s.Weekday() != 1 || s.Month() != 11 || s.Day() < 23 || s.Day() > 29 || s.Hour() != 10 {
		t.Errorf("Start() = %v (%v)", s, s.Weekday())
	}
	if y := os.Getenv(testclock.Env); y == "" && s.Year() != testclock.DefaultYear || y != "" && fmt.Sprint(s.Year()) != y {
		t.Errorf("Start() = %v, %s=%q", s, testclock.Env, y)
	}
}
