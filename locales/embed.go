// Package locales embeds every user-facing text of Lotse: the message
// files (messages/<lang>.yaml), the staff group's texts (staff/de.yaml,
// staff/en.yaml), the knowledge base (kb/), the glossary of office terms
// kept in German in translations (glossary.yaml) and the urgent
// word lists. Go code refers to message IDs only.
package locales

import "embed"

// FS holds the shipped texts; a municipality's override directory is
// layered on top by the knowledge base loader.
//
//go:embed messages/*.yaml staff/*.yaml kb/*.yaml urgent.yaml intents.yaml glossary.yaml
var FS embed.FS
