package main

import "lotse/bot"

// End-to-end tests of the real program send as fast as the fake Bot API
// takes it, and their people type faster than anyone; bot's own tests
// check that the limits hold (TestBot_Pacing, TestBot_FloodControl).
func init() {
	// Bulk sends keep Telegram's 30 a second: TestSendReminders checks them.
	tuning.pacing = bot.Pacing{PerChat: 1000, ChatBurst: 100, PerGroup: 1000, GroupBurst: 100}
	tuning.userRate, tuning.userBurst = 100, 100
}
