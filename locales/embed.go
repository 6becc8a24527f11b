// Package locales embeds every user-facing text of Lotse: the message
// files (messages/<lang>.yaml), the staff group's texts (staff/de.yaml,
// staff/en.yaml), the knowledge base (kb/), the glossary of office terms
// kept in German in translations (glossary.yaml), the urgent word
// lists and the urgent and calm examples the urgent model learns from
// (urgent_examples/), the typed requests' phrase lists (intents.yaml) and
// the requests and look-alike questions their model learns from
// (intent_examples/). Go code refers to message IDs only.
package locales

import "embed"

// FS holds the shipped texts; a municipality's override directory is
// layered on top by the knowledge base loader.
//
//go:embed messages/*.yaml staff/*.yaml kb/*.yaml urgent.yaml urgent_examples/*.yaml intents.yaml intent_examples/*.yaml glossary.yaml
var FS embed.FS
