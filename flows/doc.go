// Package flows is Lotse's conversation logic as plain Go: given a session
// and an event it decides the replies and the next session state.
//
// It imports domain, i18n, kb, offers and calendar — never Telegram types, HTTP or
// Redis — so every conversation can be tested as a table in microseconds.
// All routes are listed in one table, Engine.routes.
package flows
