package kb

// Terms splits text into the search terms the knowledge base matches on:
// normalized (see Normalize), without the stopwords that apply to lang
// (see stopMask) and one-letter words, Arabic-script words lightly stemmed.
// Other indexes — the local offers — use it, so a question is read the same
// way by every search in Lotse.
func Terms(text, lang string) []string {
	return analyze(text, stopMask(baseLang(lang)))
}
