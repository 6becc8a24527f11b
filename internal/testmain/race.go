//go:build race

package testmain

import (
	"runtime"
	"syscall"
	"time"
)

// settled waits up to settleWait for the goroutines the tests stopped
// (servers, pools closed at cleanup) to return, and reports whether only
// this one is left.
func settled() bool {
	for deadline := time.Now().Add(settleWait); runtime.NumGoroutine() > 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

const settleWait = 100 * time.Millisecond

// exitNow ends the process without the race runtime's exit: the testing
// package has already failed the run for any race it saw, in a test or
// outside of one.
func exitNow(code int) { syscall.Exit(code) }

// Race is whether the binary was built with the race detector, under
// which sync.Pool drops a quarter of what is put back on purpose, so an
// allocation count means nothing.
const Race = true
