// Package i18n owns everything about languages: which languages Lotse
// ships, how Telegram's language_code maps onto them, loading the go-i18n
// message files from locales/, and rendering a message for one person.
//
// It is the only package that imports go-i18n. It imports nothing of ours.
package i18n
