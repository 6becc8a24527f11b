// Package testmain ends test binaries. Under the race detector a process
// that exits sleeps a second first (the race runtime's atexit_sleep_ms,
// set by GORACE), so that goroutines still running get to show a race;
// the runtime's own goroutines are always there, so every race-built test
// binary slept, twenty seconds over the whole suite. Run skips that
// sleep only when the tests left no goroutine behind: nothing of theirs
// can race any more. A binary that leaks one still sleeps.
package testmain

import (
	"os"
	"testing"
)

// Run runs the tests and exits with their status.
func Run(m *testing.M) {
	code := m.Run()
	if testing.CoverMode() == "" && settled() {
		exitNow(code)
	}
	os.Exit(code)
}
