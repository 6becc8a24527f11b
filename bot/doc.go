// Package bot is Lotse's Telegram adapter: it receives updates (long
// polling or webhook), makes their processing exactly-once and ordered per
// chat through the inbox, turns them into flow events, and turns replies
// into Bot API calls, paced to Telegram's limits.
//
// It is the only package that imports go-telegram-bot-api. It must not
// import Redis: storage comes in through domain interfaces.
package bot
