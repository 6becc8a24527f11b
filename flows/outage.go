package flows

import "lotse/internal/i18n"

// OutageNotice is what a person is told while their message waits for an
// unreachable Redis. No session can be read then, so the language is the
// one their messenger names.
func (e *Engine) OutageNotice(languageCode string) string {
	return e.msgs.For(i18n.Match(languageCode)).T("outage.notice", nil)
}
