// Package offers owns the municipality's directory of local integration
// offers — language courses, counselling, sports clubs, the Tafel: the
// editors' file format (CSV with one row per offer, or YAML with the same
// keys), its validation with line and column, the categories, the
// translator round trip, and the search people use: by category and
// filters (spoken in my language, free, for women, with childcare, a
// district or nearest to a shared location) and by free text in any
// language.
//
// Free text goes through the knowledge base's reading of words (kb.Terms:
// the same normalization, stopwords and light stemming) into an inverted
// index built once per file; a query touches only the postings of its
// words, with score buffers reused between queries, so its cost does not
// grow with the number of offers. A Directory is read-only once built and
// safe for concurrent use; Live swaps in a newly imported one.
//
// It imports the standard library, go.yaml.in/yaml/v3 and kb; never bot,
// flows or a store. The imported file's storage (Redis) is behind Source.
package offers
