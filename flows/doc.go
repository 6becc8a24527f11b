// Package flows is Lotse's conversation logic as plain Go: given a session
// and an event it decides the replies and the next session state.
//
// It imports domain, i18n, kb, offers and calendar — never Telegram types, HTTP or
// Redis — so every conversation can be tested as a table in microseconds.
// Every route — commands, buttons, typed requests, staff commands and
// actions — is in one table (routes.go); each feature file registers its
// own, and Engine.routes calls them in one place.
package flows
