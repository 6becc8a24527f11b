package main

import (
	"io/fs"
	"sync"

	"lotse/bot"
	"lotse/internal/kb"
	"lotse/locales"
)

// End-to-end tests of the real program send as fast as the fake Bot API
// takes it, and their people type faster than anyone; bot's own tests
// check that the limits hold (TestBot_Pacing, TestBot_FloodControl).
func init() {
	// Bulk sends keep Telegram's 30 a second: TestSendReminders checks them.
	tuning.pacing = bot.Pacing{PerChat: 1000, ChatBurst: 100, PerGroup: 1000, GroupBurst: 100}
	tuning.userRate, tuning.userBurst = 100, 100
	// The shipped knowledge base is read only: one load serves every start
	// (a second of CPU each under the race detector). Overrides load as
	// in production.
	tuning.loadKB = func(fsys fs.FS, overrideDir string) (*kb.KB, error) {
		if overrideDir != "" {
			return kb.Load(fsys, overrideDir)
		}
		return shippedKB()
	}
}

var shippedKB = sync.OnceValues(func() (*kb.KB, error) { return kb.Load(locales.FS, "") })
